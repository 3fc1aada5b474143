import test from 'ava';
import { appendFileSync, mkdirSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RotatingWriter, diff, drain, fileSource, quietEvents, rm, sleep, tmp } from './helpers.js';
import type { FileSourceState } from '../../../agents/agent/sources/file.js';

const ctx = () => ({ events: quietEvents(), now: () => new Date(), wake: () => undefined });

test('complete lines only: a partial last line waits for its newline', async (t) => {
  const d = tmp('partial');
  const p = join(d, 'a.log');
  writeFileSync(p, 'one\ntwo\nthr');
  const s = fileSource(p);
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got);
  t.deepEqual(got, ['one', 'two']);
  appendFileSync(p, 'ee\n');
  await drain(s, got);
  t.deepEqual(got, ['one', 'two', 'three']);
  await s.stop();
  rm(d);
});

test('a partial line is flushed once the file is idle, when configured', async (t) => {
  const d = tmp('flush');
  const p = join(d, 'a.log');
  writeFileSync(p, 'one\r\ntwo');
  const s = fileSource(p, { flush_partial_after_s: 0.05 });
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got);
  t.deepEqual(got, ['one\r']);
  await sleep(80);
  await drain(s, got);
  t.deepEqual(got, ['one\r', 'two']);
  await s.stop();
  rm(d);
});

test('rename+create and copytruncate at a high rate: nothing lost, nothing twice (in-process, 1200 rotations)', async (t) => {
  const d = tmp('rot');
  const p = join(d, 'app.log');
  const w = new RotatingWriter(p, 40);
  writeFileSync(p, '');
  const s = fileSource(`${p}*`);
  await s.start(null, ctx());
  const got: string[] = [];
  let done = false;
  const reader = (async () => {
    while (!done) {
      await drain(s, got, 64 * 1024);
      await new Promise((r) => setImmediate(r));
    }
    await drain(s, got);
  })();
  for (let i = 0; i < 1200; i++) {
    w.write(1 + (i % 7));
    w.rotate(i % 2 ? 'rename' : 'copytruncate');
    // The reader must be able to keep up within `keep` rotations (else logrotate deletes unread files).
    if (i % 2 === 0) await sleep(1);
  }
  w.write(3);
  done = true;
  await reader;
  const r = diff(w.lines, got);
  t.is(w.rotations, 1200);
  t.deepEqual(r.lost, [], `lost ${r.lost.length}`);
  t.deepEqual(r.dup, [], `duplicated ${r.dup.length}`);
  t.is(got.length, w.lines.length);
  await s.stop();
  rm(d);
});

test('inode reuse: a new file on the old inode is read from its start, not from the old offset', async (t) => {
  const d = tmp('inode');
  const p = join(d, 'a.log');
  writeFileSync(p, 'old 1 ' + 'x'.repeat(100) + '\nold 2\n');
  const s = fileSource(p);
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got);
  const ino = statSync(p).ino;
  // Reuse needs the inode free: the source must not pin it while the file is gone, so stop, delete, recreate.
  const snap = s.snapshot();
  await s.stop();
  unlinkSync(p);
  let reused = false;
  // other processes writing meanwhile may take the freed inode first: keep trying (as the reliability test does)
  for (let i = 0; i < 2000 && !reused; i++) {
    writeFileSync(p, 'new 1 ' + 'y'.repeat(200) + '\nnew 2\n');
    reused = statSync(p).ino === ino;
    if (!reused) {
      renameSync(p, join(d, `keep-${i}`));
    }
  }
  t.true(reused, 'the file system reused the inode');
  const s2 = fileSource(p);
  await s2.start(snap, ctx());
  await drain(s2, got);
  t.deepEqual(got.map((l) => l.slice(0, 5)), ['old 1', 'old 2', 'new 1', 'new 2']);
  await s2.stop();
  rm(d);
});

