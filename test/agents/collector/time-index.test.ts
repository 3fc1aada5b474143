/**
 * The embedded store's time index (agents/collector/store/time-index.ts), on real stores on disk:
 * `collector alerts --since` reads only the newest part of the journal and answers exactly what
 * reading every alert answers — with alerts delivered late (an outbox drained after an outage),
 * alerts that grew, and an index file that is torn, damaged, zero-filled, missing, or ahead of a
 * journal restored from an older backup.
 */
import test from 'ava';
import { appendFileSync, cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedStore } from '../../../agents/collector/store/embedded.js';
import { afterSeqFor, decodeEntries, encodeEntry, TIME_INDEX_EVERY, TIME_INDEX_FILE } from '../../../agents/collector/store/time-index.js';
import type { StoredAlert } from '../../../agents/collector/store/types.js';
import { alert, tmp } from './helpers.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const key = (a: StoredAlert) => `${a.agent_id}/${a.id}/${a.count}`;

/**
 * `rounds` rounds of 3 agents × 100 alerts, a minute apart; every 5th round agent web9 delivers a
 * backlog from 10 days earlier; every 4th round web1's alert 0 grows (count and lastSeen).
 */
async function fill(s: EmbeddedStore, rounds: number, from = 0): Promise<void> {
  for (let r = from; r < from + rounds; r++) {
    const at = T0 + r * 60_000;
    for (const agent of ['web0', 'web1', 'web2']) {
      await s.putAlerts(agent, Array.from({ length: 100 }, (_, k) => alert(`${agent}-${r}-${k}`, { first: iso(at + k), last: iso(at + k) })), new Date(at));
    }
    if (r % 5 === 0) await s.putAlerts('web9', Array.from({ length: 20 }, (_, k) => alert(`late-${r}-${k}`, { first: iso(at - 10 * 86_400_000 + k) })), new Date(at));
    if (r % 4 === 0) await s.putAlerts('web1', [alert('web1-0-0', { first: iso(T0), last: iso(at + 500), count: r + 2 })], new Date(at));
    if (r % 10 === 0) await s.putCheckpoint('web0', { id: `cp-${r}`, seq: r, hash: 'a'.repeat(64), time: iso(at), key_id: 'k', signature: 'c2ln' }, true, new Date(at));
  }
}

/** Every `since` query answered as reading all alerts answers it; returns the seq the newest one read after. */
async function sameAsFullScan(t: import('ava').ExecutionContext, s: EmbeddedStore, label: string): Promise<number> {
  const all = await s.queryAlerts();
  const times = all.map((a) => Date.parse(a.lastSeen)).sort((a, b) => a - b);
  const probes = [times[0]! - 1, ...[0.1, 0.5, 0.9, 0.99, 0.999].map((q) => times[Math.floor(q * (times.length - 1))]!), times[times.length - 1]!, times[times.length - 1]! + 1];
  let newest = 0;
  for (const since of probes) {
    const want = all.filter((a) => Date.parse(a.lastSeen) >= since).map(key);
    const got = (await s.queryAlerts({ since: new Date(since) })).map(key);
    t.deepEqual(got, want, `${label}: --since ${iso(since)}`);
    if (since === probes[4]) newest = s.lastAfterSeq;
  }
  return newest;
}

async function store(rounds: number): Promise<string> {
  const dir = tmp('since');
  const s = await EmbeddedStore.open(dir);
  await fill(s, rounds);
  await s.close();
  return dir;
}

test('--since seeks with the time index and answers exactly what reading every alert answers (late deliveries, grown alerts)', async (t) => {
  const dir = await store(60); // 18,000 alerts + backlogs
  const bytes = readFileSync(join(dir, TIME_INDEX_FILE));
  t.is(bytes.length % 24, 0);
  const entries = decodeEntries(bytes);
  t.true(entries.length >= 15, `${entries.length} entries for ~18,000 alerts (one per ${TIME_INDEX_EVERY})`);
  for (const [label, ro] of [['read-only (the CLI)', true], ['read-write (the collector)', false]] as const) {
    const s = await EmbeddedStore.open(dir, { readOnly: ro });
    const after = await sameAsFullScan(t, s, label);
    t.true(after > 10_000, `${label}: the newest 1 % read after seq ${after}, not from the start`);
    await s.close();
  }
  // a reopen neither loses nor duplicates entries
  t.deepEqual(readFileSync(join(dir, TIME_INDEX_FILE)), bytes);
  rmSync(dir, { recursive: true, force: true });
});

