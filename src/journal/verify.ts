/**
 * Archive verification: every block's SM3 hash and its link to the one before, seq continuity
 * within and across segments, seals on closed segments, and checkpoints (the archive's own and,
 * above all, off-host anchors) against the chain. Anchors are what catch a full re-chain with a
 * fresh key (journald FSS, CVE-2023-31438/31439): the attacker can rewrite everything on the host
 * but not the (seq, hash) pairs already shipped.
 */
import { join } from 'node:path';
import { GwsecError } from '../model/errors.js';
import { checkpointSignatureOk, isCheckpoint, type Checkpoint } from './checkpoint.js';
import { CHECKPOINTS, PRUNED, listSegments, readJsonl } from './files.js';
import { BlockType, ZERO_HASH, blockHash } from './format.js';
import { readMeta } from './journal.js';
import { scanFile } from './scan.js';

export type ProblemKind = 'modified' | 'deleted_segment' | 'reordered' | 'truncated' | 'rechained' | 'bad_signature' | 'unreadable';

export interface Problem {
  kind: ProblemKind;
  segment?: string;
  seq?: number;
  detail: string;
}

export interface VerifyOptions {
  /** Off-host anchors: checkpoints, or the path of an anchors.jsonl. */
  anchors?: Checkpoint[] | string;
  /** The trusted checkpoint key; without it, keys come from the archive's meta.json. */
  publicKeyPem?: string;
  /** For judging anchors older than the archive's first record (default: now, 180 days). */
  now?: Date;
  retentionDays?: number;
}

export interface VerifyResult {
  ok: boolean;
  problems: Problem[];
  /** Records present. */
  records: number;
  /** Bytes of original log lines present. */
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  head: string;
  segments: number;
  checkpointsChecked: number;
  anchorsChecked: number;
  /** Not failures: a torn tail awaiting recovery, a pruned prefix, unsigned checkpoints. */
  notes: string[];
}

interface PruneMark {
  seq: number;
  hash: string;
}

