/**
 * `gwsec detect --file`: the rule pack over a log file. A big file is cut into byte ranges at line
 * boundaries; worker threads parse their range and keep only the events some rule acts on (the
 * engine's `relevant`: an event no rule's condition matches changes no state), and the main thread
 * feeds those, in file order, to one engine. The result is the same as one pass over the file
 * (test/detect/hunt-parallel.test.ts compares them).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alert, AlertChange } from '../model/alert.js';
import { GwsecError } from '../model/errors.js';
import { DetectionEngine, type EngineStats } from '../detect/engine.js';
import { isHostile, type DetectEvent } from '../detect/event.js';
import { lineEvent, type LineContext } from '../detect/lines.js';
import { loadRules, type Rule } from '../detect/load.js';
import { parsers, type LogFormat } from '../parsers/loglines.js';

export interface HuntOptions {
  file: string;
  /** What alerts' references and the web site key name (default `file`): `-`, or the .gz read through a spool (hunt-input.ts). */
  label?: string;
  rules?: string;
  source?: LogFormat;
  /** Year for classic syslog stamps (default: the file's modification year). */
  year?: number;
  /** Administrator accounts besides root (auth.admin). */
  adminUsers?: string[];
  host?: string;
  /** Threads for a big file (default: the cores, at most 8); 1 = one pass in this thread. */
  workers?: number;
  /** Files smaller than this are read in one pass (default 16 MB: a worker costs ~0.1 s to start). */
  parallelFromBytes?: number;
}

export interface HuntResult {
  alerts: Alert[];
  lines: number;
  bytes: number;
  hostile: number;
  /** Lines the format's parser could not read. */
  unparsed: number;
  /** Lines it read that carry no event for the rules (an Apache/nginx error log's lines: no rule reads them). */
  other: number;
  ms: number;
  format: LogFormat;
  stats: EngineStats;
}

/** Guess a file's format from its first lines: web access log, syslog/auth, or an Apache/nginx error log. */
export function sniffFormat(sample: string): LogFormat {
  const lines = sample.split('\n').slice(0, 20).filter(Boolean);
  const most = (n: number) => n > 0 && n * 2 >= lines.length;
  const count = (f: (l: string) => boolean) => lines.filter(f).length;
  if (most(count((l) => parsers.nginx(l)?.status !== undefined))) return 'nginx';
  if (most(count((l) => parsers.auth(l) !== null))) return 'auth';
  const apache = count((l) => parsers.apache(l) !== null);
  const nginx = count((l) => parsers.nginx(l) !== null);
  if (most(apache) && apache >= nginx) return 'apache';
  return most(nginx) ? 'nginx' : 'auth';
}

export interface ChunkResult {
  lines: number;
  hostile: number;
  unparsed: number;
  other: number;
  /** Events kept, with their line number inside the chunk (1-based). `time` NaN: no stamp yet in this chunk. */
  events: Array<{ n: number; ev: DetectEvent }>;
  /** Time of the chunk's last event with a stamp (NaN: none). */
  lastTime: number;
}

const BLOCK = 4 << 20;

/**
 * The lines whose first byte lies in [start, end) of `file`, each decoded on its own (an engine that
 * keeps a line must not keep a whole block alive with it). `keep` decides which events to return.
 */
