/** The six result states. Never collapsed: `error` is not `fail`, `manual` is not `pass`. */
export const STATUSES = ['pass', 'fail', 'not_applicable', 'error', 'manual', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Bilingual {
  zh: string;
  en: string;
}

export type Summary = Record<Status, number>;

export function emptySummary(): Summary {
  return { pass: 0, fail: 0, not_applicable: 0, error: 0, manual: 0, waived: 0 };
}

/**
 * Whether a host could be audited at all (JSON `hosts[].status`). Anything but `ok` means nothing was
 * collected from it: its results are all `error`, and the run exits 1.
 */
export const HOST_STATUSES = ['ok', 'unreachable', 'host_key_unknown', 'host_key_changed', 'auth_failed', 'timeout', 'collection_failed'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
