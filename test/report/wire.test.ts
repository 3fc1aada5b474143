/**
 * The JSON wire form (schema version 2): every key a consumer sees is snake_case, envelope and fact
 * trees alike, and it reads back into the in-process shape unchanged. Facts and reports saved by
 * version 1 (camelCase envelope, `keyBits`, one-string messages) still load: `gwsec evaluate` judges
 * last month's facts file as it judges today's, and last month's report as a `--baseline` shows no
 * change where nothing changed. A newer version is a located error naming it.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiffEntry, ReportDiff } from '../../src/model/diff.js';
import type { FactsFile, HostFacts } from '../../src/model/facts.js';
import type { Evidence, HostRecord, Report, Result } from '../../src/model/result.js';
import { isSnakeCase } from '../../src/model/schema.js';
import { fromWire, migrateFactPathV1, migrateFactsV1, migrateMessageV1, toWire, V1_FACT_KEYS, WIRE_DATA_KEYS, WIRE_KEYS } from '../../src/report/wire.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');

/** Keys outside data subtrees (fact trees, sources, variables, evidence values, texts) that are not snake_case. */
function envelopeOdd(v: unknown, path: string, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => envelopeOdd(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (!isSnakeCase(k)) out.push(`${path}.${k}`);
      if (!WIRE_DATA_KEYS.has(k)) envelopeOdd(x, `${path}.${k}`, out);
    }
  }
  return out;
}

