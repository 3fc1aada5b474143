import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffReports } from '../../src/audit/diff.js';
import type { Report, Result } from '../../src/model/result.js';
import type { DiffEntry, ReportDiff } from '../../src/model/diff.js';
import { emptySummary, type Status } from '../../src/model/status.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, tempDir } from '../report/helpers.js';
import { reportJson } from '../helpers/wire.js';

function rep(at: string, hosts: string[], results: Array<[string, string, Status, unknown?]>): Report {
  const rs: Result[] = results.map(([host, check, status, actual]) => ({
    host,
    check,
    status,
    severity: 'high',
    article: '40.7',
    title: { zh: check, en: check },
    evidence: [{ fact: 'x', actual: actual ?? 1, status: status === 'fail' ? 'fail' : 'pass' }],
  }));
  const summary = emptySummary();
  for (const r of rs) summary[r.status]++;
  return { schemaVersion: 2, tool: { name: 'gwsec', version: 't' }, generatedAt: at, pack: { id: 'p', version: '1' }, hosts: hosts.map((name) => ({ name, transport: 't', platform: { os: 'linux' }, durationMs: 1, status: 'ok' })), results: rs, summary };
}

test('diffReports sorts every (host, check) into new failures, fixed, still failing and changed; hosts added and removed', (t) => {
  const old = rep('t0', ['a', 'b'], [
    ['a', 'c1', 'fail'],
    ['a', 'c2', 'pass'],
    ['a', 'c3', 'fail'],
    ['a', 'c4', 'pass', 'v1'],
    ['a', 'c5', 'error'],
    ['a', 'c6', 'fail'],
    ['b', 'c1', 'pass'],
  ]);
  const now = rep('t1', ['a', 'n'], [
    ['a', 'c1', 'fail'], // still failing
    ['a', 'c2', 'fail'], // new failure
    ['a', 'c3', 'pass'], // fixed
    ['a', 'c4', 'pass', 'v2'], // changed evidence
    ['a', 'c5', 'manual'], // could not decide -> now needs a person: fixed as a finding
    ['a', 'c6', 'waived'], // accepted: no longer failing
    ['n', 'c1', 'error'], // new host: its findings are new
  ]);
  const d: ReportDiff = diffReports(old, now);
  const keys = (k: keyof Pick<ReportDiff, 'newFailures' | 'fixed' | 'stillFailing' | 'changed'>) => d[k].map((e) => `${e.host}/${e.check}:${e.from ?? '-'}>${e.to}`);
  t.deepEqual(d.hostsAdded, ['n']);
  t.deepEqual(d.hostsRemoved, ['b']);
  t.deepEqual(keys('newFailures'), ['a/c2:pass>fail', 'n/c1:->error']);
  t.deepEqual(keys('fixed'), ['a/c3:fail>pass', 'a/c5:error>manual', 'a/c6:fail>waived']);
  t.deepEqual(keys('stillFailing'), ['a/c1:fail>fail']);
  t.deepEqual(keys('changed'), ['a/c4:pass>pass']);
  t.true(d.changed[0]!.evidenceChanged);
  t.deepEqual(diffReports(now, now).newFailures, [], 'a report compared with itself has nothing new');
});

test('gwsec diff and gwsec audit --baseline --fail-on new: exit 1 only when something newly fails', async (t) => {
  const dir = await tempDir(t);
  const [old, now, out] = ['old.json', 'new.json', 'x.json'].map((f) => join(dir, f));
  const hardened = ['--fixture', join(FIXTURES, 'debian12-web-hardened')];
  t.is(gwsec(['audit', ...hardened, '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--report', `json:${old}`]).code, 1);
  // Same host, a stricter certificate threshold: one check newly fails; another host appears.
  t.is(gwsec(['audit', ...hardened, '--fixture', join(FIXTURES, 'openeuler-backend-sm'), '--var', 'CERT_MIN_DAYS=100000', '--report', `json:${now}`]).code, 1);
  const d = gwsec(['diff', old, now, '--format', 'json']);
  t.is(d.code, 1, d.stderr);
  // the wire form (snake_case since schema version 2)
  const diff = JSON.parse(d.stdout) as { hosts_added: string[]; hosts_removed: string[]; new_failures: Array<DiffEntry & { evidence_changed?: boolean }>; still_failing: DiffEntry[] };
  t.deepEqual(diff.hosts_added, ['openeuler-backend-sm']);
  t.deepEqual(diff.hosts_removed, ['centos7-web-neglected']);
  t.true(diff.new_failures.some((e) => e.host === 'debian12-web-hardened' && e.check === 'a40-3-certificates-strong' && e.from === 'pass' && e.evidence_changed === true));
  t.true(diff.still_failing.length > 0);
  t.regex(gwsec(['diff', old, now, '--lang', 'en']).stdout, /^Compared with the baseline .*\nHosts added \(1\): openeuler-backend-sm\nHosts removed \(1\): centos7-web-neglected\nNew failures \(\d+\)\n {2}debian12-web-hardened {2}a40-3-certificates-strong {2}\[40\.3, high\] {2}pass → fail {2}\(evidence changed\)/);
  t.is(gwsec(['diff', old, now, '--fail-on', 'none']).code, 0);

  // The hardened host still fails some checks, but none newly: --fail-on new passes, the default gate does not.
  const gate = gwsec(['audit', ...hardened, '--baseline', old, '--fail-on', 'new', '--report', `json:${out}`, '--lang', 'en']);
  t.is(gate.code, 0, gate.stderr);
  t.regex(gate.stderr, /New failures \(0\)/);
  const r = reportJson(await readFile(out, 'utf8'));
  t.true(r.summary.fail > 0);
  t.deepEqual(r.diff?.hostsRemoved, ['centos7-web-neglected']);
  t.is(gwsec(['audit', ...hardened, '--baseline', old, '--report', `json:${out}`]).code, 1);
  t.is(gwsec(['audit', ...hardened, '--var', 'CERT_MIN_DAYS=100000', '--baseline', old, '--fail-on', 'new', '--report', `json:${out}`]).code, 1);

  // --fail-on new without a baseline, or a baseline that is not a report, is a usage error before any host is touched.
  const noBase = gwsec(['audit', ...hardened, '--fail-on', 'new']);
  t.is(noBase.code, 2);
  t.regex(noBase.stderr, /--fail-on new compares with a baseline: give --baseline OLD\.json/);
  const bad = gwsec(['audit', ...hardened, '--baseline', join(FIXTURES, 'debian12-web-hardened', 'host.yaml')]);
  t.is(bad.code, 2);
});
