/**
 * Incident journal events: one journal record per event, `source` = the event type, `line` = the
 * event's canonical JSON (sorted keys), so the SM3 chain covers exactly what reports are built from.
 */
import type { Bilingual, DeadlineSpec, Grade, OfflineKind, OperatorClass } from './clock.js';
import { GwsecError } from '../model/errors.js';
import { invertKeys, renameKeys } from '../util/keys.js';

export interface Operator {
  unit: string;
  class: OperatorClass;
  contact?: string;
  phone?: string;
}

export type StepOutcome = 'success' | 'failure' | 'timeout' | 'interrupted';

export type IncidentEvent = { at: string; by?: string } & (
  | {
      type: 'incident.opened';
      id: string;
      title: string;
      /** The title in both languages when it came from a playbook (reports use the one for their language). */
      titles?: Bilingual;
      types: string[];
      drill: boolean;
      discoveredAt: string;
      occurredAt?: string;
      site: { name: string; domains: string[] };
      operator: Operator;
      tz: string;
      hosts: string[];
    }
  | { type: 'discovery.corrected'; from: string; to: string; reason: string }
  | { type: 'playbook.started'; playbook: string; version: number; sha256: string; vars: Record<string, string>; mode: 'interactive' | 'answers' }
  | { type: 'playbook.resumed'; from?: string }
  | { type: 'playbook.finished'; outcome: 'success' | 'failure' }
  | { type: 'step.started'; step: string; kind: string; title: Bilingual }
  | { type: 'step.answered'; step: string; key: string; answer: unknown }
  | { type: 'step.completed'; step: string; outcome: StepOutcome; next: string; detail?: string }
  | { type: 'command.started'; step: string; host: string; sha256: string }
  | { type: 'command.finished'; step: string; host: string; exitCode: number; durationMs: number; stdout: string; stderr: string; truncated: boolean }
  | { type: 'command.reused'; step: string; host: string }
  | {
      type: 'evidence.collected';
      item: string;
      file: string;
      kind: string;
      step?: string;
      host?: string;
      size: number;
      sm3: string;
      sha256: string;
    }
  | { type: 'custody'; item: string; action: 'accessed' | 'exported'; to?: string; intact: boolean }
  | { type: 'approval.recorded'; step: string; approver: string; decision: 'approve' | 'reject'; comment?: string }
  | { type: 'grade.set'; grade: Grade; answers: Record<string, boolean> }
  | { type: 'deadline.opened'; deadline: DeadlineSpec }
  | { type: 'deadline.closed'; id: string; step?: string }
  | { type: 'deadline.cancelled'; id: string; reason: string }
  | { type: 'deadline.missed'; id: string; due: string }
  | { type: 'field.set'; field: string; value: string; step?: string }
  | { type: 'notify.sent'; step: string; to: string[]; message: string; reference: string }
  | {
      type: 'report.written';
      kind: string;
      lang: string;
      format: string;
      file: string;
      sm3: string;
      sha256: string;
      /** Numbered per kind and language; a new version never overwrites an older one. */
      version?: number;
      /** The journal head the report was built from (seq and SM3 hash of the last record). */
      head?: { seq: number; hash: string };
    }
  | {
      /** Writing is not submitting: only this completes a reporting deadline. */
      type: 'report.submitted';
      kind: string;
      version: number;
      files: string[];
      to: string[];
      via: string;
      reference?: string;
      submittedAt: string;
      step?: string;
    }
  | { type: 'offline.started'; kind: OfflineKind; site: string; plannedDays?: number }
  | { type: 'offline.ended'; site: string }
  | { type: 'notice.posted'; where: string }
  | { type: 'rule.violation'; rule: string; message: Bilingual; step?: string }
  | { type: 'wait.done'; step: string; skipped: boolean }
  | { type: 'note'; text: string }
  | { type: 'incident.closed'; summary: string; openDeadlines: string[] }
);

export type EventType = IncidentEvent['type'];
export type EventOf<T extends EventType> = Extract<IncidentEvent, { type: T }>;

/** Canonical JSON: keys sorted at every level, no whitespace (stable bytes for the hash chain). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = sortKeys(x);
    }
    return o;
  }
  return v;
}

/**
 * An event as the journal holds it (version 2): snake_case keys like the report and facts schema,
 * and `schema_version` on every record, since one journal may hold records of both versions (an
 * incident opened before an upgrade and continued after it). Records of version 1 (camelCase, no
 * version) are never rewritten — the SM3 chain covers their bytes — and read as they are.
 */
export const EVENT_SCHEMA_VERSION = 2;
export const EVENT_WIRE_KEYS: Readonly<Record<string, string>> = {
  discoveredAt: 'discovered_at',
  occurredAt: 'occurred_at',
  exitCode: 'exit_code',
  durationMs: 'duration_ms',
  submittedAt: 'submitted_at',
  plannedDays: 'planned_days',
  openDeadlines: 'open_deadlines',
  notBefore: 'not_before',
};
const EVENT_FROM_WIRE = invertKeys(EVENT_WIRE_KEYS);
/** Values that are data: variable names, answers, field values, texts. Their keys are never renamed. */
const EVENT_DATA_KEYS: ReadonlySet<string> = new Set(['vars', 'answers', 'answer', 'value', 'title', 'titles', 'basis', 'message']);

export function eventToWire(e: IncidentEvent): Record<string, unknown> {
  return { ...(renameKeys(e, EVENT_WIRE_KEYS, EVENT_DATA_KEYS) as Record<string, unknown>), schema_version: EVENT_SCHEMA_VERSION };
}

/** A journal record's JSON as an event, from either version; a version this gwsec does not know is an error. */
export function eventFromWire(data: unknown, where: string): IncidentEvent {
  const { schema_version: v, ...rest } = (data ?? {}) as Record<string, unknown>;
  if (v === undefined) return rest as unknown as IncidentEvent;
  if (v !== EVENT_SCHEMA_VERSION) {
    throw new GwsecError('incident_schema_version', {
      en: `${where}: event schema version ${String(v)} was written by a newer gwsec; this one reads 1 and ${EVENT_SCHEMA_VERSION}: upgrade gwsec`,
      zh: `${where}：事件格式版本 ${String(v)} 由更新版本的 gwsec 写入，本版本只能读取版本 1 和 ${EVENT_SCHEMA_VERSION}：请升级 gwsec`,
    });
  }
  return renameKeys(rest, EVENT_FROM_WIRE, EVENT_DATA_KEYS) as IncidentEvent;
}
