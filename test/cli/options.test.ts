/**
 * Option handling (issue 16): "did you mean" for a mistyped command, `--check`/`--skip` with ids,
 * globs and comma lists, `--severity` as the minimum severity evaluated.
 */
import test from 'ava';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { selectChecks } from '../../src/audit/select.js';
import { loadPack } from '../../src/policy/load.js';
import { defaultPackDir } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

const HOST = join(packageRoot(), 'test', 'fixtures', 'hosts', 'centos7-web-neglected');
const checks = loadPack(defaultPackDir(), { cases: false }).checks;
const ids = (sel: Parameters<typeof selectChecks>[1]) => selectChecks(checks, sel).map((c) => c.id);

test('a mistyped command: exit 2 and "did you mean"', (t) => {
  const r = gwsec(['audti', '--local']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown command 'audti' — Did you mean audit\?/);
});

test('--check takes ids, globs and comma lists; --skip the same; --severity a minimum', (t) => {
  t.deepEqual(ids({ check: ['a40-7-ssh-root-login-disabled'] }), ['a40-7-ssh-root-login-disabled']);
  const ssh = ids({ check: ['a40-7-ssh-*'] });
  t.true(ssh.length >= 5 && ssh.every((id) => id.startsWith('a40-7-ssh-')));
  t.deepEqual(ids({ check: ['a40-7-ssh-*,a41-3-*'], skip: ['a40-7-ssh-two-factor', 'a41-3-log*'] }).sort(), [...ssh.filter((i) => i !== 'a40-7-ssh-two-factor'), 'a41-3-web-access-logging'].sort());
  const critical = ids({ severity: 'critical' });
  t.true(critical.length > 0 && critical.every((id) => checks.find((c) => c.id === id)!.severity === 'critical'));
  const high = ids({ severity: 'HIGH' });
  t.true(high.length > critical.length && high.every((id) => ['critical', 'high'].includes(checks.find((c) => c.id === id)!.severity)));
  t.is(ids({ severity: 'info' }).length, checks.length);
  t.throws(() => ids({ check: ['a40-7-ssh-root-login-disabld'] }), { message: /--check a40-7-ssh-root-login-disabld matches no check id — did you mean a40-7-ssh-root-login-disabled\?/ });
  t.throws(() => ids({ skip: ['nothing-*'] }), { message: /--skip nothing-\* matches no check id/ });
  t.throws(() => ids({ severity: 'urgent' }), { message: /--severity urgent: expected one of critical, high, medium, low, info/ });
  t.throws(() => ids({ check: ['a40-7-*'], severity: 'critical', skip: ['a40-7-no-*'] }), { message: /no check left to run/ });
});

test('over the CLI: a glob list selects, --skip removes, --severity filters what is evaluated and counted', (t) => {
  const r = gwsec(['audit', '--fixture', HOST, '--check', 'a40-7-ssh-*,a41-3-*', '--skip', 'a40-7-ssh-two-factor', '--format', 'json']);
  const got = (JSON.parse(r.stdout) as { results: Array<{ check: string }> }).results.map((x) => x.check);
  t.true(got.length >= 6);
  t.true(got.every((c) => /^(a40-7-ssh-|a41-3-)/.test(c)) && !got.includes('a40-7-ssh-two-factor'));
  const sev = JSON.parse(gwsec(['audit', '--fixture', HOST, '--severity', 'critical', '--format', 'json']).stdout) as { results: Array<{ severity: string }>; summary: Record<string, number> };
  t.true(sev.results.length > 0 && sev.results.every((x) => x.severity === 'critical'));
  t.is(Object.values(sev.summary).reduce((a, b) => a + b, 0), sev.results.length, 'the summary counts only what was evaluated');
  const bad = gwsec(['audit', '--fixture', HOST, '--check', 'a40-7-ssh-root-login-disabld']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /did you mean a40-7-ssh-root-login-disabled\?/);
});
