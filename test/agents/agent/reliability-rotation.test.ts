import test from 'ava';
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { RotatingWriter, archivedLines, diff, events, rm, sleep, spawnAgent, tmp, waitForHead, writeConfig } from './helpers.js';

/** The agent runs as its own process (the real CLI) while this process writes and rotates. */
test('1000+ logrotate rotations (rename+create and copytruncate) while writing: 0 lost, 0 duplicated, verify ok', async (t) => {
  const d = tmp('rotate');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'access.log');
  const w = new RotatingWriter(log, 150, '"GET /index.html HTTP/1.1" 200 612');
  writeFileSync(log, '');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'nginx', path: `${log}*`, format: 'nginx' }] });
  const a = spawnAgent(cfg);
  await waitForHead(join(d, 'agent-state'), 0);
  // ~200 rotations a second (logrotate does one a day): every file is renamed on each rotation.
  for (let i = 0; i < 1100; i++) {
    w.write(1 + (i % 5));
    await sleep(3); // the agent may read here, before the rotation, or only after it
    w.write(i % 2);
    w.rotate(i % 3 === 0 ? 'copytruncate' : 'rename');
    await sleep(2);
  }
  w.write(7);
  const head = await waitForHead(join(d, 'agent-state'), w.lines.length);
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0, a.out().slice(-2000));
  t.is(head, w.lines.length);
  t.true(w.rotations >= 1000);
  const got = await archivedLines(join(d, 'archive'));
  const r = diff(w.lines, got);
  t.deepEqual(r.lost, [], `lost ${r.lost.length}`);
  t.deepEqual(r.dup, [], `duplicated ${r.dup.length}`);
  t.is(got.length, w.lines.length);
  const v = await verifyArchive(join(d, 'archive'));
  t.true(v.ok, JSON.stringify(v.problems));
  const ev = events(a.out());
  const kinds = new Set(ev.map((e) => `${String(e.event)}${e.how ? `:${String(e.how)}` : ''}`));
  t.true(kinds.has('FileRotated:copytruncate'), `copytruncate recognised by content; saw ${[...kinds].join(' ')}`);
  t.true(ev.some((e) => e.event === 'CheckpointWritten'), 'final checkpoint');
  rm(d);
});

test('truncation under a running agent and inode reuse across a restart: new content read whole, once', async (t) => {
  const d = tmp('reuse');
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
  for (let i = 0; i < 50 && !reused; i++) {
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
  rm(d);
});
