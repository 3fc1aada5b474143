import { closeSync, fstatSync, openSync, statSync, watch, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FileSourceConfig } from '../config.js';
import type { Source, SourceBatch, SourceContext, SourcePart, SourceStatus, LineRecord } from '../pipeline.js';
import { compileGlob, expandGlob } from './glob.js';
import { TurnoverWatch } from './turnover.js';
import { FP_BYTES, TAIL_BYTES, fingerprintAt, hash, pread, sameContent, type Cursor } from './identity.js';

interface Tracked extends Cursor {
  /** Open descriptor (sync I/O: metadata calls are microseconds; see identity.ts). */
  fh?: number;
  size: number;
  mtimeMs: number;
  /** Monotonic ms when a candidate path last showed this file. */
  seenAt: number;
  missed: number;
  /** The file was truncated under us: look for its copy (copytruncate), else give it up. */
  orphan?: boolean;
  /** A last line without "\n": since when (monotonic ms) and at which size. */
  partial?: { since: number; size: number };
}

interface Candidate {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface FileSourceState {
  initialized: boolean;
  cursors: Cursor[];
}

interface PartData {
  key: string;
  before: Cursor;
  after: Cursor;
}

const GRACE_MS = 2000;
const idOf = (x: { dev: number; ino: number }) => `${x.dev}:${x.ino}`;
const cursorOf = (t: Cursor): Cursor => ({ key: t.key, path: t.path, dev: t.dev, ino: t.ino, offset: t.offset, skip: t.skip, fp: t.fp, fpLen: t.fpLen, tail: t.tail, tailLen: t.tailLen });

/**
 * Tails the files a glob matches. Rotation-safe by content identity (identity.ts): rename+create,
 * copytruncate, inode reuse, truncation, late files. An open handle is kept on every tracked file,
 * so a file rotated away (even deleted) is read to its end, and its inode cannot be reused meanwhile.
 */
export class FileSource implements Source {
  readonly kind = 'file' as const;
  readonly name: string;
  readonly format;
  private readonly glob;
  private tracked = new Map<string, Tracked>();
  private initialized = false;
  private ctx!: SourceContext;
  private watchers = new Map<string, FSWatcher>();
  /** Unclaimed files already judged to be copies of tracked ones, while their size/mtime hold. */
  private shadows = new Map<string, { size: number; mtimeMs: number }>();
  private stopped = false;
  /**
   * The read buffer, reused by every poll: records are byte ranges of it (ByteLine), valid until the
   * next poll, by which time the runner has archived them (one batch in flight). Text never becomes
   * V8 strings on the way to the archive: measured, that cut peak RSS during ingest and sped it up.
   */
  private scratch = Buffer.alloc(0);
  private used = 0;
  private readonly turnover = new TurnoverWatch();
  private lastScan = 0;

  constructor(private readonly cfg: FileSourceConfig) {
    this.name = cfg.name;
    this.format = cfg.format;
    this.glob = compileGlob(cfg.path);
  }

  async start(state: unknown, ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    const s = state as FileSourceState | null;
    this.initialized = Boolean(s?.initialized);
    for (const c of s?.cursors ?? []) this.tracked.set(c.key, { ...c, skip: c.skip ?? 0, size: c.offset, mtimeMs: 0, seenAt: performance.now(), missed: 0 });
    ctx.events.emit('SourceStarted', { source: this.name, kind: 'file', path: this.cfg.path, cursors: this.tracked.size });
    // No scan yet: the runner first applies the intents a crash left (they may name files found after the snapshot).
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const t of this.tracked.values()) if (t.fh !== undefined) safeClose(t.fh);
  }

  snapshot(): FileSourceState {
    return { initialized: this.initialized, cursors: [...this.tracked.values()].map(cursorOf) };
  }

  commit(part: SourcePart, archived: number): void {
    const d = part.data as PartData;
    const whole = archived >= part.lines;
    const c = whole ? d.after : { ...d.before, skip: d.before.skip + archived };
    const t = this.tracked.get(d.key);
    if (t) Object.assign(t, cursorOf(c));
    else this.tracked.set(d.key, { ...cursorOf(c), size: c.offset, mtimeMs: 0, seenAt: performance.now(), missed: 0 });
  }

  async status(): Promise<SourceStatus> {
    const files = [];
    let lag = 0;
    for (const t of this.tracked.values()) {
      if (t.orphan) continue;
      let size = t.size;
      if (t.fh !== undefined) {
        try {
          size = fstatSync(t.fh).size;
        } catch {
          /* closed meanwhile */
        }
      }
      const l = Math.max(0, size - t.offset);
      lag += l;
      files.push({ path: t.path, offset: t.offset, size, lag: l, dev: t.dev, ino: t.ino });
    }
    return { name: this.name, kind: 'file', available: true, files, lag };
  }

