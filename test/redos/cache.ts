/**
 * recheck's `safe` verdicts for the exact patterns in the sources, recorded by `npm run redos:update`
 * (test/redos/safe-verdicts.json), so CI rechecks only new or changed patterns: recheck takes 50 to
 * 250 ms per pattern (minutes for the ~470 patterns on a loaded machine). Keyed by recheck's version,
 * the flags and the exact source; a verdict from another recheck version is ignored. Only `safe` is
 * ever recorded: a vulnerable pattern is never skipped.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

const FILE = join(packageRoot(), 'test', 'redos', 'safe-verdicts.json');
const RECHECK = (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;

export function cacheKey(source: string, flags: string): string {
  return createHash('sha256').update(`${flags}/${source}`).digest('hex').slice(0, 32);
}

export function loadVerdictCache(): { safe: Set<string> } {
  try {
    const j = JSON.parse(readFileSync(FILE, 'utf8')) as { recheck: string; safe: string[] };
    return { safe: new Set(j.recheck === RECHECK ? j.safe : []) };
  } catch {
    return { safe: new Set() };
  }
}

/** Keep only verdicts for patterns still in the code, sorted (stable diffs); temp + rename. */
export function saveVerdictCache(c: { safe: Set<string> }, live: string[]): void {
  const keep = [...new Set(live)].filter((k) => c.safe.has(k)).sort();
  writeFileSync(FILE + '.tmp', JSON.stringify({ recheck: RECHECK, note: 'written by npm run redos:update; sha256(flags/source) of patterns recheck found safe', safe: keep }, null, 1) + '\n');
  renameSync(FILE + '.tmp', FILE);
}
