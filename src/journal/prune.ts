/**
 * Retention: deletes the oldest closed segments whose every record is older than retentionDays and
 * that a checkpoint covers; never the newest segment, never below 180 days (Article 41(三) of the
 * government website specification and Cybersecurity Law Art. 21: web logs kept ≥ six months).
 * Disk pressure is the caller's alert, never a reason to prune early.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GwsecError } from '../model/errors.js';
import { checkpointSignatureOk, isCheckpoint, type Checkpoint } from './checkpoint.js';
import { CHECKPOINTS, PRUNED, appendDurable, fsyncDir, listSegments, readJsonl } from './files.js';
import { BlockType, blockHash } from './format.js';
import { readMeta } from './journal.js';
import { scanFile } from './scan.js';

export const MIN_RETENTION_DAYS = 180;

export interface PruneResult {
  deleted: string[];
  /** Why the oldest remaining segment was kept. */
  keptBecause?: string;
}

interface SealInfo {
  seq: number;
  hash: string;
  lastTime: number;
  closedAt: number;
}

/** The seal of a closed segment, if the segment reads cleanly to it. */
async function readSeal(path: string): Promise<SealInfo | undefined> {
  let seal: SealInfo | undefined;
  for await (const ev of scanFile(path)) {
    if (ev.kind !== 'block') return undefined;
    if (ev.header.type !== BlockType.Seal) continue;
    if (!blockHash(ev.headerBytes, ev.payload).equals(ev.header.hash)) return undefined;
    const meta = JSON.parse(ev.payload.toString('utf8')) as { lastTime?: string | null; closedAt?: string };
    seal = { seq: ev.header.seq, hash: ev.header.prevHash.toString('hex'), lastTime: Date.parse(meta.lastTime ?? ''), closedAt: Date.parse(meta.closedAt ?? '') };
  }
  return seal;
}

export async function prune(dir: string, opts: { retentionDays: number; now?: Date }): Promise<PruneResult> {
  if (!(opts.retentionDays >= MIN_RETENTION_DAYS)) {
    throw new GwsecError('journal_retention_too_short', {
      en: `retention of ${opts.retentionDays} days refused: logs must be kept at least ${MIN_RETENTION_DAYS} days (Article 41(3); Cybersecurity Law Article 21: network logs kept at least six months)`,
      zh: `拒绝 ${opts.retentionDays} 天的留存期限：日志须至少留存 ${MIN_RETENTION_DAYS} 天（第四十一条第（三）项；《网络安全法》第二十一条：网络日志留存不少于六个月）`,
    });
  }
  const cutoff = (opts.now ?? new Date()).getTime() - opts.retentionDays * 86400_000;
  const meta = await readMeta(dir);
  const keys = new Map((meta?.keys ?? []).map((k) => [k.keyId, k.publicKeyPem]));
  // A checkpoint counts only if it verifies (or the journal is unsigned).
  const covered = (await readJsonl<Checkpoint>(join(dir, CHECKPOINTS))).items
    .filter((c) => isCheckpoint(c) && (c.signature ? checkpointSignatureOk(c, keys.get(c.keyId) ?? '') : keys.size === 0))
    .reduce((m, c) => Math.max(m, c.seq), 0);

  const segments = await listSegments(dir);
  const deleted: string[] = [];
  for (const seg of segments.slice(0, -1)) {
    if (!seg.gz) return { deleted, keptBecause: `${seg.name} is not compressed yet` };
    const seal = await readSeal(join(dir, seg.name));
    if (!seal) return { deleted, keptBecause: `${seg.name} has no valid seal` };
    if (!(seal.lastTime < cutoff && seal.closedAt < cutoff)) return { deleted, keptBecause: `${seg.name} holds records newer than ${opts.retentionDays} days` };
    if (seal.seq > covered) return { deleted, keptBecause: `${seg.name} is not covered by a checkpoint` };
    await appendDurable(join(dir, PRUNED), JSON.stringify({ seq: seal.seq, hash: seal.hash, segment: seg.name, lastTime: new Date(seal.lastTime).toISOString(), time: (opts.now ?? new Date()).toISOString() }) + '\n');
    await rm(join(dir, seg.name));
    await fsyncDir(dir);
    deleted.push(seg.name);
  }
  return { deleted, keptBecause: 'the newest segment is never pruned' };
}
