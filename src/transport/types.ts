import type { Bilingual } from '../model/status.js';
import type { RawAnswers, Request } from './requests.js';

/** DESIGN §3.2. A non-zero exit is data; only transport failures throw (GwsecError transport_*). */
export interface RunOptions {
  sudo?: boolean;
  timeoutMs?: number;
  stdin?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
  /** Something the user must know about how the run went (e.g. sudo refused, ran unprivileged). */
  notice?: Bilingual;
}

/** A host key the SSH transport trusted while connecting: known already, or accepted (--accept-new-host-keys). */
export interface HostKeyEvent {
  /** inventory name of the hop (the target, or a ProxyJump host) */
  host: string;
  type: string;
  /** `SHA256:…`, as OpenSSH prints it */
  fingerprint: string;
  /** true: it was unknown and has just been written to known_hosts */
  accepted: boolean;
  /** true for the audited host itself, false for a jump host */
  target: boolean;
}

export interface Transport {
  readonly id: string; // "local" | "ssh:web-01" | "fixture:debian12-web"
  run(script: string, o?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
  /**
   * Declared by a transport that answers collection requests itself (a recorded host) instead of
   * running gwsec's one collection script; collection then asks it, never the script. Capabilities
   * are declared, never inferred from the class: a decorator can declare them too.
   */
  readonly requests?: RequestAnswerer;
}

export interface RequestAnswerer {
  answer(requests: Request[], o: { sudo?: boolean; timeoutMs?: number; maxBytes?: number }): Promise<AnsweredRequests>;
  /** What it had no answer for (a fixture's unrecorded commands): the audit tells the user. */
  unanswered?(): string[];
}

export interface AnsweredRequests {
  answers: RawAnswers;
  /** Round trips to a host spent on the answers (0 for a recording). */
  execs: number;
  notices: Bilingual[];
}