  async poll(maxBytes: number): Promise<SourceBatch | null> {
    await this.scan();
    this.initialized = true;
    const records: LineRecord[] = [];
    const parts: SourcePart[] = [];
    let budget = maxBytes;
    let bytes = 0;
    // Older files first: a rotated file's rest comes before the new file's first lines.
    const live = [...this.tracked.values()].filter((t) => t.fh !== undefined && !t.orphan && t.size > t.offset).sort((a, b) => a.mtimeMs - b.mtimeMs || a.ino - b.ino);
    let more = false;
    this.used = 0;
    for (const t of live) {
      if (budget <= 0) {
        more = true;
        break;
      }
      let r: ReturnType<FileSource['readFrom']> = null;
      try {
        r = this.readFrom(t, budget);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        this.ctx.events.emit('FileReadError', { source: this.name, path: t.path, error_type: err.code ?? 'io', stage: 'receiving', message: err.message });
      }
      if (!r) continue;
      for (const line of r.lines) records.push(line);
      parts.push({ source: this.name, lines: r.lines.length, stream: t.key, data: { key: t.key, before: cursorOf(t), after: r.after } satisfies PartData });
      budget -= r.consumed;
      bytes += r.consumed;
      if (r.capped) more = true;
      this.ctx.events.emit('FileLinesRead', { source: this.name, path: t.path, ino: t.ino, lines: r.lines.length, bytes: r.consumed });
    }
    return parts.length ? { records, parts, bytes, more } : null;
  }

  /** Complete lines from t.offset (a partial last line waits), then re-check identity (copytruncate races). */
  private readFrom(t: Tracked, budget: number): { lines: ByteLine[]; consumed: number; after: Cursor; capped: boolean } | null {
    const fh = t.fh!;
    const maxLine = this.cfg.max_line_bytes;
    const want = Math.min(t.size - t.offset, Math.max(budget, maxLine + 1));
    if (this.used === 0 && this.scratch.length < want) this.scratch = Buffer.allocUnsafeSlow(Math.max(want, 64 * 1024));
    // A second file in the same poll that does not fit the rest of the buffer gets its own (rare).
    const inScratch = this.scratch.length - this.used >= want;
    const buf = pread(fh, t.offset, want, inScratch ? this.scratch.subarray(this.used) : undefined);
    if (buf.length === 0) return null;
    const nl = buf.lastIndexOf(10);
    let end: number;
    let lines: ByteLine[];
    if (nl >= 0) {
      end = nl + 1;
      lines = [];
      for (let s = 0; s <= nl; ) {
        const e = buf.indexOf(10, s);
        lines.push(new ByteLine(this.name, buf, s, e));
        s = e + 1;
      }
      t.partial = undefined;
    } else if (buf.length >= maxLine) {
      end = maxLine;
      lines = [new ByteLine(this.name, buf, 0, end)];
      this.ctx.events.emit('LineTooLong', { source: this.name, path: t.path, bytes: end });
    } else {
      // A partial last line waits for its "\n" (or, if configured, for the file to go idle).
      const now = performance.now();
      if (!t.partial || t.partial.size !== t.size) t.partial = { since: now, size: t.size };
      const after = this.cfg.flush_partial_after_s;
      if (after === undefined || now - t.partial.since < after * 1000) return null;
      end = buf.length;
      lines = [new ByteLine(this.name, buf, 0, end)];
      t.partial = undefined;
      this.ctx.events.emit('PartialLineFlushed', { source: this.name, path: t.path, bytes: end });
    }
    // If the file was truncated and rewritten while we read, what we read is not this file's: drop it.
    if (!sameContent(fh, t)) {
      t.orphan = true;
      return null;
    }
    const dropped = Math.min(t.skip, lines.length);
    if (dropped) {
      lines = lines.slice(dropped);
      this.ctx.events.count('DuplicateLinesDropped', dropped);
    }
    const offset = t.offset + end;
    const tailLen = Math.min(TAIL_BYTES, offset);
    const tail = tailLen <= end ? buf.subarray(end - tailLen, end) : pread(fh, offset - tailLen, tailLen);
    let fp = t.fp;
    let fpLen = t.fpLen;
    if (fpLen < FP_BYTES) {
      fpLen = Math.min(FP_BYTES, offset);
      fp = hash(t.offset === 0 ? buf.subarray(0, fpLen) : pread(fh, 0, fpLen));
    }
    const after: Cursor = { ...cursorOf(t), offset, skip: t.skip - dropped, fp, fpLen, tail: hash(tail), tailLen };
    if (inScratch) this.used += end;
    return { lines, consumed: end, after, capped: want < t.size - t.offset };
  }

