import { createHash } from 'node:crypto';
import type { Pack } from '../model/check.js';
import type { Report, Result } from '../model/result.js';
import type { Bilingual } from '../model/status.js';

/*
 * What a sharded report records (`Report.shard`) so that `gwsec merge` can tell a complete,
 * consistent set of shards from a partial or mixed one (issue 16): which shard of how many, what was
 * judged (pack digest: the checks, variable defaults and --var overrides), over what (inventory
 * digest: the file the shard was cut from) and when.
 */

/** Shards of one audit are run together; further apart than this they describe different fleets. */
export const MAX_SHARD_SPREAD_MS = 24 * 3600 * 1000;

export function packDigest(pack: Pack, cliVars: Record<string, unknown>): string {
  const checks = [...pack.checks].sort((a, b) => a.id.localeCompare(b.id));
  return sha256(JSON.stringify({ id: pack.id, version: pack.version, checks, variables: pack.variables, cliVars }));
}

export function sha256(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

export function parseShard(s: string): { index: number; count: number } {
  const [i, n] = s.split('/').map(Number);
  return { index: i!, count: n! };
}

export interface ShardSet {
  /** the reports to merge (a duplicated shard's second copy is left out) */
  use: Array<{ file: string; report: Report }>;
  count: number;
  present: number[];
  missing: number[];
  /** each problem in both languages, naming its files */
  problems: Bilingual[];
}

/** Pure: is this a complete set of shards of one audit? Every problem is named, with its files. */
export function checkShards(given: Array<{ file: string; report: Report }>): ShardSet {
  const problems: Bilingual[] = [];
  const use: ShardSet['use'] = [];
  const byIndex = new Map<number, string>();
  const first = given.find((g) => g.report.shard)?.report.shard;
  const firstFile = given.find((g) => g.report.shard)?.file;
  for (const g of given) {
    const s = g.report.shard;
    if (!s) {
      problems.push({ en: `${g.file} is not a shard report (gwsec audit --shard i/n --report json:FILE writes one)`, zh: `${g.file} 不是分片报告（由 gwsec audit --shard i/n --report json:FILE 生成）` });
      continue;
    }
    if (first && s.count !== first.count) problems.push({ en: `${g.file} is shard ${s.index}/${s.count} but ${firstFile} is of ${first.count}`, zh: `${g.file} 是分片 ${s.index}/${s.count}，而 ${firstFile} 共分 ${first.count} 片` });
    if (first && s.packDigest !== first.packDigest) problems.push({ en: `${g.file} was judged with another pack, --check or --var than ${firstFile}`, zh: `${g.file} 与 ${firstFile} 所用的策略包、--check 或 --var 不同` });
    if (first && s.inventoryDigest !== first.inventoryDigest) problems.push({ en: `${g.file} was cut from another inventory than ${firstFile}`, zh: `${g.file} 与 ${firstFile} 出自不同的主机清单` });
    if (first && Math.abs(Date.parse(s.startedAt) - Date.parse(first.startedAt)) > MAX_SHARD_SPREAD_MS) {
      problems.push({ en: `${g.file} (${s.startedAt}) and ${firstFile} (${first.startedAt}) were audited more than 24 h apart`, zh: `${g.file}（${s.startedAt}）与 ${firstFile}（${first.startedAt}）的核查时间相隔超过 24 小时` });
    }
    const dup = byIndex.get(s.index);
    if (dup !== undefined) {
      problems.push({ en: `shard ${s.index}/${s.count} given twice: ${dup} and ${g.file}`, zh: `分片 ${s.index}/${s.count} 重复给出：${dup} 和 ${g.file}` });
      continue;
    }
    byIndex.set(s.index, g.file);
    use.push(g);
  }
  const count = first?.count ?? 0;
  const present = [...byIndex.keys()].sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) problems.push({ en: `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing`, zh: `缺少分片 ${missing.map((i) => `${i}/${count}`).join('、')}` });
  return { use, count, present, missing, problems };
}

/**
 * --partial: a fleet check judged over part of the fleet proves a violation it finds, never the
 * absence of one. A pass becomes error, and every fleet result says which shards it saw.
 */
export function markPartial(r: Result, set: Pick<ShardSet, 'present' | 'count'>): Result {
  const seen = set.present.map((i) => `${i}/${set.count}`).join(', ');
  const message = { zh: `部分合并：仅依据分片 ${seen || '（无）'} 判定`, en: `partial merge: judged over shards ${seen || 'none'} only` };
  const status = r.status === 'pass' || r.status === 'waived' ? 'error' : r.status;
  return { ...r, status, evidence: [...r.evidence, { fact: 'merge.shards', actual: set.present, status, message }] };
}
