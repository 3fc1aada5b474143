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

test('bench/naive-audit.js is the user\'s gwsec audit with each transport wrapped: it spends the baseline\'s execs', (t) => {
  const pack = preparePack(undefined, { check: ['a40-*'] });
  const checks = pack.checks.slice(0, 3);
  const planned = plan(checks, collectors, derivers).collectors; // what the audit collects for them
  const requests = new Set(planned.flatMap((c) => c.requests).map((r) => JSON.stringify(r)));
  const groups = inspecGroups(checks, planned);
  const expected = {
    request: requests.size,
    inspec: groups.flat().filter((r) => r.kind === 'cmd').length + 2 * new Set(groups.flat().filter((r) => r.kind !== 'cmd').map((r) => JSON.stringify(r))).size,
  };
  for (const mode of ['request', 'inspec'] as const) {
    const argv = [...OWN_NETNS, process.execPath, join(packageRoot(), 'build', 'bench', 'naive-audit.js'), mode, '--local', '--format', 'json', ...checks.flatMap((c) => ['--check', c.id])];
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LANG: 'C', NO_COLOR: '1' } });
    t.true(r.status === 0 || r.status === 1, `${mode}: exit ${r.status}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { hosts: unknown[]; results: Array<{ check: string }> };
    t.is(report.hosts.length, 1);
    t.regex(r.stderr, new RegExp(`^naive ${mode}: ${expected[mode]} execs on 1 hosts$`, 'm'));
    t.deepEqual([...new Set(report.results.map((x) => x.check))].sort(), checks.map((c) => c.id).sort(), mode);
  }
  const bad = spawnSync(process.execPath, [join(packageRoot(), 'build', 'bench', 'naive-audit.js'), 'fast', '--local'], { encoding: 'utf8' });
  t.is(bad.status, 2);
  t.regex(bad.stderr, /usage: naive-audit\.js <request\|inspec>/);
});
