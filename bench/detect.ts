/**
 * Issue 20 benchmarks (detection), each against a baseline measured in the same run:
 * (a) precision and recall per rule over its cases, and over a generated attack mix (scanner,
 *     SQLi, webshell upload then access, defacement, brute force then success) interleaved with the
 *     20,000 benign lines of the web-attack corpus;
 * (b) `gwsec detect --file` on the 2M-line nginx bench file vs reading and splitting it (MB/s);
 * (c) agent ingest of that file with the whole rule pack vs rules off, and rsyslogd (bench/agent.ts's
 *     setup), all in this run; peak RSS;
 * (d) latency log line written → alert stored, 200 lines/s with bursts of 5,000 lines;
 * (e) defacement of a watched file → alert stored; (f) a missed file event caught by the periodic scan.
 * GWSEC_BENCH_LINES shrinks (b)/(c); GWSEC_BENCH_LAT_S sets (d)'s duration (default 60 s).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DetectionEngine } from '../src/detect/engine.js';
import { fileEvent, type DetectEvent } from '../src/detect/event.js';
import { lineEvent } from '../src/detect/lines.js';
import { loadRules } from '../src/detect/load.js';
import { runRuleCases } from '../src/detect/tester.js';
import type { Alert } from '../src/model/alert.js';
import { packageRoot } from '../src/util/paths.js';
import { FileWatch, scanRoots } from '../agents/agent/detect/fim.js';
import { generate, procStatus, rsyslogIngest, spawnAsUnit, stop, timeIngest } from './agent.js';
import { have } from './stats.js';
import { CORPUS_DIR } from '../test/helpers/web-corpus.js';
import { knob, SMOKE } from './smoke.js';

const BIN = join(packageRoot(), 'bin', 'gwsec.js');
const CORPUS = CORPUS_DIR;
const out = (s: string) => process.stdout.write(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '-');
const p99 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]! : NaN);
const p50 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

function casesFigures(): void {
  const set = loadRules(undefined);
  const o = runRuleCases(set);
  out('(a1) per rule over its cases (fire cases must alert, no_fire cases must not)\n');
  out('    rule                                      TP  FN  FP  TN  precision  recall\n');
  for (const r of set.rules) {
    const mine = o.filter((x) => x.rule === r.id);
    const tp = mine.filter((x) => x.expect === 'fire' && x.ok).length;
    const fn = mine.filter((x) => x.expect === 'fire' && !x.ok).length;
    const fp = mine.filter((x) => x.expect === 'no_fire' && !x.ok).length;
    const tn = mine.filter((x) => x.expect === 'no_fire' && x.ok).length;
    out(`    ${r.id.padEnd(40)} ${String(tp).padStart(3)} ${String(fn).padStart(3)} ${String(fp).padStart(3)} ${String(tn).padStart(3)}  ${pct(tp / (tp + fp)).padStart(9)}  ${pct(tp / (tp + fn)).padStart(7)}\n`);
  }
}

const clf = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${M}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0800`;
};
const syslogTime = (ms: number) => {
  const d = new Date(ms);
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${M} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/** A seeded generator (mulberry32): the mix is the same on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mixFigures(): void {
  const benign = gunzipSync(readFileSync(join(CORPUS, 'benign.log.gz'))).toString('utf8').split('\n').filter(Boolean);
  const attacks = readFileSync(join(CORPUS, 'attacks.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { category: string; line: string });
  const sqli = attacks.filter((a) => a.category === 'sqli').map((a) => a.line);
  const ctx = { year: 2026, fallbackTime: 0, web: true };
  const evs: DetectEvent[] = [];
  for (const l of benign) {
    const e = lineEvent('nginx', l, ctx);
    if (e) evs.push(e);
  }
  const t0 = Math.min(...evs.map((e) => e.time));
  const t1 = Math.max(...evs.map((e) => e.time));
  const rand = rng(20);
  const at = () => t0 + Math.floor(rand() * (t1 - t0 - 3600_000));
  const want = new Set<string>();
  const web = (ip: string, ms: number, req: string, status: number, ua: string) => evs.push(lineEvent('nginx', `${ip} - - [${clf(ms)}] "${req}" ${status} 153 "-" "${ua}"`, ctx)!);
  const auth = (ms: number, msg: string) => evs.push(lineEvent('auth', `${syslogTime(ms)} web01 sshd[${1000 + (ms % 9000)}]: ${msg}`, ctx)!);
  const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
  const N = 5;
  for (let k = 0; k < N; k++) {
    // scanner: 30 probes in 45 s with a scanner's user agent, mostly 404
    const s = `203.0.113.${10 + k}`;
    let t = at();
    for (let i = 0; i < 30; i++) web(s, t + i * 1500, `GET /${['admin', 'backup.zip', 'wp-login.php', '.git/config', 'phpmyadmin/', 'manager/html'][i % 6]}${i} HTTP/1.1`, i % 10 === 0 ? 200 : 404, 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000' + i + ')');
    // its probe for /.git/config is also a sensitive-file request (the inspection's path_traversal)
    want.add(`web-scanner-ua ${s}`).add(`web-directory-scan ${s}`).add(`web-path-traversal ${s}`);
    // SQL injection: 10 payloads of the corpus from one client, ordinary browser
    const q = `198.51.100.${10 + k}`;
    t = at();
    for (let i = 0; i < 10; i++) {
      const l = sqli[Math.floor(rand() * sqli.length)]!;
      const req = /"([^"]*)"/.exec(l)![1]!;
      web(q, t + i * 2000, req, 200, CHROME);
    }
    want.add(`web-sqli ${q}`);
    // webshell: a script lands in uploads, then is used
    const path = `/var/www/html/uploads/2026/06/${k}a${k}.php`;
    t = at();
    evs.push(fileEvent({ time: t, action: 'added', path, root: '/var/www/html', sm3: 'ab'.repeat(32) }));
    web(`192.0.2.${10 + k}`, t + 30_000, `POST /uploads/2026/06/${k}a${k}.php HTTP/1.1`, 200, CHROME);
    want.add(`webshell-new-script-in-webroot ${path}`).add(`webshell-suspicious-request-pattern /uploads/2026/06/${k}a${k}.php`);
    // defacement of the home page
    t = at();
    evs.push(fileEvent({ time: t, action: 'changed', path: `/var/www/site${k}/index.html`, root: `/var/www/site${k}`, sm3: 'cd'.repeat(32) }));
    want.add(`web-defacement-homepage-changed /var/www/site${k}/index.html`);
    // brute force then success
    const b = `203.0.113.${100 + k}`;
    t = at();
    for (let i = 0; i < 12; i++) auth(t + i * 4000, `Failed password for root from ${b} port ${40000 + i} ssh2`);
    auth(t + 60_000, `Accepted password for webadmin from ${b} port 41000 ssh2`);
    want.add(`ssh-brute-force ${b}`).add(`ssh-bruteforce-success-after-failures ${b}`);
    // benign auth: an editor mistypes once and logs in
    t = at();
    auth(t, `Failed password for editor${k} from 10.10.0.${k} port 5000 ssh2`);
    auth(t + 8000, `Accepted password for editor${k} from 10.10.0.${k} port 5001 ssh2`);
  }
  evs.sort((a, b) => a.time - b.time);
  const rules = loadRules(undefined, { cases: false }).rules;
  const engine = new DetectionEngine(rules, 'bench');
  const alerts = new Map<string, Alert>();
  const t = performance.now();
  for (const e of evs) for (const c of engine.feed(e)) alerts.set(c.alert.id, c.alert);
  const ms = performance.now() - t;
  const got = new Set([...alerts.values()].filter((a) => a.kind === 'detection').map((a) => `${a.rule} ${a.groupKey}`));
  out(`(a2) generated attack mix: ${N} each of scanner, SQLi, webshell upload+access, defacement, brute force+success, in ${benign.length} benign lines (${evs.length} events, engine ${(evs.length / (ms / 1000) / 1000).toFixed(0)}k events/s)\n`);
  out('    rule                                      TP  FP  FN  precision  recall\n');
  const ruleIds = [...new Set([...want, ...got].map((x) => x.split(' ')[0]!))].sort();
  for (const r of ruleIds) {
    const w = [...want].filter((x) => x.startsWith(`${r} `));
    const g = [...got].filter((x) => x.startsWith(`${r} `));
    const tp = g.filter((x) => want.has(x)).length;
    const fp = g.length - tp;
    const fn = w.filter((x) => !got.has(x)).length;
    out(`    ${r.padEnd(40)} ${String(tp).padStart(3)} ${String(fp).padStart(3)} ${String(fn).padStart(3)}  ${pct(tp / (tp + fp)).padStart(9)}  ${pct(tp / (tp + fn)).padStart(7)}\n`);
    for (const x of g.filter((y) => !want.has(y)).slice(0, 5)) out(`        false positive: ${x}\n`);
    for (const x of w.filter((y) => !got.has(y))) out(`        missed: ${x}\n`);
  }
}

function readBaseline(file: string): number {
  const t = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  let rest = '';
  for (;;) {
    const k = readSync(fd, buf, 0, buf.length, null);
    if (!k) break;
    const parts = (rest + buf.toString('utf8', 0, k)).split('\n');
    rest = parts.pop()!;
  }
  closeSync(fd);
  return (performance.now() - t) / 1000;
}

function agentConfig(dir: string, log: string, detections: Record<string, unknown>): string {
  const f = join(dir, 'agent.yaml');
  writeFileSync(f, JSON.stringify({ archive: { dir: join(dir, 'archive') }, retention_days: 180, checkpoint_interval_s: 300, status_interval_s: 0.1, sources: [{ type: 'file', name: 'nginx', path: log, format: 'nginx' }], detections }));
  return f;
}

async function ingest(dir: string, log: string, lines: number, detections: Record<string, unknown>): Promise<{ s: number; rss: number }> {
  mkdirSync(dir);
  return timeIngest(dir, agentConfig(dir, log, detections), lines);
}

interface StoredLine {
  storedAt: string;
  alert: Alert;
}
const storeLines = (f: string): StoredLine[] => {
  try {
    return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredLine);
  } catch {
    return [];
  }
};

/** (d) 200 lines/s of benign traffic, a 5,000-line burst every 10 s, an attack line every 0.5 s. */
async function latency(root: string): Promise<void> {
  const dir = join(root, 'lat');
  mkdirSync(dir);
  const log = join(dir, 'access.log');
  writeFileSync(log, '');
  const benign = gunzipSync(readFileSync(join(CORPUS, 'benign.log.gz'))).toString('utf8').split('\n').filter(Boolean);
  const child = spawnAsUnit(agentConfig(dir, log, { enabled: true }));
  await sleep(SMOKE ? 1000 : 3000);
  const store = join(dir, 'agent-state', 'alerts.jsonl');
  const seconds = knob('GWSEC_BENCH_LAT_S', 60, 2);
  const written = new Map<string, number>();
  let i = 0;
  let k = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    const tick = Date.now();
    const batch = benign.slice(i % 19000, (i % 19000) + 10);
    i += 10;
    if (Math.floor((tick - t0) / 10_000) !== Math.floor((tick - t0 - 50) / 10_000)) for (let b = 0; b < 500; b++) batch.push(...benign.slice((b * 10) % 19000, ((b * 10) % 19000) + 10));
    if (Math.floor((tick - t0) / 500) !== Math.floor((tick - t0 - 50) / 500)) {
      const ip = `10.${(k >> 8) & 255}.${k & 255}.7`;
      k++;
      batch.push(`${ip} - - [${clf(tick)}] "GET /news.php?id=1%27%20UNION%20SELECT%20password%20FROM%20users-- HTTP/1.1" 200 5 "-" "Mozilla/5.0"`);
      written.set(ip, Date.now());
    }
    appendFileSync(log, batch.join('\n') + '\n');
    const wait = 50 - (Date.now() - tick);
    if (wait > 0) await sleep(wait);
  }
  await sleep(SMOKE ? 1000 : 3000);
  const rss = procStatus(child.pid!, 'VmHWM');
  await stop(child);
  const lat: number[] = [];
  const first = new Map<string, number>();
  for (const s of storeLines(store)) if (s.alert.rule === 'web-sqli' && !first.has(s.alert.groupKey)) first.set(s.alert.groupKey, Date.parse(s.storedAt));
  let missing = 0;
  for (const [ip, w] of written) {
    const st = first.get(ip);
    if (st === undefined) missing++;
    else lat.push(st - w);
  }
  out(`(d) line written → alert stored, 200 lines/s + a 5,000-line burst every 10 s, ${written.size} attack lines over ${seconds} s: p50 ${p50(lat)} ms, p99 ${p99(lat)} ms, max ${Math.max(...lat)} ms (target p99 ≤ 500 ms); ${missing} without an alert; peak RSS ${(rss / 1e6).toFixed(1)} MB\n`);
}

