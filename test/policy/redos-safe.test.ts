/**
 * The shipped pack's `matches` patterns are listed as proved safe (src/policy/redos-safe.ts), so an
 * audit does not start recheck on every run; each entry is re-proved here with recheck itself.
 */
import test from 'ava';
import { loadPack } from '../../src/policy/load.js';
import { key, SAFE_FOR_RECHECK, SHIPPED_SAFE } from '../../src/policy/redos-safe.js';
import { defaultPackDir } from '../../src/util/paths.js';
import { checkRedos, recheckVersion } from '../../src/util/redos.js';

test('every regular expression of the shipped pack is listed as proved safe', (t) => {
  const sources = loadPack(defaultPackDir(), { cases: false }).checks.flatMap((c) => (c.regexes ?? []).map((r) => r.source));
  t.true(sources.length > 0);
  const missing = sources.map(key).filter((k) => !SHIPPED_SAFE.has(k));
  t.deepEqual(missing, [], `add to SHIPPED_SAFE in src/policy/redos-safe.ts once recheck finds them safe: ${JSON.stringify(missing)}`);
});

test('each listed pattern is safe by the installed recheck, whose version the list names', (t) => {
  t.is(recheckVersion(), SAFE_FOR_RECHECK, 'recheck was upgraded: re-prove the list and change SAFE_FOR_RECHECK');
  for (const k of SHIPPED_SAFE) {
    const slash = k.indexOf('/');
    t.is(checkRedos(k.slice(slash + 1), k.slice(0, slash)).status, 'safe', k);
  }
});
