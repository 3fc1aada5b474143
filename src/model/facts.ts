/**
 * Facts gathered once per host: one JSON-serialisable object keyed by family (`sshd`, `os`, …).
 * `sources` records where each family came from (commands run, files read) for evidence.
 */
export interface HostFacts {
  schemaVersion: 1;
  host: string;
  transport: string;
  collectedAt: string; // ISO time
  durationMs: number;
  roles: string[];
  facts: Record<string, unknown>;
  sources: Record<string, string[]>;
}

export interface FactsFile {
  schemaVersion: 1;
  tool: { name: 'gwsec'; version: string };
  hosts: HostFacts[];
}