test('truncation in place: reading starts again at 0; growth past the old offset is caught by content', async (t) => {
  const d = tmp('trunc');
  const p = join(d, 'a.log');
  writeFileSync(p, 'a1\na2\na3\n');
  const s = fileSource(p);
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got);
  truncateSync(p, 0);
  writeFileSync(p, 'b1 is longer than everything before it\nb2\n'); // larger than the old offset
  await drain(s, got);
  t.deepEqual(got, ['a1', 'a2', 'a3', 'b1 is longer than everything before it', 'b2']);
  await s.stop();
  rm(d);
});

test('late files and directories are found; compressed rotations are ignored', async (t) => {
  const d = tmp('late');
  const s = fileSource(join(d, 'sub*', '*.log*'));
  await s.start(null, ctx());
  const got: string[] = [];
  t.is(await drain(s, got), 0);
  mkdirSync(join(d, 'sub1'));
  writeFileSync(join(d, 'sub1', 'x.log'), 'x1\n');
  writeFileSync(join(d, 'sub1', 'x.log.2.gz'), gzipSync('zipped\n'));
  writeFileSync(join(d, 'sub1', 'x.log.3.zst'), 'not really zstd\n');
  await drain(s, got);
  t.deepEqual(got, ['x1']);
  await s.stop();
  rm(d);
});

test('start_at: end skips what is there at first start only; files that appear later are read whole', async (t) => {
  const d = tmp('end');
  writeFileSync(join(d, 'a.log'), 'old\n');
  const s = fileSource(join(d, '*.log'), { start_at: 'end' });
  await s.start(null, ctx());
  const got: string[] = [];
  t.is(await drain(s, got), 0); // the first scan places the cursor at the end
  appendFileSync(join(d, 'a.log'), 'new\n');
  writeFileSync(join(d, 'b.log'), 'b-first\n');
  await drain(s, got);
  t.deepEqual(got.sort(), ['b-first', 'new']);
  await s.stop();
  rm(d);
});

test('restart from a snapshot after a rotation during the downtime resumes on the renamed file', async (t) => {
  const d = tmp('restart');
  const p = join(d, 'a.log');
  const w = new RotatingWriter(p, 5);
  w.write(10);
  const s = fileSource(`${p}*`);
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got);
  const snap = s.snapshot() as FileSourceState;
  await s.stop();
  w.write(5);
  w.rotate('rename');
  w.write(4);
  w.write(3);
  w.rotate('copytruncate');
  w.write(2);
  const s2 = fileSource(`${p}*`);
  await s2.start(JSON.parse(JSON.stringify(snap)), ctx());
  await drain(s2, got);
  const r = diff(w.lines, got);
  t.deepEqual([r.lost, r.dup], [[], []]);
  await s2.stop();
  rm(d);
});

test('a batch cut short records how far it got: those lines are dropped when read again', async (t) => {
  const d = tmp('skip');
  const p = join(d, 'a.log');
  writeFileSync(p, 'l1\nl2\nl3\nl4\n');
  const s = fileSource(p);
  await s.start(null, ctx());
  const b = await s.poll(1 << 20);
  t.is(b?.records.length, 4);
  s.commit(b!.parts[0]!, 2); // only two reached the archive
  const got: string[] = [];
  await drain(s, got);
  t.deepEqual(got, ['l3', 'l4']);
  await s.stop();
  rm(d);
});

test('line longer than max_line_bytes is split, not buffered without bound', async (t) => {
  const d = tmp('long');
  const p = join(d, 'a.log');
  writeFileSync(p, 'z'.repeat(5000) + '\nok\n');
  const s = fileSource(p, { max_line_bytes: 2048 });
  await s.start(null, ctx());
  const got: string[] = [];
  await drain(s, got, 1024);
  t.is(got.join(''), 'z'.repeat(5000) + 'ok');
  t.true(got.every((l) => l.length <= 2048));
  await s.stop();
  rm(d);
});
