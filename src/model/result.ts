import type { AcceptedHostKey, HostFacts, SiteFacts } from './facts.js';
import type { ReportDiff } from './diff.js';
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
  /** Why, in both languages as data (never one string with both): reports pick by `--lang`, JSON keeps both. */
  message?: Bilingual;
}

export interface Result {
  check: string;
  host: string; // host name, or "*" for fleet checks
  status: Status;
  severity: Severity;
  article: string;
  title: Bilingual;
  evidence: Evidence[];
  /** The real outcome behind a `waived` status (the evaluation's own verdict, kept for auditors). */
  outcome?: Status;
  /** The waiver that matched: applied (status `waived`) or expired (the result counts again). */
  waiver?: AppliedWaiver;
}

/** A waiver as reports show it (src/policy/waivers.ts loads and validates the file). */
export interface AppliedWaiver {
  owner: string;
  justification: string;
  expires: string; // YYYY-MM-DD, the last day it applies
  approver?: string;
  ticket?: string;
  /** file:line of the waiver entry. */
  where: string;
  /** True when the waiver has expired: it no longer applies and the result counts again. */
  expired?: boolean;
}

/** What the waiver file did in this run: waivers that matched nothing, and expired ones. */
export interface WaiverSummary {
  file: string;
  applied: number;
  expired: Array<{ check: string; where: string; expires: string; owner: string }>;
  unmatched: Array<{ check: string; where: string; reason: 'no_result' | 'not_needed' }>;
}

export interface HostRecord {
  name: string;
  transport: string;
  platform: { os: string; id?: string; version?: string; pretty?: string };
  durationMs: number;
  /** `ok`, or why nothing could be collected (then `error` says so in words). */
  status: HostStatus;
  /** `message` in English; `zh` in Chinese, when its producer wrote one (transport and collection failures do). */
  error?: { code: string; message: string; zh?: string };
  /** SSH: the host key known_hosts trusted for this host (`SHA256:…`). */
  hostKey?: { type: string; fingerprint: string };
  /** e.g. sudo refused: collected unprivileged, root-only checks are error. */
  notices?: Bilingual[];
}

export interface Report {
  schemaVersion: 2;
  tool: { name: 'gwsec'; version: string };
  generatedAt: string;
  pack: { id: string; version: string };
  hosts: HostRecord[];
  /** --accept-new-host-keys: every key unknown before this run and written to known_hosts by it. */
  acceptedHostKeys?: AcceptedHostKey[];
  results: Result[];
  summary: Summary;
  /** Present when the run used --baseline OLD.json: what changed since. */
  diff?: ReportDiff;
  /** Present when the run used --waivers. */
  waivers?: WaiverSummary;
  /** Only in a sharded run (--shard i/n): which shard, of what pack and inventory, when. */
  shard?: { index: number; count: number; packDigest: string; inventoryDigest: string; startedAt: string };
  /** Only in a merged report: which shards it holds, and whether the set was partial (--partial). */
  merge?: { count: number; shards: Array<{ index: number; file: string }>; partial: boolean; problems?: Bilingual[] };
  /** Only in a sharded run (--shard i/n): the facts `gwsec merge` needs to judge the fleet. */
  fleetInput?: { hosts: HostFacts[]; site?: SiteFacts };
}
