/**
 * Parity: every module in src/parsers/ is in the fuzz registry, and each exported function is fuzzed
 * (named in some target's `covers`) or listed in `notFuzzed` with a reason. A new parser without a
 * fuzz target fails here, with the message saying what to add.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { parserRegistry } from './parsers.registry.js';

const parserDir = join(packageRoot(), 'src', 'parsers');
const modules = readdirSync(parserDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

test('every module in src/parsers/ has an entry in test/fuzz/parsers.registry.ts', (t) => {
  t.true(modules.length >= 30, `found only ${modules.length} parser modules in ${parserDir}`);
  const missing = modules.filter((m) => !parserRegistry[m]);
  t.deepEqual(missing, [], `add these to parserRegistry in test/fuzz/parsers.registry.ts: ${missing.join(', ')}`);
  const stale = Object.keys(parserRegistry).filter((m) => !modules.includes(m));
  t.deepEqual(stale, [], `registry entries without a module in src/parsers/: ${stale.join(', ')}`);
});

test('every exported function of every parser module is fuzzed or excused with a reason', (t) => {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(parserRegistry)) {
    const fns = Object.entries(entry.module).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    const covered = new Set(entry.targets.flatMap((x) => x.covers));
    for (const fn of fns) {
      const reason = entry.notFuzzed?.[fn];
      if (!covered.has(fn) && !(reason && reason.length > 20)) problems.push(`${name}.${fn}: add a target that covers it, or a notFuzzed reason`);
      if (covered.has(fn) && reason) problems.push(`${name}.${fn}: both fuzzed and excused`);
    }
    for (const c of covered) if (!fns.includes(c)) problems.push(`${name}: covers '${c}', which the module does not export as a function`);
    for (const x of Object.keys(entry.notFuzzed ?? {})) if (!fns.includes(x)) problems.push(`${name}: notFuzzed '${x}' is not an exported function`);
  }
  t.deepEqual(problems, []);
});
