/** An incident's state is a pure fold over its journal events: nothing else is authoritative. */
import type { Bilingual, DeadlineState, Grade, OfflineKind } from './clock.js';
import type { IncidentEvent, Operator, StepOutcome } from './events.js';

export interface EvidenceItem {
  item: string;
  file: string;
  kind: string;
  step?: string;
  host?: string;
  size: number;
  sm3: string;
  sha256: string;
  collectedAt: string;
  collectedBy?: string;
  custody: Array<{ at: string; action: string; by?: string; to?: string; intact?: boolean }>;
}

export interface StepState {
  kind: string;
  title: Bilingual;
  startedAt: string[];
  completed?: { at: string; outcome: StepOutcome; next: string; detail?: string };
  /** Per host: the last command result recorded, or 'started' when a run began and never finished. */
  commands: Map<string, 'started' | { exitCode: number; stdout: string; stderr: string; at: string }>;
  answers: Map<string, unknown>;
}

export interface TimedEvent {
  seq: number;
  event: IncidentEvent;
}

export interface IncidentState {
  id: string;
  title: string;
  titles?: Bilingual;
  types: string[];
  drill: boolean;
  discoveredAt: string;
  occurredAt?: string;
  openedAt: string;
  openedBy?: string;
  site: { name: string; domains: string[] };
  operator: Operator;
  tz: string;
  hosts: string[];
  corrections: Array<{ at: string; from: string; to: string; reason: string; by?: string }>;
  playbook?: { id: string; version: number; sha256: string; vars: Record<string, string>; by?: string; mode: string };
  steps: Map<string, StepState>;
  /** The step to run next (after the last completed step), once a playbook has started. */
  cursor?: string;
  finished?: 'success' | 'failure';
  grade?: Grade;
  gradeAnswers?: Record<string, boolean>;
  deadlines: Map<string, DeadlineState>;
  fields: Record<string, string>;
  evidence: EvidenceItem[];
  approvals: Array<{ step: string; approver: string; decision: string; at: string; comment?: string }>;
  notifications: Array<{ step: string; to: string[]; message: string; reference: string; at: string; by?: string }>;
  reports: Array<{ kind: string; lang: string; format: string; file: string; sm3: string; sha256: string; at: string; by?: string; version?: number; head?: { seq: number; hash: string } }>;
  submissions: Array<{ kind: string; version: number; files: string[]; to: string[]; via: string; reference?: string; submittedAt: string; at: string; by?: string; step?: string }>;
  offline: Array<{ kind: OfflineKind; site: string; start: string; end?: string; plannedDays?: number }>;
  notices: Set<string>;
  violations: Array<{ rule: string; message: Bilingual; step?: string; at: string }>;
  closed?: { at: string; by?: string; summary: string };
  events: TimedEvent[];
}

export function foldEvents(events: readonly TimedEvent[]): IncidentState {
  const first = events[0]?.event;
  if (!first || first.type !== 'incident.opened') throw new Error('journal does not start with incident.opened');
  const s: IncidentState = {
    id: first.id, title: first.title, titles: first.titles, types: first.types, drill: first.drill, discoveredAt: first.discoveredAt, occurredAt: first.occurredAt,
    openedAt: first.at, openedBy: first.by, site: first.site, operator: first.operator, tz: first.tz, hosts: first.hosts,
    corrections: [], steps: new Map(), deadlines: new Map(), fields: {}, evidence: [], approvals: [], notifications: [], reports: [], submissions: [],
    offline: [], notices: new Set(), violations: [], events: [...events],
  };
  for (const { event: e } of events.slice(1)) apply(s, e);
  return s;
}

function step(s: IncidentState, id: string): StepState {
  let st = s.steps.get(id);
  if (!st) {
    st = { kind: '?', title: { zh: id, en: id }, startedAt: [], commands: new Map(), answers: new Map() };
    s.steps.set(id, st);
  }
  return st;
}

