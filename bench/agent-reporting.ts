/**
 * The agent with reporting on: `npm run bench -- agent-reporting`. Real processes: the collector
 * (`gwsec collector run`, as its unit runs it) and two agents (`gwsec agent run`, as their unit runs
 * them) tailing nginx logs written at 200 lines/s, one line in ten a SQL injection from a new
 * client (so a new alert). Agent R is enrolled and reports; agent B is not — the baseline, measured
 * at the same time on the same machine.
 *
 *   (a) CPU of each agent (/proc/PID/stat) over GWSEC_BENCH_CPU_S (60) seconds, twice: from 10 s
 *       after start (the first minute: V8 is still compiling the hot paths — at 200 lines/s they
 *       get hot slowly, TurboFan compiles ~4 functions/s then) and from GWSEC_BENCH_STEADY_S (180) s
 *       after start, when compilation has died down: the steady state, which the target is about
 *       (≤ 2 % of one core with reporting on); the ratio R/B is what reporting costs;
 *   (b) line → alert stored at the collector, for the real agent (its batch interval included);
 *   (c) catch-up: the collector is stopped, the agent meanwhile gets the backlog of a 10-minute
 *       outage at 200 lines/s (120,000 lines, 12,000 alerts) — written faster, over
 *       GWSEC_BENCH_OUTAGE_S (120) seconds, so the backlog is the same size; then the collector
 *       restarts and the time until every one of those alerts is stored is the drain time.
 */
import { readFileSync, writeFileSync, appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrol } from '../agents/agent/enrol.js';
import { collectorDir } from '../agents/agent/reporter-config.js';
import { loadConfig } from '../agents/agent/config.js';
import { loadOrCreateKey } from '../agents/agent/key.js';
import { fingerprint } from '../agents/collector/ca.js';
import { loadCollectorConfig } from '../agents/collector/config.js';
import { COLLECTOR_ENV, COLLECTOR_NODE_FLAGS } from '../agents/collector/install.js';
import { openStore } from '../agents/collector/store/index.js';
import { makeToken } from '../src/protocol/index.js';
import { initCollector, spawnCollector } from '../test/agents/collector/helpers.js';
import { spawnAsUnit, stop } from './agent.js';
import { knob, SMOKE } from './smoke.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ticks = 100;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / ticks;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Line i: an ordinary page view, or (every tenth) a SQL injection from client 10.x.y.z unique to i. */
function line(i: number): { text: string; attacker?: string } {
  const ts = '07/Dec/2026:10:00:00 +0800';
  const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
  if (i % 10 === 0) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    return { text: `${ip} - - [${ts}] "GET /news.php?id=${i}%27%20UNION%20SELECT%20username,password%20FROM%20users--%20 HTTP/1.1" 200 512 "-" "${ua}"`, attacker: ip };
  }
  return { text: `192.0.2.${i % 200} - - [${ts}] "GET /zwgk/zcwj/202612/t20261207_${i}.html HTTP/1.1" 200 ${1200 + (i % 5000)} "-" "${ua}"` };
}

function agentDir(name: string): { dir: string; log: string; cfg: string } {
  const dir = mkdtempSync(join(tmpdir(), `gwsec-bench-report-${name}-`));
  const log = join(dir, 'access.log');
  writeFileSync(log, '');
  const cfg = join(dir, 'agent.yaml');
  writeFileSync(cfg, JSON.stringify({ archive: { dir: join(dir, 'archive') }, state_dir: join(dir, 'state'), retention_days: 180, checkpoint_interval_s: 60, sources: [{ type: 'file', name: 'nginx', path: log, format: 'nginx' }] }));
  return { dir, log, cfg };
}

