import type { Evidence, Report, Result } from '../model/result.js';
import type { DiffEntry, ReportDiff } from '../model/diff.js';
import type { Status } from '../model/status.js';

export type { DiffEntry, ReportDiff };

export const isFailing = (s: Status | undefined): boolean => s === 'fail' || s === 'error';

export const resultKey = (r: Pick<Result, 'host' | 'check'>): string => `${r.host}\u0000${r.check}`;

/** The (host, check) keys failing in a report: what `--fail-on new` compares against. */
export function failingKeys(report: Report): Set<string> {
  return new Set(report.results.filter((r) => isFailing(r.status)).map(resultKey));
}

function evidenceSignature(ev: Evidence[]): string {
  return JSON.stringify(ev.map((e) => [e.fact, e.actual, e.op ?? null, e.expected ?? null, e.status]));
}

/** Keyed by (host, check). Pure. */
export function diffReports(oldR: Report, newR: Report): ReportDiff {
  const oldHosts = new Set([...oldR.hosts.map((h) => h.name), ...oldR.results.map((r) => r.host)]);
  const newHosts = new Set([...newR.hosts.map((h) => h.name), ...newR.results.map((r) => r.host)]);
  const before = new Map(oldR.results.map((r) => [resultKey(r), r]));
  const d: ReportDiff = {
    old: { generatedAt: oldR.generatedAt, hosts: oldR.hosts.length },
    new: { generatedAt: newR.generatedAt, hosts: newR.hosts.length },
    hostsAdded: [...newHosts].filter((h) => !oldHosts.has(h) && h !== '*').sort(),
    hostsRemoved: [...oldHosts].filter((h) => !newHosts.has(h) && h !== '*').sort(),
    newFailures: [],
    fixed: [],
    stillFailing: [],
    changed: [],
  };
  for (const r of newR.results) {
    const o = before.get(resultKey(r));
    const entry: DiffEntry = { host: r.host, check: r.check, article: r.article, severity: r.severity, ...(o ? { from: o.status } : {}), to: r.status };
    const evidenceChanged = o ? evidenceSignature(o.evidence) !== evidenceSignature(r.evidence) : false;
    if (evidenceChanged) entry.evidenceChanged = true;
    if (isFailing(r.status)) (isFailing(o?.status) ? d.stillFailing : d.newFailures).push(entry);
    else if (isFailing(o?.status)) d.fixed.push(entry);
    else if (o && (o.status !== r.status || evidenceChanged)) d.changed.push(entry);
  }
  return d;
}