/** (e) defacement → alert stored, and (f) a missed event caught by the periodic scan. */
async function fim(root: string): Promise<void> {
  const dir = join(root, 'fim');
  const www = join(dir, 'www');
  mkdirSync(join(www, 'uploads'), { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(join(www, `page${i}.html`), `<p>${i}</p>`);
  writeFileSync(join(www, 'index.html'), '<h1>home</h1>');
  const log = join(dir, 'access.log');
  writeFileSync(log, '');
  const child = spawnAsUnit(agentConfig(dir, log, { enabled: true, web_roots: [www], baseline_interval_s: 3600 }));
  const store = join(dir, 'agent-state', 'alerts.jsonl');
  for (let w = 0; w < 200 && !storeLines(store).length; w++) {
    await sleep(50);
    if (w === 60) break;
  }
  await sleep(2000);
  const lat: number[] = [];
  const N = SMOKE ? 3 : 50;
  for (let i = 0; i < N; i++) {
    const before = storeLines(store).filter((s) => s.alert.rule === 'web-defacement-homepage-changed').length;
    const t = Date.now();
    writeFileSync(join(www, 'index.html'), `<h1>hacked ${i}</h1>`);
    let seen = NaN;
    for (let w = 0; w < 200; w++) {
      const got = storeLines(store).filter((s) => s.alert.rule === 'web-defacement-homepage-changed');
      if (got.length > before) {
        seen = Date.parse(got[got.length - 1]!.storedAt) - t;
        break;
      }
      await sleep(20);
    }
    lat.push(seen);
    await sleep(200);
  }
  await stop(child);
  const ok = lat.filter(Number.isFinite);
  out(`(e) defacement of a watched index.html → alert stored, ${N} times: p50 ${p50(ok)} ms, p99 ${p99(ok)} ms, ${N - ok.length} missed (target p99 ≤ 2,000 ms)\n`);

  // (f) a watch that misses everything (as inotify does on queue overflow): the periodic scan finds it.
  const observed = await scanRoots([www]);
  const caught: number[] = [];
  const interval = SMOKE ? 500 : 2000;
  const fw = new FileWatch([www], observed, (evs) => evs.forEach(() => caught.push(Date.now())), () => new Date());
  const timer = setInterval(() => void fw.rescan(), interval);
  const t = Date.now();
  writeFileSync(join(www, 'uploads', 'missed.php'), '<?php system($_GET[1]);');
  while (!caught.length && Date.now() - t < 5 * interval) await sleep(20);
  clearInterval(timer);
  await fw.stop();
  out(`(f) a missed file event (no watcher) caught by the periodic SM3 scan after ${caught.length ? caught[0]! - t : 'never'} ms (scan interval ${interval} ms; ${observed.size} files)\n`);
}

export async function run(): Promise<void> {
  const lines = knob('GWSEC_BENCH_LINES', 2_000_000, 20_000);
  casesFigures();
  mixFigures();
  const root = mkdtempSync(join(tmpdir(), 'gwsec-bench-detect-'));
  try {
    const log = join(root, 'access.log');
    const bytes = generate(log, lines);
    const mb = bytes / 1e6;
    spawnSync('cat', [log], { stdio: ['ignore', 'ignore', 'ignore'] });
    const base = readBaseline(log);
    const t = performance.now();
    // /usr/bin/time adds the CPU the run took (its threads together): what the machine's load cannot inflate.
    const timed = existsSync('/usr/bin/time');
    const argv = [process.execPath, BIN, 'detect', '--file', log, '--source', 'nginx', '--format', 'json'];
    const h = timed ? spawnSync('/usr/bin/time', ['-f', 'gwsec-cpu %U %S', ...argv], { encoding: 'utf8', maxBuffer: 256 << 20 }) : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20 });
    const s = (performance.now() - t) / 1000;
    const n = (JSON.parse(h.stdout || '[]') as unknown[]).length;
    const cpu = /gwsec-cpu ([\d.]+) ([\d.]+)/.exec(h.stderr ?? '');
    const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
    out(`(b) gwsec detect --file over ${lines} nginx lines, ${mb.toFixed(0)} MB: ${s.toFixed(1)} s = ${(mb / s).toFixed(1)} MB/s (target ≥ 100), ${n} alerts; reading and splitting alone ${(mb / base).toFixed(0)} MB/s; ratio ${(base / s).toFixed(2)}\n`);
    if (cpu) out(`    CPU ${cpuS.toFixed(1)} s over ${os.availableParallelism()} core(s) (${(mb / cpuS).toFixed(0)} MB per CPU-second; wall time on an idle machine ≈ CPU / cores + start-up)\n`);

    const off = await ingest(join(root, 'off'), log, lines, { enabled: false });
    const on = await ingest(join(root, 'on'), log, lines, { enabled: true });
    let rs = NaN;
    if (have('rsyslogd')) {
      mkdirSync(join(root, 'rs'));
      rs = await rsyslogIngest(join(root, 'rs'), log, lines);
    }
    out(`(c) agent ingest of the same file: rules off ${(mb / off.s).toFixed(1)} MB/s, whole pack on ${(mb / on.s).toFixed(1)} MB/s: ratio on/off ${(off.s / on.s).toFixed(2)} (target ≥ 0.8)\n`);
    out(`    rsyslogd imfile→omfile ${Number.isFinite(rs) ? `${(mb / rs).toFixed(1)} MB/s: ratio gwsec (rules on) / rsyslog ${(rs / on.s).toFixed(2)} (target ≥ 1.2)` : 'not installed'}\n`);
    out(`    peak RSS (VmHWM, as the systemd unit launches it): rules off ${(off.rss / 1e6).toFixed(1)} MB, on ${(on.rss / 1e6).toFixed(1)} MB (target ≤ 100 MB)\n`);
    for (const d of ['off', 'on', 'rs']) rmSync(join(root, d), { recursive: true, force: true });
    rmSync(log, { force: true });
    await latency(root);
    await fim(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
