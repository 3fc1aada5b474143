import test from 'ava';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { archivedLines, diff, events, rm, sleep, spawnAgent, tmp, waitForHead, writeConfig } from './helpers.js';

/**
 * kill -9 of the real agent process at random points, 50 times, while a writer appends (and now
 * and then rotates). After the last restart catches up: every line exactly once, archive intact.
 */
test('kill -9 at random points (50 times) while a writer appends: 0 lost, 0 duplicated, verify ok', async (t) => {
  const d = tmp('kill');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'app.log');
  writeFileSync(log, '');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive'), segment_max_bytes: 65536 }, poll_interval_ms: 50, sources: [{ type: 'file', name: 'app', path: `${log}*`, format: 'raw' }] });
  const expected: string[] = [];
  let n = 0;
  let rot = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      let s = '';
      const k = 1 + Math.floor(Math.random() * 40);
      for (let i = 0; i < k; i++) {
        const l = `${new Date().toISOString()} app[42]: request ${++n} ${'p'.repeat(n % 50)}`;
        expected.push(l);
        s += l + '\n';
      }
      appendFileSync(log, s);
      if (n % 500 < k) renameSync(log, `${log}.${++rot}`); // rename rotation; the next append creates a new file
      await sleep(5);
    }
  })();
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const kills = 50;
  let outs = '';
  for (let i = 0; i < kills; i++) {
    const a = spawnAgent(cfg);
    // Every other kill waits for start-up first, so that on a loaded machine (slow start) kills
    // still land while the agent works; the others may land anywhere, start-up included.
    if (i % 2 === 0) for (let w = 0; w < 100 && !a.out().includes('AgentStarted'); w++) await sleep(50);
    await sleep(150 + Math.floor(rand() * 450));
    a.child.kill('SIGKILL');
    t.is(await a.exited, -1);
    outs += a.out();
  }
  writing = false;
  await writer;
  const last = spawnAgent(cfg);
  const head = await waitForHead(join(d, 'agent-state'), expected.length, 30000);
  last.child.kill('SIGTERM');
  t.is(await last.exited, 0, last.out().slice(-1500));
  t.is(head, expected.length);
  const got = await archivedLines(join(d, 'archive'));
  const r = diff(expected, got);
  t.deepEqual(r.lost, [], `lost ${r.lost.length}`);
  t.deepEqual(r.dup, [], `duplicated ${r.dup.length}`);
  t.is(got.length, expected.length);
  const v = await verifyArchive(join(d, 'archive'));
  t.true(v.ok, JSON.stringify(v.problems));
  const ev = events(outs + last.out());
  t.true(ev.filter((e) => e.event === 'AgentStarted').length >= 10, 'most kills landed after start-up, while working');
  t.log(`${expected.length} lines, ${rot} rotations, ${kills} kills; recovered intents in ${ev.filter((e) => e.event === 'CursorsRecovered').length} restarts`);
  rm(d);
});
