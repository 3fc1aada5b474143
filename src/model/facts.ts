import type { Bilingual } from './status.js';

/**
 * Facts gathered once per host: one JSON-serialisable object keyed by family (`sshd`, `os`, …).
 * `sources` records where each family came from (commands run, files read) for evidence.
 */
export interface HostFacts {
  schemaVersion: 2;
  host: string;
  transport: string;
  collectedAt: string; // ISO time
  durationMs: number;
  /** Exec round trips used to collect (1; 0 from a fixture; what a transport answering requests itself spent). */
  execs?: number;
  roles: string[];
  /** What the user must know about this host's collection (e.g. sudo refused). */
  notices?: Bilingual[];
  /** Pack variable overrides the inventory sets for this host. */
  vars?: Record<string, unknown>;
  facts: Record<string, unknown>;
  sources: Record<string, string[]>;
  /** Set when nothing could be collected (unreachable, host key, auth, timeout): the host was not audited. */
  error?: { code: string; message: string; zh?: string };
  /** SSH: the host key the host presented and known_hosts trusted (one of its machine identifiers). */
  hostKey?: { type: string; fingerprint: string };
  /** SSH with --accept-new-host-keys: keys unknown before this run and now written to known_hosts. */
  acceptedHostKeys?: AcceptedHostKey[];
}

export interface AcceptedHostKey {
  /** inventory name of the host (or ProxyJump hop) */
  host: string;
  type: string;
  fingerprint: string;
}

export interface FactsFile {
  schemaVersion: 2;
  tool: { name: 'gwsec'; version: string };
  hosts: HostFacts[];
}

/** What the inventory says about the site (domains and, once resolved by the auditor, their addresses). */
export interface SiteFacts {
  name?: string;
  domains?: string[];
  resolved?: Array<{ domain: string; address: string; country: string | null }> | { error: { code: string; message: string } };
}
