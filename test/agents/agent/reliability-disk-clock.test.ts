import test from 'ava';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { archivedLines, diff, events, readStatusFile, rm, sleep, spawnAgent, tmp, waitForHead, unmountLazily, writeConfig } from './helpers.js';
import { scaled } from '../../helpers/time.js';
import { startAgent } from '../../helpers/agent.js';

const mounts: string[] = [];
test.after.always(() => unmountLazily(mounts));

test.serial('a full disk (small tmpfs): DiskPressure, nothing acknowledged is lost, resumes when space returns', async (t) => {
  const d = tmp('disk');
  const vol = join(d, 'vol');
  mkdirSync(vol);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', vol]);
  mounts.push(vol);
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'app.log');
  writeFileSync(log, '');
  // Archive and agent state both on the small volume.
  const cfg = writeConfig(d, { archive: { dir: join(vol, 'archive') }, state_dir: join(vol, 'state'), sources: [{ type: 'file', name: 'app', path: log, format: 'raw' }] });
  const a = spawnAgent(cfg);
  const expected: string[] = [];
  const write = (k: number) => {
    let s = '';
    for (let i = 0; i < k; i++) {
      const l = `${expected.length} ${'data '.repeat(20)}`;
      expected.push(l);
      s += l + '\n';
    }
    appendFileSync(log, s);
  };
  write(200);
  await waitForHead(join(vol, 'state'), 200);
  // Fill the volume to the last block.
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(vol, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
  } catch {
    /* dd stops with ENOSPC: that is the point */
  }
  for (let i = 0; i < 10; i++) {
    write(300);
    await sleep(100);
  }
  await sleep(scaled(1500));
  const during = readStatusFile(join(vol, 'state'));
  const ev1 = events(a.out());
  t.true(ev1.some((e) => e.event === 'DiskPressure'), 'DiskPressure raised');
  t.true(ev1.some((e) => e.event === 'ArchiveWriteError' && e.error_type === 'ENOSPC') || ev1.some((e) => e.event === 'StateWriteError' && e.error_type === 'ENOSPC'));
  t.true((during?.archive.headSeq ?? 0) < expected.length, 'the archive could not take everything while full');
  t.is(a.child.exitCode, null, 'the agent keeps running on a full disk');
  rmSync(join(vol, 'filler'));
  write(100);
  const head = await waitForHead(join(vol, 'state'), expected.length, 20000);
  t.is(head, expected.length);
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0, a.out().slice(-1500));
  t.true(events(a.out()).some((e) => e.event === 'DiskPressureRelieved'));
  const got = await archivedLines(join(vol, 'archive'));
  const r = diff(expected, got);
  t.deepEqual([r.lost.length, r.dup.length], [0, 0]);
  const v = await verifyArchive(join(vol, 'archive'));
  t.true(v.ok, JSON.stringify(v.problems));
  execFileSync('umount', [vol]);
  mounts.pop();
  rm(d);
});

test.serial('clock jumps (back a day, forward a year): no loss, no duplicates, no early pruning, verify ok', async (t) => {
  const d = tmp('clock');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'app.log');
  writeFileSync(log, '');
  const cfg = loadConfig(
    writeConfig(d, {
      archive: { dir: join(d, 'archive'), segment_max_bytes: 65536, segment_max_age_s: 60 },
      checkpoint_interval_s: 1,
      prune_interval_s: 1,
      sources: [{ type: 'file', name: 'app', path: `${log}*`, format: 'raw' }],
    }),
  );
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const ev = createEvents({ silent: true });
  const logged: string[] = [];
  const orig = ev.emit.bind(ev);
  ev.emit = (name, fields) => {
    logged.push(name);
    orig(name, fields);
  };
  const agent = startAgent(t, cfg, { now, events: ev });
  const expected: string[] = [];
  const write = (k: number) => {
    let s = '';
    for (let i = 0; i < k; i++) {
      const l = `line ${expected.length} ${'x'.repeat(100)}`;
      expected.push(l);
      s += l + '\n';
    }
    appendFileSync(log, s);
  };
  for (let step = 0; step < 30; step++) {
    write(200);
    if (step === 10) offset = -24 * 3600 * 1000; // back a day
    if (step === 20) offset = 365 * 24 * 3600 * 1000; // forward a year
    await sleep(100);
  }
  await sleep(scaled(1500));
  await agent.stop();
  const got = await archivedLines(join(d, 'archive'));
  const r = diff(expected, got);
  t.deepEqual([r.lost.length, r.dup.length], [0, 0]);
  t.is(got.length, expected.length);
  t.true(logged.includes('ClockJumpDetected'));
  t.false(logged.includes('SegmentsPruned'), 'a clock a year ahead must not prune 180-day segments');
  const v = await verifyArchive(join(d, 'archive'));
  t.true(v.ok, JSON.stringify(v.problems));
  rm(d);
});