function apply(s: IncidentState, e: IncidentEvent): void {
  switch (e.type) {
    case 'discovery.corrected':
      s.corrections.push({ at: e.at, from: e.from, to: e.to, reason: e.reason, by: e.by });
      s.discoveredAt = new Date(e.to).toISOString();
      break;
    case 'playbook.started':
      s.playbook = { id: e.playbook, version: e.version, sha256: e.sha256, vars: e.vars, by: e.by, mode: e.mode };
      s.cursor = undefined;
      s.finished = undefined;
      break;
    case 'playbook.finished':
      s.finished = e.outcome;
      break;
    case 'step.started': {
      const st = step(s, e.step);
      st.kind = e.kind;
      st.title = e.title;
      st.startedAt.push(e.at);
      st.completed = undefined;
      break;
    }
    case 'step.answered':
      step(s, e.step).answers.set(e.key, e.answer);
      break;
    case 'step.completed':
      step(s, e.step).completed = { at: e.at, outcome: e.outcome, next: e.next, detail: e.detail };
      s.cursor = e.next;
      break;
    case 'command.started':
      step(s, e.step).commands.set(e.host, 'started');
      break;
    case 'command.finished':
      step(s, e.step).commands.set(e.host, { exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr, at: e.at });
      break;
    case 'evidence.collected':
      s.evidence.push({
        item: e.item, file: e.file, kind: e.kind, step: e.step, host: e.host, size: e.size, sm3: e.sm3, sha256: e.sha256, collectedAt: e.at, collectedBy: e.by,
        custody: [{ at: e.at, action: 'collected', by: e.by }],
      });
      break;
    case 'custody':
      s.evidence.find((x) => x.item === e.item)?.custody.push({ at: e.at, action: e.action, by: e.by, to: e.to, intact: e.intact });
      break;
    case 'approval.recorded':
      s.approvals.push({ step: e.step, approver: e.approver, decision: e.decision, at: e.at, comment: e.comment });
      break;
    case 'grade.set':
      s.grade = e.grade;
      s.gradeAnswers = e.answers;
      break;
    case 'deadline.opened':
      s.deadlines.set(e.deadline.id, { ...e.deadline, openedAt: e.at });
      break;
    case 'deadline.closed': {
      const d = s.deadlines.get(e.id);
      if (d && !d.closedAt) Object.assign(d, { closedAt: e.at, closedBy: e.step ?? e.by });
      break;
    }
    case 'deadline.cancelled': {
      const d = s.deadlines.get(e.id);
      if (d) d.cancelledAt = e.at;
      break;
    }
    case 'deadline.missed': {
      const d = s.deadlines.get(e.id);
      if (d && d.due === e.due) d.missedAt = e.at;
      break;
    }
    case 'field.set':
      s.fields[e.field] = e.value;
      break;
    case 'notify.sent':
      s.notifications.push({ step: e.step, to: e.to, message: e.message, reference: e.reference, at: e.at, by: e.by });
      break;
    case 'report.written':
      s.reports.push({ kind: e.kind, lang: e.lang, format: e.format, file: e.file, sm3: e.sm3, sha256: e.sha256, at: e.at, by: e.by, version: e.version, head: e.head });
      break;
    case 'report.submitted':
      s.submissions.push({ kind: e.kind, version: e.version, files: e.files, to: e.to, via: e.via, reference: e.reference, submittedAt: e.submittedAt, at: e.at, by: e.by, step: e.step });
      break;
    case 'offline.started':
      s.offline.push({ kind: e.kind, site: e.site, start: e.at, plannedDays: e.plannedDays });
      break;
    case 'offline.ended': {
      const o = [...s.offline].reverse().find((x) => !x.end);
      if (o) o.end = e.at;
      break;
    }
    case 'notice.posted':
      s.notices.add(e.where);
      break;
    case 'rule.violation':
      s.violations.push({ rule: e.rule, message: e.message, step: e.step, at: e.at });
      break;
    case 'incident.closed':
      s.closed = { at: e.at, by: e.by, summary: e.summary };
      break;
    default:
      break;
  }
}

export const deadlineList = (s: IncidentState): DeadlineState[] => [...s.deadlines.values()];
