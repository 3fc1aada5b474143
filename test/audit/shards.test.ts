import test from 'ava';
import { checkShards, MAX_SHARD_SPREAD_MS, markPartial } from '../../src/audit/shards.js';
import type { Report, Result } from '../../src/model/result.js';
import { emptySummary } from '../../src/model/status.js';

const T0 = Date.parse('2026-12-07T02:00:00Z');
function shard(index: number, count: number, o: { pack?: string; inv?: string; at?: number } = {}): Report {
  return {
    schemaVersion: 2,
    tool: { name: 'gwsec', version: '0' },
    generatedAt: new Date(o.at ?? T0).toISOString(),
    pack: { id: 'article40', version: '1' },
    hosts: [],
    results: [],
    summary: emptySummary(),
    shard: { index, count, packDigest: o.pack ?? 'p', inventoryDigest: o.inv ?? 'i', startedAt: new Date(o.at ?? T0).toISOString() },
  };
}
const given = (...rs: Report[]) => rs.map((report, i) => ({ file: `s${i + 1}.json`, report }));

test('a complete, consistent set has no problem', (t) => {
  const s = checkShards(given(shard(2, 3), shard(1, 3), shard(3, 3)));
  t.deepEqual(s.problems.map((p) => p.en), []);
  t.deepEqual(s.present, [1, 2, 3]);
});

test('missing, duplicated, other count, pack, inventory, time: each named with its files', (t) => {
  t.deepEqual(checkShards(given(shard(1, 3), shard(3, 3))).problems, [{ en: 'shard(s) 2/3 missing', zh: '缺少分片 2/3' }]);
  const dup = checkShards(given(shard(1, 2), shard(1, 2), shard(2, 2)));
  t.deepEqual(dup.problems.map((p) => p.en), ['shard 1/2 given twice: s1.json and s2.json']);
  t.is(dup.use.length, 2, 'the second copy is left out');
  t.true(checkShards(given(shard(1, 2), shard(2, 3))).problems.map((p) => p.en).includes('s2.json is shard 2/3 but s1.json is of 2'));
  t.deepEqual(checkShards(given(shard(1, 2), shard(2, 2, { pack: 'q' }))).problems.map((p) => p.en), ['s2.json was judged with another pack, --check or --var than s1.json']);
  t.deepEqual(checkShards(given(shard(1, 2), shard(2, 2, { inv: 'j' }))).problems.map((p) => p.en), ['s2.json was cut from another inventory than s1.json']);
  t.deepEqual(checkShards(given(shard(1, 2), shard(2, 2, { at: T0 + MAX_SHARD_SPREAD_MS - 1000 }))).problems.map((p) => p.en), []);
  t.regex(checkShards(given(shard(1, 2), shard(2, 2, { at: T0 + MAX_SHARD_SPREAD_MS + 1000 }))).problems.map((p) => p.en).join(), /more than 24 h apart/);
  const plain = { ...shard(1, 1) };
  delete plain.shard;
  t.regex(checkShards(given(plain)).problems.map((p) => p.en).join(), /s1\.json is not a shard report/);
});

test('a partial fleet result never passes and says which shards it saw', (t) => {
  const r: Result = { check: 'a40-5-roles-on-separate-hosts', host: '*', status: 'pass', severity: 'high', article: '40.5', title: { zh: '', en: '' }, evidence: [] };
  const p = markPartial(r, { present: [1, 3], count: 3 });
  t.is(p.status, 'error');
  t.regex(p.evidence.at(-1)!.message!.en, /judged over shards 1\/3, 3\/3 only/);
  t.regex(p.evidence.at(-1)!.message!.zh, /仅依据分片 1\/3, 3\/3 判定/);
  t.is(markPartial({ ...r, status: 'fail' }, { present: [1], count: 2 }).status, 'fail', 'a violation found in part is still one');
});