export async function run(): Promise<void> {
  const cpuS = knob('GWSEC_BENCH_CPU_S', 60, 2);
  const steadyS = knob('GWSEC_BENCH_STEADY_S', 180, 4);
  const outageS = knob('GWSEC_BENCH_OUTAGE_S', 120, 1);
  const colCfg = initCollector('bench-agent-report', 'stats_interval_s: 0\n');
  let col = spawnCollector(colCfg, { nodeFlags: COLLECTOR_NODE_FLAGS, env: COLLECTOR_ENV });
  const port = await col.port;
  // Restarts must come back on the same port (the agent's enrolment names it).
  writeFileSync(colCfg, readFileSync(colCfg, 'utf8').replace(/^listen: .*$/m, `listen: { host: "127.0.0.1", port: ${port} }`));
  const ccfg = loadCollectorConfig(colCfg);
  const tok = makeToken(fingerprint(readFileSync(ccfg.tls.ca_cert, 'utf8')));
  const s0 = await openStore(ccfg, { readOnly: true });
  await s0.addToken(tok.hash, new Date(), new Date(Date.now() + 600_000));
  await s0.close();

  const R = agentDir('reporting');
  const B = agentDir('baseline');
  const rc = loadConfig(R.cfg);
  await enrol({ endpoints: [{ host: '127.0.0.1', port }], token: tok.token, name: 'bench-web', dir: collectorDir(rc), sm2PublicKeyPem: loadOrCreateKey(rc).publicKeyPem });
  const ra = spawnAsUnit(R.cfg);
  const ba = spawnAsUnit(B.cfg);
  const started = performance.now();
  const written = new Map<string, number>(); // attacker → wall time its line was written
  let n = 0;
  let perTick = 10; // lines per 50 ms: 200 lines/s
  const writer = setInterval(() => {
    const lines = Array.from({ length: perTick }, () => line(n++));
    const now = Date.now();
    for (const l of lines) if (l.attacker) written.set(l.attacker, now);
    const text = lines.map((l) => l.text).join('\n') + '\n';
    appendFileSync(R.log, text);
    appendFileSync(B.log, text);
  }, 50);
  try {
    /** CPU % of one core of each agent over the next cpuS seconds, and the lines/s written meanwhile. */
    const window = async () => {
      const r0 = cpuSeconds(ra.pid!);
      const b0 = cpuSeconds(ba.pid!);
      const n0 = n;
      const t0 = performance.now();
      await sleep(cpuS * 1000);
      const wall = (performance.now() - t0) / 1000;
      return { r: ((cpuSeconds(ra.pid!) - r0) / wall) * 100, b: ((cpuSeconds(ba.pid!) - b0) / wall) * 100, rate: (n - n0) / wall, wall };
    };
    const warmS = SMOKE ? 1.5 : 10;
    await sleep(warmS * 1000); // start-up and the enrolment handshake
    const from = Date.now();
    const first = await window();
    await sleep(Math.max(0, steadyS * 1000 - (performance.now() - started)));
    const steady = await window();
    const to = Date.now();
    const { r: rPct, b: bPct, rate, wall } = steady;
    await sleep(SMOKE ? 1500 : 3000);
    // (b) line → stored, for alerts whose line was written from the first window to the end of the steady one.
    const store = await openStore(ccfg, { readOnly: true });
    const lat: number[] = [];
    for (const a of await store.queryAlerts()) {
      const w = written.get(a.groupKey);
      if (w !== undefined && w >= from && w < to) lat.push(Date.parse(a.received_at) - w);
    }
    await store.close();
    const expected = [...written.values()].filter((w) => w >= from && w < to).length;

    // (c) outage: the collector stops; the agent gets a 10-minute backlog; the collector returns.
    await stop(col.child);
    const backlogS = knob('GWSEC_BENCH_BACKLOG_S', 600, 5);
    const backlogLines = backlogS * 200;
    perTick = Math.ceil(backlogLines / (outageS * 20));
    const outFrom = n;
    const outStart = Date.now();
    while (n - outFrom < backlogLines) await sleep(50);
    perTick = 10;
    const outageAttackers = new Set<string>();
    for (let i = outFrom; i < outFrom + backlogLines; i++) if (i % 10 === 0) outageAttackers.add(line(i).attacker!);
    const outWall = (Date.now() - outStart) / 1000;
    col = spawnCollector(colCfg, { nodeFlags: COLLECTOR_NODE_FLAGS, env: COLLECTOR_ENV });
    await col.port;
    const back = performance.now();
    let drained = NaN;
    for (;;) {
      const st = await openStore(ccfg, { readOnly: true });
      const have = (await st.queryAlerts()).filter((a) => outageAttackers.has(a.groupKey)).length;
      await st.close();
      if (have >= outageAttackers.size) {
        drained = (performance.now() - back) / 1000;
        break;
      }
      if (performance.now() - back > (SMOKE ? 60_000 : 600_000)) break;
      await sleep(500);
    }
    const out = (s: string) => process.stdout.write(s + '\n');
    out(`agent-reporting: 2 agents tailing ${rate.toFixed(0)} lines/s each, 1 line in 10 a new SQL-injection alert`);
    out(`  (a) steady CPU (${wall.toFixed(0)} s from ${steadyS} s after start) with reporting on: ${rPct.toFixed(2)} % of one core (target ≤ 2 %) — ${rPct <= 2 ? 'MET' : 'NOT MET'}; baseline agent, not enrolled, same lines: ${bPct.toFixed(2)} %; ratio ${(rPct / bPct).toFixed(2)}x`);
    out(`      first minute (${first.wall.toFixed(0)} s from ${warmS} s after start, JIT still compiling): reporting ${first.r.toFixed(2)} %, baseline ${first.b.toFixed(2)} %; ratio ${(first.r / first.b).toFixed(2)}x`);
    out(`  (b) line → alert stored at the collector (real agent, its batching included): ${lat.length}/${expected} alerts, p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms`);
    out(`  (c) catch-up: collector down ${outWall.toFixed(0)} s while the agent got the backlog of a ${(backlogS / 60).toFixed(1)}-minute outage at 200 lines/s (${backlogLines} lines, ${outageAttackers.size} alerts); back up → all stored in ${drained.toFixed(1)} s (${(outageAttackers.size / drained).toFixed(0)} alerts/s, reconnect back-off included)`);
  } finally {
    clearInterval(writer);
    await stop(ra);
    await stop(ba);
    col.child.kill('SIGTERM');
    await col.exited;
  }
}
