/**
 * The fleet benchmark's baselines (bench/naive-transport.ts) plug in from outside, through the
 * Transport interface: no production file (src/, cli/, agents/) knows them, names them or imports
 * anything from bench/. A product option, type or comment about them would creep back otherwise.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

const ROOT = packageRoot();
const PRODUCT = ['src', 'cli', 'agents'];

/** What would mention the baselines: their names, their option, their file, anything under bench/. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bnaive(?:Mode|Groups|Run|Transport|-transport|-audit)\b/i, 'a baseline type or file'],
  [/\bcollectNaive\b|\binspecGroups\b/, 'a baseline function'],
  [/--naive\b|\bnaive\s*\??\s*:|['"]naive['"]/, 'a naive option'],
  [/\binspec\b/i, 'the InSpec model'],
  [/from\s+['"][^'"]*\/bench\//, 'an import from bench/'],
  [/\bcollectors\/naive\b/, 'the old src/collectors/naive.ts'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|js|json|ya?ml)$/.test(e.name) ? [p] : [];
  });
}

function mentions(text: string): string[] {
  return text.split('\n').flatMap((line, i) => FORBIDDEN.filter(([re]) => re.test(line)).map(([, what]) => `${i + 1}: ${what}: ${line.trim()}`));
}

test('no production file mentions the benchmark baselines', (t) => {
  const files = PRODUCT.flatMap((d) => sources(join(ROOT, d)));
  t.true(files.length > 100, `read ${files.length} files`);
  const found = files.flatMap((f) => mentions(readFileSync(f, 'utf8')).map((m) => `${relative(ROOT, f)}:${m}`));
  t.deepEqual(found, [], 'move it under bench/ and plug it in through the Transport interface (see bench/naive-transport.ts)');
});

test('the rule catches what it is meant to catch, and a plain word stays allowed', (t) => {
  t.is(mentions("import type { NaiveMode } from '../collectors/naive.js';").length, 2);
  t.is(mentions('  naive?: NaiveMode;').length, 2);
  t.is(mentions(".option('naive', { type: 'string' })").length, 1);
  t.is(mentions('/** one per request in --naive mode */').length, 1);
  t.is(mentions('// a model of the execs InSpec spends').length, 1);
  t.is(mentions("import { x } from '../../bench/fleet.js';").length, 1);
  t.deepEqual(mentions('  const naive = Date.UTC(w.year, w.month - 1, w.day);'), []); // a naive date-time is not a baseline
});
