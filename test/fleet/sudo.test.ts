/**
 * sudo over SSH on real hosts: password from GWSEC_SUDO_PASSWORD fed on stdin (never visible in the
 * remote argv or environment), refusal and wrong password as clear errors, requiretty.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mountNsOf, pidsInMountNamespaces } from '../harness/procs.js';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, decided, errorMessages, gwsecAsync, resultsOf, type Report } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

let fleet: TestFleet;

test.before(async () => {
  fleet = await startFleet([
    // sudo's PAM stack holds for 1.5 s after reading the password: a window to look at the remote side
    { name: 'pw', users: [{ name: 'gwtest', sudo: 'password' }], sudoDelayMs: 1500 },
    { name: 'pw-fast', users: [{ name: 'gwtest', sudo: 'password' }] },
    { name: 'nosudo', users: [{ name: 'gwtest', sudo: 'none' }] },
    { name: 'tty', users: [{ name: 'gwtest', sudo: 'nopasswd', requiretty: true }] },
  ]);
});
test.after.always(() => fleet?.stop());

/** /etc/shadow is root-only: its check is decided only when sudo worked */
const shadowCheck = (report: Report, host: string) => resultsOf(report, host).find((r) => r.check === 'a40-7-no-empty-passwords');

function ps(): Promise<string> {
  return new Promise((resolve) => execFile('ps', ['-eo', 'args'], { maxBuffer: 16 << 20 }, (_e, out) => resolve(out ?? '')));
}

/** argv and environment of every process of one test host, read from /proc */
function remoteProcesses(ns: string): Array<{ args: string; env: string }> {
  const out: Array<{ args: string; env: string }> = [];
  for (const pid of pidsInMountNamespaces(new Set([ns])).get(ns) ?? []) {
    try {
      out.push({ args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '), env: readFileSync(`/proc/${pid}/environ`, 'utf8') });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

test('sudo with a password: collected as root, and the password never shows in remote ps or environment', async (t) => {
  // the harness gives users without a password of their own the fleet's; sudo asks for that one
  const inv = fleet.inventoryFile({ hosts: ['pw'], sudo: 'password' });
  const ns = mountNsOf(fleet.host('pw').pid)!;
  let running = true;
  let samples = 0;
  let sawSudo = 0;
  const leaks: string[] = [];
  const sampler = (async () => {
    while (running) {
      const [all, mine] = [await ps(), remoteProcesses(ns)];
      samples++;
      for (const line of all.split('\n')) if (line.includes(fleet.password)) leaks.push(`ps: ${line}`);
      for (const p of mine) {
        if (/^sudo /.test(p.args)) sawSudo++;
        if (p.args.includes(fleet.password) || p.env.includes(fleet.password)) leaks.push(`${p.args} | env`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const run = await gwsecAsync(['audit', '-i', inv, '--known-hosts', fleet.knownHostsFile, '--format', 'json'], { GWSEC_SUDO_PASSWORD: fleet.password });
  running = false;
  await sampler;
  const report = reportJson(run.stdout);
  t.deepEqual(errorMessages(report, 'pw').filter((m) => m.startsWith('transport_')), [], run.stderr);
  t.is(shadowCheck(report, 'pw')?.status, 'pass', 'root-only /etc/shadow was read');
  t.true(sawSudo > 0, `the sampler saw the remote sudo at work (${samples} samples)`);
  t.deepEqual(leaks, []);
  t.false(run.stdout.includes(fleet.password) || run.stderr.includes(fleet.password));
});

test('sudo refused (not in sudoers): the host says why, root-only checks error, the rest is judged', async (t) => {
  // with a password sudo says why; sudo -n only says that it would need one
  for (const [sudo, env, why] of [
    ['password', { GWSEC_SUDO_PASSWORD: fleet.password }, /^nosudo: .*not in sudoers.*collected without sudo/],
    ['nopasswd', {}, /^nosudo: .*(not in sudoers|needs a password|asks for a password).*collected without sudo/],
  ] as const) {
    const inv = fleet.inventoryFile({ hosts: ['nosudo'], sudo });
    const { report, stderr } = await auditJson(inv, fleet.knownHostsFile, [], env);
    const notices = (report.hosts[0] as { notices?: Array<{ en: string; zh: string }> }).notices ?? [];
    t.true(notices.some((m) => why.test(m.en)), `${sudo}: ${JSON.stringify(notices)}\n${stderr}`);
    t.true(notices.some((m) => /^nosudo：.*已以非特权身份采集$/.test(m.zh)), JSON.stringify(notices));
    t.is(shadowCheck(report, 'nosudo')?.status, 'error');
    t.true(errorMessages(report, 'nosudo').some((m) => /permission_denied/.test(m)), errorMessages(report, 'nosudo').join('\n'));
    t.true(decided(report, 'nosudo') >= 10, 'checks on world-readable facts are still judged');
    t.is(report.hosts.length, 1);
  }
});

test('sudo with a wrong password is a clear error', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['pw-fast'], sudo: 'password' });
  const { report } = await auditJson(inv, fleet.knownHostsFile, [], { GWSEC_SUDO_PASSWORD: 'wrong-password' });
  const notices = (report.hosts[0] as { notices?: Array<{ en: string; zh: string }> }).notices ?? [];
  t.true(notices.some((m) => /^pw-fast: sudo refused the password/.test(m.en) && /^pw-fast：sudo 密码错误/.test(m.zh)), JSON.stringify(notices));
  t.is(shadowCheck(report, 'pw-fast')?.status, 'error');
});

test('requiretty: sudo gets a terminal and the collection works', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['tty'], sudo: 'nopasswd' });
  const { report, stderr } = await auditJson(inv, fleet.knownHostsFile);
  t.deepEqual(errorMessages(report, 'tty').filter((m) => m.startsWith('transport_')), [], stderr);
  t.is(shadowCheck(report, 'tty')?.status, 'pass');
  t.true(decided(report, 'tty') >= 20);
});
