/**
 * The cases runner behind `gwsec detect test` (ESLint's RuleTester): every rule's `fire:` cases must
 * raise its alert, its `no_fire:` cases must not. Each case runs on a fresh engine holding only that
 * rule, over the lines parsed by the agent's own parsers, so a case proves the whole path.
 */
import type { Alert } from '../model/alert.js';
import type { Location } from '../model/errors.js';
import { DetectionEngine } from './engine.js';
import { DRIFT_KINDS, driftEvent, fileEvent, type DetectEvent, type DriftKind } from './event.js';
import { HOST_PREFIX, hostEvent } from './host.js';
import { lineEvent } from './lines.js';
import { pageFields, pageMarkers } from './content.js';
import type { Rule, RuleSet } from './load.js';
import type { CaseData } from './schema.js';

export interface CaseOutcome {
  rule: string;
  name: string;
  expect: 'fire' | 'no_fire';
  ok: boolean;
  /** Why it failed (empty when ok). */
  problem: string;
  alerts: Alert[];
  location?: Location;
}

/** Cases are read in a fixed year (classic syslog stamps have none) so they never rot. */
export const CASE_YEAR = 2026;

const extOf = (p: string) => {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.includes('.') ? base.slice(base.lastIndexOf('.') + 1).toLowerCase() : '';
};

export function caseEvents(rule: Rule, c: CaseData): DetectEvent[] {
  const out: DetectEvent[] = [];
  let last = Date.UTC(CASE_YEAR, 0, 1);
  if (c.lines !== undefined) {
    const format = c.format ?? (rule.source === 'web' ? 'nginx' : 'auth');
    for (const line of c.lines.split('\n')) {
      if (line === '') continue;
      const ev = lineEvent(format, line, { year: CASE_YEAR, fallbackTime: last, web: true });
      if (ev) {
        out.push(ev);
        last = ev.time;
      }
    }
  }
  for (const e of c.events ?? []) {
    const time = typeof e.time === 'string' ? Date.parse(e.time) : typeof e.time === 'number' ? e.time : last;
    if (!Number.isFinite(time)) throw new Error(`event time '${String(e.time)}' is not an ISO date`);
    last = time;
    if (rule.source === 'file') {
      const action = String(e.action);
      if (action !== 'added' && action !== 'changed' && action !== 'deleted') throw new Error(`file event action must be added, changed or deleted (got '${action}')`);
      const path = String(e.path);
      // A page's text (content) and its previous version's (previous) go through the same marker judgement as in the agent.
      const page = e.content === undefined ? undefined : pageFields(String(e.content), extOf(path), e.previous === undefined ? [] : pageMarkers(String(e.previous), extOf(path)).markers);
      out.push(fileEvent({ time, action, path, root: String(e.root ?? '/var/www/html'), sm3: e.sm3 === undefined ? undefined : String(e.sm3), seenBy: e.seen_by === 'baseline' ? 'baseline' : 'event', page }));
    } else if (rule.source === 'drift') {
      const kind = String(e.kind);
      if (!(DRIFT_KINDS as readonly string[]).includes(kind)) throw new Error(`drift kind must be one of ${DRIFT_KINDS.join(', ')} (got '${kind}')`);
      out.push(driftEvent({ time, kind: kind as DriftKind, item: String(e.item), detail: e.detail === undefined ? undefined : String(e.detail) }));
    } else if (HOST_PREFIX[rule.source]) out.push(hostEvent(rule.source, time, e));
    else throw new Error(`events: are for file, drift and host-snapshot rules; give lines: for a ${rule.source} rule`);
  }
  return out;
}

export function runCase(rule: Rule, c: CaseData, expect: 'fire' | 'no_fire'): Omit<CaseOutcome, 'location'> {
  const base = { rule: rule.id, name: c.name, expect };
  let events: DetectEvent[];
  try {
    events = caseEvents(rule, c);
  } catch (e) {
    return { ...base, ok: false, problem: (e as Error).message, alerts: [] };
  }
  if (!events.length) return { ...base, ok: false, problem: 'no line of the case parses as an event of this source (check format:)', alerts: [] };
  const engine = new DetectionEngine([rule], 'case');
  const byId = new Map<string, Alert>();
  for (const ev of events) for (const ch of engine.feed(ev)) if (ch.alert.kind === 'detection') byId.set(ch.alert.id, ch.alert);
  const alerts = [...byId.values()];
  let problem = '';
  if (expect === 'no_fire') {
    if (alerts.length) problem = `expected no alert, got ${alerts.length} (first: key ${alerts[0]!.groupKey}, count ${alerts[0]!.count})`;
  } else if (c.alerts !== undefined ? alerts.length !== c.alerts : alerts.length === 0) problem = `expected ${c.alerts ?? 'at least 1'} alert(s), got ${alerts.length}`;
  else if (c.key !== undefined && alerts[0]?.groupKey !== c.key) problem = `expected group key ${c.key}, got ${alerts[0]?.groupKey}`;
  else if (c.count !== undefined && alerts[0]?.count !== c.count) problem = `expected count ${c.count}, got ${alerts[0]?.count}`;
  return { ...base, ok: problem === '', problem, alerts };
}

export function runRuleCases(set: RuleSet, only?: string[]): CaseOutcome[] {
  const out: CaseOutcome[] = [];
  for (const rule of set.rules) {
    if (only && !only.includes(rule.id)) continue;
    const cs = set.cases.get(rule.id);
    if (!cs) continue;
    for (const expect of ['fire', 'no_fire'] as const) {
      cs.data[expect].forEach((c, i) => out.push({ ...runCase(rule, c, expect), location: cs.locate([expect, i]) }));
    }
  }
  return out;
}
