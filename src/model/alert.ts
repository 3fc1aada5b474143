import type { Severity } from './status.js';

/**
 * A detection alert: what the agent's rule engine (src/detect) raises and the collector receives.
 * Plain JSON-serialisable data. `id` is stable: the same rule, group key and first-seen instant
 * give the same id, so a replay, a restart or a second delivery de-duplicates.
 */
export interface Alert {
  /** 32 hex chars: hash of rule id + group key + first-seen time (see src/detect/alert.ts). */
  id: string;
  rule: string;
  /** 'detection' for a rule firing; 'overflow' when a rule's keyed state hit its memory bound. */
  kind: 'detection' | 'overflow';
  title: { zh: string; en: string };
  severity: Severity;
  /** MITRE ATT&CK technique id, e.g. T1110.001. */
  technique: string;
  /** Id of the suggested playbook in playbooks/ (`gwsec playbook run ID --from-alert ALERT`). */
  playbook: string;
  host: string;
  /** The value the rule grouped by (source IP, file path, account…); '' for ungrouped rules. */
  groupKey: string;
  /** Event times (from the events, not the agent's clock), ISO 8601. */
  firstSeen: string;
  lastSeen: string;
  /** Matching events folded into this alert (repeats inside the suppression window raise it). */
  count: number;
  /** Up to 5 lines that caused it, escaped: no control characters or terminal escapes survive. */
  samples: string[];
  /** Where the lines that caused it are kept: archive sequence numbers per source (bounded). */
  refs: AlertRef[];
  /** Rule-specific facts worth showing (e.g. web transforms, the file path, the drifted item). */
  evidence: Record<string, string | number | boolean | string[]>;
}

export interface AlertRef {
  source: string;
  seq: number;
}

/** What the engine reports per event: a new alert, or more of an open one (same id). */
export interface AlertChange {
  type: 'new' | 'update';
  alert: Alert;
}

export const MAX_SAMPLES = 5;
export const MAX_REFS = 50;
