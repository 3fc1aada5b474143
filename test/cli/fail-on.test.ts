/**
 * Exit status follows `--fail-on SEVERITY` (default low): an info-severity recommendation is shown
 * but does not fail the run; a `fail` or an `error` at or above the threshold does (issue 16).
 */
import test from 'ava';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { exitStatus, parseFailOn, runFailures } from '../../src/audit/fail-on.js';
import type { Report, Result } from '../../src/model/result.js';
import { emptySummary } from '../../src/model/status.js';
import { gwsec } from '../helpers/cli.js';
import { reportJson } from '../helpers/wire.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');
const debian = join(HOSTS, 'debian12-web-hardened');

test('an info recommendation (a40-2-os-domestic) is shown but does not fail the run', (t) => {
  const r = gwsec(['audit', '--fixture', debian, '--check', 'a40-2-os-domestic']);
  t.regex(r.stdout, /FAIL\s+info\s+a40-2-os-domestic/);
  t.is(r.code, 0, r.stdout);
  t.regex(r.stdout, /Verdict: PASS \(no fail or error at or above low\)/);
  t.is(gwsec(['audit', '--fixture', debian, '--check', 'a40-2-os-domestic', '--fail-on', 'info']).code, 1);
});

test('--fail-on sets the threshold: high failures fail at high, not at critical', (t) => {
  const all = reportJson(gwsec(['audit', '--fixture', debian, '--format', 'json']).stdout);
  const high = all.results.filter((r) => r.status === 'fail' && r.severity === 'high');
  t.true(high.length > 0 && !all.results.some((r) => (r.status === 'fail' || r.status === 'error') && r.severity === 'critical'), 'the fixture has high findings and no critical one');
  t.is(gwsec(['audit', '--fixture', debian]).code, 1);
  t.is(gwsec(['audit', '--fixture', debian, '--fail-on', 'high']).code, 1);
  t.is(gwsec(['audit', '--fixture', debian, '--fail-on', 'critical']).code, 0);
});

test('an error result at or above the threshold fails the run: not checked is not green', (t) => {
  // sudo refused: root-only facts are error, e.g. a40-7-no-empty-passwords (critical)
  const host = join(HOSTS, 'debian12-sudo-refused');
  const r = gwsec(['audit', '--fixture', host, '--check', 'a40-7-no-empty-passwords', '--format', 'json']);
  t.is(reportJson(r.stdout).results[0]?.status, 'error');
  t.is(r.code, 1);
});

test('a bad --fail-on is a usage error (exit 2) before anything is audited', (t) => {
  const r = gwsec(['audit', '--fixture', debian, '--fail-on', 'severe']);
  t.is(r.code, 2);
  t.regex(r.stderr, /--fail-on severe: expected one of critical, high, medium, low, info/);
  t.is(r.stdout, '');
});

test('parseFailOn returns a predicate over results; exit status counts unaudited hosts whatever the gate', (t) => {
  const res = (severity: Result['severity'], status: Result['status']): Result => ({ check: 'c', host: 'h', status, severity, article: '40.1', title: { zh: '', en: '' }, evidence: [] });
  const gate = parseFailOn('medium');
  t.true(gate(res('critical', 'fail')));
  t.true(gate(res('medium', 'fail')));
  t.false(gate(res('low', 'fail')));
  t.true(parseFailOn(undefined)(res('low', 'fail')));
  t.false(parseFailOn(undefined)(res('info', 'fail')));
  const report = (results: Result[], hostStatus: 'ok' | 'unreachable'): Report => ({
    schemaVersion: 2,
    tool: { name: 'gwsec', version: '0' },
    generatedAt: '',
    pack: { id: 'p', version: '1' },
    hosts: [{ name: 'h', transport: 'ssh:h', platform: { os: 'linux' }, durationMs: 0, status: hostStatus }],
    results,
    summary: emptySummary(),
  });
  t.is(exitStatus(runFailures(report([res('low', 'fail'), res('high', 'manual'), res('high', 'not_applicable')], 'ok'), gate)), 0);
  t.is(exitStatus(runFailures(report([res('high', 'error')], 'ok'), gate)), 1);
  t.is(exitStatus(runFailures(report([], 'unreachable'), parseFailOn('critical'))), 1);
});
