/** Export: the original lines, in seq order, optionally filtered by receive time and source. */
import { join } from 'node:path';
import { listSegments } from './files.js';
import { BlockType, decodeRecords } from './format.js';
import { scanFile } from './scan.js';

export interface JournalRecord {
  seq: number;
  /** Receive time, ISO 8601. */
  time: string;
  source: string;
  line: string;
}

export interface ReadFilter {
  from?: Date;
  to?: Date;
  source?: string;
  /** Only records with a seq above this; whole segments before it are not read. */
  afterSeq?: number;
}

/** Reads what can be framed; damage is verifyArchive's to report. `to` is exclusive. */
export async function* readRecords(dir: string, filter: ReadFilter = {}): AsyncGenerator<JournalRecord> {
  const from = filter.from?.getTime() ?? -Infinity;
  const to = filter.to?.getTime() ?? Infinity;
  const after = filter.afterSeq ?? 0;
  const segs = await listSegments(dir);
  for (const [k, seg] of segs.entries()) {
    // A segment ends where the next begins: one that ends at or before `afterSeq` holds nothing wanted.
    const next = segs[k + 1];
    if (next && next.firstSeq - 1 <= after) continue;
    for await (const ev of scanFile(join(dir, seg.name))) {
      if (ev.kind !== 'block' || ev.header.type !== BlockType.Data) continue;
      if (ev.header.seq + ev.header.count - 1 <= after) continue; // not decoded: every record in it is before afterSeq
      let recs;
      try {
        recs = decodeRecords(ev.header, ev.payload, filter.source);
      } catch {
        continue;
      }
      for (const [i, r] of recs.entries()) {
        if (ev.header.seq + i <= after) continue;
        if (r.time < from || r.time >= to) continue;
        if (filter.source !== undefined && r.source !== filter.source) continue;
        yield { seq: ev.header.seq + i, time: new Date(r.time).toISOString(), source: r.source, line: r.line };
      }
    }
  }
}
