/**
 * What `gwsec detect --file` reads besides a plain file: `-` (standard input, a pipe) and gzip'd
 * files (logrotate's compressed rotations, `access.log.2.gz`; recognised by their magic bytes, not
 * their name). Either is spooled to a private temporary file first, so the hunt reads byte ranges in
 * parallel as it does for any file; the spool is removed afterwards, whatever happens.
 */
import { createReadStream, createWriteStream, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GwsecError } from '../model/errors.js';

export interface HuntInput {
  /** The file to read. */
  path: string;
  /** What alerts and messages name: the path given, or `-` for standard input. */
  label: string;
  /** Removes the spool, if any. */
  release(): void;
}

const STDIN = '-';

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** A plain file as is; standard input or a gzip'd file spooled (and decompressed) to a temp file. */
export async function huntInput(file: string, stdin: Readable): Promise<HuntInput> {
  const plain = { path: file, label: file, release: () => undefined };
  if (file !== STDIN) {
    try {
      if (!statSync(file).isFile() || !isGzip(file)) return plain;
    } catch {
      return plain; // the hunt reports it, located
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-hunt-')); // 0700: the logs stay private
  const release = () => rmSync(dir, { recursive: true, force: true });
  try {
    let src = file;
    if (file === STDIN) {
      src = join(dir, 'stdin');
      await pipeline(stdin, createWriteStream(src, { mode: 0o600 }));
      if (!isGzip(src)) return { path: src, label: STDIN, release };
    }
    const out = join(dir, 'gunzip');
    try {
      await pipeline(createReadStream(src), createGunzip(), createWriteStream(out, { mode: 0o600 }));
    } catch (e) {
      throw new GwsecError('detect_input_error', { en: `cannot decompress the gzip'd log: ${(e as Error).message}`, zh: `无法解压 gzip 压缩的日志：${(e as Error).message}` }, { file });
    }
    // classic syslog stamps take their year from the file's modification time: the rotation's, not now
    if (file !== STDIN) {
      const st = statSync(file);
      utimesSync(out, st.atime, st.mtime);
    }
    return { path: out, label: file, release };
  } catch (e) {
    release();
    throw e;
  }
}
