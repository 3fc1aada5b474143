/**
 * The agent's on-disk outbox: what must reach the collector (alerts, checkpoints, gap reports)
 * survives agent restarts and collector outages, and leaves only when the collector has acked it.
 *
 * Files (in the collector dir): out-NNNNNNNN.jsonl segments, one item a line, appended and fsync'd;
 * acked.jsonl, the ids acked since the oldest live segment; gap-open.json while items are being
 * dropped; gaps.jsonl, every gap, kept locally. A segment whose items are all acked is deleted.
 *
 * Bounded: the segments never exceed `maxBytes`. An item that does not fit is not kept: it is
 * counted into the open gap, and once there is room again a `gap` item (what was dropped, from when
 * to when) is queued first — so the gap is recorded here and reported to the collector, never silent.
 * The archive keeps every log line meanwhile; only delivery is bounded.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GapPayload } from '../../src/protocol/index.js';
import { writeFileAtomic } from '../../src/util/fs.js';

export type OutboxKind = 'alerts' | 'checkpoint' | 'gap';
/**
 * One item to queue: the message it becomes (alerts are batched from single-alert items when sent).
 * `json` is `JSON.stringify(body)` when the caller has it already (the agent serialises each alert
 * once: archive line, outbox line and frame all reuse it).
 */
export type OutboxItem = { id: string; kind: OutboxKind } & ({ body: unknown; json?: undefined } | { json: string; body?: undefined });

/** A queued item as handed out: its body as UTF-8 JSON bytes, spliced into frames without re-serialising. */
export interface LeasedItem {
  id: string;
  kind: OutboxKind;
  json: Buffer;
}

interface Entry extends LeasedItem {
  seg: number;
  acked: boolean;
}

const EMPTY = Buffer.alloc(0);
const LINE_END = Buffer.from('}\n');
/** A segment line is exactly JSON.stringify({ id, kind, body }): this prefix, the body's JSON, `}`. */
const linePrefix = (id: string, kind: string) => `{"id":${JSON.stringify(id)},"kind":${JSON.stringify(kind)},"body":`;

interface Segment {
  n: number;
  bytes: number;
  live: number;
}

export interface OutboxOptions {
  maxBytes: number;
  now?: () => Date;
  /** Called when a gap opens (first drop) and when it is closed and queued. */
  onGap?: (event: 'opened' | 'queued', gap: GapPayload) => void;
}

const SEG_RE = /^out-(\d{8})\.jsonl$/;
const segName = (n: number) => `out-${String(n).padStart(8, '0')}.jsonl`;
type Dropped = GapPayload['dropped'];

export class Outbox {
  private q: Entry[] = [];
  private head = 0;
  private leasePos = 0;
  private readonly segs = new Map<number, Segment>();
  private cur = 0;
  private fd = -1;
  private ackFd = -1;
  private total = 0;
  private readonly byId = new Map<string, Entry>();
  private gap: { from: string; dropped: Dropped } | null = null;
  private readonly segMax: number;
  private readonly now: () => Date;

  private constructor(
    readonly dir: string,
    private readonly o: OutboxOptions,
  ) {
    this.now = o.now ?? (() => new Date());
    this.segMax = Math.max(4096, Math.min(1 << 20, Math.floor(o.maxBytes / 8)));
  }

  static open(dir: string, o: OutboxOptions): Outbox {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ob = new Outbox(dir, o);
    ob.load();
    return ob;
  }

  /** Items waiting for an ack, and the bytes of segments on disk. */
  get stats(): { items: number; bytes: number; gapOpen: boolean } {
    return { items: this.byId.size, bytes: this.total, gapOpen: this.gap !== null };
  }

  /**
   * Queue items durably (one write + fsync for all). Items already queued (same id) are skipped.
   * Returns how many were kept; the others went into the gap.
   */
  add(items: OutboxItem[]): number {
    this.flushGap();
    let kept = 0;
    const lines: Array<[Entry, Buffer]> = [];
    for (const it of items) {
      if (this.byId.has(it.id)) continue;
      const prefix = Buffer.from(linePrefix(it.id, it.kind));
      const json = Buffer.from(it.json ?? JSON.stringify(it.body));
      const size = prefix.length + json.length + LINE_END.length;
      if (this.gap || this.total + size > this.o.maxBytes) {
        this.drop(it.kind);
        continue;
      }
      const e = this.place(it.id, it.kind, json, size);
      lines.push([e, Buffer.concat([prefix, json, LINE_END], size)]);
      kept++;
    }
    this.write(lines);
    return kept;
  }

