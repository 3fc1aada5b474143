/**
 * Facts and reports saved before fact keys were snake_case (schema version 1: `keyBits`, `sigAlg` …)
 * still load: `gwsec evaluate` judges last month's facts file as it judges today's, and last month's
 * report as a `--baseline` shows no change where nothing changed.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateFactPathV1, migrateFactsV1, V1_FACT_KEYS } from '../../src/report/wire.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');
const TO_V1 = Object.fromEntries(Object.entries(V1_FACT_KEYS).map(([old, now]) => [now, old]));

/** Today's JSON with every renamed key (and path segment) spelled as version 1 did. */
function toV1Text(text: string): string {
  return text.replace(/(?<=[".])(not_before|not_after|key_type|key_bits|sig_alg|key_alg|sha256_fingerprint|self_signed)(?=["[.])/g, (k) => TO_V1[k]!);
}

test('migrateFactPathV1 and migrateFactsV1 rename exactly the version-1 keys', (t) => {
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
});

test('a version-1 facts file and a version-1 baseline load: same results, same evidence, an empty diff', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-v1-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const now = join(dir, 'facts.json');
  const old = join(dir, 'facts-v1.json');
  const saved = gwsec(['facts', '--fixture', join(HOSTS, 'centos7-web-neglected'), '--fixture', join(HOSTS, 'debian12-web-hardened'), '--save', now]);
  t.is(saved.code, 0, saved.stderr);
  const text = readFileSync(now, 'utf8');
  t.true(text.includes('"key_bits"') && !text.includes('"keyBits"'));
  writeFileSync(old, toV1Text(text));
  t.true(readFileSync(old, 'utf8').includes('"keyBits": 1024'), 'the planted file spells keys as version 1 did');

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

  // last month's report (version-1 fact paths in its evidence) as a baseline: nothing changed
  const baseline = join(dir, 'report-v1.json');
  writeFileSync(baseline, toV1Text(a.stdout));
  t.true(readFileSync(baseline, 'utf8').includes('web.certificates[0].keyBits'));
  const d = gwsec(['evaluate', now, '--format', 'json', '--baseline', baseline]);
  t.is(d.code, 1, d.stderr);
  const diff = (JSON.parse(d.stdout) as { diff: Record<string, unknown[]> }).diff;
  t.deepEqual([diff.newFailures, diff.fixed, diff.changed], [[], [], []]);
  t.true((diff.stillFailing ?? []).some((e) => (e as { check: string }).check === 'a40-3-certificates-strong'));
});
