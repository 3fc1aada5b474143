import test from 'ava';
import { copyFile, readFile, rename, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal, verifyArchive, type Checkpoint, type ProblemKind } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { batch, editGz, readAll, replaceOnce, segmentNames, signer, tempDir } from './helpers.js';

type Signer = ReturnType<typeof signer>;

/** 12 batches of 20 records in ~6 segments, a checkpoint every 3 batches, anchors copied off-host. */
async function archive(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; s: Signer; anchors: string }> {
  const dir = await tempDir(t);
  const s = signer();
  const j = await Journal.open(dir, { signer: s, segmentMaxBytes: 8000 });
  for (let b = 0; b < 12; b++) {
    await j.append(batch(b * 20 + 1, 20));
    if (b % 3 === 2) await j.checkpoint();
  }
  await j.close();
  const anchors = join(await tempDir(t, 'gwsec-offhost-'), 'anchors.jsonl');
  await copyFile(join(dir, 'anchors.jsonl'), anchors);
  return { dir, s, anchors };
}

const kinds = (r: { problems: Array<{ kind: ProblemKind }> }): ProblemKind[] => [...new Set(r.problems.map((p) => p.kind))].sort();

test('an intact archive verifies against its anchors and key', async (t) => {
  const { dir, s, anchors } = await archive(t);
  const segs = await segmentNames(dir);
  t.true(segs.length >= 4, segs.join());
  const r = await verifyArchive(dir, { anchors, publicKeyPem: s.publicKeyPem });
  t.true(r.ok, JSON.stringify(r.problems));
  t.is(r.records, 240);
  t.is(r.lastSeq, 240);
  t.is(r.anchorsChecked, 4);
  t.is(r.checkpointsChecked, 4);
  t.true(r.bytes > 240 * 80);
});

test('a modified record in a closed segment is found, with segment and seq', async (t) => {
  const { dir, anchors } = await archive(t);
  const [first] = await segmentNames(dir);
  await editGz(join(dir, first!), (b) => replaceOnce(b, 'index_5.html', 'index_6.html'));
  const r = await verifyArchive(dir, { anchors });
  t.false(r.ok);
  t.deepEqual(r.problems.map((p) => [p.kind, p.segment, p.seq]), [['modified', first, 1]]);
  t.regex(r.problems[0]!.detail, /records 1–20/);
});

test('a modified record in the open segment is found', async (t) => {
  const { dir, anchors } = await archive(t);
  const open = (await segmentNames(dir)).at(-1)!;
  const path = join(dir, open);
  await writeFile(path, replaceOnce(await readFile(path), 'index_23', 'index_99'));
  const r = await verifyArchive(dir, { anchors });
  t.deepEqual(kinds(r), ['modified']);
  t.is(r.problems[0]!.segment, open);
});

test('a deleted segment is found', async (t) => {
  const { dir, anchors } = await archive(t);
  const segs = await segmentNames(dir);
  await rm(join(dir, segs[1]!));
  const r = await verifyArchive(dir, { anchors });
  t.false(r.ok);
  t.true(kinds(r).includes('deleted_segment'), JSON.stringify(r.problems));
  t.is(r.problems.find((p) => p.kind === 'deleted_segment')!.segment, segs[2]);

  await rm(join(dir, segs[0]!));
  const r2 = await verifyArchive(dir);
  t.true(r2.problems.some((p) => p.kind === 'deleted_segment' && /records 1–/.test(p.detail)), 'a missing beginning is not a prune');
});

test('reordered segments are found', async (t) => {
  const { dir, anchors } = await archive(t);
  const [a, b] = await segmentNames(dir);
  await rename(join(dir, a!), join(dir, 'x.tmp'));
  await rename(join(dir, b!), join(dir, a!));
  await rename(join(dir, 'x.tmp'), join(dir, b!));
  const r = await verifyArchive(dir, { anchors });
  t.false(r.ok);
  t.true(kinds(r).includes('reordered'), JSON.stringify(r.problems));
});

test('a truncated tail (fewer records than the last checkpoint) is found', async (t) => {
  const { dir } = await archive(t);
  const segs = await segmentNames(dir);
  await rm(join(dir, segs.at(-1)!));
  await rm(join(dir, segs.at(-2)!));
  const r = await verifyArchive(dir);
  t.false(r.ok);
  t.true(r.problems.some((p) => p.kind === 'truncated' && p.seq === 240), JSON.stringify(r.problems));
});

test('a compressed segment cut short is found', async (t) => {
  const { dir } = await archive(t);
  const [first] = await segmentNames(dir);
  const path = join(dir, first!);
  await truncate(path, Math.floor((await stat(path)).size / 2));
  const r = await verifyArchive(dir);
  t.true(r.problems.some((p) => p.kind === 'truncated' && p.segment === first), JSON.stringify(r.problems));
});

