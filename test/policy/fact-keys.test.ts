/**
 * One naming style for fact keys (issue 17): every field a collector or deriver declares is
 * snake_case, every key the fixture hosts' facts actually carry is too (map keys, the host's own
 * names, excepted), and `policy lint` rejects a camelCase fact path in a check or a case file with a
 * located error that names the right spelling.
 */
import test from 'ava';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectors, derivers } from '../../src/audit/registry.js';
import { deriveAll } from '../../src/audit/derive.js';
import { geoLookup } from '../../src/geo/index.js';
import { isSnakeCase, nonSnakeFields, snakeCase, t as ft, type FactType } from '../../src/model/schema.js';
import { factRoots, lintPack } from '../../src/policy/lint.js';
import { loadPack, resolveVariables } from '../../src/policy/load.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { defaultPackDir, packageRoot } from '../../src/util/paths.js';
import { auditWith, embeddedPack } from '../helpers/audit.js';
import { gwsec } from '../helpers/cli.js';
import { scaled } from '../helpers/time.js';

const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');

test('snakeCase and isSnakeCase agree on what a fact key should look like', (t) => {
  for (const [from, to] of [['keyBits', 'key_bits'], ['sha256Fingerprint', 'sha256_fingerprint'], ['notAfter', 'not_after'], ['days_left', 'days_left'], ['publicIps', 'public_ips'], ['TLSVersion', 'tls_version'], ['HTTPServer', 'http_server'], ['common-auth', 'common_auth'], ['a - b', 'a_b'], ['ipv6Addr', 'ipv6_addr']]) {
    t.is(snakeCase(from!), to, from);
    t.true(isSnakeCase(to!), to);
  }
  // linear: a long run of capitals (the old regex backtracked on it)
  const t0 = performance.now();
  t.is(snakeCase('A'.repeat(50_000) + 'b').length, 50_002);
  t.true(performance.now() - t0 < scaled(1000));
  for (const bad of ['keyBits', 'Key', 'common-auth', '_x', 'a__b', 'x_']) t.false(isSnakeCase(bad), bad);
});

test('registry parity: every family id and every field every collector and deriver declares is snake_case', (t) => {
  const bad = [...collectors, ...derivers].flatMap((c) => [...(isSnakeCase(c.id) ? [] : [`family ${c.id}`]), ...nonSnakeFields(c.schema, c.id)]);
  // the fleet root a `scope: fleet` check sees (fleet.hosts[], fleet.site, fleet.separation) without the host families again
  const { fleetRoot } = factRoots([], []);
  bad.push(...nonSnakeFields(fleetRoot, '').map((p) => p.slice(1)));
  t.deepEqual(
    bad.map((p) => `${p}: rename to ${snakeCase(p.split('.').pop()!.replace('[]', ''))} in the schema and in what parse()/derive() returns`),
    [],
  );
  t.true(collectors.length + derivers.length >= 25);
});

test('nonSnakeFields finds a camelCase field wherever it hides (lists, maps, nullables)', (t) => {
  const schema = ft.obj({ ok_key: ft.arr(ft.obj({ keyBits: ft.num })), m: ft.map(ft.nullable(ft.obj({ sigAlg: ft.str }))) });
  t.deepEqual(nonSnakeFields(schema, 'web'), ['web.ok_key[].keyBits', 'web.m.*.sigAlg']);
});

/** Keys of `value` that are field names (not keys of a map node) and not snake_case. */
function oddKeys(value: unknown, schema: FactType | undefined, path: string, out: string[]): string[] {
  while (schema?.kind === 'nullable') schema = schema.of;
  if (Array.isArray(value)) value.forEach((v, i) => oddKeys(v, schema?.kind === 'array' ? schema.of : schema, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (schema?.kind === 'map') oddKeys(v, schema.of, `${path}.${k}`, out);
      else {
        if (!isSnakeCase(k)) out.push(`${path}.${k}`);
        oddKeys(v, schema?.kind === 'object' ? schema.fields[k] : schema?.kind === 'any' ? schema : undefined, `${path}.${k}`, out);
      }
    }
  }
  return out;
}

test('every key in the collected and derived facts of every fixture host is snake_case (map keys aside)', async (t) => {
  const families: Record<string, FactType> = {};
  for (const c of [...collectors, ...derivers]) families[c.id] = c.schema;
  const root = ft.obj(families);
  const dirs = readdirSync(HOSTS).filter((d) => existsSync(join(HOSTS, d, 'host.yaml')));
  t.true(dirs.length >= 6);
  const variables = resolveVariables(embeddedPack());
  for (const d of dirs) {
    const { host } = await auditWith(FixtureTransport.fromDir(join(HOSTS, d)));
    const facts = deriveAll(host.facts, derivers, { variables, geo: geoLookup(), host: { name: d, roles: [], publicIps: [] } });
    t.true(Object.keys(facts).length >= collectors.length, d);
    t.deepEqual(oddKeys(facts, root, d, []), [], `${d}: fact keys must be snake_case`);
  }
  t.deepEqual(oddKeys({ web: { certificates: [{ keyBits: 1 }] }, login_defs: { lines: { PASS_MAX_DAYS: '90' } } }, root, 'h', []), ['h.web.certificates[0].keyBits'], 'the walk can fail');
});