// `Required<…>`: a field added to these types does not compile here until the test covers it.
const hostFacts: Required<HostFacts> = {
  schemaVersion: 2,
  host: 'web-01',
  transport: 'ssh:web-01',
  collectedAt: '2026-12-01T00:00:00.000Z',
  durationMs: 12,
  execs: 1,
  roles: ['frontend'],
  notices: [{ en: 'sudo refused', zh: 'sudo 被拒绝' }],
  vars: { ALLOWED_PORTS: [80, 443], camelVarName: 1 },
  facts: { web: { certificates: [{ key_bits: 2048 }] }, login_defs: { lines: { PASS_MAX_DAYS: 90 } }, pam: { stacks: { 'common-auth': [] } } },
  sources: { web: ['cmd: nginx -T'] },
  error: { code: 'timeout', message: 'x' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:k' },
  acceptedHostKeys: [{ host: 'web-01', type: 'ssh-ed25519', fingerprint: 'SHA256:k' }],
};
const evidence: Required<Evidence> = { fact: 'web.certificates[0].key_bits', actual: { someKey: 1 }, op: 'ge', expected: { var: 'X', value: 2 }, status: 'fail', source: ['cmd: x'], message: { zh: '中', en: 'en' } };
const result: Required<Result> = {
  check: 'c1',
  host: 'web-01',
  status: 'waived',
  severity: 'high',
  article: '40.3',
  title: { zh: '中', en: 'en' },
  evidence: [evidence],
  outcome: 'fail',
  waiver: { owner: 'o', justification: 'j', expires: '2027-01-01', approver: 'a', ticket: 't', where: 'w.yaml:3', expired: false },
};
const hostRecord: Required<HostRecord> = {
  name: 'web-01',
  transport: 'ssh:web-01',
  platform: { os: 'linux', id: 'debian', version: '12', pretty: 'Debian' },
  durationMs: 12,
  status: 'ok',
  error: { code: 'x', message: 'y' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:k' },
  notices: [{ en: 'n', zh: '注' }],
};
const entry: Required<DiffEntry> = { host: 'web-01', check: 'c1', article: '40.3', severity: 'high', from: 'pass', to: 'fail', evidenceChanged: true };
const diff: Required<ReportDiff> = {
  old: { generatedAt: '2026-11-01T00:00:00.000Z', hosts: 1 },
  new: { generatedAt: '2026-12-01T00:00:00.000Z', hosts: 1 },
  hostsAdded: ['a'],
  hostsRemoved: ['b'],
  newFailures: [entry],
  fixed: [entry],
  stillFailing: [entry],
  changed: [entry],
};
const report: Required<Report> = {
  schemaVersion: 2,
  tool: { name: 'gwsec', version: '0.1.0' },
  generatedAt: '2026-12-01T00:00:00.000Z',
  pack: { id: 'article40', version: '1.0.0' },
  hosts: [hostRecord],
  acceptedHostKeys: [{ host: 'web-01', type: 'ssh-ed25519', fingerprint: 'SHA256:k' }],
  results: [result],
  summary: { pass: 0, fail: 0, not_applicable: 0, error: 0, manual: 0, waived: 1 },
  diff,
  waivers: { file: 'w.yaml', applied: 1, expired: [{ check: 'c1', where: 'w.yaml:3', expires: '2026-01-01', owner: 'o' }], unmatched: [{ check: 'c2', where: 'w.yaml:9', reason: 'no_result' }] },
  shard: { index: 1, count: 2, packDigest: 'p', inventoryDigest: 'i', startedAt: '2026-12-01T00:00:00.000Z' },
  merge: { count: 2, shards: [{ index: 1, file: 's1.json' }], partial: true, problems: [{ zh: '分片缺失', en: 'a shard is missing' }] },
  fleetInput: { hosts: [hostFacts], site: { name: 's', domains: ['www.example.gov.cn'], resolved: [{ domain: 'www.example.gov.cn', address: '1.2.3.4', country: 'CN' }] } },
};

test('every key of a fully populated report, facts file and diff is snake_case on the wire; fact trees are kept as they are', (t) => {
  const wire = toWire(report);
  t.deepEqual(envelopeOdd(wire, ''), []);
  t.is(wire.schema_version, 2);
  t.deepEqual(Object.keys(wire), ['schema_version', 'tool', 'generated_at', 'pack', 'hosts', 'accepted_host_keys', 'results', 'summary', 'diff', 'waivers', 'shard', 'merge', 'fleet_input'], 'the documented order');
  const facts: FactsFile = { schemaVersion: 2, tool: { name: 'gwsec', version: '0.1.0' }, hosts: [hostFacts] };
  const fw = toWire(facts);
  t.deepEqual(envelopeOdd(fw, ''), []);
  t.deepEqual(Object.keys((fw.hosts as object[])[0]!), ['schema_version', 'host', 'transport', 'collected_at', 'duration_ms', 'execs', 'roles', 'notices', 'vars', 'facts', 'sources', 'error', 'host_key', 'accepted_host_keys']);
  t.deepEqual(envelopeOdd(toWire(diff), ''), []);
  // data is data: map keys, variables and evidence values keep their spelling
  const host = (fw.hosts as Array<Record<string, unknown>>)[0]!;
  t.deepEqual(host.facts, hostFacts.facts);
  t.deepEqual(host.vars, hostFacts.vars);
  t.deepEqual(envelopeOdd({ planted: { camelKey: 1 } }, ''), ['.planted.camelKey'], 'the walk can fail');
});

test('the wire form reads back into the in-process shape unchanged', (t) => {
  t.deepEqual(fromWire(JSON.parse(JSON.stringify(toWire(report))), 'report', 'r.json'), report);
  const facts: FactsFile = { schemaVersion: 2, tool: { name: 'gwsec', version: '0.1.0' }, hosts: [hostFacts] };
  t.deepEqual(fromWire(JSON.parse(JSON.stringify(toWire(facts))), 'facts', 'f.json'), facts);
  t.is(new Set(Object.values(WIRE_KEYS)).size, Object.keys(WIRE_KEYS).length, 'the rename table is one-to-one');
});

test('a newer schema version, and a file that is no gwsec file, are located errors', (t) => {
  const e = t.throws(() => fromWire({ schema_version: 3, hosts: [], results: [] }, 'report', 'new.json'));
  t.is(e?.message, 'schema version 3 was written by a newer gwsec; this one reads versions 1 and 2: upgrade gwsec to read it');
  t.like((e as unknown as { code: string; location: { file: string } }), { code: 'input_schema_version', location: { file: 'new.json' } });
  t.throws(() => fromWire({ hosts: [] }, 'facts', 'x.json'), { message: /not a gwsec facts file.*no schema_version \(2\) or schemaVersion \(1\)/ });
  t.throws(() => fromWire({ schema_version: 2, hosts: [] }, 'report', 'x.json'), { message: /not a gwsec JSON report.*results and hosts must be lists/ });
});

test('version-1 migration renames exactly the version-1 fact keys, and splits one-string messages', (t) => {
  t.is(migrateFactPathV1('web.certificates[0].keyBits'), 'web.certificates[0].key_bits');
  t.is(migrateFactPathV1('web.sm_probe.targets[1].certificates[0].sigAlg'), 'web.sm_probe.targets[1].certificates[0].sig_alg');
  t.is(migrateFactPathV1('sshd.effective.permitrootlogin'), 'sshd.effective.permitrootlogin');
  const facts = {
    web: { certificates: [{ path: '/c', keyType: 'RSA', keyBits: 1024, days_left: 3 }], sm_probe: { status: 'confirmed', targets: [{ port: 443, certificates: [{ subject: 'CN=x', keyAlg: 'SM2', sigAlg: 'SM2-with-SM3' }] }] } },
    login_defs: { lines: { PASS_MAX_DAYS: 90 } },
  };
  const before = JSON.stringify(facts);
  t.deepEqual(migrateFactsV1(facts), {
    web: { certificates: [{ path: '/c', key_type: 'RSA', key_bits: 1024, days_left: 3 }], sm_probe: { status: 'confirmed', targets: [{ port: 443, certificates: [{ subject: 'CN=x', key_alg: 'SM2', sig_alg: 'SM2-with-SM3' }] }] } },
    login_defs: { lines: { PASS_MAX_DAYS: 90 } },
  });
  t.is(JSON.stringify(facts), before, 'the input is not changed');
  t.deepEqual(migrateMessageV1('PASS_MAX_DAYS unset / 未设置 PASS_MAX_DAYS'), { en: 'PASS_MAX_DAYS unset', zh: '未设置 PASS_MAX_DAYS' });
  t.deepEqual(migrateMessageV1('a/b / c / 中文 / 注'), { en: 'a/b / c', zh: '中文 / 注' });
  t.deepEqual(migrateMessageV1('permission_denied: sshd -T'), { en: 'permission_denied: sshd -T', zh: 'permission_denied: sshd -T' });
});

test('a version-1 host notice (one "English / 中文" string) reads back as a { zh, en } pair, in reports and facts files', (t) => {
  const notice = 'nosudo: sudo refused the password; collected without sudo / 已以非特权身份采集';
  const pair = { en: 'nosudo: sudo refused the password; collected without sudo', zh: '已以非特权身份采集' };
  const report = fromWire({ schemaVersion: 1, results: [], hosts: [{ host: 'nosudo', notices: [notice] }] }, 'report', 'old.json');
  t.deepEqual(report.hosts[0]!.notices, [pair]);
  const facts = fromWire({ schemaVersion: 1, hosts: [{ schemaVersion: 1, host: 'nosudo', notices: [notice], facts: {} }] }, 'facts', 'old.json');
  t.deepEqual(facts.hosts[0]!.notices, [pair]);
});

const TO_V1_FACT = Object.fromEntries(Object.entries(V1_FACT_KEYS).map(([old, now]) => [now, old]));
const TO_V1_ENVELOPE = Object.fromEntries(Object.entries(WIRE_KEYS).map(([old, now]) => [now, old]));

/** Today's wire JSON as gwsec version 1 wrote it: camelCase envelope, camelCase certificate keys, "en / zh" messages. */
function toV1(v: unknown, inData = false): unknown {
  if (Array.isArray(v)) return v.map((x) => toV1(x, inData));
  if (typeof v === 'string') return inData ? v.replace(/(?<=\.)(key_bits|key_type|sig_alg)(?=$|[.[])/g, (k) => TO_V1_FACT[k]!) : v;
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      if (k === 'schema_version') return ['schemaVersion', 1];
      if (k === 'message' && x && typeof x === 'object') return [k, `${(x as { en: string }).en} / ${(x as { zh: string }).zh}`];
      if (k === 'fact' && typeof x === 'string') return [k, toV1(x, true)];
      const data = inData || k === 'facts' || k === 'actual';
      return [data ? (TO_V1_FACT[k] ?? k) : (TO_V1_ENVELOPE[k] ?? k), toV1(x, data)];
    }),
  );
}