test('a forged anchor signature or a wrong trusted key is found; a missing anchors file is an error', async (t) => {
  const { dir, s, anchors } = await archive(t);
  const list = (await readFile(anchors, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Checkpoint);
  list[1]!.time = '2020-01-01T00:00:00.000Z';
  const r = await verifyArchive(dir, { anchors: list, publicKeyPem: s.publicKeyPem });
  t.deepEqual(r.problems.map((p) => p.kind), ['bad_signature']);
  const other = signer();
  const r2 = await verifyArchive(dir, { anchors, publicKeyPem: other.publicKeyPem });
  t.true(r2.problems.length >= 8 && r2.problems.every((p) => p.kind === 'bad_signature'));
  await t.throwsAsync(verifyArchive(dir, { anchors: join(dir, 'missing.jsonl') }), { instanceOf: GwsecError });
});

// journald FSS CVE-2023-31438: truncate a sealed journal and resume sealing; on-host checks pass.
test('CVE-2023-31438: truncated then resumed with the agent key is caught by off-host anchors', async (t) => {
  const { dir, s, anchors } = await archive(t);
  const segs = await segmentNames(dir);
  await rm(join(dir, segs.at(-1)!));
  await rm(join(dir, segs.at(-2)!));
  // The attacker (root) keeps on-host checkpoints consistent and resumes writing with the real key.
  const j0 = await Journal.open(dir, { signer: s });
  const cut = j0.head.seq;
  const cps = (await readFile(join(dir, 'checkpoints.jsonl'), 'utf8')).trim().split('\n').filter((l) => (JSON.parse(l) as Checkpoint).seq <= cut);
  await writeFile(join(dir, 'checkpoints.jsonl'), cps.map((l) => l + '\n').join(''));
  await j0.append(batch(5000, 240));
  await j0.checkpoint();
  await j0.close();
  t.true((await readAll(dir)).length > 240, 'more records than before: a count alone would not tell');

  const onHost = await verifyArchive(dir, { publicKeyPem: s.publicKeyPem });
  t.true(onHost.ok, 'without off-host anchors this is undetectable (as with journald FSS)');
  const r = await verifyArchive(dir, { anchors, publicKeyPem: s.publicKeyPem });
  t.false(r.ok);
  t.true(r.problems.some((p) => p.kind === 'rechained' && p.seq === 240), JSON.stringify(r.problems));
});

// journald FSS CVE-2023-31439: modify past entries and re-seal so the check passes.
test('CVE-2023-31439: a past record rewritten and the whole archive re-chained with a fresh key is caught by anchors', async (t) => {
  const { dir, s, anchors } = await archive(t);
  const recs = await readAll(dir);
  const forged = await tempDir(t, 'gwsec-forged-');
  const fresh = signer('agent-1');
  const j = await Journal.open(forged, { signer: fresh, segmentMaxBytes: 8000 });
  for (let i = 0; i < recs.length; i += 20) {
    await j.append(recs.slice(i, i + 20).map((r) => ({ source: r.source, line: r.seq === 7 ? r.line.replace('index_7', 'index_0') : r.line, time: r.time })));
    if ((i / 20) % 3 === 2) await j.checkpoint();
  }
  await j.close();
  await rm(dir, { recursive: true });
  await rename(forged, dir);
  t.not((await readAll(dir))[6]!.line, recs[6]!.line);

  t.true((await verifyArchive(dir)).ok, 'internally consistent: on-host verification cannot tell');
  const r = await verifyArchive(dir, { anchors });
  t.false(r.ok);
  t.deepEqual(kinds(r), ['bad_signature', 'rechained']);
  t.true(r.problems.some((p) => p.kind === 'rechained' && p.seq === 60));
  const withKey = await verifyArchive(dir, { publicKeyPem: s.publicKeyPem });
  t.true(withKey.problems.length > 0 && withKey.problems.every((p) => p.kind === 'bad_signature'), 'the trusted key rejects the fresh signatures');
});

test('an anchor taken before the first record (an agent stopped before it archived a line) covers nothing: no false deletion', async (t) => {
  const dir = await tempDir(t);
  const s = signer();
  const empty = await Journal.open(dir, { signer: s, segmentMaxBytes: 8000 });
  await empty.checkpoint();
  await empty.close();
  const j = await Journal.open(dir, { signer: s, segmentMaxBytes: 8000 });
  await j.append(batch(1, 20));
  await j.checkpoint();
  await j.close();
  const r = await verifyArchive(dir, { anchors: join(dir, 'anchors.jsonl'), publicKeyPem: s.publicKeyPem });
  t.true(r.ok, JSON.stringify(r.problems));
  t.is(r.records, 20);
});
