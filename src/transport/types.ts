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
  notice?: string;
}

export interface Transport {
  readonly id: string; // "local" | "ssh:web-01" | "fixture:debian12-web"
  run(script: string, o?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}
