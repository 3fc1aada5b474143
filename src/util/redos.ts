/**
 * Catastrophic-backtracking (ReDoS) check of one regular expression with recheck
 * (https://makenowjust-labs.github.io/recheck/): `safe`, `vulnerable` (exponential or polynomial,
 * with an attack string), or `unknown` when recheck could not decide in time or does not support the
 * syntax. recheck is loaded on first use only: `policy lint`, `detect lint` and the CI source scan
 * need it, an audit never does. It runs its native binary where one ships for the platform
 * (linux-x64 here) and its JavaScript build otherwise.
 */
import { createRequire } from 'node:module';

export type RedosVerdict =
  | { status: 'safe' }
  | { status: 'vulnerable'; complexity: string; attack: string }
  | { status: 'unknown'; reason: string };

interface RecheckDiagnostics {
  status: 'safe' | 'vulnerable' | 'unknown';
  complexity?: { type: string; summary: string; degree?: number };
  attack?: { pattern: string; string: string };
  error?: { kind: string; message?: string };
}
type CheckSync = (source: string, flags: string, params?: Record<string, unknown>) => RecheckDiagnostics;

let checkSync: CheckSync | undefined;

/** Per-pattern time limit for recheck itself (its default is 10 s). */
const TIMEOUT_MS = 5_000;

/**
 * `(?i)` at the start is the policy language's case-insensitive flag (engine/operators.ts); anything
 * else is the JavaScript source as `new RegExp(source, flags)` would take it.
 */
export function checkRedos(source: string, flags = ''): RedosVerdict {
  if (source.startsWith('(?i)')) return checkRedos(source.slice(4), flags.includes('i') ? flags : flags + 'i');
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync;
  const d = checkSync(source, flags, { timeout: TIMEOUT_MS });
  if (d.status === 'safe') return { status: 'safe' };
  if (d.status === 'vulnerable') {
    return { status: 'vulnerable', complexity: d.complexity?.summary ?? 'super-linear', attack: d.attack?.pattern ?? d.attack?.string ?? '?' };
  }
  return { status: 'unknown', reason: d.error ? `${d.error.kind}${d.error.message ? `: ${d.error.message}` : ''}` : 'undecided' };
}

/** One line for an error message: what is wrong and the input that shows it. */
export function describeRedos(v: Exclude<RedosVerdict, { status: 'safe' }>): string {
  return v.status === 'vulnerable'
    ? `can backtrack catastrophically (${v.complexity} time; recheck's attack string: ${v.attack})`
    : `could not be proved free of catastrophic backtracking (recheck: ${v.reason})`;
}
