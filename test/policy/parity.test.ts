/**
 * Registry parity (DESIGN §7): fails, saying exactly what to add, when a check lacks cases, a
 * check needs a fact no collector declares, a collector lacks a test or fixture answers, or the
 * catalogue names a check the pack does not have.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectors, derivers } from '../../src/audit/registry.js';
import { lintPack } from '../../src/policy/lint.js';
import { runCases } from '../../src/policy/tester.js';
import { catalogs } from '../../src/i18n/index.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';
import { embeddedPack } from '../helpers/audit.js';

const ROOT = packageRoot();
const pack = embeddedPack();
const HOSTS = join(ROOT, 'test', 'fixtures', 'hosts');
const hostDirs = readdirSync(HOSTS).filter((d) => existsSync(join(HOSTS, d, 'host.yaml')));

test('the embedded pack type-checks against the collectors (gwsec policy lint)', (t) => {
  t.deepEqual(lintPack(pack, collectors, derivers).map((e) => e.format()), []);
});

test('every check has a cases file with at least one pass and one fail case', (t) => {
  const missing = pack.checks.flatMap((c) => {
    const cf = pack.cases.get(c.id);
    const file = relative(ROOT, c.source!.file).replace(/\.yaml$/, '.cases.yaml');
    if (!cf) return [`${c.id}: add ${file} with pass: and fail: cases`];
    return (['pass', 'fail'] as const).filter((s) => !(cf[s]?.length)).map((s) => `${c.id}: add a '${s}:' case to ${file}`);
  });
  t.deepEqual(missing, []);
});

test('every case of every check gets its expected status (gwsec policy test)', (t) => {
  const bad = runCases(pack).filter((o) => !o.ok).map((o) => `${o.check} — ${o.name}: expected ${o.expected}, got ${o.actual}`);
  t.deepEqual(bad, []);
});

test('a check lives in the folder of its article', (t) => {
  const wrong = pack.checks.filter((c) => {
    const folder = relative(join(ROOT, 'policies', 'article40'), c.source!.file).split('/')[0]!;
    const n = Number(folder.split('-')[0]);
    return c.article.startsWith('40.') ? Number(c.article.slice(3)) !== n : n !== 41;
  });
  t.deepEqual(wrong.map((c) => `${c.id} (article ${c.article}) is in ${relative(ROOT, c.source!.file)}`), []);
});

test('every check of the catalogue (shared/ARTICLE40-CHECKS.md) is in the pack', (t) => {
  const catalogue = join(ROOT, '..', 'shared', 'ARTICLE40-CHECKS.md');
  const ids = [...readFileSync(catalogue, 'utf8').matchAll(/`(a4[01]-[0-9]+-[a-z0-9-]+)`/g)].map((m) => m[1]!);
  t.true(ids.length >= 40);
  const have = new Set(pack.checks.map((c) => c.id));
  t.deepEqual(ids.filter((id) => !have.has(id)).map((id) => `catalogue check ${id} has no policies/article40/*/${id}.yaml`), []);
});

test('every collector and deriver is registered under its file name and has a test', (t) => {
  const problems: string[] = [];
  const infra = new Set(['index', 'types', 'run', 'script', 'answers', 'redact', 'unit-states']);
  const files = readdirSync(join(ROOT, 'src', 'collectors')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).filter((f) => !infra.has(f));
  const ids = new Set(collectors.map((c) => c.id));
  for (const f of files) if (!ids.has(f) && !ids.has(f.replace(/-/g, '_'))) problems.push(`src/collectors/${f}.ts is not in the registry src/audit/registry.ts`);
  for (const c of collectors) {
    const base = [c.id, c.id.replace(/_/g, '-')];
    if (!base.some((b) => existsSync(join(ROOT, 'test', 'collectors', `${b}.test.ts`)))) problems.push(`collector ${c.id}: add test/collectors/${c.id}.test.ts`);
  }
  for (const d of derivers) {
    const base = [d.id, d.id.replace(/_/g, '-')];
    if (!base.some((b) => existsSync(join(ROOT, 'test', 'facts', `${b}.test.ts`)))) problems.push(`deriver ${d.id}: add test/facts/${d.id}.test.ts`);
  }
  const dup = [...collectors.map((c) => c.id), ...derivers.map((d) => d.id)].filter((id, i, all) => all.indexOf(id) !== i);
  for (const id of dup) problems.push(`family ${id} is produced twice`);
  t.deepEqual(problems, []);
});

test('every fixture host has a recording of every command every collector asks for', (t) => {
  const problems: string[] = [];
  const cmds = collectors.flatMap((c) => c.requests.filter((r) => r.kind === 'cmd').map((r) => ({ collector: c.id, req: r })));
  for (const h of hostDirs) {
    const fx = FixtureTransport.fromDir(join(HOSTS, h));
    fx.answer(cmds.map((x) => x.req));
    for (const name of fx.unrecorded()) problems.push(`${h}: add test/fixtures/hosts/${h}/cmd/${name}.txt (and .rc if not 0; 127 = not installed)`);
  }
  t.deepEqual(problems, []);
});

test('zh and en message catalogs have the same keys', (t) => {
  t.deepEqual(Object.keys(catalogs.zh).sort(), Object.keys(catalogs.en).sort());
});
