
/** What a command run may touch: injected so tests drive commands without a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** the terminal's width when stdout is one (the text report wraps to it; else 80) */
  columns?: number;
  now(): Date;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : undefined;
  },
  now: () => new Date(),
};

export { writeFileAtomic } from '../util/fs.js';
