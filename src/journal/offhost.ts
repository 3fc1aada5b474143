/**
 * Off-host verification: an agent's archive against the checkpoints a collector holds for it, with
 * the SM2 key bound at enrolment (not whatever key the archive now carries). Catches what an
 * on-host verify cannot: a rollback to an older consistent copy and a cut tail (held checkpoints
 * past the archive's head), a full re-chain signed with a replaced key (held (seq, hash) pairs no
 * longer in the chain; signatures by another key). Used by `gwsec collector verify AGENT` (the
 * collector reads its own store) and `gwsec agent verify --anchors COLLECTOR` (the agent asks the
 * collector over its mutual-TLS identity).
 */
import { resolve } from 'node:path';
import type { Checkpoint } from './checkpoint.js';
import { verifyArchive, type Problem } from './verify.js';

export interface HeldCheckpoint {
  seq: number;
  hash: string;
  time: string;
  key_id: string;
  signature: string;
}

export interface OffHostResult {
  agent: string;
  ok: boolean;
  problems: Problem[];
  checkpointsHeld: number;
  lastHeld: { seq: number; time: string } | null;
  records: number;
  head: string;
  lastSeq: number;
  gaps: number;
  notes: string[];
}

/** `held` must not be empty (nothing to verify against is the caller's error to report). */
export async function verifyOffHost(archive: string, o: { agent: string; held: HeldCheckpoint[]; publicKeyPem: string; gaps: number }): Promise<OffHostResult> {
  const anchors: Checkpoint[] = o.held.map((c) => ({ seq: c.seq, hash: c.hash, time: c.time, keyId: c.key_id, signature: c.signature }));
  const r = await verifyArchive(resolve(archive), { anchors, publicKeyPem: o.publicKeyPem });
  const last = [...o.held].sort((a, b) => a.seq - b.seq).at(-1);
  const notes = [...r.notes];
  if (o.gaps) notes.push(`${o.gaps} reporting gap(s) recorded for this agent (its outbox was full): checkpoints in them were not shipped`);
  return {
    agent: o.agent, ok: r.ok, problems: r.problems, checkpointsHeld: o.held.length, lastHeld: last ? { seq: last.seq, time: last.time } : null,
    records: r.records, head: r.head, lastSeq: r.lastSeq, gaps: o.gaps, notes,
  };
}

/** The verdict in words, as strong as the check and no stronger. */
export function offHostLines(r: OffHostResult, where: string, lang: 'zh' | 'en'): string[] {
  const zh = lang === 'zh';
  const out: string[] = [];
  if (r.ok) {
    out.push(
      zh
        ? `${r.agent} 的归档与${where}保存的 ${r.checkpointsHeld} 个检查点一致（最近序号 ${r.lastHeld?.seq}，${r.lastHeld?.time}）；共 ${r.records} 条记录`
        : `archive of ${r.agent} consistent with the ${r.checkpointsHeld} checkpoint(s) held off-host by ${where} (last seq ${r.lastHeld?.seq} at ${r.lastHeld?.time}); ${r.records} records`,
    );
  } else {
    out.push(
      zh
        ? `${r.agent} 的归档与${where}保存的检查点不一致：${r.problems.length} 处问题（回滚、截断或以其他密钥重建）`
        : `archive of ${r.agent} does NOT match what ${where} holds: ${r.problems.length} problem(s) (rollback, cut tail or re-chain)`,
    );
    for (const p of r.problems) out.push(`  ${p.kind}${p.segment ? ` (segment ${p.segment})` : ''}${p.seq !== undefined ? ` seq ${p.seq}` : ''}: ${p.detail}`);
  }
  for (const n of r.notes) out.push(`  ${zh ? '说明' : 'note'}: ${n}`);
  return out;
}
