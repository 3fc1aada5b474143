/** Opening, correcting, grading and closing an incident: each a journaled event, with the clock kept in step. */
import { GwsecError } from '../model/errors.js';
import {
  REPORT_RECIPIENTS, SUBMISSION_DEADLINES, deadlineFor, escalationDeadline, gradeAtLeast, initialReportDeadline, newlyMissed, type Grade, type OperatorClass,
} from './clock.js';
import { isoInZone } from './time.js';
import type { Operator } from './events.js';
import { deadlineList, type IncidentState } from './state.js';
import type { IncidentStore } from './store.js';

type NewEvent = Parameters<IncidentStore['append']>[1];

export interface OpenIncident {
  title: string;
  titles?: { zh: string; en: string };
  types: string[];
  drill: boolean;
  discovered: Date;
  occurred?: Date;
  site: { name: string; domains: string[] };
  operator: Operator;
  tz: string;
  hosts: string[];
}

/** Opens an incident; the initial-report clock starts at discovery, provisional until graded. */
export async function openIncident(store: IncidentStore, o: OpenIncident): Promise<IncidentState> {
  if (o.discovered.getTime() > store.now().getTime() + 60000) throw new GwsecError('usage_error', { en: 'the discovery time is in the future', zh: '发现时间晚于当前时间' });
  const s = await store.create({
    title: o.title, titles: o.titles, types: o.types, drill: o.drill, discoveredAt: o.discovered.toISOString(), occurredAt: o.occurred?.toISOString(),
    site: o.site, operator: o.operator, tz: o.tz, hosts: o.hosts,
  });
  return store.append(s.id, { type: 'deadline.opened', deadline: initialReportDeadline(o.discovered, o.operator.class, true) });
}

/** Deadlines that run from discovery, recomputed for the current grade and discovery time. */
export function discoveryDeadlines(s: IncidentState, discovered: Date, grade: Grade | undefined): NewEvent[] {
  const cls: OperatorClass = s.operator.class;
  const evs: NewEvent[] = [];
  const cur = s.deadlines.get('initial_report');
  if (grade === undefined || gradeAtLeast(grade, 'larger')) {
    const d = initialReportDeadline(discovered, cls, grade === undefined);
    if (!cur?.closedAt && (cur?.due !== d.due || cur?.provisional !== d.provisional || cur?.cancelledAt)) evs.push({ type: 'deadline.opened', deadline: d });
  } else if (cur && !cur.cancelledAt && !cur.closedAt) {
    evs.push({ type: 'deadline.cancelled', id: 'initial_report', reason: 'graded 一般: no national reporting deadline' });
  }
  const esc = s.deadlines.get('escalation');
  if (gradeAtLeast(grade, 'major')) {
    const d = escalationDeadline(discovered, cls);
    if (!esc?.closedAt && (esc?.due !== d.due || esc?.cancelledAt)) evs.push({ type: 'deadline.opened', deadline: d });
  } else if (esc && !esc.cancelledAt && !esc.closedAt) {
    evs.push({ type: 'deadline.cancelled', id: 'escalation', reason: 'grade below 重大' });
  }
  return evs;
}

/** Discovery time is editable only by this journaled correction; the clock moves with it. */
export async function correctDiscovery(store: IncidentStore, id: string, to: Date, reason: string): Promise<IncidentState> {
  if (!reason.trim()) throw new GwsecError('usage_error', { en: 'a discovery-time correction needs a reason', zh: '更正发现时间须说明理由' });
  return store.transact(id, (s) => {
    if (s.closed) throw new GwsecError('incident_closed', {
        en: `incident ${id} was closed at ${isoInZone(new Date(s.closed.at), s.tz)}: a closed incident's discovery time is not corrected`,
        zh: `事件 ${id} 已于 ${isoInZone(new Date(s.closed.at), s.tz)} 关闭：已关闭事件的发现时间不能更正`,
      });
    if (to.getTime() > store.now().getTime() + 60000) throw new GwsecError('usage_error', { en: 'the corrected discovery time is in the future', zh: '更正后的发现时间晚于当前时间' });
    // Local time with its offset: the journal reads as the responder wrote it (instants compare the same).
    const from = isoInZone(new Date(s.discoveredAt), s.tz);
    const next = { ...s, discoveredAt: to.toISOString() };
    return [{ type: 'discovery.corrected', from, to: isoInZone(to, s.tz), reason }, ...discoveryDeadlines(next, to, s.grade)];
  });
}

export function gradeEvents(s: IncidentState, grade: Grade, answers: Record<string, boolean>): NewEvent[] {
  return [{ type: 'grade.set', grade, answers }, ...discoveryDeadlines(s, new Date(s.discoveredAt), grade)];
}

