/**
 * The duplicate index's keys spelt out in full, on disk (key-index.ts keeps only digests and a
 * reference here): append-only records of a u16 length and the key's UTF-8 bytes, each starting at
 * a multiple of 8 bytes, so a 32-bit reference (offset / 8 + 1) reaches 32 GiB. Read only when a
 * digest matches (a redelivery, a grown alert or a true collision): one pread from the page cache.
 *
 * Not fsync'd as it goes: the index it serves is rebuilt from the journal after a crash, or loaded
 * from a clean close's snapshot, which records this file's length (synced then) and cuts it back to
 * that before the journal after the snapshot is replayed.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import type { KeySpelling } from './key-index.js';

const ALIGN = 8;
const FLUSH_AT = 64 * 1024;

export class KeyFile implements KeySpelling {
  private size: number;
  /** Appended but not yet written (written before any read that needs them, and at FLUSH_AT). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;

  private constructor(
    private readonly fd: number,
    size: number,
  ) {
    this.size = size;
  }

  /** Open `path`, cut back to `length` bytes (the snapshot's) or emptied when `length` is 0. */
  static open(path: string, length = 0): KeyFile {
    const fd = openSync(path, 'a+', 0o600);
    if (fstatSync(fd).size !== length) ftruncateSync(fd, length);
    return new KeyFile(fd, length);
  }

  /** Bytes the file holds (written or queued). */
  get length(): number {
    return this.size + this.queuedBytes;
  }

  write(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length > 0xffff) throw new Error(`key of ${bytes.length} bytes is too long for the key file`);
    const at = this.length;
    const rec = Buffer.alloc(Math.ceil((2 + bytes.length) / ALIGN) * ALIGN);
    rec.writeUInt16LE(bytes.length, 0);
    bytes.copy(rec, 2);
    this.queued.push(rec);
    this.queuedBytes += rec.length;
    if (this.queuedBytes >= FLUSH_AT) this.flush();
    const ref = at / ALIGN + 1;
    if (ref > 0xffffffff) throw new Error('the key file is full (32 GiB)');
    return ref;
  }

  read(ref: number): string {
    const at = (ref - 1) * ALIGN;
    if (at + 2 > this.size) this.flush();
    const head = Buffer.alloc(2);
    if (readSync(this.fd, head, 0, 2, at) !== 2) return '';
    const len = head.readUInt16LE(0);
    const key = Buffer.alloc(len);
    return readSync(this.fd, key, 0, len, at + 2) === len ? key.toString('utf8') : '';
  }

  /** Everything durable (before a snapshot names this length). */
  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (!this.queuedBytes) return;
    const all = Buffer.concat(this.queued, this.queuedBytes);
    // 'a+': every write lands at the end, which is where `size` says it is.
    let off = 0;
    while (off < all.length) off += writeSync(this.fd, all, off, all.length - off);
    this.size += all.length;
    this.queued = [];
    this.queuedBytes = 0;
  }
}