export function scanChunk(file: string, start: number, end: number, format: LogFormat, ctx: LineContext, keep: (ev: DetectEvent, n: number) => boolean): ChunkResult {
  const fd = openSync(file, 'r');
  const out: ChunkResult = { lines: 0, hostile: 0, unparsed: 0, other: 0, events: [], lastTime: NaN };
  let buf = Buffer.allocUnsafe(BLOCK);
  try {
    let base = start; // file offset of buf[0]
    let have = 0;
    let s = 0; // start of the current line in buf
    // A range that starts inside a line leaves that line to the range before it.
    let skipping = false;
    if (start > 0) {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, start - 1);
      skipping = b[0] !== 10;
    }
    const one = (from: number, to: number) => {
      if (to > from && buf[to - 1] === 13) to--;
      const line = buf.toString('utf8', from, to);
      const n = ++out.lines;
      if (isHostile(line)) out.hostile++;
      const ev = lineEvent(format, line, ctx);
      if (!ev) {
        // parsed but no event (an error-log line): counted apart, the file was read correctly
        if (parsers[format](line) === null) out.unparsed++;
        else out.other++;
        return;
      }
      ctx.fallbackTime = ev.time;
      if (!Number.isNaN(ev.time)) out.lastTime = ev.time;
      if (keep(ev, n)) out.events.push({ n, ev });
    };
    for (;;) {
      if (base + s >= end && !skipping) break;
      if (have === buf.length) {
        if (s > 0) {
          buf.copy(buf, 0, s, have);
          have -= s;
          base += s;
          s = 0;
        } else {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
      }
      const k = readSync(fd, buf, have, buf.length - have, base + have);
      if (k === 0) {
        if (have > s && !skipping) one(s, have); // a last line without "\n"
        break;
      }
      have += k;
      for (let e = buf.indexOf(10, s); e >= 0 && e < have; e = buf.indexOf(10, s)) {
        if (skipping) skipping = false;
        else if (base + s >= end) break;
        else one(s, e);
        s = e + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

interface Prepared {
  rules: Rule[];
  format: LogFormat;
  size: number;
  year: number;
  notAfter: number | undefined;
  mtime: number;
}

function prepare(o: HuntOptions, rules?: Rule[]): Prepared {
  const set = rules ?? loadRules(o.rules, { cases: false }).rules;
  let st;
  try {
    st = statSync(o.file);
    closeSync(openSync(o.file, 'r'));
  } catch (e) {
    throw new GwsecError('detect_input_error', { en: `cannot read log file: ${(e as Error).message}`, zh: `无法读取日志文件：${(e as Error).message}` }, { file: o.file });
  }
  if (!st.isFile()) throw new GwsecError('detect_input_error', { en: 'not a regular file: give a log file (or - for standard input)', zh: '不是普通文件，请给出日志文件（或用 - 表示标准输入）' }, { file: o.file });
  let format = o.source;
  if (!format) {
    const fd = openSync(o.file, 'r');
    const b = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, b, 0, b.length, 0);
    closeSync(fd);
    format = sniffFormat(b.toString('utf8', 0, n));
  }
  return { rules: set, format, size: st.size, year: o.year ?? st.mtime.getFullYear(), notAfter: o.year === undefined ? st.mtime.getTime() : undefined, mtime: st.mtime.getTime() };
}

/**
 * Sees every event fed to the engine, with its line number and what it changed (every line a match
 * rule fires on gets a change, a repeat inside the suppression window an `update`): how the web-attack
 * quality bench and its regression test judge each line on the very path `gwsec detect --file` runs.
 * Unparsed lines are never fed, so they are never observed.
 */
export type HuntObserver = (ev: DetectEvent, line: number, changes: AlertChange[]) => void;

/** One pass in this thread (small files, tests). */
export function huntFile(o: HuntOptions, rules?: Rule[], observe?: HuntObserver): HuntResult {
  const t0 = performance.now();
  const p = prepare(o, rules);
  const engine = new DetectionEngine(p.rules, o.host ?? hostname());
  const alerts = new Map<string, Alert>();
  const label = o.label ?? o.file;
  const ctx: LineContext = { year: p.year, notAfter: p.notAfter, fallbackTime: p.mtime, web: engine.wantsWebInspection, site: basename(label), admins: adminSet(o.adminUsers) };
  const r = scanChunk(o.file, 0, Infinity, p.format, ctx, (ev, n) => {
    ev.ref = { source: label, seq: n };
    const changes = engine.feed(ev);
    for (const ch of changes) alerts.set(ch.alert.id, ch.alert);
    observe?.(ev, n, changes);
    return false;
  });
  return { alerts: [...alerts.values()], lines: r.lines, bytes: p.size, hostile: r.hostile, unparsed: r.unparsed, other: r.other, ms: performance.now() - t0, format: p.format, stats: engine.stats() };
}

/** root and the accounts named with --admin-user. */
const adminSet = (users: string[] | undefined): ReadonlySet<string> | undefined => (users?.length ? new Set(['root', ...users]) : undefined);

export interface ChunkJob {
  adminUsers?: string[];
  file: string;
  label: string;
  start: number;
  end: number;
  format: LogFormat;
  year: number;
  notAfter: number | undefined;
  rules: Rule[];
}

/** What a worker (or the main thread, for the first range) does with one range. */
export function runChunk(job: ChunkJob): ChunkResult {
  const filter = new DetectionEngine(job.rules, '');
  // NaN until the chunk's first stamped line: the main thread fills in the previous range's last time.
  const ctx: LineContext = { year: job.year, notAfter: job.notAfter, fallbackTime: NaN, web: filter.wantsWebInspection, site: basename(job.label), admins: adminSet(job.adminUsers) };
  return scanChunk(job.file, job.start, job.end, job.format, ctx, (ev) => filter.relevant(ev));
}

/** `gwsec detect --file`: big files in parallel ranges, the same result as huntFile. */
export async function huntFileParallel(o: HuntOptions, rules?: Rule[], observe?: HuntObserver): Promise<HuntResult> {
  const t0 = performance.now();
  const p = prepare(o, rules);
  const k = Math.max(1, Math.min(o.workers ?? Math.min(availableParallelism(), 8), Math.ceil(p.size / (1 << 20))));
  if (k === 1 || p.size < (o.parallelFromBytes ?? 16e6)) return huntFile(o, p.rules, observe);
  const cut = (i: number) => (i >= k ? Infinity : Math.floor((p.size * i) / k));
  const label = o.label ?? o.file;
  const job = (i: number): ChunkJob => ({ file: o.file, label, start: cut(i), end: cut(i + 1), format: p.format, year: p.year, notAfter: p.notAfter, rules: p.rules, adminUsers: o.adminUsers });
  const pending = Array.from({ length: k - 1 }, (_, i) => {
    const w = new Worker(new URL('./hunt-worker.js', import.meta.url), { workerData: job(i + 1) });
    return new Promise<ChunkResult>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`hunting worker exited with code ${code}`)));
    }).finally(() => void w.terminate());
  });
  const results = [runChunk(job(0)), ...(await Promise.all(pending))];
  const engine = new DetectionEngine(p.rules, o.host ?? hostname());
  const alerts = new Map<string, Alert>();
  let seq = 0;
  let prev = p.mtime;
  let lines = 0;
  let hostile = 0;
  let unparsed = 0;
  let other = 0;
  let fed = 0;
  for (const r of results) {
    for (const { n, ev } of r.events) {
      if (Number.isNaN(ev.time)) ev.time = prev;
      ev.ref = { source: label, seq: seq + n };
      const changes = engine.feed(ev);
      for (const ch of changes) alerts.set(ch.alert.id, ch.alert);
      observe?.(ev, seq + n, changes);
      fed++;
    }
    if (!Number.isNaN(r.lastTime)) prev = r.lastTime;
    seq += r.lines;
    lines += r.lines;
    hostile += r.hostile;
    unparsed += r.unparsed;
    other += r.other;
  }
  engine.skipped(lines - unparsed - other - fed);
  return { alerts: [...alerts.values()], lines, bytes: p.size, hostile, unparsed, other, ms: performance.now() - t0, format: p.format, stats: engine.stats() };
}
