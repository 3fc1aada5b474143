/**
 * Append-only, hash-chained, segment-rotating journal (the agent's log archive; reusable for the
 * playbook journal and the alert outbox).
 *
 * Durability contract: append() resolves only after its bytes are fsync'd; the in-memory head moves
 * only then. A failed write is cut back off the file, so the on-disk chain never holds a record the
 * caller was told failed. On reopen, an invalid tail of the open segment with no valid block after
 * it is a torn write: it is copied to quarantine/ and cut. A bad block followed by valid ones is
 * damage: the file is kept as evidence, sealed, and the chain continues in a new segment.
 */
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sm2PublicKeyFromPrivate, sm2PublicKeyToHex } from '../crypto/sm2.js';
import { GwsecError } from '../model/errors.js';
import { makeCheckpoint, type Checkpoint, type Signer } from './checkpoint.js';
import {
  ANCHORS, CHECKPOINTS, META, QUARANTINE, acquireLock, appendDurable, fsyncDir, listSegments, repairJsonl, segmentName, writeFileDurable,
} from './files.js';
import { BlockEncoder, BlockType, ZERO_HASH, blockHash, metaBlock, type Appendable } from './format.js';
import { scanFile } from './scan.js';
import { gzipFile } from './gzip.js';

export interface JournalOptions {
  /** Rotate once the open segment reaches this size (default 64 MiB). */
  segmentMaxBytes?: number;
  /** Rotate once the open segment's first record is this old (default 24 h). */
  segmentMaxAgeMs?: number;
  /** Signs checkpoints with SM2; without it checkpoints are unsigned. */
  signer?: Signer;
  now?: () => Date;
  /** Where checkpoints are also appended for shipping off-host (default <dir>/anchors.jsonl). */
  anchorsPath?: string;
}

export interface RecoveryReport {
  /** Bytes of torn tail cut off the open segment (copied to quarantine/ first). */
  tornBytes: number;
  quarantined: string[];
  /** Segments with a bad block before valid ones: kept as they are, sealed, and reported by verify. */
  damagedSegments: string[];
}

export interface ArchiveMeta {
  format: 'gwsec-journal';
  version: 1;
  createdAt: string;
  keys: Array<{ keyId: string; publicKeyPem: string; since: string }>;
}

interface OpenSegment {
  name: string;
  fh: FileHandle;
  size: number;
  records: number;
  startMs: number;
  minTime: number;
  maxTime: number;
}

interface Scanned {
  /** End of the last block that is valid and chained. */
  validEnd: number;
  hasHead: boolean;
  sealed: boolean;
  /** Offset of the first byte that is not a valid chained block (undefined if none). */
  firstBad?: number;
  /** A self-consistent block exists after firstBad: damage, not a torn write. */
  damaged: boolean;
  lastSeq: number;
  lastHash: Buffer;
  records: number;
  minTime: number;
  maxTime: number;
  size: number;
}

/** Records' receive times of a DATA payload without decoding lines. */
function timeRange(payload: Buffer, sourcesOff: number, acc: { minTime: number; maxTime: number }): void {
  for (let p = 0; p + 14 <= sourcesOff; ) {
    const t = payload.readDoubleBE(p);
    if (t < acc.minTime) acc.minTime = t;
    if (t > acc.maxTime) acc.maxTime = t;
    p += 14 + payload.readUInt32BE(p + 10);
  }
}

