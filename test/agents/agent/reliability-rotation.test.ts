import test from 'ava';
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { RotatingWriter, archivedLines, diff, events, privateExt4, rm, sleep, spawnAgent, tmp, waitForHead, writeConfig } from './helpers.js';
import { TIME_SCALE, scaled } from '../../helpers/time.js';

/**
 * One run: the agent as its own process (the real CLI) while this process writes and rotates
 * ~1100 times. Rotation deletes the oldest of `keep` files; lines are lost only if a file is
 * created and deleted between two scans of the agent (its life is ~keep rotations), and then the
 * agent says so (FileLossPossible). `keep` 300 gives files ~2 s of life: longer than the agent's
 * stalls on a loaded 2-core machine (up to ~0.7 s measured); `keep` 100 (~0.5 s) lost lines in
 * about one run in eight, each time with FileLossPossible raised.
 */
async function rotationRun(keep: number): Promise<{ w: RotatingWriter; got: string[]; head: number; code: number | null; out: string; ms: number }> {
  const d = tmp('rotate');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'access.log');
  const w = new RotatingWriter(log, keep, '"GET /index.html HTTP/1.1" 200 612');
  writeFileSync(log, '');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'nginx', path: `${log}*`, format: 'nginx' }] });
  const a = spawnAgent(cfg);
  await waitForHead(join(d, 'agent-state'), 0);
  const t0 = performance.now();
  for (let i = 0; i < 1100; i++) {
    w.write(1 + (i % 5));
    await sleep(3); // the agent may read here, before the rotation, or only after it
    w.write(i % 2);
    w.rotate(i % 3 === 0 ? 'copytruncate' : 'rename');
    await sleep(2);
  }
  const ms = performance.now() - t0;
  w.write(7);
  const head = await waitForHead(join(d, 'agent-state'), w.lines.length);
  a.child.kill('SIGTERM');
  const code = await a.exited;
  const got = await archivedLines(join(d, 'archive'));
  const v = await verifyArchive(join(d, 'archive'));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  rm(d);
  return { w, got, head, code, out: a.out(), ms };
}

test('1000+ logrotate rotations (rename+create and copytruncate) while writing: 0 lost, 0 duplicated, verify ok', async (t) => {
  t.timeout(scaled(600_000));
  const runs = Number(process.env.GWSEC_ROTATION_RUNS ?? 1);
  for (let run = 0; run < runs; run++) {
    // a rotated file's life (~keep rotations) is a time limit like any other: it grows with the scale
    const { w, got, head, code, out, ms } = await rotationRun(Math.round(300 * TIME_SCALE));
    t.is(code, 0, out.slice(-2000));
    t.true(w.rotations >= 1000);
    // ava reports the first failed assertion: the ones that name lines come before the counts.
    const r = diff(w.lines, got);
    t.deepEqual(r.lost, [], `run ${run}: lost ${r.lost.length}`);
    t.deepEqual(r.dup, [], `run ${run}: duplicated ${r.dup.length}`);
    // Records that are not written lines (an alert of the detection pack, a split line) are named, not just counted.
    t.deepEqual(r.extra.map((x) => x.slice(0, 300)), [], `run ${run}: ${r.extra.length} archived records that were never written`);
    t.is(got.length, w.lines.length);
    t.is(head, w.lines.length);
    const ev = events(out);
    t.deepEqual(ev.filter((e) => e.event === 'FileLossPossible'), [], 'no possible loss reported');
    const kinds = new Set(ev.map((e) => `${String(e.event)}${e.how ? `:${String(e.how)}` : ''}`));
    t.true(kinds.has('FileRotated:copytruncate'), `copytruncate recognised by content; saw ${[...kinds].join(' ')}`);
    t.true(ev.some((e) => e.event === 'CheckpointWritten'), 'final checkpoint');
    t.log(`run ${run}: ${w.rotations} rotations in ${(ms / 1000).toFixed(1)} s, ${w.lines.length} lines, 0 lost, 0 duplicated`);
  }
});

