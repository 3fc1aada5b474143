/**
 * `gwsec collector verify AGENT --archive DIR`: the agent's local archive against the checkpoints
 * this collector holds, with the SM2 key bound at enrolment. What an on-host verify cannot see shows
 * here: a rollback to an older consistent state or a cut tail (held checkpoints past the archive's
 * head), and a full re-chain signed with a replaced key (held (seq, hash) pairs no longer in the
 * chain; signatures by another key).
 */
import { resolve } from 'node:path';
import type { Io } from '../../src/app/io.js';
import { verifyArchive, type Checkpoint, type Problem } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadCollectorConfig } from './config.js';
import { openStore } from './store/index.js';
import type { CollectorStore, StoredCheckpoint } from './store/types.js';

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

export async function verifyAgainstStore(store: CollectorStore, agentRef: string, archive: string): Promise<OffHostResult> {
  const agents = (await store.listAgents()).filter((a) => a.id === agentRef || a.name === agentRef);
  if (agents.length !== 1) throw new GwsecError('usage_error', agents.length ? `${agentRef} names ${agents.length} agents: give the id / 名称不唯一` : `no agent ${agentRef} at this collector / 无此代理`);
  const agent = agents[0]!;
  const held = await store.checkpoints(agent.id);
  if (!held.length) throw new GwsecError('collector_no_anchors', `the collector holds no checkpoints of ${agent.id}: nothing to verify against (has it reported?) / 采集中心无该代理的检查点，无法异地校验`);
  const anchors: Checkpoint[] = held.map((c: StoredCheckpoint) => ({ seq: c.seq, hash: c.hash, time: c.time, keyId: c.key_id, signature: c.signature }));
  const r = await verifyArchive(resolve(archive), { anchors, publicKeyPem: agent.sm2_public_key });
  const gaps = (await store.gaps(agent.id)).length;
  const last = held.at(-1)!;
  const notes = [...r.notes];
  if (gaps) notes.push(`${gaps} reporting gap(s) recorded for this agent (its outbox was full): checkpoints in them were not shipped`);
  return { agent: agent.id, ok: r.ok, problems: r.problems, checkpointsHeld: held.length, lastHeld: { seq: last.seq, time: last.time }, records: r.records, head: r.head, lastSeq: r.lastSeq, gaps, notes };
}

export async function collectorVerify(o: { config: string; agent: string; archive: string; format: 'text' | 'json' }, io: Io): Promise<number> {
  const cfg = loadCollectorConfig(o.config);
  const store = await openStore(cfg, { readOnly: true });
  let r: OffHostResult;
  try {
    r = await verifyAgainstStore(store, o.agent, o.archive);
  } finally {
    await store.close();
  }
  if (o.format === 'json') io.out(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) {
    io.out(`archive of ${r.agent} consistent with the ${r.checkpointsHeld} checkpoint(s) held off-host (last seq ${r.lastHeld?.seq} at ${r.lastHeld?.time}); ${r.records} records / 归档与采集中心保存的检查点一致\n`);
  } else {
    io.out(`archive of ${r.agent} does NOT match what the collector holds: ${r.problems.length} problem(s) / 归档与采集中心保存的检查点不一致\n`);
    for (const p of r.problems) io.out(`  ${p.kind}${p.segment ? ` (segment ${p.segment})` : ''}${p.seq !== undefined ? ` seq ${p.seq}` : ''}: ${p.detail}\n`);
  }
  for (const n of r.notes) io.out(`  note: ${n}\n`);
  return r.ok ? 0 : 1;
}
