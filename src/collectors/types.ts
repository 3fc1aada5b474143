import type { FactType } from '../model/schema.js';
import type { CmdResult, Request } from '../transport/requests.js';

export interface FileContent {
  path: string;
  content: string;
  truncated: boolean;
}

/**
 * What a collector's parse() gets back. Reading something through it records it as a source of the
 * family (for evidence). `text()` returns null for an absent file and throws CollectError
 * `permission_denied` for an unreadable one.
 */
export interface CollectorOutput {
  cmd(name: string): CmdResult;
  /** Like cmd(), but returns null when the command is not installed (exit 127) on the host. */
  cmdIfPresent(name: string): CmdResult | null;
  text(path: string): string | null;
  glob(pattern: string): FileContent[];
  /** The tree in the order the program reads it: each file, with includes expanded in place. */
  tree(path: string): FileContent[];
}

export interface Collector<F = unknown> {
  /** The fact family key this collector fills, e.g. `sshd`. Also the file name: src/collectors/<id>.ts */
  id: string;
  description: string;
  schema: FactType;
  requests: Request[];
  /**
   * How `gwsec fixture record` writes what this collector reads so the fixture can be shared, keyed
   * by a file path, a glob pattern it requests, or `cmd:<name>` for a command's stdout: reduced to what parse() reads, secrets replaced, and parse() of the result equal to
   * parse() of the original (test/collectors/redact.test.ts holds every entry to that).
   */
  redact?: Record<string, (content: string) => string>;
  /** Pure: outputs -> facts. Throw CollectError for a family-wide failure; put `{error}` on a
   * sub-object for a partial one (e.g. accounts.shadow when /etc/shadow is unreadable). */
  parse(out: CollectorOutput): F;
}

/**
 * A deriver computes a family from other families (and pack variables, and injected pure lookups
 * such as geolocation). Runs after collection, before evaluation. Pure.
 */
export interface DeriveEnv {
  variables: Record<string, unknown>;
  geo: (ip: string) => string | null; // ISO country code or null when unknown
  host: { name: string; roles: string[]; publicIps: string[]; attestations?: Record<string, unknown> };
}

export interface Deriver<F = unknown> {
  id: string; // family it produces
  description: string;
  schema: FactType;
  needs: string[]; // families it reads
  derive(facts: Record<string, unknown>, env: DeriveEnv): F;
}