test('gwsec evaluate and --baseline read version-1 files: same results, same evidence, an empty diff', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-v1-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const now = join(dir, 'facts.json');
  const old = join(dir, 'facts-v1.json');
  const saved = gwsec(['facts', '--fixture', join(HOSTS, 'centos7-web-neglected'), '--fixture', join(HOSTS, 'debian12-web-hardened'), '--save', now]);
  t.is(saved.code, 0, saved.stderr);
  const text = readFileSync(now, 'utf8');
  t.true(text.includes('"schema_version": 2') && text.includes('"collected_at"') && text.includes('"key_bits"') && !text.includes('"keyBits"'));
  writeFileSync(old, JSON.stringify(toV1(JSON.parse(text)), null, 2));
  const v1 = readFileSync(old, 'utf8');
  t.true(v1.includes('"schemaVersion": 1') && v1.includes('"collectedAt"') && v1.includes('"keyBits": 1024'), 'the planted file is written as version 1 wrote it');

  const a = gwsec(['evaluate', now, '--format', 'json']);
  const b = gwsec(['evaluate', old, '--format', 'json']);
  t.is(a.code, 1, a.stderr);
  t.is(b.code, a.code, b.stderr);
  type R = { results: Array<{ check: string; host: string; status: string; evidence: unknown }> };
  const strip = (s: string) => (JSON.parse(s) as R).results.map(({ check, host, status, evidence }) => ({ check, host, status, evidence }));
  t.deepEqual(strip(b.stdout), strip(a.stdout));
  const cert = (JSON.parse(a.stdout) as R).results.find((r) => r.check === 'a40-3-certificates-strong' && r.host === 'centos7-web-neglected')!;
  t.is(cert.status, 'fail');
  t.true(JSON.stringify(cert.evidence).includes('web.certificates[0].key_bits'));

  // last month's report (version 1 throughout) as a baseline: nothing changed
  const baseline = join(dir, 'report-v1.json');
  writeFileSync(baseline, JSON.stringify(toV1(JSON.parse(a.stdout)), null, 2));
  const old1 = readFileSync(baseline, 'utf8');
  t.true(old1.includes('web.certificates[0].keyBits') && old1.includes('"generatedAt"') && / \/ [^"]*[\u4e00-\u9fff]/.test(old1));
  const d = gwsec(['evaluate', now, '--format', 'json', '--baseline', baseline]);
  t.is(d.code, 1, d.stderr);
  const dd = (JSON.parse(d.stdout) as { diff: Record<string, unknown[]> }).diff;
  t.deepEqual([dd.new_failures, dd.fixed, dd.changed], [[], [], []]);
  t.true((dd.still_failing ?? []).some((e) => (e as { check: string }).check === 'a40-3-certificates-strong'));
  // gwsec diff reads both versions too
  const g = gwsec(['diff', baseline, join(dir, 'now.json'), '--format', 'json']);
  t.is(g.code, 2, 'a missing file is an input error');
  writeFileSync(join(dir, 'now.json'), a.stdout);
  const g2 = gwsec(['diff', baseline, join(dir, 'now.json'), '--format', 'json']);
  t.is(g2.code, 0, g2.stderr);
  t.deepEqual((JSON.parse(g2.stdout) as { changed: unknown[] }).changed, []);

  // a newer gwsec's file: exit 2, the file and the version named
  const newer = join(dir, 'facts-v9.json');
  writeFileSync(newer, text.replace('"schema_version": 2', '"schema_version": 9'));
  const n = gwsec(['evaluate', newer]);
  t.is(n.code, 2);
  t.true(n.stderr.includes(newer) && n.stderr.includes('schema version 9 was written by a newer gwsec'), n.stderr);
});
