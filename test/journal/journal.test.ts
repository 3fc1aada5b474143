import test from 'ava';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sm from 'sm-crypto';
import { sm2PublicKeyToHex } from '../../src/crypto/index.js';
import { Journal, checkpointMessage, verifyArchive } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { batch, readAll, segmentNames, signer, tempDir } from './helpers.js';

test('appends get gap-free seqs and read back byte for byte, across reopen', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  t.deepEqual(j.head, { seq: 0, hash: '0'.repeat(64) });
  t.deepEqual(await j.append(batch(1, 3)), { firstSeq: 1, lastSeq: 3 });
  const odd = [
    { source: 'auth', line: '' },
    { source: 'syslog', line: '中文日志 ✓ \u0000 tab\there', time: '2025-11-25T01:02:03.456Z' },
  ];
  t.deepEqual(await j.append(odd), { firstSeq: 4, lastSeq: 5 });
  t.deepEqual(await j.append([]), { firstSeq: 6, lastSeq: 5 });
  const head = j.head;
  t.regex(head.hash, /^[0-9a-f]{64}$/);
  await j.close();

  const j2 = await Journal.open(dir);
  t.deepEqual(j2.head, head, 'reopen recovers the head from disk');
  t.deepEqual(await j2.append(batch(6, 2)), { firstSeq: 6, lastSeq: 7 });
  await j2.close();

  const recs = await readAll(dir);
  t.deepEqual(recs.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7]);
  t.deepEqual(recs.slice(0, 3).map((r) => r.line), batch(1, 3).map((r) => r.line));
  t.is(recs[3]!.line, '');
  t.is(recs[4]!.line, '中文日志 ✓ \u0000 tab\there');
  t.is(recs[4]!.source, 'syslog');
  t.is(recs[4]!.time, '2025-11-25T01:02:03.456Z', 'a given receive time is kept');
  t.true((await verifyArchive(dir)).ok);
});

test('segments rotate by size and by age and are gzip-compressed when closed', async (t) => {
  const dir = await tempDir(t);
  let now = Date.parse('2026-01-01T00:00:00Z');
  const j = await Journal.open(dir, { segmentMaxBytes: 20_000, segmentMaxAgeMs: 3600_000, now: () => new Date(now) });
  for (let i = 0; i < 10; i++) await j.append(batch(i * 50 + 1, 50));
  const bySize = await segmentNames(dir);
  t.true(bySize.length >= 3, bySize.join());
  // Fill no further than half a segment, then let the clock pass the maximum age.
  await j.append(batch(501, 1));
  // Background compression renames .jnl to .jnl.gz at any moment: compare first seqs.
  const firstSeqs = async (): Promise<string[]> => [...new Set((await segmentNames(dir)).map((n) => n.replace(/\.gz$/, '')))];
  const before = await firstSeqs();
  now += 30 * 60_000;
  await j.append(batch(502, 1));
  t.deepEqual(await firstSeqs(), before, 'younger than the maximum age: no rotation');
  now += 31 * 60_000;
  await j.append(batch(503, 1));
  await j.close();
  const names = await segmentNames(dir);
  t.is(names.length, before.length + 1, 'past the maximum age: rotated on the next append');
  t.is(names.at(-1), 'seg-0000000000000503.jnl');
  t.true(names.slice(0, -1).every((n) => n.endsWith('.jnl.gz')), names.join());
  const gzSize = (await stat(join(dir, names[0]!))).size;
  t.true(gzSize < 20_000 / 2, `compressed ${gzSize}`);
  const r = await verifyArchive(dir);
  t.true(r.ok, JSON.stringify(r.problems));
  t.is(r.records, 503);
});