  /** Match what the glob shows now against the tracked files. */
  private async scan(): Promise<void> {
    const now = performance.now();
    const cands = this.list();
    const byId = new Map<string, Candidate>();
    for (const c of cands) if (!byId.has(idOf(c))) byId.set(idOf(c), c);
    const held = new Set<string>();

    // 1. Files we hold open: follow renames by inode (it cannot be reused while open), spot truncation.
    for (const t of this.tracked.values()) {
      if (t.fh === undefined) continue;
      const st = fstatSync(t.fh);
      // Any write (size or mtime moved) may be a truncate-and-rewrite to the same size: check content.
      const grown = st.size !== t.size || st.mtimeMs !== t.mtimeMs;
      t.size = st.size;
      t.mtimeMs = st.mtimeMs;
      const c = byId.get(idOf(t));
      if (c) {
        // Renamed while open (logrotate's default rename + create): said, as copytruncate is.
        if (c.path !== t.path) this.ctx.events.emit('FileRotated', { source: this.name, path: c.path, from: t.path, ino: t.ino, how: 'renamed', offset: t.offset });
        t.path = c.path;
        t.seenAt = now;
        t.missed = 0;
        held.add(idOf(t));
      } else t.missed++;
      if (t.orphan || st.size < t.offset || (grown && !sameContent(t.fh, t, st.size))) {
        // Truncated (copytruncate, `> file`) or rewritten: this content lives on only in a copy, if any.
        t.orphan = true;
        t.seenAt = now;
        t.missed = 0;
        held.delete(idOf(t));
        safeClose(t.fh);
        t.fh = undefined;
      } else if (!c && t.offset >= t.size && t.missed >= 3 && now - t.seenAt > GRACE_MS) {
        // Rotated out of the glob (or deleted) and read to its end.
        safeClose(t.fh);
        this.tracked.delete(t.key);
      }
    }

    // 2. Files known by cursor only (restart, or truncated): find the file that continues them.
    const claimed = new Set<string>(held);
    const seekers = [...this.tracked.values()].filter((t) => t.fh === undefined).sort((a, b) => b.offset - a.offset);
    for (const t of seekers) {
      const options = cands.filter((c) => !claimed.has(idOf(c)) && c.size >= t.offset && (t.offset > 0 || idOf(c) === idOf(t)));
      options.sort((a, b) => Number(idOf(b) === idOf(t)) - Number(idOf(a) === idOf(t)));
      let adopted = false;
      for (const opt of options) {
        // Identity comes from the open descriptor, not the earlier stat: the path may hold another file by now.
        const o = this.openCandidate(opt.path);
        if (!o) continue;
        const c = o.c;
        if (claimed.has(idOf(c)) || c.size < t.offset || (t.offset === 0 && idOf(c) !== idOf(t)) || !sameContent(o.fd, t, c.size)) {
          safeClose(o.fd);
          continue;
        }
        const how = t.orphan ? 'copytruncate' : idOf(c) === idOf(t) ? (c.path === t.path ? 'resumed' : 'renamed') : 'copy';
        Object.assign(t, { fh: o.fd, path: c.path, dev: c.dev, ino: c.ino, size: c.size, mtimeMs: c.mtimeMs, seenAt: now, missed: 0, orphan: false });
        claimed.add(idOf(c));
        if (how === 'copytruncate') this.turnover.continued();
        if (how !== 'resumed') this.ctx.events.emit('FileRotated', { source: this.name, path: c.path, ino: c.ino, how, offset: t.offset });
        adopted = true;
        break;
      }
      if (adopted) continue;
      // Kept a while: the copy may be in the middle of a rename now (it is then skipped as a copy of t).
      if (++t.missed >= 3 && now - t.seenAt > GRACE_MS) {
        if (t.orphan) this.ctx.events.emit('FileTruncated', { source: this.name, path: t.path, ino: t.ino, offset: t.offset });
        // Lines after the cursor, if there were any, are nowhere the glob can see.
        this.ctx.events.emit('FileLossPossible', { source: this.name, path: t.path, ino: t.ino, offset: t.offset, reason: t.orphan ? 'truncated, and no copy of it was found' : 'not found again (rotated away or deleted while not open)' });
        this.tracked.delete(t.key);
      }
    }

    // 3. Everything else is a copy of a tracked file (skip it) or a new file.
    // A rotation during the scan moves files to names the listing did not have (the oldest file
    // always does): list again until a pass shows nothing unclaimed.
    for (let round = 0, pass = cands; round < 4 && pass.length; round++, pass = this.list().filter((c) => !claimed.has(idOf(c)))) {
      for (const seen of pass) {
        if (claimed.has(idOf(seen))) continue;
        const o = this.openCandidate(seen.path);
        if (!o) continue;
        const c = o.c;
        const fh = o.fd;
        const id = idOf(c);
        const sh = this.shadows.get(id);
        if (claimed.has(id) || (sh && sh.size === c.size && sh.mtimeMs === c.mtimeMs)) {
          claimed.add(id);
          safeClose(fh);
          continue;
        }
        claimed.add(id);
        this.shadows.delete(id);
        const verdict = c.size === 0 ? 'wait' : this.classify(fh, c, [...this.tracked.values()]);
        if (verdict !== 'new') {
          // An empty file has nothing to read yet; a copy (or a copy still being written) is not new.
          if (verdict === 'copy') {
            this.shadows.set(id, { size: c.size, mtimeMs: c.mtimeMs });
            this.turnover.continued();
          } else claimed.delete(id);
          safeClose(fh);
          continue;
        }
        const fromEnd = !this.initialized && this.cfg.start_at === 'end';
        const offset = fromEnd ? c.size - trailingPartial(fh, c.size) : 0;
        const fpr = fingerprintAt(fh, offset);
        const t: Tracked = { key: newKey(c), path: c.path, dev: c.dev, ino: c.ino, offset, skip: 0, ...fpr, fh, size: c.size, mtimeMs: c.mtimeMs, seenAt: now, missed: 0 };
        this.tracked.set(t.key, t);
        this.ctx.events.emit('FileDiscovered', { source: this.name, path: c.path, ino: c.ino, size: c.size, offset });
      }
    }
    for (const id of this.shadows.keys()) if (!byId.has(id)) this.shadows.delete(id);
    const turned = this.turnover.end();
    if (turned) {
      this.ctx.events.emit('FileLossPossible', {
        source: this.name,
        reason: 'rotation outran the agent: every rotated file listed at the previous scan is gone; files created and deleted in between were never read',
        gone: turned.gone,
        since_ms: Math.round(now - this.lastScan),
      });
    }
    this.lastScan = now;
  }