  /** The next `n` items not yet handed out in this session, oldest first. */
  lease(n: number): LeasedItem[] {
    const out: LeasedItem[] = [];
    while (out.length < n && this.leasePos < this.q.length) {
      const e = this.q[this.leasePos++]!;
      if (!e.acked) out.push({ id: e.id, kind: e.kind, json: e.json });
    }
    return out;
  }

  /** After a lost session: everything not acked is handed out again. */
  unlease(): void {
    this.leasePos = this.head;
  }

  ack(ids: string[]): void {
    const done: string[] = [];
    for (const id of ids) {
      const e = this.byId.get(id);
      if (!e || e.acked) continue;
      e.acked = true;
      e.json = EMPTY; // the entry stays in the queue until it is compacted; its body need not
      this.byId.delete(id);
      done.push(id);
      const s = this.segs.get(e.seg)!;
      s.live--;
    }
    if (!done.length) return;
    // Not fsync'd: an ack lost in a crash only means that item is sent again (ids make it harmless).
    if (this.ackFd < 0) this.ackFd = openSync(join(this.dir, 'acked.jsonl'), 'a', 0o600);
    writeSync(this.ackFd, done.map((id) => JSON.stringify(id) + '\n').join(''));
    while (this.head < this.q.length && this.q[this.head]!.acked) this.head++;
    if (this.head > 4096 && this.head > this.q.length / 2) {
      this.q = this.q.slice(this.head);
      this.leasePos = Math.max(0, this.leasePos - this.head);
      this.head = 0;
    }
    this.reclaim();
    this.flushGap();
  }

