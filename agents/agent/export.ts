/**
 * `gwsec agent export`: the archived lines, each with its own integrity mark. A block whose SM3
 * hash does not cover its bytes, or that breaks the chain with a neighbour, has its lines marked
 * `intact: false` (both sides of a broken link: the edit is in one of them). Whole-archive facts
 * (checkpoints, anchors, a full re-chain) come from verifyArchive and go into the statement.
 *
 * Times: `--from` / `--to` select by the archive's receive time (when the agent read the line),
 * not a time written inside the line; a value without an offset is read in `--tz`.
 */
import { join } from 'node:path';
import { listSegments } from '../../src/journal/files.js';
import { BlockType, blockHash, decodeRecords } from '../../src/journal/format.js';
import { scanFile } from '../../src/journal/scan.js';

export interface ExportRecord {
  seq: number;
  /** Receive (archive) time, ISO 8601 UTC. */
  time: string;
  source: string;
  line: string;
  intact: boolean;
}

export interface ExportFilter {
  from?: Date;
  to?: Date;
  source?: string;
}

interface Pending {
  hash: Buffer;
  suspect: boolean;
  recs: Array<{ seq: number; time: number; source: string; line: string }>;
}

export async function* exportRecords(dir: string, f: ExportFilter = {}): AsyncGenerator<ExportRecord> {
  const from = f.from?.getTime() ?? -Infinity;
  const to = f.to?.getTime() ?? Infinity;
  let pending: Pending | undefined;
  const flush = function* (p: Pending | undefined): Generator<ExportRecord> {
    if (!p) return;
    for (const r of p.recs)
      if (r.time >= from && r.time < to && (f.source === undefined || r.source === f.source))
        yield { seq: r.seq, time: new Date(r.time).toISOString(), source: r.source, line: r.line, intact: !p.suspect };
  };
  for (const seg of await listSegments(dir)) {
    for await (const ev of scanFile(join(dir, seg.name))) {
      if (ev.kind !== 'block' || ev.header.type !== BlockType.Data) continue;
      const h = ev.header;
      let recs: Pending['recs'] = [];
      let suspect = !blockHash(ev.headerBytes, ev.payload).equals(h.hash);
      try {
        recs = decodeRecords(h, ev.payload).map((r, i) => ({ seq: h.seq + i, ...r }));
      } catch {
        suspect = true;
      }
      if (pending && !h.prevHash.equals(pending.hash)) {
        pending.suspect = true;
        suspect = true;
      }
      yield* flush(pending);
      pending = { hash: h.hash, suspect, recs };
    }
  }
  yield* flush(pending);
}

/** The text format's marker in front of a line that cannot be vouched for. */
export const TAMPERED_MARK = '[gwsec: TAMPERED — hash chain broken here / 哈希链在此断裂] ';