  /**
   * Is an untracked file new, or a copy of a tracked one (copytruncate)? `copy`: it holds what a
   * tracked file already gave us. `wait`: its bytes so far are the start of a file we hold open
   * (a copy in progress, or of lines not read yet): the holder reads them; look again next scan.
   */
  private classify(fd: number, c: Candidate, tracked: Tracked[]): 'new' | 'copy' | 'wait' {
    const head = pread(fd, 0, Math.min(FP_BYTES, c.size));
    for (const t of tracked) {
      if (t.fpLen > 0 && head.length >= t.fpLen && hash(head.subarray(0, t.fpLen)) === t.fp) {
        if (c.size < t.offset) return 'copy'; // shorter: an older copy, or one being written (re-judged when it grows)
        if (sameContent(fd, t, c.size)) return 'copy';
      }
      if (t.fh !== undefined && !t.orphan && t.size > 0) {
        const n = Math.min(head.length, t.size);
        if (n > 0 && pread(t.fh, 0, n).equals(head.subarray(0, n)) && (head.length <= t.size || t.offset === 0)) return 'wait';
      }
    }
    return 'new';
  }

  private list(): Candidate[] {
    const { files, dirs } = expandGlob(this.glob);
    this.watchDirs(dirs);
    const cands: Candidate[] = [];
    for (const f of files) {
      try {
        const st = statSync(f.path);
        if (st.isFile()) cands.push({ path: f.path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        /* vanished between readdir and stat */
      }
    }
    this.turnover.saw(cands.map((c) => ({ id: idOf(c), path: c.path })));
    return cands;
  }

  /** Open a path and take the identity of what was opened (a rename after this no longer matters). */
  private openCandidate(path: string): { fd: number; c: Candidate } | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error('not a regular file');
      return { fd, c: { path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } };
    } catch {
      safeClose(fd);
      return null;
    }
  }

  private watchDirs(dirs: string[]): void {
    if (this.stopped) return;
    for (const d of new Set(dirs)) {
      if (this.watchers.has(d)) continue;
      try {
        const w = watch(d, { persistent: false }, () => this.ctx.wake());
        w.on('error', () => {
          w.close();
          this.watchers.delete(d);
        });
        this.watchers.set(d, w);
      } catch {
        /* the directory does not exist yet: polling finds it */
      }
    }
  }
}

/** A line as a byte range of a read buffer (the journal copies the bytes); `line` decodes on demand, for detectors. */
export class ByteLine implements LineRecord {
  constructor(
    readonly source: string,
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  get line(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }
}

function newKey(c: Candidate): string {
  return `${c.ino.toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** Bytes after the last "\n" (start_at: end begins at a line boundary). */
function trailingPartial(fd: number, size: number): number {
  const n = Math.min(size, 64 * 1024);
  const b = pread(fd, size - n, n);
  const nl = b.lastIndexOf(10);
  return nl < 0 ? (n === size ? size : 0) : b.length - nl - 1;
}

function safeClose(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}
