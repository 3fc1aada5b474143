/**
 * Collector benchmark: `npm run bench -- collector`. The collector runs as its own process (`gwsec
 * collector run`, so its RSS is its own); 100 simulated agents on loopback, each enrolled with its
 * own certificate and its own mutual-TLS session.
 *
 *   (a) throughput: every agent sends alerts as fast as acks come back (batches of 100, 4 in flight);
 *       alerts/s into the embedded store, then into PostgreSQL (a throwaway cluster);
 *   (b) latency: 200 log lines/s per agent, one line in 10 raising an alert, shipped as the real
 *       agent does, every 200 ms (its batch interval); p50/p99 from each line's time (spread over
 *       the interval, so the wait for the batch counts) to the collector's ack (= stored).
 *       `npm run bench -- agent-reporting` measures one real agent end to end;
 *   (c) the collector's RSS with the 100 agents connected (VmRSS during (b), VmHWM peak).
 *
 * Baseline measured in the same run: the same alerts written straight into the same store kind
 * in-process (no TLS, no protocol): the ratio is what the network path costs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import forge from 'node-forge';
import { enrol, loadEnrolment } from '../agents/agent/enrol.js';
import { CollectorSession } from '../agents/agent/session.js';
import { fingerprint } from '../agents/collector/ca.js';
import { loadCollectorConfig } from '../agents/collector/config.js';
import { COLLECTOR_ENV, COLLECTOR_NODE_FLAGS } from '../agents/collector/install.js';
import { openStore } from '../agents/collector/store/index.js';
import { generateSm2KeyPair } from '../src/crypto/index.js';
import type { Alert } from '../src/model/alert.js';
import { makeToken } from '../src/protocol/index.js';
import { initCollector, spawnCollector, tmp } from '../test/agents/collector/helpers.js';
import { pgUnavailable, startPg } from '../test/helpers/postgres.js';
import { SMOKE } from './smoke.js';

const AGENTS = SMOKE ? 3 : 100;
const THROUGHPUT_S = SMOKE ? 1 : 8;
const LATENCY_S = SMOKE ? 1 : 10;
const DIRECT_MS = SMOKE ? 500 : 4000;
/** The agent loop's shortest gap between batches (runner.ts: min(poll_interval_ms, 200)). */
const AGENT_BATCH_MS = 200;

function mkAlert(agent: number, i: number): Alert {
  const t = new Date().toISOString();
  return {
    id: `b${agent}-${i}`, rule: 'web-sqli-probe', kind: 'detection', title: { zh: 'SQL 注入探测', en: 'SQL injection probe' }, severity: 'high', technique: 'T1190', playbook: 'web-attack',
    host: `web${agent}`, groupKey: `203.0.113.${agent % 250}`, firstSeen: t, lastSeen: t, count: 1, samples: [`GET /item?id=${i}' OR '1'='1 HTTP/1.1`], refs: [{ source: 'nginx', seq: i }], evidence: { status: 200 },
  };
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function agents(cfgPath: string, port: number): Promise<CollectorSession[]> {
  const cfg = loadCollectorConfig(cfgPath);
  const store = await openStore(cfg, { readOnly: cfg.store.type === 'embedded' });
  const fp = fingerprint(readFileSync(cfg.tls.ca_cert, 'utf8'));
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  const sm2 = generateSm2KeyPair();
  const out: CollectorSession[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const tk = makeToken(fp);
    await store.addToken(tk.hash, new Date(), new Date(Date.now() + 600_000));
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = keys.publicKey;
    csr.setSubject([{ name: 'commonName', value: `web${i}` }]);
    csr.sign(keys.privateKey, forge.md.sha256.create());
    const dir = tmp(`bench-agent${i}`);
    await enrol({ endpoints: [{ host: '127.0.0.1', port }], token: tk.token, name: `web${i}`, dir, sm2PublicKeyPem: sm2.publicKeyPem, csr: { keyPem, csrPem: forge.pki.certificationRequestToPem(csr) } });
    const l = loadEnrolment(dir)!;
    out.push(await CollectorSession.connect({ host: '127.0.0.1', port }, { key: l.key, cert: l.cert, ca: l.ca }));
  }
  await store.close();
  for (const s of out) await s.request({ kind: 'hello', version: 'bench', time: new Date().toISOString() });
  return out;
}

async function throughput(sessions: CollectorSession[]): Promise<number> {
  let acked = 0;
  const end = performance.now() + THROUGHPUT_S * 1000;
  const t0 = performance.now();
  await Promise.all(
    sessions.map(async (s, a) => {
      let i = 0;
      const inflight: Array<Promise<unknown>> = [];
      while (performance.now() < end) {
        const batch = Array.from({ length: 100 }, () => mkAlert(a, i++));
        inflight.push(s.request({ kind: 'alerts', alerts: batch }).then(() => (acked += batch.length)));
        if (inflight.length >= 4) await inflight.shift();
      }
      await Promise.all(inflight);
    }),
  );
  return acked / ((performance.now() - t0) / 1000);
}

async function latency(sessions: CollectorSession[], pid: number): Promise<{ p50: number; p99: number; alerts: number; rss: number }> {
  const lat: number[] = [];
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, rssOf(pid).rss)), 500);
  await Promise.all(
    sessions.map(async (s, a) => {
      let i = 1_000_000;
      const pending: Array<{ at: number; alert: Alert }> = [];
      const t0 = performance.now();
      const inflight: Array<Promise<unknown>> = [];
      let line = 0;
      // 200 lines/s as the real agent ships them: its loop reads, detects and hands alerts to the
      // reporter at most every AGENT_BATCH_MS (agents/agent/runner.ts), so each tick carries the
      // lines of the last 200 ms, spread over it; latency counts from each line's own time.
      while (performance.now() - t0 < LATENCY_S * 1000) {
        const tick = performance.now();
        const per = (200 * AGENT_BATCH_MS) / 1000;
        for (let k = 0; k < per; k++) if (line++ % 10 === 0) pending.push({ at: tick - AGENT_BATCH_MS + (k * AGENT_BATCH_MS) / per, alert: mkAlert(a, i++) });
        if (pending.length) {
          const batch = pending.splice(0);
          inflight.push(s.request({ kind: 'alerts', alerts: batch.map((b) => b.alert) }).then(() => {
            const now = performance.now();
            for (const b of batch) lat.push(now - b.at);
          }));
        }
        await new Promise((r) => setTimeout(r, AGENT_BATCH_MS - ((performance.now() - t0) % AGENT_BATCH_MS)));
      }
      await Promise.all(inflight);
    }),
  );
  clearInterval(sampler);
  return { p50: pct(lat, 50), p99: pct(lat, 99), alerts: lat.length, rss };
}

