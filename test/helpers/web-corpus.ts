/**
 * The web-attack development corpus (../shared/corpus/web-attacks): labelled attack lines and the
 * benign government-site log. Shared by the regression test and bench/webattacks.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { WebCategory } from '../../src/detect/web/index.js';
import { packageRoot } from '../../src/util/paths.js';

export const CORPUS_DIR = join(packageRoot(), '..', 'shared', 'corpus', 'web-attacks');

/** Corpus label → our category. */
export const CORPUS_CATEGORY: Record<string, WebCategory> = {
  sqli: 'sqli',
  xss: 'xss',
  path_traversal: 'path_traversal',
  command_injection: 'command_injection',
  php_injection: 'code_injection',
  scanner: 'scanner',
};

export interface LabelledLine {
  category: WebCategory;
  payload: string;
  line: string;
}

export function loadAttacks(dir = CORPUS_DIR): LabelledLine[] {
  if (!existsSync(join(dir, 'attacks.jsonl'))) throw new Error(`web-attack corpus not found at ${dir} (shared/ must sit beside the repository)`);
  return readFileSync(join(dir, 'attacks.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as { category: string; payload: string; line: string };
      const category = CORPUS_CATEGORY[r.category];
      if (!category) throw new Error(`attacks.jsonl: unknown category ${r.category}`);
      return { category, payload: r.payload, line: r.line };
    });
}

export function loadBenign(dir = CORPUS_DIR): string[] {
  return gunzipSync(readFileSync(join(dir, 'benign.log.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

