/**
 * The embedded store's duplicate index (agents/collector/store/key-index.ts) and its snapshot: a
 * clean restart reads none of the journal, a crash reads on from the last snapshot, a torn or stale
 * snapshot is rebuilt from the journal — and in every case a redelivery is still a duplicate.
 */
import test from 'ava';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyIndex, type Digest, type KeySpelling } from '../../../agents/collector/store/key-index.js';
import { EmbeddedStore } from '../../../agents/collector/store/embedded.js';
import { alert, tmp } from './helpers.js';

/** Keys spelt out in memory (the store keeps them in a file: key-file.ts). */
function memorySpelling(): KeySpelling & { reads: number } {
  const keys: string[] = [];
  return {
    reads: 0,
    write: (key) => keys.push(key),
    read(ref) {
      this.reads++;
      return keys[ref - 1] ?? '';
    },
  };
}

test('key index: set, get, grow, remove, and a byte-exact round trip; 20 bytes a slot, at most 70 % full', (t) => {
  const spelling = memorySpelling();
  const k = new KeyIndex(spelling, 16);
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
  t.true(k.bytes / k.size <= 60, `${(k.bytes / k.size).toFixed(1)} bytes a key`);
  const back = KeyIndex.fromBuffer(k.toBuffer(), spelling)!;
  t.is(back.size, k.size);
  for (let i = 1; i < n; i += 991) t.is(back.get(`alert\0web${i % 100}\0id-${i}`), (i % 7) + 1);
  t.is(KeyIndex.fromBuffer(k.toBuffer().subarray(0, 1000), spelling), null, 'a torn index is refused');
});

test('key index: keys whose digests collide are told apart by their full spelling — each is stored, neither is a duplicate of the other', (t) => {
  const spelling = memorySpelling();
  // Every key gets the same digest: the worst case of what SHA-1's first 8 bytes do about 3 times in 10^8 at a million keys.
  const same: Digest = () => [0x1234, 0x5678];
  const k = new KeyIndex(spelling, 16, same);
  t.is(k.get('alert\0web01\0a1'), undefined);
  k.set('alert\0web01\0a1', 5);
  t.is(k.get('alert\0web01\0a2'), undefined, 'a colliding key is not taken for the stored one');
  k.set('alert\0web01\0a2', 1);
  t.is(k.size, 2);
  t.is(k.get('alert\0web01\0a1'), 5);
  t.is(k.get('alert\0web01\0a2'), 1);
  // More colliding keys, past a grow, removed and re-added: each keeps its own count.
  for (let i = 3; i < 40; i++) k.set(`alert\0web01\0a${i}`, i);
  k.delete('alert\0web01\0a7');
  for (let i = 3; i < 40; i++) t.is(k.get(`alert\0web01\0a${i}`), i === 7 ? undefined : i);
  k.set('alert\0web01\0a7', 70);
  t.is(k.get('alert\0web01\0a7'), 70);
  t.is(k.get('alert\0web01\0a1'), 5);
  const back = KeyIndex.fromBuffer(k.toBuffer(), spelling, same)!;
  t.is(back.get('alert\0web01\0a2'), 1);
  t.is(back.get('alert\0web01\0a39'), 39);
  t.is(back.get('alert\0web01\0nope'), undefined);
  // Without collisions the full key is read only on a digest match (a duplicate or a grown alert).
  const plain = memorySpelling();
  const p = new KeyIndex(plain);
  for (let i = 0; i < 1000; i++) p.set(`alert\0web01\0b${i}`, 1);
  t.is(plain.reads, 0);
  p.get('alert\0web01\0b1');
  t.is(plain.reads, 1);
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
