/**
 * Incident journal events: one journal record per event, `source` = the event type, `line` = the
 * event's canonical JSON (sorted keys), so the SM3 chain covers exactly what reports are built from.
 */
import type { Bilingual, DeadlineSpec, Grade, OfflineKind, OperatorClass } from './clock.js';

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
