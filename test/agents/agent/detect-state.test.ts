/**
 * Detection state that must outlive a restart or a retry, in the real agent:
 * - the rule engine's keyed state (a brute force spanning a restart is counted whole);
 * - a batch read again after a failed archive append is not counted twice (full tmpfs);
 * - an unaccepted file change is alerted once, not again after every restart.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import type { Detector } from '../../../agents/agent/pipeline.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { engineStatePath } from '../../../agents/agent/detect/index.js';
import { readRecords } from '../../../src/journal/index.js';
import { scaled, sleep, waitUntil } from '../../helpers/time.js';
import { rm, tmp, unmountLazily, writeConfig } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

const fail = (i: number, ip: string) => `Dec 10 07:00:${String(i).padStart(2, '0')} web sshd[${100 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;

test('a brute force spanning an agent restart is counted whole (the engine state is kept in the state dir)', async (t) => {
  const d = tmp('detect-restart');
  const log = join(d, 'auth.log');
  writeFileSync(log, '');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }] });
  const cfg = loadConfig(cfgPath);
  const a = startAgent(t, loadConfig(cfgPath));
  await waitUntil(() => (a.ev.counters.AgentStarted ?? 0) >= 1, 5000);
  appendFileSync(log, [1, 2, 3, 4, 5].map((i) => fail(i, '203.0.113.50')).join('\n') + '\n');
  t.true(await waitUntil(() => (a.ev.counters.RecordsArchived ?? 0) >= 5, 10000));
  await a.stop();
  t.true(existsSync(engineStatePath(cfg)), 'the engine state is written at shutdown');
  t.is(readAlerts(cfg.detections.alerts_file).length, 0);

  const b = startAgent(t, loadConfig(cfgPath));
  t.true(await waitUntil(() => (b.ev.counters.DetectionStateRestored ?? 0) >= 1, 5000), 'restored at start');
  appendFileSync(log, [6, 7, 8].map((i) => fail(i, '203.0.113.50')).join('\n') + '\n');
  t.true(await waitUntil(() => readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === 'ssh-brute-force'), 10000), 'alert after the restart');
  await b.stop();
  const alert = readAlerts(cfg.detections.alerts_file).find((s) => s.alert.rule === 'ssh-brute-force')!.alert;
  t.is(alert.count, 8);
  t.is(alert.groupKey, '203.0.113.50');
  t.is(alert.refs.length, 8, 'references reach the lines archived before the restart');
  t.true(JSON.parse(readFileSync(engineStatePath(cfg), 'utf8')).version === 1);
  // …and it is in the archive too, even when the worker answered after the last batch (flushed at stop).
  const archived: string[] = [];
  for await (const r of readRecords(cfg.archive.dir)) if (r.source === 'gwsec-alerts') archived.push(r.line);
  t.true(archived.some((l) => (JSON.parse(l) as { alert: { id: string } }).alert.id === alert.id));
  rm(d);
});

const mounts: string[] = [];
test.after.always(() => unmountLazily(mounts));

test('a batch retried after a failed archive append is not counted twice (7 attempts stay below the threshold of 8)', async (t) => {
  const d = tmp('detect-retry');
  const vol = join(d, 'vol');
  mkdirSync(vol);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', vol]);
  } catch (e) {
    if (process.env.CI) throw e;
    t.log(`cannot mount a tmpfs here (${(e as Error).message}): skipped`);
    t.pass();
    return;
  }
  mounts.push(vol);
  const log = join(d, 'auth.log');
  writeFileSync(log, 'Dec 10 06:59:59 web sshd[1]: Server listening on 0.0.0.0 port 22.\n');
  const cfgPath = writeConfig(d, {
    archive: { dir: join(vol, 'archive') },
    state_dir: join(vol, 'state'),
    sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }],
    detections: { alerts_file: join(d, 'alerts.jsonl') },
  });
  const seen = new Map<number, number>();
  const counting: Detector = {
    name: 'count',
    formats: [],
    observe(lines) {
      for (const l of lines) seen.set(l.seq, (seen.get(l.seq) ?? 0) + 1);
    },
  };
  const a = startAgent(t, loadConfig(cfgPath), { detectors: [counting] });
  t.true(await waitUntil(() => (a.ev.counters.RecordsArchived ?? 0) >= 1, 5000));
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(vol, 'filler')}`, 'bs=16k'], { stdio: 'ignore' });
  } catch {
    /* ENOSPC: the point */
  }
  appendFileSync(log, [1, 2, 3, 4, 5, 6, 7].map((i) => fail(i, '198.51.100.77')).join('\n') + '\n');
  const errors = () => (a.ev.counters.ArchiveWriteError ?? 0) + (a.ev.counters.StateWriteError ?? 0);
  t.true(await waitUntil(() => errors() >= 3, 20000), 'the append failed and was retried');
  rmSync(join(vol, 'filler'));
  t.true(await waitUntil(() => (a.ev.counters.RecordsArchived ?? 0) >= 8, 20000), 'archived once space came back');
  await sleep(scaled(300));
  await a.stop();
  t.deepEqual([...seen.values()].filter((n) => n !== 1), [], 'every line observed exactly once');
  t.is(seen.size, 8 + (seen.size - 8), 'all lines observed');
  t.true(seen.size >= 8);
  t.deepEqual(
    readAlerts(join(d, 'alerts.jsonl')).filter((s) => s.alert.rule === 'ssh-brute-force'),
    [],
    'seven failures are not a brute force, however often their batch is retried',
  );
  execFileSync('umount', [vol]);
  mounts.pop();
  rm(d);
});

test('an unaccepted file change is alerted once, not again after each restart', async (t) => {
  const d = tmp('detect-fim-restart');
  const root = join(d, 'www');
  mkdirSync(join(root, 'uploads'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<h1>首页</h1>');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: join(d, 'a.log'), format: 'auth' }], detections: { web_roots: [root], baseline_interval_s: 3600 } });
  writeFileSync(join(d, 'a.log'), '');
  const cfg = loadConfig(cfgPath);
  const shells = () => readAlerts(cfg.detections.alerts_file).filter((s) => s.alert.rule === 'webshell-new-script-in-webroot');
  const a = startAgent(t, loadConfig(cfgPath));
  t.true(await waitUntil(() => (a.ev.counters.FimStarted ?? 0) >= 1, 5000));
  await a.stop();
  // Dropped while the agent is down: found by the scan at the next start, once.
  writeFileSync(join(root, 'uploads', 'z.php'), '<?php system($_GET["c"]);');
  for (let i = 0; i < 3; i++) {
    const b = startAgent(t, loadConfig(cfgPath));
    t.true(await waitUntil(() => (b.ev.counters.FimStarted ?? 0) >= 1, 5000));
    await waitUntil(() => shells().length >= 1, 3000);
    await sleep(scaled(300));
    await b.stop();
    t.is(shells().length, 1, `after start ${i + 1}`);
  }
  // A further change of the same file is news again (inside the rule's suppression window it
  // raises the open alert's count, which the restored engine state still holds).
  writeFileSync(join(root, 'uploads', 'z.php'), '<?php eval($_POST["x"]);');
  const c = startAgent(t, loadConfig(cfgPath));
  t.true(await waitUntil(() => shells().length === 1 && shells()[0]!.alert.count === 2, 5000), 'a new change is reported');
  await c.stop();
  rm(d);
});