export async function verifyArchive(dir: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const add = (kind: ProblemKind, detail: string, segment?: string, seq?: number): void => {
    problems.push({ kind, detail, ...(segment ? { segment } : {}), ...(seq !== undefined ? { seq } : {}) });
  };

  let segments;
  try {
    segments = await listSegments(dir);
  } catch (e) {
    throw new GwsecError('journal_not_found', { en: `cannot read archive ${dir}: ${(e as Error).message}`, zh: `无法读取日志归档 ${dir}：${(e as Error).message}` }, { file: dir });
  }
  const meta = await readMeta(dir).catch((e: Error) => {
    add('unreadable', e.message);
    return undefined;
  });
  const cps = await readCheckpoints(join(dir, CHECKPOINTS), 'checkpoints.jsonl', add);
  let anchors: Checkpoint[] = [];
  if (typeof opts.anchors === 'string') anchors = await readCheckpoints(opts.anchors, opts.anchors, add, true);
  else if (opts.anchors) anchors = opts.anchors;
  const pruned = (await readJsonl<PruneMark>(join(dir, PRUNED))).items;

  // Chain values at the seqs checkpoints name (a DATA block ends there).
  const wanted = new Set<number>([...cps, ...anchors].map((c) => c.seq));
  const chainAt = new Map<number, string>([[0, ZERO_HASH.toString('hex')]]);

  let records = 0;
  let bytes = 0;
  let firstSeq = 0;
  let expectSeq = 0;
  let prevHash: Buffer | undefined;

  for (const [i, seg] of segments.entries()) {
    const isLast = i === segments.length - 1;
    let sawHead = false;
    let sealed = false;
    let ended = false;
    for await (const ev of scanFile(join(dir, seg.name))) {
      if (ev.kind === 'error') {
        const cut = /unexpected end/i.test(ev.message);
        add(cut ? 'truncated' : 'modified', `${cut ? 'compressed segment is cut short' : 'compressed segment is damaged'} (${ev.message}) after ${ev.offset} bytes`, seg.name);
        ended = true;
        continue;
      }
      if (ev.kind === 'garbage') {
        add('modified', `${ev.length} bytes at offset ${ev.offset} are not a valid block`, seg.name, expectSeq || undefined);
        continue;
      }
      if (ev.kind === 'tail') {
        if (isLast && !seg.gz && !sealed) notes.push(`${seg.name}: ${ev.length}-byte torn tail at offset ${ev.offset} (an interrupted write; cut off when the journal reopens)`);
        else add('truncated', `${ev.length} bytes at offset ${ev.offset} do not form a complete block`, seg.name);
        continue;
      }
      const h = ev.header;
      if (!blockHash(ev.headerBytes, ev.payload).equals(h.hash)) {
        const what = h.type === BlockType.Data ? `records ${h.seq}–${h.seq + h.count - 1}` : h.type === BlockType.Head ? 'segment header' : 'segment seal';
        add('modified', `${what} at offset ${ev.offset}: content does not match its SM3 hash`, seg.name, h.type === BlockType.Data ? h.seq : undefined);
      }
      if (sealed) add('modified', `block at offset ${ev.offset} follows the segment's seal`, seg.name);
      if (h.type === BlockType.Head) {
        if (sawHead) {
          add('modified', `second segment header at offset ${ev.offset}`, seg.name);
          continue;
        }
        sawHead = true;
        if (ev.offset !== 0) add('modified', `segment header at offset ${ev.offset}, not 0`, seg.name);
        if (h.seq !== seg.firstSeq) add('reordered', `file name says seq ${seg.firstSeq} but the segment starts at seq ${h.seq}`, seg.name, h.seq);
        if (prevHash === undefined) {
          firstSeq = h.seq;
          if (h.seq === 1) {
            if (!h.prevHash.equals(ZERO_HASH)) add('rechained', 'the first segment does not start from the genesis hash', seg.name, 1);
          } else if (pruned.some((p) => p.seq === h.seq - 1 && p.hash === h.prevHash.toString('hex'))) {
            notes.push(`records 1–${h.seq - 1} were pruned (retention)`);
          } else {
            add('deleted_segment', `records 1–${h.seq - 1} are missing and no prune record covers them`, seg.name, 1);
          }
          chainAt.set(h.seq - 1, h.prevHash.toString('hex'));
        } else if (h.seq > expectSeq) {
          add('deleted_segment', `records ${expectSeq}–${h.seq - 1} are missing before this segment`, seg.name, expectSeq);
        } else if (h.seq < expectSeq) {
          add('reordered', `segment starts at seq ${h.seq} but seq ${expectSeq} was expected`, seg.name, h.seq);
        } else if (!h.prevHash.equals(prevHash)) {
          add('rechained', `segment does not continue the chain of the segment before it`, seg.name, h.seq);
        }
        expectSeq = h.seq;
        prevHash = Buffer.from(h.prevHash);
        continue;
      }
      if (!sawHead) {
        add('modified', `segment does not start with a header`, seg.name);
        sawHead = true;
        if (prevHash === undefined) {
          firstSeq = h.seq;
          expectSeq = h.seq;
          prevHash = Buffer.from(h.prevHash);
        }
      }
      if (h.type === BlockType.Seal) {
        if (h.seq !== expectSeq - 1 || !h.prevHash.equals(prevHash!)) add('modified', `seal (seq ${h.seq}) does not match the segment's last record ${expectSeq - 1}`, seg.name);
        sealed = true;
        continue;
      }
      // DATA
      if (h.seq !== expectSeq) {
        if (h.seq > expectSeq) add('deleted_segment', `records ${expectSeq}–${h.seq - 1} are missing`, seg.name, expectSeq);
        else add('reordered', `block with records from ${h.seq} where ${expectSeq} was expected`, seg.name, h.seq);
      } else if (!h.prevHash.equals(prevHash!)) {
        add('rechained', `block with records from ${h.seq} does not link to the block before it`, seg.name, h.seq);
      }
      expectSeq = h.seq + h.count;
      prevHash = Buffer.from(h.hash);
      records += h.count;
      bytes += h.textBytes;
      const last = expectSeq - 1;
      if (wanted.has(last)) chainAt.set(last, h.hash.toString('hex'));
    }
    if (!sawHead && !ended) add('truncated', 'segment is empty', seg.name);
    if (!sealed && !ended && (!isLast || seg.gz)) add('truncated', 'closed segment has no seal: its end is missing', seg.name);
  }

  const lastSeq = prevHash === undefined ? 0 : expectSeq - 1;
  if (prevHash === undefined) firstSeq = 0;
  const keys = new Map((meta?.keys ?? []).map((k) => [k.keyId, k.publicKeyPem]));
  const retentionMs = (opts.retentionDays ?? 180) * 86400_000;
  const now = (opts.now ?? new Date()).getTime();

  const check = (c: Checkpoint, label: string, offHost: boolean): void => {
    const where = `${label} seq ${c.seq} (${c.time})`;
    const key = opts.publicKeyPem ?? keys.get(c.keyId);
    if (!c.signature) {
      if (opts.publicKeyPem) add('bad_signature', `${where} is unsigned`, undefined, c.seq);
    } else if (!key) {
      if (offHost) add('rechained', `${where} is signed by key ${c.keyId}, which the archive does not list: the archive's key was replaced`, undefined, c.seq);
      else add('bad_signature', `${where} is signed by unknown key ${c.keyId}`, undefined, c.seq);
    } else if (!checkpointSignatureOk(c, key)) {
      add('bad_signature', `${where}: SM2 signature does not verify${opts.publicKeyPem ? ' with the given public key' : ` with key ${c.keyId}`}`, undefined, c.seq);
    }
    if (c.seq > lastSeq) {
      add('truncated', `${where} covers up to seq ${c.seq} but the archive ends at ${lastSeq}`, undefined, c.seq);
      return;
    }
    if (firstSeq > 0 && c.seq < firstSeq) {
      // Records up to c.seq are gone: fine once older than the retention period (a day's slack).
      // (an anchor at seq 0, taken before the first record, vouches for no record that could be gone)
      if (offHost && c.seq > 0 && now - Date.parse(c.time) < retentionMs - 86400_000) {
        add('deleted_segment', `${where} is within the retention period but the archive now starts at seq ${firstSeq}`, undefined, c.seq);
      }
      if (c.seq < firstSeq - 1) return;
    }
    const at = chainAt.get(c.seq);
    if (at === undefined) add('rechained', `${where}: no block of the archive ends at seq ${c.seq}`, undefined, c.seq);
    else if (at !== c.hash) add('rechained', `${where}: the chain at seq ${c.seq} is ${at.slice(0, 16)}…, the checkpoint says ${c.hash.slice(0, 16)}…`, undefined, c.seq);
  };
  for (const c of cps) check(c, 'checkpoint', false);
  for (const c of anchors) check(c, 'anchor', true);
  if (!opts.publicKeyPem && cps.some((c) => c.signature)) notes.push('checkpoint signatures were checked with the keys in meta.json (give the public key to check against a trusted one)');
  if (!anchors.length) notes.push('no off-host anchors given: a full re-chain of the archive cannot be excluded');

  return {
    ok: problems.length === 0,
    problems,
    records,
    bytes,
    firstSeq,
    lastSeq,
    head: (prevHash ?? ZERO_HASH).toString('hex'),
    segments: segments.length,
    checkpointsChecked: cps.length,
    anchorsChecked: anchors.length,
    notes,
  };
}

async function readCheckpoints(path: string, label: string, add: (k: ProblemKind, d: string) => void, required = false): Promise<Checkpoint[]> {
  let r;
  try {
    r = await readJsonl<unknown>(path);
  } catch (e) {
    throw new GwsecError('journal_anchors_error', { en: `cannot read ${label}: ${(e as Error).message}`, zh: `无法读取 ${label}：${(e as Error).message}` }, { file: path });
  }
  if (required && r.items.length === 0 && r.bad.length === 0) {
    throw new GwsecError('journal_anchors_error', { en: `no checkpoints in ${label}`, zh: `${label} 中没有检查点` }, { file: path });
  }
  for (const line of r.bad) add('modified', `${label} line ${line} is not valid JSON`);
  const out: Checkpoint[] = [];
  r.items.forEach((c, i) => {
    if (isCheckpoint(c)) out.push(c);
    else add('modified', `${label} entry ${i + 1} is not a checkpoint`);
  });
  return out;
}
