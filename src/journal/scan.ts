/**
 * Streaming block scanner for segment files (plain or gzip). Frames blocks only; callers check
 * hashes. Unframeable bytes are reported (and skipped to the next magic) so one damaged block
 * does not hide the rest of a segment.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { HEADER, MAGIC, readHeader, type BlockHeader } from './format.js';

export type ScanEvent =
  | { kind: 'block'; offset: number; header: BlockHeader; headerBytes: Buffer; payload: Buffer }
  /** Bytes that are not a block, followed by a block. */
  | { kind: 'garbage'; offset: number; length: number }
  /** Bytes at the end that do not form a complete block (a torn tail, or a cut). */
  | { kind: 'tail'; offset: number; length: number }
  /** The stream itself failed (gzip damage or truncation). */
  | { kind: 'error'; offset: number; code: string; message: string };

const CHUNK = 1 << 20;

export function segmentStream(path: string): AsyncIterable<Buffer> & { done: Promise<void> } {
  const rs = createReadStream(path, { highWaterMark: CHUNK });
  if (!path.endsWith('.gz')) return Object.assign(rs as AsyncIterable<Buffer>, { done: Promise.resolve() });
  const gun = createGunzip({ chunkSize: CHUNK });
  const done = pipeline(rs, gun);
  done.catch(() => undefined);
  return Object.assign(gun as AsyncIterable<Buffer>, { done });
}

export async function* scanBlocks(source: AsyncIterable<Buffer>): AsyncGenerator<ScanEvent> {
  let buf: Buffer = Buffer.alloc(0);
  let base = 0;
  let garbageAt = -1;
  const frame = function* (final: boolean): Generator<ScanEvent> {
    let pos = 0;
    for (;;) {
      if (buf.length - pos < HEADER) break;
      const h = readHeader(buf, pos);
      const complete = h !== undefined && buf.length - pos >= HEADER + h.payloadLen;
      if (h && !complete && !final) break;
      if (!h || !complete) {
        // Resynchronise on the next magic; if there is none yet, wait for more data.
        if (garbageAt < 0) garbageAt = base + pos;
        const next = buf.indexOf(MAGIC, pos + 1);
        if (next < 0) {
          pos = Math.max(pos, buf.length - (MAGIC.length - 1));
          break;
        }
        pos = next;
        continue;
      }
      if (garbageAt >= 0) {
        yield { kind: 'garbage', offset: garbageAt, length: base + pos - garbageAt };
        garbageAt = -1;
      }
      const end = pos + HEADER + h.payloadLen;
      yield { kind: 'block', offset: base + pos, header: h, headerBytes: buf.subarray(pos, pos + HEADER), payload: buf.subarray(pos + HEADER, end) };
      pos = end;
    }
    buf = buf.subarray(pos);
    base += pos;
  };
  try {
    for await (const chunk of source) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      yield* frame(false);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    yield* frame(true);
    yield { kind: 'error', offset: base + buf.length, code: err.code ?? 'EIO', message: err.message };
    return;
  }
  yield* frame(true);
  const start = garbageAt >= 0 ? garbageAt : base;
  const end = base + buf.length;
  if (end > start) yield { kind: 'tail', offset: start, length: end - start };
}

export function scanFile(path: string): AsyncGenerator<ScanEvent> {
  return scanBlocks(segmentStream(path));
}
