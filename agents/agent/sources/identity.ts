import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

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

export async function pread(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/** Does this open file still hold the bytes the cursor was taken over (head and tail)? */
export async function sameContent(fh: FileHandle, c: Pick<Cursor, 'offset' | 'fp' | 'fpLen' | 'tail' | 'tailLen'>, size?: number): Promise<boolean> {
  if (c.offset === 0) return true;
  if (size !== undefined && size < c.offset) return false;
  const head = await pread(fh, 0, c.fpLen);
  if (head.length !== c.fpLen || hash(head) !== c.fp) return false;
  const tail = await pread(fh, c.offset - c.tailLen, c.tailLen);
  return tail.length === c.tailLen && hash(tail) === c.tail;
}

/** Head and tail fingerprints of a file position (read from the file). */
export async function fingerprintAt(fh: FileHandle, offset: number): Promise<Pick<Cursor, 'fp' | 'fpLen' | 'tail' | 'tailLen'>> {
  const fpLen = Math.min(FP_BYTES, offset);
  const tailLen = Math.min(TAIL_BYTES, offset);
  const head = await pread(fh, 0, fpLen);
  const tail = await pread(fh, offset - tailLen, tailLen);
  return { fp: hash(head), fpLen: head.length, tail: hash(tail), tailLen: tail.length };
}