test('checkpoints are SM2-signed, go to the archive and the anchors file, and sm-crypto verifies them', async (t) => {
  const dir = await tempDir(t);
  const s = signer();
  const anchorsPath = join(await tempDir(t, 'gwsec-anchors-'), 'anchors.jsonl');
  const j = await Journal.open(dir, { signer: s, anchorsPath });
  await j.append(batch(1, 10));
  const cp = await j.checkpoint();
  t.is(cp.seq, 10);
  t.is(cp.hash, j.head.hash);
  t.is(cp.keyId, 'agent-1');
  await j.close();
  const line = JSON.stringify(cp) + '\n';
  t.is(await readFile(join(dir, 'checkpoints.jsonl'), 'utf8'), line);
  t.is(await readFile(anchorsPath, 'utf8'), line);
  const ok = sm.sm2.doVerifySignature(Array.from(checkpointMessage(cp)), Buffer.from(cp.signature, 'base64').toString('hex'), sm2PublicKeyToHex(s.publicKeyPem), { hash: true, der: true });
  t.true(ok, 'checkpoint signatures are standard SM2 (default ID)');
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { keys: Array<{ keyId: string }> };
  t.deepEqual(meta.keys.map((k) => k.keyId), ['agent-1']);
  const r = await verifyArchive(dir, { anchors: anchorsPath, publicKeyPem: s.publicKeyPem });
  t.true(r.ok, JSON.stringify(r.problems));
  t.is(r.anchorsChecked, 1);
});

test('a signer whose keys do not match, or a reused key id, is refused', async (t) => {
  const dir = await tempDir(t);
  const a = signer('k');
  const b = signer('k');
  const e1 = await t.throwsAsync(Journal.open(dir, { signer: { ...a, publicKeyPem: b.publicKeyPem } }));
  t.is((e1 as GwsecError).code, 'journal_signer_mismatch');
  await (await Journal.open(dir, { signer: a })).close();
  const e2 = await t.throwsAsync(Journal.open(dir, { signer: b }));
  t.is((e2 as GwsecError).code, 'journal_key_conflict');
});

test('one writer per archive', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  const e = await t.throwsAsync(Journal.open(dir));
  t.is((e as GwsecError).code, 'journal_locked');
  await j.close();
  await (await Journal.open(dir)).close();
  await t.throwsAsync(j.append(batch(1, 1)), { message: /closed/ });
});

test('concurrent appends are serialised in call order', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => j.append(batch(i * 5 + 1, 5))));
  t.deepEqual(results.map((r) => r.firstSeq), Array.from({ length: 20 }, (_, i) => i * 5 + 1));
  await j.close();
  const recs = await readAll(dir);
  t.deepEqual(recs.map((r) => r.line), batch(1, 100).map((r) => r.line));
});

test('readRecords filters by receive time (to exclusive) and source', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  await j.append([
    { source: 'a', line: 'one', time: '2025-01-01T00:00:00Z' },
    { source: 'b', line: 'two', time: '2025-01-02T00:00:00Z' },
    { source: 'a', line: 'three', time: '2025-01-03T00:00:00Z' },
  ]);
  await j.close();
  const lines = async (f: Parameters<typeof import('../../src/journal/index.js').readRecords>[1]): Promise<string[]> => {
    const { readRecords } = await import('../../src/journal/index.js');
    const out: string[] = [];
    for await (const r of readRecords(dir, f)) out.push(r.line);
    return out;
  };
  t.deepEqual(await lines({}), ['one', 'two', 'three']);
  t.deepEqual(await lines({ source: 'a' }), ['one', 'three']);
  t.deepEqual(await lines({ from: new Date('2025-01-02T00:00:00Z') }), ['two', 'three']);
  t.deepEqual(await lines({ to: new Date('2025-01-02T00:00:00Z') }), ['one']);
  t.deepEqual(await lines({ source: 'b' }), ['two']);
  t.deepEqual(await lines({ source: 'c' }), []);
  // Filtered by source, the other sources' lines are skipped undecoded but keep their seq.
  const { readRecords } = await import('../../src/journal/index.js');
  const seqs: number[] = [];
  for await (const r of readRecords(dir, { source: 'a' })) seqs.push(r.seq);
  t.deepEqual(seqs, [1, 3]);
});