/** Walks a segment checking each block's own hash and its link to the one before. */
async function scanSegment(path: string, startSeq: number, startHash: Buffer): Promise<Scanned> {
  const s: Scanned = { validEnd: 0, hasHead: false, sealed: false, damaged: false, lastSeq: startSeq, lastHash: startHash, records: 0, minTime: Infinity, maxTime: -Infinity, size: 0 };
  let expectSeq = startSeq + 1;
  let first = true;
  for await (const ev of scanFile(path)) {
    if (ev.kind === 'error') {
      // A damaged closed segment must not stop the agent: its valid prefix gives the head.
      if (path.endsWith('.gz')) {
        s.firstBad ??= ev.offset;
        continue;
      }
      throw Object.assign(new Error(`cannot read ${path}: ${ev.message}`), { code: ev.code });
    }
    if (ev.kind !== 'block') {
      s.firstBad ??= ev.offset;
      continue;
    }
    const h = ev.header;
    const selfOk = blockHash(ev.headerBytes, ev.payload).equals(h.hash);
    if (s.firstBad !== undefined) {
      // Past damage: any self-consistent block means the bad bytes were not a torn tail.
      if (selfOk) {
        s.damaged = true;
        s.validEnd = ev.offset + ev.headerBytes.length + ev.payload.length;
        if (h.type === BlockType.Data) {
          s.lastSeq = h.seq + h.count - 1;
          s.lastHash = Buffer.from(h.hash);
          s.records += h.count;
          timeRange(ev.payload, h.sourcesOff, s);
        }
        s.sealed = h.type === BlockType.Seal;
      }
      continue;
    }
    let ok = selfOk && !s.sealed;
    if (first) {
      // The HEAD's seq and prevHash are taken as given here; verify checks them across segments.
      ok &&= h.type === BlockType.Head;
      if (ok) {
        s.hasHead = true;
        expectSeq = h.seq;
        s.lastSeq = h.seq - 1;
        s.lastHash = Buffer.from(h.prevHash);
      }
    } else if (h.type === BlockType.Data) {
      ok &&= h.seq === expectSeq && h.count > 0 && h.prevHash.equals(s.lastHash);
    } else if (h.type === BlockType.Seal) {
      ok &&= h.seq === expectSeq - 1 && h.prevHash.equals(s.lastHash);
    } else {
      ok = false;
    }
    first = false;
    if (!ok) {
      s.firstBad = ev.offset;
      continue;
    }
    s.validEnd = ev.offset + ev.headerBytes.length + ev.payload.length;
    if (h.type === BlockType.Data) {
      expectSeq = h.seq + h.count;
      s.lastSeq = expectSeq - 1;
      s.lastHash = Buffer.from(h.hash);
      s.records += h.count;
      timeRange(ev.payload, h.sourcesOff, s);
    } else if (h.type === BlockType.Seal) {
      s.sealed = true;
    }
  }
  s.size = (await stat(path)).size;
  return s;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class Journal {
  private seg: OpenSegment | undefined;
  private headSeq = 0;
  private headHash: Buffer = ZERO_HASH;
  private readonly encoder = new BlockEncoder();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly compressions = new Set<Promise<void>>();
  private readonly uncompressed = new Set<string>();
  private dirtyTail = false;
  private closed = false;
  readonly recovery: RecoveryReport = { tornBytes: 0, quarantined: [], damagedSegments: [] };
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  private readonly now: () => Date;
  private readonly anchorsPath: string;

  private constructor(
    readonly dir: string,
    private readonly opts: JournalOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.maxBytes = opts.segmentMaxBytes ?? 64 * 1024 * 1024;
    this.maxAgeMs = opts.segmentMaxAgeMs ?? 24 * 3600 * 1000;
    this.now = opts.now ?? (() => new Date());
    this.anchorsPath = opts.anchorsPath ?? join(dir, ANCHORS);
  }

  static async open(dir: string, opts: JournalOptions = {}): Promise<Journal> {
    const abs = resolve(dir);
    await mkdir(abs, { recursive: true, mode: 0o700 });
    let unlock: () => Promise<void>;
    try {
      unlock = await acquireLock(abs);
    } catch (e) {
      throw new GwsecError('journal_locked', { en: (e as Error).message, zh: `日志归档正被另一进程使用：${(e as Error).message}` }, { file: abs });
    }
    const j = new Journal(abs, opts, unlock);
    try {
      await j.init();
    } catch (e) {
      await unlock();
      throw e;
    }
    return j;
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.headSeq, hash: this.headHash.toString('hex') };
  }

  private async init(): Promise<void> {
    for (const name of await readdir(this.dir)) if (name.startsWith('.') && name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
    await this.initMeta();
    await repairJsonl(join(this.dir, CHECKPOINTS));
    await repairJsonl(this.anchorsPath);

    const all = await readdir(this.dir);
    const segs = await listSegments(this.dir);
    for (const s of segs) if (s.gz && all.includes(s.name.slice(0, -3))) await rm(join(this.dir, s.name.slice(0, -3)), { force: true });

    // Sealed plain segments left by a crash before compression finished.
    for (const s of segs.slice(0, -1)) if (!s.gz) this.uncompressed.add(s.name);

    let last = segs.at(-1);
    if (last && !last.gz) {
      const path = join(this.dir, last.name);
      const sc = await scanSegment(path, 0, ZERO_HASH);
      if (!sc.hasHead) {
        // Crashed while creating it: nothing durable was ever appended there.
        if (sc.size > 0) await this.quarantine(last.name, 0, sc.size);
        await rm(path, { force: true });
        segs.pop();
        last = segs.at(-1);
      } else {
        if (sc.firstBad !== undefined && sc.validEnd < sc.size) {
          await this.quarantine(last.name, sc.validEnd, sc.size);
          await this.cut(path, sc.validEnd);
          this.recovery.tornBytes += sc.size - sc.validEnd;
        }
        if (sc.damaged) this.recovery.damagedSegments.push(last.name);
        this.headSeq = sc.lastSeq;
        this.headHash = sc.lastHash;
        const fh = await open(path, 'r+');
        this.seg = { name: last.name, fh, size: sc.validEnd, records: sc.records, startMs: sc.minTime, minTime: sc.minTime, maxTime: sc.maxTime };
        if (sc.sealed) {
          await fh.close();
          this.seg = undefined;
          this.uncompressed.add(last.name);
        } else if (sc.damaged) {
          await this.seal('damaged');
        }
        last = undefined;
      }
    }
    if (last) {
      // The newest segment is closed (crash between sealing and starting the next): find its head.
      const sc = await scanSegment(join(this.dir, last.name), 0, ZERO_HASH);
      this.headSeq = sc.lastSeq;
      this.headHash = sc.lastHash;
    }
    for (const name of this.uncompressed) this.compressLater(name);
    if (!this.seg) await this.createSegment();
  }

  private async initMeta(): Promise<void> {
    const signer = this.opts.signer;
    if (signer && sm2PublicKeyToHex(sm2PublicKeyFromPrivate(signer.privateKeyPem)) !== sm2PublicKeyToHex(signer.publicKeyPem)) {
      throw new GwsecError('journal_signer_mismatch', { en: `signer ${signer.keyId}: the public key does not belong to the private key`, zh: `签名密钥 ${signer.keyId}：公钥与私钥不匹配` });
    }
    const meta = await readMeta(this.dir);
    const now = iso(this.now().getTime());
    const next: ArchiveMeta = meta ?? { format: 'gwsec-journal', version: 1, createdAt: now, keys: [] };
    let changed = !meta;
    if (signer) {
      const known = next.keys.find((k) => k.keyId === signer.keyId);
      if (known && sm2PublicKeyToHex(known.publicKeyPem) !== sm2PublicKeyToHex(signer.publicKeyPem)) {
        throw new GwsecError('journal_key_conflict', { en: `key id ${signer.keyId} is already registered in ${META} with a different public key`, zh: `密钥编号 ${signer.keyId} 已在 ${META} 中登记了另一把公钥` });
      }
      if (!known) {
        next.keys.push({ keyId: signer.keyId, publicKeyPem: signer.publicKeyPem, since: now });
        changed = true;
      }
    }
    if (changed) await writeFileDurable(this.dir, META, JSON.stringify(next, null, 2) + '\n');
  }

  private async quarantine(name: string, from: number, to: number): Promise<void> {
    const qdir = join(this.dir, QUARANTINE);
    await mkdir(qdir, { recursive: true, mode: 0o700 });
    const target = join(qdir, `${name}@${from}.torn`);
    const src = await open(join(this.dir, name), 'r');
    try {
      const buf = Buffer.alloc(to - from);
      await src.read(buf, 0, buf.length, from);
      const fh = await open(target, 'w', 0o600);
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } finally {
      await src.close();
    }
    await fsyncDir(qdir);
    this.recovery.quarantined.push(target);
  }

  private async cut(path: string, size: number): Promise<void> {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(size);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Runs tasks one at a time, in call order. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new GwsecError('journal_closed', { en: `journal ${this.dir} is closed`, zh: `日志归档 ${this.dir} 已关闭` }, undefined, 'internal');
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Durable when it resolves; on failure nothing of the batch stays in the archive. */
  append(records: readonly Appendable[]): Promise<{ firstSeq: number; lastSeq: number }> {
    return this.serial(async () => {
      if (records.length === 0) return { firstSeq: this.headSeq + 1, lastSeq: this.headSeq };
      const now = this.now().getTime();
      if (this.seg && this.seg.records > 0 && (this.seg.size >= this.maxBytes || now - this.seg.startMs >= this.maxAgeMs)) {
        await this.seal(this.seg.size >= this.maxBytes ? 'size' : 'age');
      }
      if (!this.seg) await this.createSegment();
      const seg = this.seg!;
      const firstSeq = this.headSeq + 1;
      const enc = this.encoder.encode(records, firstSeq, this.headHash, now);
      await this.write(seg, enc.bytes);
      this.encoder.shrink();
      this.headSeq = firstSeq + records.length - 1;
      this.headHash = enc.hash;
      if (seg.records === 0) seg.startMs = now;
      seg.records += records.length;
      seg.minTime = Math.min(seg.minTime, enc.minTime);
      seg.maxTime = Math.max(seg.maxTime, enc.maxTime);
      return { firstSeq, lastSeq: this.headSeq };
    });
  }

  private async write(seg: OpenSegment, bytes: Buffer): Promise<void> {
    try {
      if (this.dirtyTail) {
        await seg.fh.truncate(seg.size);
        this.dirtyTail = false;
      }
      for (let off = 0; off < bytes.length; ) {
        const { bytesWritten } = await seg.fh.write(bytes, off, bytes.length - off, seg.size + off);
        off += bytesWritten;
      }
      await seg.fh.datasync();
    } catch (e) {
      this.dirtyTail = true;
      try {
        await seg.fh.truncate(seg.size);
        await seg.fh.datasync();
        this.dirtyTail = false;
      } catch {
        // Retried before the next write.
      }
      throw e;
    }
    seg.size += bytes.length;
  }

  /** Writes the SEAL, closes the segment and queues its compression. */
  private async seal(reason: string): Promise<void> {
    const seg = this.seg!;
    const meta = { closedAt: iso(this.now().getTime()), reason, records: seg.records, firstTime: seg.records ? iso(seg.minTime) : null, lastTime: seg.records ? iso(seg.maxTime) : null };
    await this.write(seg, metaBlock(BlockType.Seal, this.headSeq, this.headHash, meta));
    await seg.fh.close();
    this.seg = undefined;
    this.compressLater(seg.name);
    // Keep an open segment at the end, so the sealed one is never the newest (prune skips the newest).
    await this.createSegment().catch(() => undefined); // retried by the next append
  }

  private async createSegment(): Promise<void> {
    const name = segmentName(this.headSeq + 1);
    const path = join(this.dir, name);
    const head = metaBlock(BlockType.Head, this.headSeq + 1, this.headHash, { format: 'gwsec-journal/1', createdAt: iso(this.now().getTime()) });
    const fh = await open(path, 'w+', 0o600);
    try {
      await fh.write(head, 0, head.length, 0);
      await fh.datasync();
      await fsyncDir(this.dir);
    } catch (e) {
      await fh.close().catch(() => undefined);
      await rm(path, { force: true }).catch(() => undefined);
      throw e;
    }
    this.seg = { name, fh, size: head.length, records: 0, startMs: Infinity, minTime: Infinity, maxTime: -Infinity };
  }

  private compressLater(name: string): void {
    this.uncompressed.add(name);
    const p = compressSegment(this.dir, name)
      .then(() => {
        this.uncompressed.delete(name);
      })
      .catch(() => undefined) // stays in `uncompressed`; retried at the next checkpoint
      .finally(() => this.compressions.delete(p));
    this.compressions.add(p);
  }

  /** Signs (seq, head) and appends it to the archive's checkpoints and the anchors file, durably. */
  checkpoint(): Promise<Checkpoint> {
    return this.serial(async () => {
      const now = this.now().getTime();
      if (this.seg && this.seg.records > 0 && now - this.seg.startMs >= this.maxAgeMs) await this.seal('age');
      const cp = makeCheckpoint(this.headSeq, this.headHash.toString('hex'), iso(now), this.opts.signer);
      const line = JSON.stringify(cp) + '\n';
      await appendDurable(join(this.dir, CHECKPOINTS), line);
      await appendDurable(this.anchorsPath, line);
      if (this.compressions.size === 0) for (const name of this.uncompressed) this.compressLater(name);
      return cp;
    });
  }

  /** Waits for background compression, closes the open segment and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      this.closed = true;
      await Promise.allSettled([...this.compressions]);
      await this.seg?.fh.close();
      this.seg = undefined;
      await this.unlock();
    });
  }
}

export async function readMeta(dir: string): Promise<ArchiveMeta | undefined> {
  try {
    const text = await readFile(join(dir, META), 'utf8');
    return JSON.parse(text) as ArchiveMeta;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GwsecError('journal_meta_error', { en: `cannot read ${META}: ${(e as Error).message}`, zh: `无法读取 ${META}：${(e as Error).message}` }, { file: join(dir, META) });
  }
}

/** gzip -1 of a sealed segment: temp, fsync, rename, then drop the plain file. */
export async function compressSegment(dir: string, name: string): Promise<void> {
  const src = join(dir, name);
  const tmp = join(dir, `.${name}.gz.tmp`);
  try {
    await gzipFile(src, tmp);
    await rename(tmp, join(dir, `${name}.gz`));
    await fsyncDir(dir);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rm(src, { force: true });
  await fsyncDir(dir);
}
