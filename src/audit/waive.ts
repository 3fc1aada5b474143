import type { Report, Result, WaiverSummary } from '../model/result.js';
import { emptySummary } from '../model/status.js';
import type { Waiver, WaiverFile } from '../policy/waivers.js';
import { globToRegex } from '../util/glob.js';

export interface WaiveContext {
  /** Today, YYYY-MM-DD: the only clock this step sees. */
  today: string;
  /** Inventory tags per host name. */
  hostTags?: (host: string) => string[];
}

/** Outcomes a waiver can accept. A pass or N/A needs none; such a waiver is listed as not needed. */
const WAIVABLE = new Set<Result['status']>(['fail', 'error', 'manual']);

function matches(w: Waiver, r: Result, ctx: WaiveContext): boolean {
  if (w.check !== r.check) return false;
  if (w.hosts && !w.hosts.some((g) => globToRegex(g).test(r.host))) return false;
  if (w.tags && !(ctx.hostTags?.(r.host) ?? []).some((t) => w.tags!.includes(t))) return false;
  return true;
}

/**
 * Apply waivers to a report. Pure: no clock (today is given), no I/O. A matching unexpired waiver
 * turns a fail/error/manual result into `waived`, keeping the real outcome in `outcome` and all the
 * evidence; an expired one leaves the result as it was (it counts again) and says so on the result
 * and in `report.waivers.expired`; waivers that matched nothing are listed in `unmatched`.
 */
export function applyWaivers(report: Report, file: WaiverFile, ctx: WaiveContext): Report {
  const used = new Map<Waiver, 'applied' | 'not_needed'>();
  const expired = new Map<Waiver, true>();
  const results = report.results.map((r): Result => {
    const w = file.waivers.find((x) => matches(x, r, ctx) && WAIVABLE.has(r.status));
    if (!w) {
      for (const x of file.waivers) if (matches(x, r, ctx) && !used.has(x)) used.set(x, 'not_needed');
      return r;
    }
    const applied = { owner: w.owner, justification: w.justification, expires: w.expires, where: w.where, ...(w.approver ? { approver: w.approver } : {}), ...(w.ticket ? { ticket: w.ticket } : {}) };
    if (w.expires < ctx.today) {
      expired.set(w, true);
      used.set(w, 'applied');
      return { ...r, waiver: { ...applied, expired: true } };
    }
    used.set(w, 'applied');
    return { ...r, status: 'waived', outcome: r.status, waiver: applied };
  });
  const summary = emptySummary();
  for (const r of results) summary[r.status]++;
  const waivers: WaiverSummary = {
    file: file.file,
    applied: results.filter((r) => r.status === 'waived').length,
    expired: [...expired.keys()].map((w) => ({ check: w.check, where: w.where, expires: w.expires, owner: w.owner })),
    unmatched: file.waivers.filter((w) => used.get(w) !== 'applied').map((w) => ({ check: w.check, where: w.where, reason: used.has(w) ? 'not_needed' : 'no_result' })),
  };
  return { ...report, results, summary, waivers };
}
