import type { HostFacts, SiteFacts } from './facts.js';
import type { Bilingual, HostStatus, Severity, Status, Summary } from './status.js';

/** One observation behind a result: which fact, what it was, what was expected, where it came from. */
export interface Evidence {
  fact: string;
  actual: unknown;
  op?: string;
  expected?: unknown;
  status: Status;
  /** Where the fact came from: `cmd: sshd -T`, `file: /etc/login.defs`, `inventory`, `derived`. */
  source?: string[];
  message?: string;
}

export interface Result {
  check: string;
  host: string; // host name, or "*" for fleet checks
  status: Status;
  severity: Severity;
  article: string;
  title: Bilingual;
  evidence: Evidence[];
  /** For waived results (later issue): who and until when. */
  waiver?: { owner: string; justification: string; expires: string };
}

export interface HostRecord {
  name: string;
  transport: string;
  platform: { os: string; id?: string; version?: string; pretty?: string };
  durationMs: number;
  /** `ok`, or why nothing could be collected (then `error` says so in words). */
  status: HostStatus;
  error?: { code: string; message: string };
  /** e.g. sudo refused: collected unprivileged, root-only checks are error. */
  notices?: string[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'gwsec'; version: string };
  generatedAt: string;
  pack: { id: string; version: string };
  hosts: HostRecord[];
  results: Result[];
  summary: Summary;
  /** Only in a sharded run (--shard i/n): the facts `gwsec merge` needs to judge the fleet. */
  fleetInput?: { hosts: HostFacts[]; site?: SiteFacts };
}
