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
  const m = JSON.parse(merged.stdout) as Report;
  t.deepEqual(m.hosts.map((h) => h.name).sort(), ['both-c', 'db-d', 'web-a', 'web-b']);
  t.deepEqual(key(m), key(full.report));
  const sep = m.results.find((r) => r.check === 'a40-5-roles-on-separate-hosts');
  t.is(sep?.status, 'fail', JSON.stringify(sep?.evidence));
  t.true(JSON.stringify(sep?.evidence).includes('both-c'));
});

test('a host in two shards is refused (exit 2)', async (t) => {
  const inv = fleet.inventoryFile({ hosts: ['web-a'] });
  const s = await auditJson(inv, fleet.knownHostsFile, ['--shard', '1/1']);
  const f = join(mkdtempSync(join(tmpdir(), 'gwsec-shards-')), 's.json');
  writeFileSync(f, s.stdout);
  const r = await gwsecAsync(['merge', f, f]);
  t.is(r.code, 2);
  t.regex(r.stderr, /host web-a is in both/);
});