/** A copy of the shipped pack whose certificate check and cases still spell the keys as version 1 did. */
function v1Pack(t: { teardown(f: () => void): void }): { dir: string; check: string; cases: string; checkText: string; casesText: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-factcase-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(defaultPackDir(), dir, { recursive: true });
  const check = join(dir, '03-crypto', 'a40-3-certificates-strong.yaml');
  const cases = join(dir, '03-crypto', 'a40-3-certificates-strong.cases.yaml');
  const camel = (s: string) => s.replaceAll('key_bits', 'keyBits').replaceAll('sig_alg', 'sigAlg');
  writeFileSync(check, camel(readFileSync(check, 'utf8')));
  writeFileSync(cases, camel(readFileSync(cases, 'utf8')));
  return { dir, check, cases, checkText: readFileSync(check, 'utf8'), casesText: readFileSync(cases, 'utf8') };
}

const lineOf = (text: string, needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;

test('policy lint: a camelCase fact path in a check and a camelCase key in a case are located errors naming the snake_case key', (t) => {
  const p = v1Pack(t);
  const errors = lintPack(loadPack(p.dir), collectors, derivers);
  t.true(errors.length > 0);
  t.true(errors.every((e) => e.code === 'policy_fact_case'), errors.map((e) => e.format()).join('\n'));
  const inCheck = errors.filter((e) => e.location?.file === p.check);
  // each of the three leaves that names @.keyBits or @.sigAlg, at the line of its fact:, and no "unknown path" besides
  t.is(inCheck.length, 3, inCheck.map((e) => e.format()).join('\n'));
  const first = inCheck.find((e) => e.message.includes('@.keyBits'))!;
  t.is(first.location?.line, lineOf(p.checkText, '"@.keyBits"'));
  t.regex(first.message, /^a40-3-certificates-strong: fact @\.keyBits: fact keys are snake_case \(keyBits -> key_bits; older packs and saved facts spelled some in camelCase\): rename it/);
  const inCases = errors.filter((e) => e.location?.file === p.cases);
  t.true(inCases.length >= 2, inCases.map((e) => e.format()).join('\n'));
  const c = inCases[0]!;
  t.regex(c.message, /^a40-3-certificates-strong: case facts key web\.certificates\.0\.(keyBits|sigAlg): .*(keyBits -> key_bits|sigAlg -> sig_alg)/);
  t.is(c.location?.line, lineOf(p.casesText, 'keyBits'));
});

test('policy lint: map keys (login_defs.lines.PASS_MAX_DAYS, PAM stack files) are the host\'s names and pass; the shipped pack is clean', (t) => {
  t.deepEqual(lintPack(embeddedPack(), collectors, derivers).filter((e) => e.code === 'policy_fact_case').map((e) => e.format()), []);
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-factcase-map-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(defaultPackDir(), dir, { recursive: true });
  const check = join(dir, '07-accounts', 'a40-7-password-ageing.yaml');
  writeFileSync(check, readFileSync(check, 'utf8').replace('fact: login_defs.pass_max_days', 'fact: login_defs.lines.PASS_MAX_DAYS'));
  const cases = join(dir, '07-accounts', 'a40-7-password-ageing.cases.yaml');
  writeFileSync(
    cases,
    readFileSync(cases, 'utf8').replace('pass:\n', 'pass:\n  - name: map keys\n    facts:\n      login_defs: { present: true, lines: { PASS_MAX_DAYS: 90 }, pass_max_days: 90, pass_min_days: 1, pass_warn_age: 7 }\n      pam: { stacks: { common-auth: [] } }\n'),
  );
  t.true(readFileSync(cases, 'utf8').includes('PASS_MAX_DAYS: 90'));
  t.deepEqual(lintPack(loadPack(dir), collectors, derivers).map((e) => e.format()), []);
});

test('gwsec policy lint: a version-1 spelling in a check exits 2 with file:line and the check id', (t) => {
  const p = v1Pack(t);
  const r = gwsec(['policy', 'lint', '--pack', p.dir]);
  t.is(r.code, 2, r.stderr);
  const line = r.stderr.split('\n').find((l) => l.includes('[policy_fact_case]') && l.includes('@.keyBits'));
  t.truthy(line, r.stderr);
  t.true(line!.includes(`${p.check}:${lineOf(p.checkText, '"@.keyBits"')}:`), line);
  t.true(line!.includes('a40-3-certificates-strong'), line);
});
