/**
 * The embedded store's time index (since.idx): what lets `collector alerts --since` read the newest
 * part of the journal instead of every alert in it.
 *
 * An entry (seq S, time M) says: every alert record in the journal before seq S has a lastSeen of
 * at most M. M is a running maximum along the journal, so for "lastSeen ≥ since" every record
 * before the last entry with M < since can be skipped, in whatever order agents delivered (an outbox
 * drained after an outage delivers old alerts late: M covers them; a clock far ahead only makes
 * the index skip less). An alert that grew is appended again with a larger count, never a smaller
 * one, so the record a query keeps for it (its largest count) is never before one it skipped.
 *
 * Crash safety: an entry is written after the journal append it describes is durable, so the index
 * can be behind the journal, never ahead of it. Entries are fixed-size with a check, and only the
 * valid prefix is used: a torn or zero-filled tail, a damaged entry, an entry going backwards, or
 * one past the journal's head (a journal restored from an older backup) ends it. A read-write open
 * cuts the file there and indexes the journal from the last valid entry on (all of it when the file
 * is missing); a read-only reader (the CLI) uses the valid prefix as it finds it.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readRecords } from '../../../src/journal/index.js';

export const TIME_INDEX_FILE = 'since.idx';
/** Alert records between two entries: the most a `--since` query reads before the first it wants. */
export const TIME_INDEX_EVERY = 1024;
const ENTRY = 24;

export interface TimeEntry {
  /** The first seq this entry does not cover. */
  seq: number;
  /** The largest lastSeen (ms) of any alert record before `seq`. */
  maxLastSeen: number;
}

const check = (b: Buffer): Buffer => createHash('sha256').update(b).digest().subarray(0, 4);

export function encodeEntry(e: TimeEntry): Buffer {
  const b = Buffer.alloc(ENTRY);
  b.writeDoubleLE(e.seq, 0);
  b.writeDoubleLE(e.maxLastSeen, 8);
  check(b.subarray(0, 16)).copy(b, 16);
  return b;
}

/** The valid prefix of an index file's bytes (nothing for no file); `headSeq` bounds it when known. */
export function decodeEntries(buf: Buffer, headSeq = Infinity): TimeEntry[] {
  const out: TimeEntry[] = [];
  for (let off = 0; off + ENTRY <= buf.length; off += ENTRY) {
    const body = buf.subarray(off, off + 16);
    if (!check(body).equals(buf.subarray(off + 16, off + 20))) break;
    const e = { seq: body.readDoubleLE(0), maxLastSeen: body.readDoubleLE(8) };
    const prev = out[out.length - 1];
    if (!Number.isSafeInteger(e.seq) || e.seq < 1 || e.seq > headSeq + 1 || Number.isNaN(e.maxLastSeen)) break;
    if (prev && (e.seq <= prev.seq || e.maxLastSeen < prev.maxLastSeen)) break;
    out.push(e);
  }
  return out;
}

export function readTimeIndex(path: string, headSeq = Infinity): TimeEntry[] {
  try {
    return decodeEntries(readFileSync(path), headSeq);
  } catch {
    return [];
  }
}

/** The seq to read after for alerts with lastSeen ≥ `since` (0: from the start). */
export function afterSeqFor(entries: readonly TimeEntry[], since: number): number {
  // M grows along the entries: the last one with M < since, by binary search.
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.maxLastSeen < since) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : entries[lo - 1]!.seq - 1;
}

const lastSeenOf = (line: string): number => {
  try {
    return Date.parse((JSON.parse(line) as { lastSeen?: string }).lastSeen ?? '');
  } catch {
    return NaN;
  }
};

/** The running collector's side: reconciles the file with the journal at open, then appends. */
export class TimeIndexWriter {
  private max = -Infinity;
  private since = 0;

  private constructor(
    private readonly fd: number,
    readonly entries: TimeEntry[],
    private readonly every: number,
  ) {}

  static async open(path: string, journalDir: string, headSeq: number, every = TIME_INDEX_EVERY): Promise<TimeIndexWriter> {
    const entries = existsSync(path) ? readTimeIndex(path, headSeq) : [];
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+', 0o600);
    ftruncateSync(fd, entries.length * ENTRY); // whatever follows the valid prefix is re-derived below
    const w = new TimeIndexWriter(fd, entries, every);
    const last = entries[entries.length - 1];
    w.max = last?.maxLastSeen ?? -Infinity;
    for await (const r of readRecords(journalDir, { source: 'alert', afterSeq: (last?.seq ?? 1) - 1 })) w.note([lastSeenOf(r.line)], r.seq);
    return w;
  }

  /** After an append is durable: the lastSeen (ms) of each alert in it, and the append's last seq. */
  note(lastSeen: readonly number[], lastSeq: number): void {
    for (const t of lastSeen) if (t > this.max) this.max = t; // NaN (unparsable) never matches a query
    this.since += lastSeen.length;
    if (this.since < this.every) return;
    const e = { seq: lastSeq + 1, maxLastSeen: this.max };
    // no fsync: an entry lost in a crash leaves the index behind the journal, which is safe
    writeSync(this.fd, encodeEntry(e), 0, ENTRY, this.entries.length * ENTRY);
    this.entries.push(e);
    this.since = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
