import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyArchive } from '../../../src/journal/index.js';
import { archivedLines, diff, events, rm, sleep, spawnAgent, tmp, waitForHead, writeConfig } from './helpers.js';
import { scaled } from '../../helpers/time.js';

/** Debian's systemd-journal-remote (package systemd-journal-remote, installed by .ci/run). */
const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const BOOT = '0123456789abcdef0123456789abcdef';
const T0 = 1_733_476_800_000_000; // µs

/** Entries [from, from+n) in journal export format, appended to a real .journal file by systemd-journal-remote. */
function appendEntries(dir: string, from: number, n: number): string[] {
  let text = '';
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const msg = `entry ${String(i).padStart(6, '0')} GET /xxgk/${i}.html 200 中文`;
    text += `__REALTIME_TIMESTAMP=${T0 + i * 1000}\n__MONOTONIC_TIMESTAMP=${i + 1}\n_BOOT_ID=${BOOT}\n_HOSTNAME=web1\nSYSLOG_IDENTIFIER=nginx\n_PID=4242\nMESSAGE=${msg}\n\n`;
    lines.push(`${new Date((T0 + i * 1000) / 1000).toISOString()} web1 nginx[4242]: ${msg}`);
  }
  const r = spawnSync(JOURNAL_REMOTE, ['-o', join(dir, 'remote.journal'), '-'], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemd-journal-remote: ${r.error?.message ?? r.stderr}`);
  return lines;
}

/** MESSAGE of every entry by its cursor, as journalctl reports them. */
function messagesByCursor(dir: string): Map<string, string> {
  const r = spawnSync('journalctl', ['-D', dir, '-o', 'json', '--no-pager'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const m = new Map<string, string>();
  for (const l of r.stdout.trim().split('\n')) {
    const e = JSON.parse(l) as { __CURSOR: string; MESSAGE: string };
    m.set(e.__CURSOR, e.MESSAGE);
  }
  return m;
}

const messageOf = (line: string) => line.slice(line.indexOf(': ') + 2);

const savedCursor = (stateDir: string) => (JSON.parse(readFileSync(join(stateDir, 'cursors.json'), 'utf8')) as { sources: { journald: { cursor?: string } } }).sources.journald.cursor;

test('journald source on a real journal file (journalctl -D): every entry once across follow, kill -9 and restarts; cursor saved only for archived entries', async (t) => {
  t.timeout(scaled(180_000));
  const d = tmp('journald-real');
  const jdir = join(d, 'journal');
  mkdirSync(jdir);
  const state = join(d, 'agent-state');
  const expected = appendEntries(jdir, 0, 300);
  t.is(spawnSync('journalctl', ['-D', jdir, '--no-pager', '-q']).status, 0, 'journalctl reads the file');
  const cfg = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'journald', directory: jdir, start_at: 'beginning' }] });

  // 1. Read from the beginning, then follow entries appended while running.
  let a = spawnAgent(cfg);
  t.is(await waitForHead(state, 300), 300, a.out().slice(-2000));
  expected.push(...appendEntries(jdir, 300, 200));
  t.is(await waitForHead(state, 500), 500);

  // 2. kill -9 while a large append is being archived: no shutdown, whatever was persisted must hold.
  let midway = 0;
  for (let round = 0; round < 3; round++) {
    const from = expected.length;
    expected.push(...appendEntries(jdir, from, 15000));
    await sleep(20 + Math.floor(Math.random() * 100));
    a.child.kill('SIGKILL');
    await a.exited;
    // The persisted cursor names an entry already in the archive (cursor after fsync, never before).
    const saved = savedCursor(state);
    const archived = await archivedLines(join(d, 'archive'));
    if (saved) {
      const msg = messagesByCursor(jdir).get(saved);
      t.truthy(msg, `round ${round}: the saved cursor is a journal entry`);
      t.true(archived.some((l) => messageOf(l) === msg), `round ${round}: the saved cursor's entry is archived`);
    }
    t.log(`round ${round}: killed with ${archived.length} of ${expected.length} archived`);
    if (archived.length < expected.length) midway++;
    a = spawnAgent(cfg);
    await a.started; // the previous run's status already shows this head
    t.is(await waitForHead(state, expected.length, 60_000), expected.length, a.out().slice(-2000));
  }

  t.true(midway >= 1, 'at least one kill landed in the middle of an ingest');

  // 3. Clean stop; entries appended while the agent is down are read on restart, after the cursor.
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0);
  t.is(messagesByCursor(jdir).get(savedCursor(state) ?? ''), messageOf(expected.at(-1)!), 'at a clean stop the cursor is the last archived entry');
  expected.push(...appendEntries(jdir, expected.length, 100));
  a = spawnAgent(cfg);
  await a.started;
  t.is(await waitForHead(state, expected.length), expected.length);
  a.child.kill('SIGTERM');
  t.is(await a.exited, 0);

  const got = await archivedLines(join(d, 'archive'));
  const r = diff(expected, got);
  t.deepEqual(r.lost, [], `lost ${r.lost.length}`);
  t.deepEqual(r.dup, [], `duplicated ${r.dup.length}`);
  t.deepEqual(got, expected, 'in journal order, rendered as syslog lines');
  t.true((await verifyArchive(join(d, 'archive'))).ok);
  t.true(events(a.out()).some((e) => e.event === 'SourceStarted' && e.kind === 'journald' && String(e.cursor).startsWith('s=')), 'restarted from a saved cursor');
  rm(d);
});
