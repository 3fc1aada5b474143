import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { collectors, derivers } from '../../src/audit/registry.js';
import { collect } from '../../src/collectors/run.js';
import { packageRoot } from '../../src/util/paths.js';
import { inspecGroups, NaiveTransport } from '../../bench/naive-transport.js';
import { preparePack } from '../../src/app/audit.js';
import { plan } from '../../src/audit/plan.js';
import { IsolatedLocalTransport, OWN_NETNS } from '../helpers/netns.js';

// The benchmark baselines must do the same work as the one script, or their ratio means nothing.
// Each collection runs in a network namespace of its own, so listening sockets of tests running
// alongside never show; what still changes from one moment to the next (processes, the clock) is left out.
const VOLATILE = new Set(['agent_status']);
const stable = (facts: Record<string, unknown>) => {
  const out = Object.fromEntries(Object.entries(facts).filter(([k]) => !VOLATILE.has(k)));
  delete (out.web as { clock?: unknown } | undefined)?.clock;
  // whether a process named sshd exists: other suites' test sshds come and go between two collections
  delete (out.sshd as { running?: unknown } | undefined)?.running;
  return out;
};

test('both naive baselines collect the same facts as the one script, with one exec per request / as InSpec spends them', async (t) => {
  const local = new IsolatedLocalTransport();
  const one = await collect(local, collectors);
  const perRequest = await collect(new NaiveTransport(local, 'request'), collectors);
  const requests = collectors.flatMap((c) => c.requests);
  const groups = [collectors.slice(0, 3), collectors.slice(2, 6), collectors].map((cs) => cs.flatMap((c) => c.requests));
  const inspec = await collect(new NaiveTransport(local, 'inspec', groups), collectors);
  t.is(one.execs, 1);
  t.is(perRequest.execs, new Set(requests.map((r) => JSON.stringify(r))).size);
  const cmdsRun = groups.flat().filter((r) => r.kind === 'cmd').length;
  const filesRead = new Set(groups.flat().filter((r) => r.kind !== 'cmd').map((r) => JSON.stringify(r))).size;
  t.is(inspec.execs, cmdsRun + 2 * filesRead); // commands every time, files once: stat + content
  t.deepEqual(stable(perRequest.facts), stable(one.facts));
  t.deepEqual(stable(inspec.facts), stable(one.facts));
});

test('the inspec model asks only for what the collection asked', async (t) => {
  const local = new IsolatedLocalTransport();
  const ssh = collectors.filter((c) => c.id === 'sshd' || c.id === 'os');
  // groups naming a collector this collection does not run
  const groups = [ssh, collectors.filter((c) => c.id === 'login_defs' || c.id === 'sshd')].map((cs) => cs.flatMap((c) => c.requests));
  const got = await collect(new NaiveTransport(local, 'inspec', groups), ssh);
  const asked = ssh.flatMap((c) => c.requests);
  const sshd = collectors.find((c) => c.id === 'sshd')!.requests;
  const cost = (rs: typeof asked) => rs.filter((r) => r.kind === 'cmd').length;
  t.is(got.execs, cost(asked) + cost(sshd) + 2 * asked.filter((r) => r.kind !== 'cmd').length);
  t.deepEqual(stable(got.facts), stable((await collect(local, ssh)).facts));
});

/** One local audit in a network namespace of its own: `gwsec audit`, or bench/naive-audit.js MODE. */
function localAudit(mode?: 'request' | 'inspec'): { results: Array<{ check: string; status: string }>; stderr: string } {
  const cli = mode ? [join(packageRoot(), 'build', 'bench', 'naive-audit.js'), mode] : [join(packageRoot(), 'bin', 'gwsec.js'), 'audit'];
  const argv = [...OWN_NETNS, process.execPath, ...cli, '--local', '--format', 'json'];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LANG: 'C', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${mode ?? 'gwsec'}: exit ${r.status}: ${r.stderr}`);
  return { results: (JSON.parse(r.stdout) as { results: Array<{ check: string; status: string }> }).results, stderr: r.stderr };
}

test('bench/naive-audit.js is the user\'s gwsec audit with each transport wrapped: the same verdicts on the whole pack, at the baseline\'s cost', (t) => {
  // The baselines must collect everything gwsec does, or they would be cheaper than gwsec for doing less.
  const checks = preparePack(undefined).checks;
  const p = plan(checks, collectors, derivers);
  const groups = inspecGroups(checks, p.collectors, derivers);
  const expected = {
    request: new Set(p.collectors.flatMap((c) => c.requests).map((r) => JSON.stringify(r))).size,
    inspec: groups.flat().filter((r) => r.kind === 'cmd').length + 2 * new Set(groups.flat().filter((r) => r.kind !== 'cmd').map((r) => JSON.stringify(r))).size,
  };
  t.true(expected.inspec > 2 * expected.request, `${expected.inspec} execs as InSpec, ${expected.request} one per request`);
  const verdicts = (rs: Array<{ check: string; status: string }>) => Object.fromEntries(rs.map((r) => [r.check, r.status]));
  const gw = verdicts(localAudit().results);
  t.true(Object.keys(gw).length >= checks.filter((c) => c.scope !== 'fleet').length);
  for (const mode of ['request', 'inspec'] as const) {
    const r = localAudit(mode);
    t.regex(r.stderr, new RegExp(`^naive ${mode}: ${expected[mode]} execs on 1 hosts$`, 'm'));
    t.deepEqual(verdicts(r.results), gw, mode);
  }
  const bad = spawnSync(process.execPath, [join(packageRoot(), 'build', 'bench', 'naive-audit.js'), 'fast', '--local'], { encoding: 'utf8' });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /usage: naive-audit\.js <request\|inspec>/);
});
