import test from 'ava';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal, prune, verifyArchive } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { batch, readAll, segmentNames, signer, tempDir } from './helpers.js';

const DAY = 86400_000;
const TODAY = Date.parse('2026-06-01T00:00:00Z');

/** Segments written 400 days ago (closed then), then recent ones; checkpoints as the agent takes them. */
async function agedArchive(t: Parameters<typeof tempDir>[0], opts: { checkpointOld: boolean }) {
  const dir = await tempDir(t);
  const s = signer();
  let now = TODAY - 400 * DAY;
  const j = await Journal.open(dir, { signer: s, segmentMaxBytes: 3000, now: () => new Date(now) });
  for (let b = 0; b < 6; b++) await j.append(batch(b * 20 + 1, 20));
  now += 2 * DAY;
  if (opts.checkpointOld) await j.checkpoint(); // also closes the aged open segment
  else await j.append(batch(121, 1));
  now = TODAY - 10 * DAY;
  for (let b = 0; b < 4; b++) await j.append(batch(1000 + b * 20, 20));
  await j.checkpoint();
  await j.close();
  const oldSegments = (await segmentNames(dir)).filter((n) => Number(/\d+/.exec(n)![0]) < 121);
  const anchors = join(await tempDir(t, 'gwsec-offhost-'), 'anchors.jsonl');
  await copyFile(join(dir, 'anchors.jsonl'), anchors);
  return { dir, s, anchors, oldSegments };
}

test('prune removes only old, checkpointed, closed segments; verify still passes', async (t) => {
  const { dir, s, anchors, oldSegments } = await agedArchive(t, { checkpointOld: true });
  t.true(oldSegments.length >= 3, oldSegments.join());
  const before = await segmentNames(dir);
  const r = await prune(dir, { retentionDays: 180, now: new Date(TODAY) });
  t.deepEqual(r.deleted, oldSegments);
  const after = await segmentNames(dir);
  t.deepEqual(after, before.filter((n) => !oldSegments.includes(n)));
  t.true(after.length >= 2, 'recent segments are kept');

  const v = await verifyArchive(dir, { anchors, publicKeyPem: s.publicKeyPem, now: new Date(TODAY) });
  t.true(v.ok, JSON.stringify(v.problems));
  t.true(v.notes.some((n) => /were pruned/.test(n)));
  const recs = await readAll(dir);
  t.is(recs[0]!.seq, 121);
  t.is(v.firstSeq, 121);

  // Nothing more is old enough.
  t.deepEqual((await prune(dir, { retentionDays: 180, now: new Date(TODAY) })).deleted, []);
});

test('prune refuses a retention below 180 days and deletes nothing', async (t) => {
  const { dir } = await agedArchive(t, { checkpointOld: true });
  const before = await segmentNames(dir);
  const e = await t.throwsAsync(prune(dir, { retentionDays: 179, now: new Date(TODAY) }));
  t.true(e instanceof GwsecError && e.code === 'journal_retention_too_short');
  t.regex(e!.message, /180 days/);
  t.deepEqual(await segmentNames(dir), before);
});

test('segments younger than the retention, or not covered by a checkpoint, are kept', async (t) => {
  const { dir } = await agedArchive(t, { checkpointOld: false });
  const before = await segmentNames(dir);
  t.deepEqual((await prune(dir, { retentionDays: 500, now: new Date(TODAY) })).deleted, []);
  // Only the last checkpoint (recent) exists, so old segments are covered; drop it to uncover them.
  await writeFile(join(dir, 'checkpoints.jsonl'), '');
  const r = await prune(dir, { retentionDays: 180, now: new Date(TODAY) });
  t.deepEqual(r.deleted, []);
  t.regex(r.keptBecause ?? '', /checkpoint/);
  t.deepEqual(await segmentNames(dir), before);
});

test('the newest segment is never pruned, however old', async (t) => {
  const dir = await tempDir(t);
  let now = TODAY - 1000 * DAY;
  const j = await Journal.open(dir, { segmentMaxBytes: 4000, now: () => new Date(now) });
  for (let b = 0; b < 5; b++) await j.append(batch(b * 20 + 1, 20));
  now += 2 * DAY;
  await j.checkpoint();
  await j.close();
  const r = await prune(dir, { retentionDays: 180, now: new Date(TODAY) });
  t.true(r.deleted.length >= 2);
  const left = await segmentNames(dir);
  t.is(left.length, 1);
  t.true(left[0]!.endsWith('.jnl'));
  t.true((await verifyArchive(dir)).ok);
});

test('an off-host anchor within the retention period over a deleted prefix is reported', async (t) => {
  const { dir, anchors } = await agedArchive(t, { checkpointOld: true });
  await prune(dir, { retentionDays: 180, now: new Date(TODAY) });
  // Judged 300 days earlier, the pruned records' anchor was still inside the retention period.
  const v = await verifyArchive(dir, { anchors, now: new Date(TODAY - 300 * DAY) });
  t.true(v.problems.some((p) => p.kind === 'deleted_segment' && p.seq === 120), JSON.stringify(v.problems));
});