/** Baseline: the same alerts straight into the store in-process (batches of 100), for the same time. */
async function direct(cfgPath: string): Promise<number> {
  const store = await openStore(loadCollectorConfig(cfgPath));
  let n = 0;
  const t0 = performance.now();
  // 8 concurrent writers, as group commit sees from several agents at once.
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      let i = 0;
      while (performance.now() - t0 < DIRECT_MS) {
        const batch = Array.from({ length: 100 }, () => mkAlert(9000 + w, i++));
        await store.putAlerts(`direct${w}`, batch, new Date());
        n += batch.length;
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  await store.close();
  return rate;
}

async function one(kind: 'embedded' | 'postgres', pg?: { host: string; port: number; user: string; database: string }) {
  const cfgPath = initCollector(`bench-${kind}`, 'stats_interval_s: 1\n');
  if (pg) {
    writeFileSync(cfgPath, readFileSync(cfgPath, 'utf8').replace(/^store: .*$/m, `store: { type: postgres, host: ${JSON.stringify(pg.host)}, port: ${pg.port}, database: ${pg.database}, user: ${pg.user} }`));
  }
  const base = await direct(cfgPath);
  // As the systemd unit runs it: the same V8 flags and environment (agents/collector/install.ts).
  const col = spawnCollector(cfgPath, { nodeFlags: COLLECTOR_NODE_FLAGS, env: COLLECTOR_ENV });
  const port = await col.port;
  try {
    const sessions = await agents(cfgPath, port);
    const idle = rssOf(col.child.pid!);
    const rate = await throughput(sessions);
    const lat = await latency(sessions, col.child.pid!);
    const peak = rssOf(col.child.pid!);
    for (const s of sessions) s.close();
    if (process.env.GWSEC_BENCH_TRACE) process.stderr.write(col.out().split('\n').filter((l) => l.includes('CollectorStats')).join('\n') + '\n');
    return { kind, rate, base, lat, idle, peak };
  } finally {
    col.child.kill('SIGTERM');
    await col.exited;
  }
}

export async function run(): Promise<void> {
  const only = process.env.GWSEC_BENCH_STORES?.split(',');
  const results = only && !only.includes('embedded') ? [] : [await one('embedded')];
  const why = only && !only.includes('postgres') ? 'not asked for (GWSEC_BENCH_STORES)' : pgUnavailable();
  if (why && SMOKE && !only) throw new Error(`PostgreSQL: ${why}`);
  if (why) process.stdout.write(`PostgreSQL: not measured (${why})\n`);
  else {
    const pgc = await startPg();
    try {
      results.push(await one('postgres', await pgc.createDatabase('bench')));
    } finally {
      await pgc.destroy();
    }
  }
  for (const r of results) {
    const target = r.kind === 'embedded' ? 5000 : 2000;
    process.stdout.write(
      [
        `${r.kind}: ${AGENTS} agents, ${Math.round(r.rate)} alerts/s stored and acked over mTLS (target ≥ ${target}) — ${r.rate >= target ? 'MET' : 'NOT MET'}`,
        `  baseline, same store in-process (no TLS, no protocol): ${Math.round(r.base)} alerts/s; ratio network/in-process ${(r.rate / r.base).toFixed(2)}x`,
        `  200 lines/s per agent, 1 alert per 10 lines (${r.lat.alerts} alerts): line → stored p50 ${r.lat.p50.toFixed(0)} ms, p99 ${r.lat.p99.toFixed(0)} ms (target ≤ 1000) — ${r.lat.p99 <= 1000 ? 'MET' : 'NOT MET'}`,
        `  collector RSS with ${AGENTS} agents connected: idle ${r.idle.rss.toFixed(1)} MB, under the latency load ${r.lat.rss.toFixed(1)} MB, peak (VmHWM, incl. throughput run) ${r.peak.hwm.toFixed(1)} MB (target ≤ 150)`,
      ].join('\n') + '\n',
    );
  }
}
