import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** What a command run may touch: injected so tests drive commands without a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  now(): Date;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  now: () => new Date(),
};

/** Write a file so that a reader sees the old content or the new, never half (temp + fsync + rename). */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