test('rotation that outruns a stopped agent: the lines it never saw are reported as possibly lost (FileLossPossible)', async (t) => {
  const d = tmp('outrun');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'access.log');
  const w = new RotatingWriter(log, 5);
  writeFileSync(log, '');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'nginx', path: `${log}*`, format: 'raw' }] });
  const a = spawnAgent(cfg);
  await waitForHead(join(d, 'agent-state'), 0);
  // At a pace the agent follows: nothing lost, nothing reported.
  for (let i = 0; i < 8; i++) {
    w.write(3);
    await waitForHead(join(d, 'agent-state'), w.lines.length);
    w.rotate('rename');
  }
  t.is(await waitForHead(join(d, 'agent-state'), w.lines.length), w.lines.length);
  t.false(a.out().includes('FileLossPossible'));
  // A stall (SIGSTOP) while logrotate goes round the 5 kept files four times: whole files come and go unseen.
  a.child.kill('SIGSTOP');
  for (let i = 0; i < 20; i++) {
    w.write(3);
    w.rotate('rename');
  }
  w.write(2);
  a.child.kill('SIGCONT');
  await waitForHead(join(d, 'agent-state'), 0);
  await sleep(scaled(1500));
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0);
  const r = diff(w.lines, await archivedLines(join(d, 'archive')));
  t.true(r.lost.length > 0, 'lines were lost (the files were deleted unread)');
  t.deepEqual(r.dup, []);
  const lossEvents = events(a.out()).filter((e) => e.event === 'FileLossPossible');
  t.true(lossEvents.length >= 1, a.out().slice(-2000));
  t.regex(String(lossEvents[0]!.reason), /rotation outran the agent/);
  rm(d);
});

test('truncation under a running agent and inode reuse across a restart: new content read whole, once', async (t) => {
  const own = privateExt4('reuse');
  if ('error' in own) {
    if (process.env.CI) t.fail(`CI must run the inode-reuse test: ${own.error}`);
    else t.log(`SKIPPED: no loop-mounted ext4 here (${own.error})`);
    t.pass();
    return;
  }
  t.teardown(own.release);
  const d = own.dir;
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'app.log');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'app', path: log, format: 'raw' }] });
  const a = spawnAgent(cfg);
  const expected: string[] = [];
  const put = (lines: string[], mode: 'a' | 'w') => {
    writeFileSync(log, lines.map((l) => l + '\n').join(''), { flag: mode });
    expected.push(...lines);
  };
  put(Array.from({ length: 50 }, (_, i) => `gen1 ${i} ${'x'.repeat(40)}`), 'w');
  await waitForHead(join(d, 'agent-state'), 50);
  // Truncate in place and write more than before: the agent must notice by content, not by size.
  put(Array.from({ length: 80 }, (_, i) => `gen2 ${i} ${'y'.repeat(40)}`), 'w');
  await waitForHead(join(d, 'agent-state'), 130);
  // Inode reuse: while the agent runs it holds the file open, so the inode cannot be reused under
  // it. Across a restart it can: stop, delete, recreate until the same inode number comes back.
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0);
  const ino = statSync(log).ino;
  let reused = false;
  // The test's own ext4 gives the freed inode back at once; nobody else creates files there.
  for (let i = 0; i < 20 && !reused; i++) {
    unlinkSync(log);
    writeFileSync(log, `gen3 first ${'z'.repeat(60)}\n`);
    reused = statSync(log).ino === ino;
  }
  t.true(reused, 'the file system reused the inode');
  expected.push(`gen3 first ${'z'.repeat(60)}`);
  put(Array.from({ length: 10 }, (_, i) => `gen3 tail ${i}`), 'a');
  const b = spawnAgent(cfg);
  await waitForHead(join(d, 'agent-state'), expected.length);
  b.child.kill('SIGTERM');
  t.is(await b.exited, 0);
  const got = await archivedLines(join(d, 'archive'));
  t.deepEqual(got, expected);
  t.true((await verifyArchive(join(d, 'archive'))).ok);
  t.true(events(a.out()).some((e) => e.event === 'FileTruncated' || e.event === 'FileDiscovered'));
});