test('the binary search picks the last entry whose maximum is before since', (t) => {
  const e = [{ seq: 100, maxLastSeen: 10 }, { seq: 200, maxLastSeen: 20 }, { seq: 300, maxLastSeen: 20 }, { seq: 400, maxLastSeen: 35 }];
  t.is(afterSeqFor(e, 5), 0);
  t.is(afterSeqFor(e, 10), 0);
  t.is(afterSeqFor(e, 11), 99);
  t.is(afterSeqFor(e, 21), 299);
  t.is(afterSeqFor(e, 36), 399);
  t.is(afterSeqFor([], 36), 0);
});

test('a torn, damaged, zero-filled or missing index: queries stay exact, and a read-write open rebuilds it from the journal', async (t) => {
  const base = await store(40);
  const whole = decodeEntries(readFileSync(join(base, TIME_INDEX_FILE)));
  const cases: Array<[string, (f: string) => void]> = [
    ['torn mid-entry (a crash while writing)', (f) => truncateSync(f, statSync(f).size - 10)],
    ['an entry damaged in the middle', (f) => {
      const b = readFileSync(f);
      b[24 * 3 + 5] ^= 0xff;
      writeFileSync(f, b);
    }],
    ['a zero-filled tail (delayed allocation after a power cut)', (f) => appendFileSync(f, Buffer.alloc(24 * 10))],
    ['an entry going backwards', (f) => appendFileSync(f, encodeEntry({ seq: 5, maxLastSeen: 0 }))],
    ['missing', (f) => rmSync(f)],
  ];
  for (const [label, damage] of cases) {
    const dir = tmp('since-damage');
    cpSync(base, dir, { recursive: true });
    const f = join(dir, TIME_INDEX_FILE);
    damage(f);
    const ro = await EmbeddedStore.open(dir, { readOnly: true });
    await sameAsFullScan(t, ro, `${label}, read-only`);
    await ro.close();
    const rw = await EmbeddedStore.open(dir);
    const after = await sameAsFullScan(t, rw, `${label}, after a read-write open`);
    t.true(after > 5000, `${label}: seeks again after the rebuild (read after seq ${after})`);
    await rw.close();
    t.is(statSync(f).size % 24, 0, `${label}: whole entries only`);
    t.true(decodeEntries(readFileSync(f)).length >= whole.length - 1, `${label}: the index covers the journal again`);
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(base, { recursive: true, force: true });
});

/** A store of 50 rounds whose data/ is then restored from a backup taken after 20; since.idx is left as it was. */
async function restoredFromOlderBackup(tag: string): Promise<{ dir: string; ahead: number }> {
  const dir = tmp(tag);
  let s = await EmbeddedStore.open(dir);
  await fill(s, 20);
  await s.close();
  cpSync(join(dir, 'data'), join(dir, 'backup'), { recursive: true });
  s = await EmbeddedStore.open(dir);
  await fill(s, 30, 20);
  await s.close();
  const ahead = decodeEntries(readFileSync(join(dir, TIME_INDEX_FILE))).length;
  rmSync(join(dir, 'data'), { recursive: true });
  cpSync(join(dir, 'backup'), join(dir, 'data'), { recursive: true });
  return { dir, ahead };
}

test('an index ahead of its journal (data/ restored from an older backup) is cut back, and what is stored after is found', async (t) => {
  const { dir, ahead } = await restoredFromOlderBackup('since-restore');
  rmSync(join(dir, 'index.bin')); // the duplicate index's snapshot is ahead too; it is rebuilt (key-index.test.ts)
  const s = await EmbeddedStore.open(dir);
  const cut = s['timeIndex']!.entries;
  t.true(cut.length < ahead, `${cut.length} of ${ahead} entries kept`);
  // new alerts after the restore, some older than what the cut entries had claimed
  await fill(s, 10, 20);
  await s.putAlerts('web9', [alert('after-restore', { first: iso(T0 + 25 * 60_000) })], new Date());
  await sameAsFullScan(t, s, 'after the restore');
  t.true((await s.queryAlerts({ since: new Date(T0 + 25 * 60_000) })).some((a) => a.id === 'after-restore'));
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

// An entry's claim (every record before seq S has lastSeen ≤ M) holds for any prefix of the journal it
// was written for, so an index ahead of a restored backup cannot hide an alert even before it is cut.
test('a read-only reader (the CLI) of a journal restored from an older backup, before the collector cuts the index, answers exactly', async (t) => {
  const { dir } = await restoredFromOlderBackup('since-restore-ro');
  // no read-write open in between: since.idx still describes the 50 rounds
  const ro = await EmbeddedStore.open(dir, { readOnly: true });
  const newest = await sameAsFullScan(t, ro, 'read-only after the restore');
  t.true(newest > 0, 'the entries the restored journal still holds are used');
  t.true((await ro.queryAlerts({ since: new Date(T0 + 19 * 60_000) })).length > 0, 'the restored journal\'s newest alerts are found');
  await ro.close();
  rmSync(dir, { recursive: true, force: true });
});
