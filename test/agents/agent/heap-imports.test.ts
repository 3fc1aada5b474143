/**
 * What the running agent loads is part of its memory budget (issue 20: peak RSS ≤ 100 MB with the
 * whole rule pack on): a module's source text and code stay in V8's heap for as long as the process
 * runs. The static import graph of `agent run`'s main thread and of its detection worker must not
 * reach the packages only some configurations use; those are import()ed when configured.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../agents/agent');

/** Bare packages reached from `entry` through static `import … from` / `export … from` (compiled JS: types are gone). */
function staticPackages(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const pkgs = new Map<string, string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:') && !pkgs.has(spec)) pkgs.set(spec, file);
    }
  };
  walk(entry);
  return pkgs;
}

/** Every local module reached from `entry` through static imports. */
function staticModules(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const m of readFileSync(entry, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|^import\s+['"](\.[^'"]+)['"]/gm)) staticModules(resolve(dirname(entry), (m[1] ?? m[2])!), seen);
  return seen;
}

const HEAVY = ['zod', 'node-forge', 'systeminformation', 'chokidar'];

test('agent run: the main thread does not load the rule schema (zod), node-forge, systeminformation or chokidar', (t) => {
  const pkgs = staticPackages(resolve(AGENT, 'runner.js'));
  for (const p of HEAVY) t.false(pkgs.has(p), `${p} reached through ${pkgs.get(p)}`);
  // the walk is real: what the agent does load is found
  t.true(pkgs.has('winston'));
});

test('the detection worker loads no zod either; the rule loader worker does (and exits)', (t) => {
  const worker = staticPackages(resolve(AGENT, 'detect/worker.js'));
  for (const p of HEAVY) t.false(worker.has(p), `${p} reached through ${worker.get(p)}`);
  t.true(staticPackages(resolve(AGENT, 'detect/rules-worker.js')).has('zod'));
});

test('the modules left out are still there when configured: enrol, file watch and host drift import them', (t) => {
  t.true(staticPackages(resolve(AGENT, 'detect/fim.js')).has('chokidar'));
  t.true(staticPackages(resolve(AGENT, 'detect/drift.js')).has('systeminformation'));
  // Host snapshots (processes, connections, DNS, probes): only when the config names them.
  t.regex(readFileSync(resolve(AGENT, 'detect/index.js'), 'utf8'), /await import\(['"]\.\/hostwatch\.js['"]\)/);
  t.false([...staticModules(resolve(AGENT, 'runner.js'))].some((f) => f.endsWith('hostwatch.js')), 'hostwatch.js is not in the static graph of agent run');
  const enrol = readFileSync(resolve(AGENT, 'enrol.js'), 'utf8');
  t.regex(enrol, /await import\(['"][./]+src\/protocol\/enrolment\.js['"]\)/);
  t.true(staticPackages(resolve(AGENT, '../../src/protocol/enrolment.js')).has('node-forge'));
});
