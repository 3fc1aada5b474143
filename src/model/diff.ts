import type { Severity, Status } from './status.js';

/**
 * What changed between two JSON reports of the same fleet, keyed by (host, check). Pure.
 * "Failing" means a finding that fails a run: `fail`, or `error` (not checked is not green);
 * `waived` is not failing.
 */
export interface ReportDiff {
  old: { generatedAt: string; hosts: number };
  new: { generatedAt: string; hosts: number };
  hostsAdded: string[];
  hostsRemoved: string[];
  /** Failing now, and not failing before (or the host or check is new). */
  newFailures: DiffEntry[];
  /** Failing before; passing, not applicable or waived now. */
  fixed: DiffEntry[];
  stillFailing: DiffEntry[];
  /** Same host and check, not in the lists above: the status moved (pass -> manual …) or the evidence did. */
  changed: DiffEntry[];
}

export interface DiffEntry {
  host: string;
  check: string;
  article: string;
  severity: Severity;
  from?: Status;
  to?: Status;
  /** The evidence differs (facts seen, values, statuses). */
  evidenceChanged?: boolean;
}

