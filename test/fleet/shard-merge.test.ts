/**
 * --shard i/n splits an inventory across auditors; gwsec merge puts the shards back together and
 * judges the fleet checks (which no shard can judge alone) over every shard's hosts.
 */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type TestFleet } from '../harness/hosts.js';
import { auditJson, gwsecAsync, type Report } from './helpers.js';
import { reportJson } from '../helpers/wire.js';

let fleet: TestFleet;
test.before(async () => {
  fleet = await startFleet([
    { name: 'web-a', fixture: 'debian12-web-hardened', roles: ['frontend'] },
    { name: 'web-b', fixture: 'centos7-web-neglected', roles: ['frontend'] },
    { name: 'both-c', fixture: 'rocky9-db-exposed', roles: ['frontend', 'backend'] }, // breaks 40(五)
    { name: 'db-d', fixture: 'openeuler-backend-sm', roles: ['backend'] },
  ]);
});
test.after.always(() => fleet?.stop());

const key = (r: Report) => r.results.map((x) => `${x.host}|${x.check}|${x.status}`).sort();

test('two shards merged give the full audit: same host results, fleet checks judged over all hosts', async (t) => {
  const inv = fleet.inventoryFile();
  const full = await auditJson(inv, fleet.knownHostsFile);
  // off a terminal, progress is one plain line per host on stderr (the report on stdout stays clean)
  for (const n of [1, 2, 3, 4]) t.regex(full.stderr, new RegExp(`\\[${n}/4\\] (web-a|web-b|both-c|db-d) ok \\(\\d+ ms\\)`));
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-shards-'));
  const files: string[] = [];
  for (const i of [1, 2]) {
    const s = await auditJson(inv, fleet.knownHostsFile, ['--shard', `${i}/2`]);
    t.is(s.report.hosts.length, 2, `shard ${i}/2 has half the hosts`);
    t.false(s.report.results.some((r) => r.host === '*'), 'a shard does not judge the fleet');
    files.push(join(dir, `shard-${i}.json`));
    writeFileSync(files.at(-1)!, s.stdout);
  }
  const merged = await gwsecAsync(['merge', ...files, '--format', 'json']);
  t.is(merged.code, full.code, merged.stderr);
  const m = reportJson(merged.stdout);
  t.deepEqual(m.hosts.map((h) => h.name).sort(), ['both-c', 'db-d', 'web-a', 'web-b']);
  t.deepEqual(key(m), key(full.report));
  const sep = m.results.find((r) => r.check === 'a40-5-roles-on-separate-hosts');
  t.is(sep?.status, 'fail', JSON.stringify(sep?.evidence));
  t.true(JSON.stringify(sep?.evidence).includes('both-c'));
});

test('a shard given twice is refused (exit 2)', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['web-a'] });
  const s = await auditJson(inv, fleet.knownHostsFile, ['--shard', '1/1']);
  const f = join(mkdtempSync(join(tmpdir(), 'gwsec-shards-')), 's.json');
  writeFileSync(f, s.stdout);
  const r = await gwsecAsync(['merge', f, f]);
  t.is(r.code, 2);
  t.regex(r.stderr, /shard 1\/1 given twice: .*s\.json and .*s\.json/);
  t.is(r.stdout, '');
});

const QUICK = ['--check', 'a40-7-no-extra-uid0', '--check', 'a40-5-roles-on-separate-hosts'];

async function shardFile(inv: string, shard: string, extra: string[] = []): Promise<{ file: string; report: Report & { shard?: Record<string, unknown> } }> {
  const s = await auditJson(inv, fleet.knownHostsFile, ['--shard', shard, ...QUICK, ...extra]);
  const file = join(mkdtempSync(join(tmpdir(), 'gwsec-shards-')), `shard-${shard.replace('/', '-of-')}.json`);
  writeFileSync(file, s.stdout);
  return { file, report: s.report };
}

test('a shard records i/n, pack and inventory digests and its time; a missing shard is refused unless --partial', async (t) => {
  const inv = fleet.inventoryFile();
  const one = await shardFile(inv, '1/2');
  t.like(one.report.shard, { index: 1, count: 2 });
  t.regex(String(one.report.shard?.packDigest), /^[0-9a-f]{64}$/);
  t.regex(String(one.report.shard?.inventoryDigest), /^[0-9a-f]{64}$/);
  t.false(Number.isNaN(Date.parse(String(one.report.shard?.startedAt))));
  const refused = await gwsecAsync(['merge', one.file, ...QUICK]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to merge: shard\(s\) 2\/2 missing \(--partial merges/);
  const partial = await gwsecAsync(['merge', one.file, ...QUICK, '--partial', '--format', 'json']);
  const m = reportJson(partial.stdout);
  t.like(m.merge, { partial: true, count: 2 });
  // why it is partial, in both languages like every message of the report
  t.deepEqual(m.merge?.problems, [{ zh: '缺少分片 2/2', en: 'shard(s) 2/2 missing' }]);
  const fleetResults = m.results.filter((r) => r.host === '*');
  t.true(fleetResults.length > 0);
  for (const r of fleetResults) {
    t.true(r.evidence.some((e) => e.fact === 'merge.shards' && /partial merge: judged over shards 1\/2 only/.test(e.message?.en ?? '')), JSON.stringify(r));
    t.not(r.status, 'pass', 'half a fleet never passes');
  }
  const text = await gwsecAsync(['merge', one.file, ...QUICK, '--partial']);
  t.regex(text.stdout, /PARTIAL MERGE \(--partial\): shards 1\/2 only/);
  t.regex(text.stdout, /^ {2}shard\(s\) 2\/2 missing$/m);
  const zh = await gwsecAsync(['merge', one.file, ...QUICK, '--partial', '--lang', 'zh']);
  t.regex(zh.stdout, /^ {2}缺少分片 2\/2$/m);
});

test('shards cut from different inventories or judged with a different pack are refused', async (t) => {
  const inv = fleet.inventoryFile();
  const one = await shardFile(inv, '1/2');
  const otherInv = await shardFile(fleet.inventoryFile({ site: { name: '另一个网站', domains: [] } }), '2/2');
  const r1 = await gwsecAsync(['merge', one.file, otherInv.file, ...QUICK]);
  t.is(r1.code, 2);
  t.regex(r1.stderr, /shard-2-of-2\.json was cut from another inventory than .*shard-1-of-2\.json/);
  const otherPack = await shardFile(inv, '2/2', ['--check', 'a40-7-no-empty-passwords']);
  const r2 = await gwsecAsync(['merge', one.file, otherPack.file, ...QUICK]);
  t.is(r2.code, 2);
  t.regex(r2.stderr, /shard-2-of-2\.json was judged with another pack, --check or --var than/);
  const same = await shardFile(inv, '2/2');
  t.is((await gwsecAsync(['merge', one.file, same.file, ...QUICK])).stderr, '', 'a consistent set merges');
});
