import { GwsecError } from '../model/errors.js';
import type { Report, Result } from '../model/result.js';
import { SEVERITIES, type Severity } from '../model/status.js';
import { failingKeys, resultKey } from './diff.js';

/**
 * `--fail-on SPEC` → which results fail the run. One small module so that other gates (a diff
 * against a baseline, say `--fail-on new`) are one more case here, not a change to every caller.
 *
 * A result fails the run when it is a finding (`fail`, or `error`: not checked is not green) and the
 * gate accepts it. A host that could not be audited at all fails the run whatever the gate.
 */
export type ResultGate = (r: Result) => boolean;

export const DEFAULT_FAIL_ON: Severity = 'low';

/** Findings at or above a severity (critical > high > medium > low > info). */
export function severityGate(threshold: Severity): ResultGate {
  const rank = SEVERITIES.indexOf(threshold);
  return (r) => SEVERITIES.indexOf(r.severity) <= rank;
}

/** `new`: only findings that were not findings in the baseline report (`--baseline OLD.json`). */
export function parseFailOn(spec: string | undefined, baseline?: Report): ResultGate {
  const s = (spec ?? DEFAULT_FAIL_ON).trim().toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(s)) return severityGate(s as Severity);
  if (s === 'new') {
    if (!baseline) throw new GwsecError('usage_error', { en: '--fail-on new compares with a baseline: give --baseline OLD.json', zh: '--fail-on new 需要与基线比较：请用 --baseline 指定上次的报告（OLD.json）' });
    const old = failingKeys(baseline);
    return (r) => !old.has(resultKey(r));
  }
  throw new GwsecError('usage_error', {
    en: `--fail-on ${spec}: expected one of ${SEVERITIES.join(', ')} or new (default ${DEFAULT_FAIL_ON})`,
    zh: `--fail-on ${spec}：应为 ${SEVERITIES.join('、')} 或 new 之一（默认 ${DEFAULT_FAIL_ON}）`,
  });
}

const FINDINGS = new Set<Result['status']>(['fail', 'error']);

/** Why the run fails (empty: it passes) — the exit status and the text report's last line. */
export function runFailures(report: Report, gate: ResultGate): { unaudited: string[]; findings: Result[] } {
  return {
    unaudited: report.hosts.filter((h) => (h.status ?? (h.error ? 'collection_failed' : 'ok')) !== 'ok').map((h) => h.name),
    findings: report.results.filter((r) => FINDINGS.has(r.status) && gate(r)),
  };
}

export function exitStatus(f: { unaudited: string[]; findings: Result[] }): 0 | 1 {
  return f.unaudited.length || f.findings.length ? 1 : 0;
}