/** Past-due deadlines not yet recorded: journaled now, so a miss is never silently dropped. */
export async function recordMissed(store: IncidentStore, id: string): Promise<IncidentState> {
  return store.transact(id, (s) => newlyMissed(deadlineList(s), store.now()).map((d) => ({ type: 'deadline.missed' as const, id: d.id, due: d.due! })));
}

/** Closes the incident; deadlines still open are named in the closing event (and stay visible). */
export async function closeIncident(store: IncidentStore, id: string, summary: string): Promise<IncidentState> {
  return store.transact(id, (s) => {
    if (s.closed) throw new GwsecError('incident_closed', { en: `incident ${id} was already closed at ${s.closed.at}`, zh: `事件 ${id} 已于 ${s.closed.at} 关闭` });
    const now = store.now();
    const evs: NewEvent[] = newlyMissed(deadlineList(s), now).map((d) => ({ type: 'deadline.missed' as const, id: d.id, due: d.due! }));
    const open = deadlineList(s).filter((d) => !d.closedAt && !d.cancelledAt && !d.notBefore && !d.provisional);
    if (!s.deadlines.has('final_report') && s.grade && gradeAtLeast(s.grade, 'larger')) {
      const d = deadlineFor('final_report', now);
      evs.push({ type: 'deadline.opened', deadline: d });
      open.push({ ...d, openedAt: now.toISOString() });
    }
    evs.push({ type: 'incident.closed', summary, openDeadlines: open.map((d) => d.id) });
    return evs;
  });
}


export interface Submission {
  kind: 'initial' | 'followup' | 'final' | 'shutdown';
  /** Default: the latest written version of that kind. */
  version?: number;
  /** Default: the recipients the rule names for the operator class. */
  to?: string[];
  via: string;
  reference?: string;
  /** When it was handed over (default now). */
  at?: Date;
  step?: string;
}

/**
 * Records that a written report version was submitted: who (the journal's `by`), to whom, when,
 * how. Only this completes a reporting deadline; the submitted files are named by their journaled
 * hashes, so `incident verify` proves later that what was submitted has not changed.
 */
export async function submitReport(store: IncidentStore, id: string, o: Submission): Promise<{ state: IncidentState; version: number; to: string[] }> {
  if (!o.via.trim()) throw new GwsecError('usage_error', { en: 'say how the report was submitted (--via "书面报告并电话报告")', zh: '请说明报告的报送方式（如 --via "书面报告并电话报告"）' });
  let version = 0;
  let to: string[] = [];
  const state = await store.transact(id, (s) => {
    const written = s.reports.filter((r) => r.kind === o.kind);
    if (!written.length) throw new GwsecError('report_not_written', {
        en: `incident ${id} has no ${o.kind} report yet: write it first (gwsec incident report ${id} --kind ${o.kind})`,
        zh: `事件 ${id} 尚无 ${o.kind} 报告：请先生成（gwsec incident report ${id} --kind ${o.kind}）`,
      });
    version = o.version ?? Math.max(...written.map((r) => r.version ?? 0));
    const files = written.filter((r) => (r.version ?? 0) === version).map((r) => r.file);
    if (!files.length) throw new GwsecError('report_not_written', {
        en: `incident ${id} has no ${o.kind} report version ${version} (written: ${[...new Set(written.map((r) => r.version ?? 0))].join(', ')})`,
        zh: `事件 ${id} 没有第 ${version} 版 ${o.kind} 报告（已生成的版本：${[...new Set(written.map((r) => r.version ?? 0))].join('、')}）`,
      });
    const at = o.at ?? store.now();
    if (at.getTime() > store.now().getTime() + 60000) throw new GwsecError('usage_error', { en: 'the submission time is in the future', zh: '报送时间晚于当前时间' });
    to = o.to?.length ? o.to : [...REPORT_RECIPIENTS[s.operator.class]];
    const evs: NewEvent[] = [{ type: 'report.submitted', kind: o.kind, version, files, to, via: o.via, reference: o.reference, submittedAt: at.toISOString(), step: o.step }];
    const dl = SUBMISSION_DEADLINES[o.kind];
    if (dl) {
      // Submitting before grading still counts: the clock becomes the 较大 one (it was shown as "if graded 较大 or above").
      if (dl === 'initial_report' && s.deadlines.get(dl)?.provisional)
        evs.push(...discoveryDeadlines(s, new Date(s.discoveredAt), s.grade ?? 'larger').filter((e) => e.type === 'deadline.opened'));
      const d = s.deadlines.get(dl);
      if (d && !d.closedAt && !d.cancelledAt) evs.push({ type: 'deadline.closed', id: dl, step: o.step });
    }
    return evs;
  });
  return { state, version, to };
}
