import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

/**
 * A file's identity is its content, not its path or inode (Vector's fingerprinter): the hash of the
 * first FP_BYTES bytes read so far, plus the hash of the TAIL_BYTES just before the read position.
 * Together they recognise a renamed file or a copytruncate copy and reject a reused inode or a
 * truncated-and-rewritten file. Device and inode only separate files whose bytes are identical.
 */
export const FP_BYTES = 1024;
export const TAIL_BYTES = 256;

export interface Cursor {
  key: string;
  path: string;
  dev: number;
  ino: number;
  /** Bytes [0, offset) are archived (or, with `skip`, the next `skip` lines after offset are too). */
  offset: number;
  skip: number;
  fp: string;
  fpLen: number;
  tail: string;
  tailLen: number;
}

export const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex').slice(0, 32);

/**
 * Synchronous on purpose: small reads from the page cache cost microseconds, a thread-pool round trip more.
 * `into` (a reused scratch buffer, at least len long) spares a fresh allocation per read.
 */
export function pread(fd: number, pos: number, len: number, into?: Buffer): Buffer {
  const buf = into ? into.subarray(0, len) : Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/** Does this open file still hold the bytes the cursor was taken over (head and tail)? */
export function sameContent(fd: number, c: Pick<Cursor, 'offset' | 'fp' | 'fpLen' | 'tail' | 'tailLen'>, size?: number): boolean {
  if (c.offset === 0) return true;
  if (size !== undefined && size < c.offset) return false;
  const head = pread(fd, 0, c.fpLen);
  if (head.length !== c.fpLen || hash(head) !== c.fp) return false;
  const tail = pread(fd, c.offset - c.tailLen, c.tailLen);
  return tail.length === c.tailLen && hash(tail) === c.tail;
}

/** Head and tail fingerprints of a file position (read from the file). */
export function fingerprintAt(fd: number, offset: number): Pick<Cursor, 'fp' | 'fpLen' | 'tail' | 'tailLen'> {
  const fpLen = Math.min(FP_BYTES, offset);
  const tailLen = Math.min(TAIL_BYTES, offset);
  const head = pread(fd, 0, fpLen);
  const tail = pread(fd, offset - tailLen, tailLen);
  return { fp: hash(head), fpLen: head.length, tail: hash(tail), tailLen: tail.length };
}
