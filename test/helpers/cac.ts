/**
 * ComplianceAsCode conformance scenarios (../shared/corpus/cac-scenarios): load them, build a
 * fixture host from the stock Debian 12 base overlaid with the scenario's files, and read the
 * documented disagreements from docs/conformance.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';

export const CORPUS = join(packageRoot(), '..', 'shared', 'corpus', 'cac-scenarios');

export interface Scenario {
  file: string; // e.g. "A/sshd_disable_root_login__comment.fail.yaml"
  rule: string;
  concern: string;
  expected: 'pass' | 'fail' | 'notapplicable';
  variables: Record<string, string>;
  variableDefaults: Record<string, string>;
  ambiguous: boolean;
  sshdEffective?: Record<string, string> & { error?: string };
  preconditions?: unknown;
  files: Record<string, string | null>;
  notes: string;
}

let base: Record<string, string> | undefined;
export function baseFiles(): Record<string, string> {
  base ??= (parse(readFileSync(join(CORPUS, '_base', 'debian12-stock.yaml'), 'utf8')) as { files: Record<string, string> }).files;
  return base;
}

export function loadScenarios(concerns: string[]): Scenario[] {
  if (!existsSync(CORPUS)) throw new Error(`CaC corpus not found at ${CORPUS} (shared/ must sit beside the repository)`);
  return concerns.flatMap((c) =>
    readdirSync(join(CORPUS, c))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => {
        const y = parse(readFileSync(join(CORPUS, c, f), 'utf8')) as Record<string, unknown>;
        return {
          file: `${c}/${f}`,
          rule: String(y.rule),
          concern: String(y.concern),
          expected: y.expected as Scenario['expected'],
          variables: (y.variables ?? {}) as Record<string, string>,
          variableDefaults: (y.variable_defaults ?? {}) as Record<string, string>,
          ambiguous: y.ambiguous === true,
          sshdEffective: y.sshd_effective as Scenario['sshdEffective'],
          preconditions: y.preconditions,
          files: (y.files ?? {}) as Record<string, string | null>,
          notes: String(y.notes ?? ''),
        };
      }),
  );
}

/** The host the scenario describes: base files, overlaid, `null` = deleted; commands as given. */
export function scenarioHost(s: Scenario, cmds: Record<string, { stdout: string; stderr?: string; exitCode?: number }> = {}): FixtureTransport {
  const files: Record<string, string> = { ...baseFiles() };
  for (const [p, c] of Object.entries(s.files)) {
    if (c === null) delete files[p];
    else files[p] = c;
  }
  return FixtureTransport.fromMemory({ name: s.file, files, cmds });
}

export interface Disagreement {
  scenario: string;
  cac: string;
  gwsec: string;
  why: string;
}

/** Rows `| X/file.yaml | cac | gwsec | why |` of docs/conformance.md. */
export function documentedDisagreements(): Map<string, Disagreement> {
  const text = readFileSync(join(packageRoot(), 'docs', 'conformance.md'), 'utf8');
  const out = new Map<string, Disagreement>();
  for (const line of text.split('\n')) {
    const m = /^\|\s*`?([A-E]\/[^|`]+\.yaml)`?\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) out.set(m[1]!, { scenario: m[1]!, cac: m[2]!, gwsec: m[3]!, why: m[4]! });
  }
  return out;
}