  /** Every gap this agent recorded (local side of "visible on both sides"). */
  gaps(): GapPayload[] {
    const f = join(this.dir, 'gaps.jsonl');
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as GapPayload);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.closeAcked();
  }

  private closeAcked(): void {
    if (this.ackFd >= 0) closeSync(this.ackFd);
    this.ackFd = -1;
  }

  private place(id: string, kind: OutboxKind, json: Buffer, size: number): Entry {
    let s = this.segs.get(this.cur);
    if (!s || s.bytes + size > this.segMax) {
      if (this.fd >= 0) closeSync(this.fd);
      this.cur++;
      s = { n: this.cur, bytes: 0, live: 0 };
      this.segs.set(this.cur, s);
      this.fd = openSync(join(this.dir, segName(this.cur)), 'a', 0o600);
    }
    s.bytes += size;
    s.live++;
    this.total += size;
    const e: Entry = { id, kind, json, seg: this.cur, acked: false };
    this.q.push(e);
    this.byId.set(id, e);
    return e;
  }

  private write(lines: Array<[Entry, Buffer]>): void {
    if (!lines.length) return;
    // The lines of one add() may span a segment roll: one write + fsync per segment touched.
    const bySeg = new Map<number, Buffer[]>();
    for (const [e, l] of lines) {
      const b = bySeg.get(e.seg);
      if (b) b.push(l);
      else bySeg.set(e.seg, [l]);
    }
    for (const [n, bufs] of bySeg) {
      const text = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
      const fd = n === this.cur && this.fd >= 0 ? this.fd : openSync(join(this.dir, segName(n)), 'a', 0o600);
      writeSync(fd, text);
      fsyncSync(fd);
      if (fd !== this.fd) closeSync(fd);
    }
  }

  private reclaim(): void {
    let removed = false;
    for (const [n, s] of [...this.segs]) {
      if (s.live > 0 || n === this.cur) continue;
      rmSync(join(this.dir, segName(n)), { force: true });
      this.total -= s.bytes;
      this.segs.delete(n);
      removed = true;
    }
    if (removed) {
      // The acked log only needs ids still in live segments.
      const keep = this.q.slice(this.head).filter((e) => e.acked).map((e) => JSON.stringify(e.id) + '\n');
      this.closeAcked(); // the file is replaced: appends go to the new one
      writeFileAtomic(join(this.dir, 'acked.jsonl'), keep.join(''));
    }
  }

  private drop(kind: OutboxKind): void {
    if (!this.gap) {
      this.gap = { from: this.now().toISOString(), dropped: { alerts: 0, checkpoints: 0, health: 0 } };
      this.o.onGap?.('opened', { id: 'open', from: this.gap.from, to: this.gap.from, dropped: this.gap.dropped, reason: 'outbox full' });
    }
    if (kind === 'alerts') this.gap.dropped.alerts++;
    else if (kind === 'checkpoint') this.gap.dropped.checkpoints++;
    writeFileAtomic(join(this.dir, 'gap-open.json'), JSON.stringify(this.gap));
  }

  /** Room again (a quarter of the bound free): the gap becomes an item, queued before anything new. */
  private flushGap(): void {
    if (!this.gap || this.total > this.o.maxBytes * 0.75) return;
    const g: GapPayload = {
      id: `gap-${Date.parse(this.gap.from)}-${this.gap.dropped.alerts}-${this.gap.dropped.checkpoints}`,
      from: this.gap.from,
      to: this.now().toISOString(),
      dropped: this.gap.dropped,
      reason: `outbox full (bound ${this.o.maxBytes} bytes): items not kept for delivery; the archive has every log line`,
    };
    this.gap = null;
    const json = Buffer.from(JSON.stringify(g));
    const line = Buffer.concat([Buffer.from(linePrefix(g.id, 'gap')), json, LINE_END]);
    const e = this.place(g.id, 'gap', json, line.length);
    this.write([[e, line]]);
    appendFileSync(join(this.dir, 'gaps.jsonl'), JSON.stringify(g) + '\n');
    rmSync(join(this.dir, 'gap-open.json'), { force: true });
    this.o.onGap?.('queued', g);
  }

  private load(): void {
    const acked = new Set<string>();
    const af = join(this.dir, 'acked.jsonl');
    if (existsSync(af)) {
      for (const l of readFileSync(af, 'utf8').split('\n')) {
        try {
          if (l) acked.add(JSON.parse(l) as string);
        } catch {
          /* a torn last line: that ack is simply redone */
        }
      }
    }
    const names = readdirSync(this.dir).filter((f) => SEG_RE.test(f)).sort();
    for (const f of names) {
      const n = Number(SEG_RE.exec(f)![1]);
      const path = join(this.dir, f);
      const text = readFileSync(path);
      const s: Segment = { n, bytes: text.length, live: 0 };
      this.segs.set(n, s);
      this.total += s.bytes;
      this.cur = Math.max(this.cur, n);
      for (let at = 0; at < text.length; ) {
        let end = text.indexOf(10, at);
        if (end < 0) end = text.length;
        const l = text.subarray(at, end);
        at = end + 1;
        if (!l.length) continue;
        let it: { id: string; kind: OutboxKind; body: unknown };
        try {
          it = JSON.parse(l.toString('utf8')) as typeof it;
        } catch {
          continue; // torn tail of a crashed write: that item was never acknowledged to anyone
        }
        if (this.byId.has(it.id)) continue;
        const prefix = Buffer.from(linePrefix(it.id, it.kind));
        const exact = l.length > prefix.length && l[l.length - 1] === 0x7d && l.subarray(0, prefix.length).equals(prefix);
        const json = acked.has(it.id) ? EMPTY : exact ? l.subarray(prefix.length, l.length - 1) : Buffer.from(JSON.stringify(it.body));
        const e: Entry = { id: it.id, kind: it.kind, json, seg: n, acked: acked.has(it.id) };
        this.q.push(e);
        if (!e.acked) {
          s.live++;
          this.byId.set(it.id, e);
        }
      }
    }
    while (this.head < this.q.length && this.q[this.head]!.acked) this.head++;
    this.leasePos = this.head;
    if (this.cur > 0) this.fd = openSync(join(this.dir, segName(this.cur)), 'a', 0o600);
    const gf = join(this.dir, 'gap-open.json');
    if (existsSync(gf)) {
      try {
        this.gap = JSON.parse(readFileSync(gf, 'utf8')) as { from: string; dropped: Dropped };
      } catch {
        this.gap = null;
      }
    }
    this.reclaim();
  }
}

