/**
 * A trapped host over real SSH (issue 19): FIFOs in /etc/ssh/sshd_config.d/ and /etc/pam.d/, a 2 GB
 * sparse /etc/issue.net, /etc/security/pwquality.conf a link to /dev/zero, beside a healthy copy of the same host.
 * The trapped host is still judged: its unaffected checks are decided as on the healthy one, the
 * affected ones are `error` naming the file that trapped them, none passes, and the run ends well
 * within the per-host deadline.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { scaled, scaledSeconds } from '../helpers/time.js';
import { auditJson, decided, resultsOf } from './helpers.js';

let fleet: TestFleet;
const FIXTURE = 'debian12-web-hardened';

function trap(layer: string): void {
  const etc = join(layer, 'etc');
  mkdirSync(join(etc, 'ssh', 'sshd_config.d'), { recursive: true });
  execFileSync('mkfifo', [join(etc, 'ssh', 'sshd_config.d', '50-trap.conf')]);
  mkdirSync(join(etc, 'pam.d'), { recursive: true });
  execFileSync('mkfifo', [join(etc, 'pam.d', 'common-auth-trap')]);
  writeFileSync(join(etc, 'issue.net'), '');
  truncateSync(join(etc, 'issue.net'), 2 * 1024 ** 3);
  // not /etc/login.defs: pam_umask in sudo's session stack reads it, so sudo itself would hang
  // before gwsec runs anything (a host whose sudo is trapped is a whole-host timeout, tested elsewhere)
  mkdirSync(join(etc, 'security'), { recursive: true });
  execFileSync('rm', ['-f', join(etc, 'security', 'pwquality.conf')]);
  symlinkSync('/dev/zero', join(etc, 'security', 'pwquality.conf'));
}

test.before(async () => {
  fleet = await startFleet([
    { name: 'healthy', fixture: FIXTURE },
    { name: 'trapped', fixture: FIXTURE, prepare: trap },
  ]);
});
test.after.always(() => fleet?.stop());

test('a trapped host keeps its unaffected verdicts; trapped checks are errors naming the file; well within the deadline', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['healthy', 'trapped'], sudo: 'nopasswd' });
  const deadlineS = scaledSeconds(60);
  const { report, ms } = await auditJson(inv, fleet.knownHostsFile, ['--timeout', String(deadlineS)]);
  t.log(`fleet of 2 (one trapped) finished in ${(ms / 1000).toFixed(1)} s (deadline ${deadlineS} s per host)`);
  t.true(ms < scaled(40_000), `${ms.toFixed(0)} ms`); // sshd -T blocked on the FIFO costs its own 15 s limit, not the host's

  const healthy = new Map(resultsOf(report, 'healthy').map((r) => [r.check, r]));
  const trapped = resultsOf(report, 'trapped');
  t.true(decided(report, 'healthy') >= 20);
  // every check the traps do not touch is decided on the trapped host exactly as on the healthy one
  const errors = trapped.filter((r) => r.status === 'error');
  const same = trapped.filter((r) => r.status !== 'error' && r.status === healthy.get(r.check)?.status);
  t.true(same.length >= decided(report, 'healthy') - errors.length - 2, `${same.length} same, ${errors.length} errors`);
  t.true(errors.length >= 1 && errors.length <= trapped.length / 2, `only the trapped facts fail: ${errors.map((r) => r.check).join(', ')}`);
  // each error names the file that trapped it (or says which command timed out)
  const messages = errors.flatMap((r) => r.evidence.filter((e) => e.status === 'error').map((e) => e.message?.en ?? ''));
  t.true(messages.some((m) => m === 'timeout: command sshd-T timed out'), messages.join('\n'));
  t.true(messages.some((m) => m === 'unsafe_file: /etc/pam.d/common-auth-trap: not a regular file (a FIFO, device or socket); not read'), messages.join('\n'));
  t.false(messages.some((m) => m.includes('transport_timeout')), 'no whole-host timeout');
  for (const m of messages) t.false(m.includes("\u001b") || m.includes("\u0000"), "no raw escape or NUL in a message");
  // no check that needed a trapped file passes
  for (const r of errors) t.not(r.status, 'pass');
});
