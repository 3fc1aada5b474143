/**
 * The embedded store's duplicate index (agents/collector/store/key-index.ts) and its snapshot: a
 * clean restart reads none of the journal, a crash reads on from the last snapshot, a torn or stale
 * snapshot is rebuilt from the journal — and in every case a redelivery is still a duplicate.
 */
import test from 'ava';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyIndex } from '../../../agents/collector/store/key-index.js';
import { EmbeddedStore } from '../../../agents/collector/store/embedded.js';
import { alert, tmp } from './helpers.js';

test('key index: set, get, grow, remove, and a byte-exact round trip; ~16-23 bytes a key', (t) => {
  const k = new KeyIndex(16);
  const n = 100_000;
  for (let i = 0; i < n; i++) k.set(`alert\0web${i % 100}\0id-${i}`, (i % 7) + 1);
  t.is(k.size, n);
  for (let i = 0; i < n; i += 997) t.is(k.get(`alert\0web${i % 100}\0id-${i}`), (i % 7) + 1);
  t.is(k.get('alert\0web1\0never'), undefined);
  k.set('alert\0web0\0id-0', 42);
  t.is(k.get('alert\0web0\0id-0'), 42);
  k.delete('alert\0web0\0id-0');
  t.is(k.get('alert\0web0\0id-0'), undefined);
  t.is(k.size, n - 1);
  k.set('alert\0web0\0id-0', 3);
  t.is(k.get('alert\0web0\0id-0'), 3);
  t.true(k.bytes / k.size <= 48, `${(k.bytes / k.size).toFixed(1)} bytes a key`);
  const back = KeyIndex.fromBuffer(k.toBuffer())!;
  t.is(back.size, k.size);
  for (let i = 1; i < n; i += 991) t.is(back.get(`alert\0web${i % 100}\0id-${i}`), (i % 7) + 1);
  t.is(KeyIndex.fromBuffer(k.toBuffer().subarray(0, 1000)), null, 'a torn index is refused');
});

const T0 = new Date('2026-12-01T09:00:00Z');

test('embedded store: a clean restart loads the index and reads no journal; after a crash it reads on from the snapshot; a bad snapshot is rebuilt', async (t) => {
  const dir = tmp('key-index');
  const s1 = await EmbeddedStore.open(dir);
  t.is((await s1.putAlerts('web01', [alert('a1'), alert('a2', { count: 2 })], T0)).stored, 2);
  await s1.close();

  const s2 = await EmbeddedStore.open(dir);
  t.true(s2.indexedFrom > 0, 'clean restart: the snapshot covered the journal');
  t.is((await s2.putAlerts('web01', [alert('a1'), alert('a2', { count: 2 }), alert('a3')], T0)).stored, 1);
  // A crash now: a copy of the directory as a kill -9 leaves it (no new snapshot, journal ahead of it).
  const crashed = tmp('key-index-crash');
  cpSync(dir, crashed, { recursive: true, filter: (src) => !/lock/i.test(src) });
  await s2.close();

  const s3 = await EmbeddedStore.open(crashed);
  const r3 = await s3.putAlerts('web01', [alert('a1'), alert('a2', { count: 2 }), alert('a3'), alert('a2', { count: 5 })], T0);
  t.deepEqual([r3.stored, r3.storedIds], [1, ['a2']], 'a3 (after the snapshot) and a1, a2×2 (in it) are duplicates; a2 grown to 5 is new');
  await s3.close();

  // A torn snapshot: rebuilt from the whole journal, same answers.
  writeFileSync(join(crashed, 'index.bin'), Buffer.from([1, 2, 3]));
  const s4 = await EmbeddedStore.open(crashed);
  t.is(s4.indexedFrom, 0);
  const r4 = await s4.putAlerts('web01', [alert('a1'), alert('a2', { count: 5 }), alert('a3'), alert('a4')], T0);
  t.deepEqual([r4.stored, r4.storedIds], [1, ['a4']]);
  t.is((await s4.queryAlerts()).length, 4);
  await s4.close();
});
