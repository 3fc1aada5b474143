/**
 * The web-attack development corpus (../shared/corpus/web-attacks): labelled attack lines and the
 * benign government-site log. Shared by the regression test and bench/webattacks.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { huntFileParallel } from '../../src/app/hunt.js';
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


/** The shipped rule that raises each category's alert (policies/detections/web-*.yaml). */
export const CATEGORY_RULE: Record<WebCategory, string> = {
  sqli: 'web-sqli',
  xss: 'web-xss',
  path_traversal: 'web-path-traversal',
  command_injection: 'web-command-injection',
  code_injection: 'web-code-injection',
  scanner: 'web-scanner-ua',
};

/** What the product made of one line: the rules it raised or counted into an alert, and the event's web fields. */
export interface LineVerdict {
  /** False when the nginx parser did not read the line (it then reaches no rule). */
  parsed: boolean;
  /** Rule ids whose alert this line opened or counted into (any rule of the pack). */
  rules: string[];
  target: string;
  categories: string[];
  evidence: string[];
}

/**
 * The lines as a log file through exactly what `gwsec detect --file FILE --source nginx` runs
 * (huntFileParallel: the agent's nginx parser, the web normaliser and inspection, the shipped rule
 * pack from policies/detections/, one engine in file order), judged per line by the engine's changes.
 */
export async function huntLines(lines: string[]): Promise<{ verdicts: LineVerdict[]; ms: number; bytes: number; alerts: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-webcorpus-'));
  try {
    const file = join(dir, 'access.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const verdicts: LineVerdict[] = lines.map(() => ({ parsed: false, rules: [], target: '', categories: [], evidence: [] }));
    const t0 = performance.now();
    const r = await huntFileParallel({ file, source: 'nginx', host: 'bench' }, undefined, (ev, n, changes) => {
      const v = verdicts[n - 1]!;
      v.parsed = true;
      v.target = String(ev.fields.target ?? '');
      v.categories = (ev.fields['web.categories'] as string[] | undefined) ?? [];
      v.evidence = (ev.fields['web.evidence'] as string[] | undefined) ?? [];
      v.rules = [...new Set(changes.map((c) => c.alert.rule))];
    });
    const ms = performance.now() - t0;
    if (r.lines !== lines.length) throw new Error(`hunted ${r.lines} lines of ${lines.length}`);
    return { verdicts, ms, bytes: r.bytes, alerts: r.alerts.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
