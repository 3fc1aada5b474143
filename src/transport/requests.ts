/**
 * The requests a collection run makes of a host and the answers it gets back: the vocabulary shared
 * by the transports (which answer them, by running one script or from a recorded folder) and the
 * collectors (which declare them and parse the answers). It lives here, below both, so a transport
 * never imports the collection layer.
 */

/**
 * What a collector reads. Collectors never run anything themselves: they declare requests, the
 * collection layer turns every request of every needed collector into ONE script (local/SSH), or the
 * fixture transport answers each request from a recorded host folder.
 *
 *  cmd  — a shell snippet (POSIX sh). Recorded in fixtures as cmd/<name>.txt (+ optional
 *         cmd/<name>.rc with the exit code; 127 = command not installed).
 *  file — one exact path. Fixture: files/<path>.
 *  glob — a shell glob (`/etc/ssh/sshd_config.d/*.conf`); matches in lexical order.
 *  tree — a config file plus everything it includes, recursively (sshd `Include`, nginx `include`,
 *         PAM `@include`). `include` is an extended regex whose group 1 is the operand (which may be
 *         several space-separated globs); relative operands resolve against `base`.
 */
export type Request =
  | {
      kind: 'cmd';
      name: string;
      script: string;
      timeoutS?: number;
      /**
       * The snippet is shell builtins only (tests on paths, printf, read, for): it runs in a forked
       * subshell, with no exec and no timeout of its own, as the script's own file tests do
       * (test/collectors/script.test.ts runs each such snippet with an empty PATH to hold it to that).
       */
      builtinsOnly?: boolean;
      /**
       * Every program the snippet runs goes through `gw_to` (its own time limit) or reads only the
       * run's own files in $T; the rest is shell builtins. It then runs in a forked subshell (size limit
       * kept, no `timeout` + `sh` around the whole snippet): one trap still costs only that program.
       * test/collectors/script.test.ts holds every such snippet to it.
       */
      selfTimed?: boolean;
    }
  | { kind: 'file'; path: string }
  | { kind: 'glob'; pattern: string }
  | { kind: 'tree'; path: string; include: string; base: string };

export interface CmdResult {
  stdout: string;
  stderr: string;
  exitCode: number; // 127: not installed; 124: timed out
  truncated: boolean;
}

/** What a host answered to every request of a collection run, however it was obtained. */
export interface FileAnswer {
  /** `special`: not a regular file (a FIFO, device or socket), never opened: reading one could block or never end. */
  status: 'ok' | 'absent' | 'denied' | 'special';
  content: string;
  truncated: boolean;
}

export interface RawAnswers {
  cmds: Map<string, CmdResult & { notRecorded?: boolean }>;
  files: Map<string, FileAnswer>;
  globs: Map<string, string[]>; // pattern -> matching paths, lexical order
  trees: Map<string, string[]>; // root -> files in discovery order (depth first)
}

export function emptyAnswers(): RawAnswers {
  return { cmds: new Map(), files: new Map(), globs: new Map(), trees: new Map() };
}

/** `(?i)^\s*include\s+(.*)` -> source + flags; shared by the shell and the fixture transport. */
export function splitFlags(re: string): { source: string; flags: string } {
  return re.startsWith('(?i)') ? { source: re.slice(4), flags: 'i' } : { source: re, flags: '' };
}
