import test from 'ava';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Journal, verifyArchive } from '../../src/journal/index.js';
import { BlockEncoder, ZERO_HASH } from '../../src/journal/format.js';
import { batch, readAll, replaceOnce, segmentNames, signer, tempDir } from './helpers.js';

const journalModule = fileURLToPath(new URL('../../src/journal/index.js', import.meta.url));

const CHILD = `
import { Journal } from ${JSON.stringify(journalModule)};
const [dir] = process.argv.slice(2);
const j = await Journal.open(dir, { segmentMaxBytes: 30000, signer: JSON.parse(process.env.SIGNER) });
process.stdout.write('open ' + j.head.seq + '\\n');
for (let seq = j.head.seq; ; ) {
  const n = 1 + Math.floor(Math.random() * 60);
  const recs = Array.from({ length: n }, (_, k) => ({ source: 'app', line: 'L' + (seq + k + 1) + ' ' + 'x'.repeat(Math.floor(Math.random() * 300)) }));
  const r = await j.append(recs);
  seq = r.lastSeq;
  process.stdout.write('ack ' + seq + '\\n');
  if (Math.random() < 0.15) await j.checkpoint();
}
`;

function runAndKill(script: string, dir: string, env: NodeJS.ProcessEnv, afterMs: number): Promise<{ opened: number; acked: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('open ')) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited without being killed: ${err}`));
      const opened = Number(/open (\d+)/.exec(out)?.[1] ?? NaN);
      const acks = [...out.matchAll(/ack (\d+)/g)].map((m) => Number(m[1]));
      resolve({ opened, acked: acks.length ? Math.max(...acks) : opened });
    });
  });
}

test('kill -9 at random points: no acknowledged record lost, no gap, no duplicate, verify passes', async (t) => {
  const dir = await tempDir(t);
  const script = join(await tempDir(t, 'gwsec-child-'), 'writer.mjs');
  await writeFile(script, CHILD);
  const s = signer();
  const env = { ...process.env, SIGNER: JSON.stringify(s) };
  let acked = 0;
  for (let i = 0; i < 15; i++) {
    const r = await runAndKill(script, dir, env, 20 + Math.floor(Math.random() * 200));
    t.true(r.opened >= acked, `run ${i}: reopened at ${r.opened} after ${acked} had been acknowledged`);
    acked = Math.max(acked, r.acked);
  }
  const j = await Journal.open(dir, { signer: s });
  t.true(j.head.seq >= acked);
  await j.checkpoint();
  await j.close();
  const recs = await readAll(dir);
  t.true(recs.length >= acked && acked > 0, `${recs.length} records, ${acked} acknowledged`);
  t.true(recs.every((r, i) => r.seq === i + 1 && r.line.startsWith(`L${i + 1} `)), 'seqs 1..n, each line written once, in order');
  t.true((await segmentNames(dir)).length > 2, 'rotation and compression were interrupted too');
  const v = await verifyArchive(dir, { anchors: join(dir, 'anchors.jsonl'), publicKeyPem: s.publicKeyPem });
  t.true(v.ok, JSON.stringify(v.problems));
  t.is(v.records, recs.length);
});

/** A real DATA block's bytes, as a writer would have started to put them on disk. */
function dataBlock(seq: number): Buffer {
  return Buffer.from(new BlockEncoder().encode(batch(seq, 20), seq, ZERO_HASH, Date.now()).bytes);
}

test('a torn tail is detected, quarantined and cut on reopen; it is never read as data', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  await j.append(batch(1, 10));
  const head = j.head;
  await j.close();
  const [seg] = await segmentNames(dir);
  const path = join(dir, seg!);
  const size = (await stat(path)).size;
  const torn = dataBlock(11).subarray(0, 150);
  await appendFile(path, torn);

  const before = await verifyArchive(dir);
  t.true(before.ok, 'an interrupted write is not tampering');
  t.true(before.notes.some((n) => /torn tail/.test(n)));
  t.is(before.records, 10);

  const j2 = await Journal.open(dir);
  t.deepEqual(j2.head, head);
  t.is(j2.recovery.tornBytes, 150);
  t.deepEqual(await readFile(j2.recovery.quarantined[0]!), torn);
  t.is((await stat(path)).size, size);
  t.deepEqual(await j2.append(batch(11, 5)), { firstSeq: 11, lastSeq: 15 });
  await j2.close();
  t.deepEqual((await readAll(dir)).map((r) => r.seq), Array.from({ length: 15 }, (_, i) => i + 1));
  t.true((await verifyArchive(dir)).ok);
});

test('a zero-filled tail (crash artefact of some filesystems) is cut the same way', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  await j.append(batch(1, 3));
  await j.close();
  const [seg] = await segmentNames(dir);
  await appendFile(join(dir, seg!), Buffer.alloc(4096));
  const j2 = await Journal.open(dir);
  t.is(j2.recovery.tornBytes, 4096);
  t.is(j2.head.seq, 3);
  await j2.close();
});

test('a modified block in the open segment is damage, not a tear: kept, sealed, and reported', async (t) => {
  const dir = await tempDir(t);
  const j = await Journal.open(dir);
  await j.append(batch(1, 10));
  await j.append(batch(11, 10));
  const head = j.head;
  await j.close();
  const [seg] = await segmentNames(dir);
  const path = join(dir, seg!);
  const size = (await stat(path)).size;
  await writeFile(path, replaceOnce(await readFile(path), '/xxgk/zcwj/index_3.html', '/xxgk/zcwj/index_X.html'));

  const j2 = await Journal.open(dir);
  t.deepEqual(j2.recovery.damagedSegments, [seg]);
  t.is(j2.recovery.tornBytes, 0, 'valid records after the damage are not cut');
  t.deepEqual(j2.head, head);
  await j2.append(batch(21, 1));
  await j2.close();
  t.true((await stat(path).catch(() => stat(path + '.gz'))).size >= Math.min(size, 1), 'segment kept');
  const v = await verifyArchive(dir);
  t.false(v.ok);
  t.deepEqual(v.problems.map((p) => [p.kind, p.segment, p.seq]), [['modified', seg + '.gz', 1]]);
  t.is(v.records, 21);
});

const MNT = join('/tmp', `gwsec-journal-fulldisk-${process.pid}`);
test.after.always(() => {
  try {
    execFileSync('umount', [MNT], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  return rm(MNT, { recursive: true, force: true });
});

test('a full disk (small tmpfs): the failing append is rejected and leaves nothing behind; appends resume', async (t) => {
  await mkdir(MNT, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', MNT]);
  const dir = join(MNT, 'archive');
  const j = await Journal.open(dir);
  await j.append(batch(1, 10));
  const free = Number(statfsSync(MNT).bavail) * Number(statfsSync(MNT).bsize);
  await writeFile(join(MNT, 'filler'), Buffer.alloc(Math.max(0, free - 48 * 1024)));
  let err: NodeJS.ErrnoException | undefined;
  let next = 11;
  for (let i = 0; i < 50 && !err; i++) {
    try {
      await j.append(batch(next, 100));
      next += 100;
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
  }
  t.is(err?.code, 'ENOSPC');
  t.is(j.head.seq, next - 1, 'the head covers only what was written and synced');
  await rm(join(MNT, 'filler'));
  t.deepEqual(await j.append(batch(next, 100)), { firstSeq: next, lastSeq: next + 99 });
  await j.close();
  const j2 = await Journal.open(dir);
  t.is(j2.recovery.tornBytes, 0, 'the failed write was cut back at once');
  await j2.close();
  const recs = await readAll(dir);
  t.deepEqual(recs.map((r) => r.seq), Array.from({ length: next + 99 }, (_, i) => i + 1));
  t.true((await verifyArchive(dir)).ok);
});
