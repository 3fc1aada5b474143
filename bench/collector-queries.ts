/**
 * Queries on a big embedded collector store: `npm run bench -- collector-queries`. Fills a store
 * with GWSEC_BENCH_ALERTS (1,000,000) alerts from 100 agents (plus a checkpoint per agent every
 * 1,000 alerts and a gap per agent), or reuses the store in GWSEC_BENCH_STORE if it exists, then
 * times what the CLI and the collector ask of it, in a read-only store as the CLI opens it:
 *
 *   - `collector alerts` (everything) and `collector alerts --since` (the newest 1 %), which seeks
 *     with the store's time index (agents/collector/store/time-index.ts);
 *   - one agent's checkpoints (what `collector verify` and an agent's `verify --anchors` read);
 *   - `collector agents` (the gap count of every agent).
 *
 * Baseline in the same run: the scan as the store did it before (every record of every source
 * decoded, then filtered; `collector agents` reading the gaps once per agent; `--since` reading every
 * alert, then filtering), on the same files.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { TIME_INDEX_FILE } from '../agents/collector/store/time-index.js';
import { SEVERITY_RANK } from '../agents/collector/store/types.js';
import { join } from 'node:path';
import { EmbeddedStore } from '../agents/collector/store/embedded.js';
import { readRecords } from '../src/journal/index.js';
import type { Alert } from '../src/model/alert.js';
import { tmp } from '../test/agents/collector/helpers.js';
import { knob, SMOKE } from './smoke.js';

const AGENTS = SMOKE ? 10 : 100;
/** Alerts per agent per round of the fill (the smoke run's 5,000 alerts still span ten rounds). */
const ROUND = SMOKE ? 50 : 500;

function mkAlert(agent: number, i: number, t: string): Alert {
  return {
    id: `q${agent}-${i}`, rule: 'web-sqli-probe', kind: 'detection', title: { zh: 'SQL 注入探测', en: 'SQL injection probe' }, severity: i % 3 ? 'high' : 'medium', technique: 'T1190', playbook: 'web-attack',
    host: `web${agent}`, groupKey: `203.0.113.${agent % 250}`, firstSeen: t, lastSeen: t, count: 1, samples: [`GET /item?id=${i}' OR '1'='1 HTTP/1.1`], refs: [{ source: 'nginx', seq: i }], evidence: { status: 200 },
  };
}

async function fill(dir: string, total: number): Promise<number> {
  const s = await EmbeddedStore.open(dir);
  const t0 = performance.now();
  const per = Math.ceil(total / AGENTS);
  const start = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < per; i += ROUND) {
    const at = new Date(start + (i / per) * 30 * 86_400_000);
    await Promise.all(
      Array.from({ length: AGENTS }, async (_, a) => {
        const batch = Array.from({ length: Math.min(ROUND, per - i) }, (_, k) => mkAlert(a, i + k, new Date(at.getTime() + k).toISOString()));
        await s.putAlerts(`web${a}`, batch, at);
        if ((i / ROUND) % 2 === 0) await s.putCheckpoint(`web${a}`, { id: `cp-${i}`, seq: i, hash: 'a'.repeat(64), time: at.toISOString(), key_id: 'k', signature: 'c2ln' }, true, at);
      }),
    );
  }
  for (let a = 0; a < AGENTS; a++) await s.putGap(`web${a}`, { id: `gap-${a}`, from: '2026-11-02T00:00:00Z', to: '2026-11-02T00:10:00Z', dropped: { alerts: 3, checkpoints: 0, health: 0 }, reason: 'outbox full' }, new Date());
  await s.close();
  return (performance.now() - t0) / 1000;
}

/** The store's scan before: every record decoded, then filtered by source, then parsed. */
async function oldScan(dir: string, kind: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const r of readRecords(join(dir, 'data'))) if (r.source === kind) out.push(JSON.parse(r.line) as Record<string, unknown>);
  return out;
}

/** `--since` as the store answered it before the time index: every alert read, the latest of each kept, then filtered and sorted. */
async function fullSince(dir: string, since: Date): Promise<Array<Record<string, unknown>>> {
  const latest = new Map<string, { agent_id: string; id: string; count: number; lastSeen: string; firstSeen: string; severity: keyof typeof SEVERITY_RANK }>();
  for await (const r of readRecords(join(dir, 'data'), { source: 'alert' })) {
    const a = JSON.parse(r.line) as { agent_id: string; id: string; count: number; lastSeen: string; firstSeen: string; severity: keyof typeof SEVERITY_RANK };
    const k = `${a.agent_id}\0${a.id}`;
    const had = latest.get(k);
    if (!had || a.count > had.count) latest.set(k, a);
  }
  const t = since.getTime();
  return [...latest.values()].filter((a) => Date.parse(a.lastSeen) >= t).sort((x, y) => Date.parse(x.firstSeen) - Date.parse(y.firstSeen));
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [(performance.now() - t0) / 1000, v];
}

export async function run(): Promise<void> {
  const total = knob('GWSEC_BENCH_ALERTS', 1_000_000, 5_000);
  const dir = (SMOKE ? undefined : process.env.GWSEC_BENCH_STORE) ?? tmp('queries');
  const out = (s: string) => process.stdout.write(s + '\n');
  if (!existsSync(join(dir, 'data'))) {
    mkdirSync(dir, { recursive: true });
    out(`filling ${dir} with ${total} alerts from ${AGENTS} agents: ${(await fill(dir, total)).toFixed(1)} s`);
  }
  if (!existsSync(join(dir, TIME_INDEX_FILE))) {
    // a store filled before the time index: the collector's next start indexes it (read-write open)
    const [ms] = await time(async () => (await EmbeddedStore.open(dir)).close());
    out(`time index built from the journal at a read-write open: ${ms.toFixed(1)} s`);
  }
  const s = await EmbeddedStore.open(dir, { readOnly: true });
  // Each query and its before-version twice, in alternating order (the page cache and the machine's
  // load favour whichever runs second); the faster of the two runs of each counts.
  const best = async <T>(f: () => Promise<T>, g: () => Promise<unknown>): Promise<[number, number, T]> => {
    const [a1, v] = await time(f);
    const [b1] = await time(g);
    const [b2] = await time(g);
    const [a2] = await time(f);
    return [Math.min(a1, a2), Math.min(b1, b2), v];
  };
  const [allS, oldAllS, all] = await best(() => s.queryAlerts(), () => oldScan(dir, 'alert'));
  const since = new Date(Date.parse(all[Math.floor(all.length * 0.99)]!.lastSeen));
  const [sinceS, oldSinceS, recent] = await best(() => s.queryAlerts({ since }), () => fullSince(dir, since));
  const reference = await fullSince(dir, since);
  if (reference.length !== recent.length) throw new Error(`--since with the time index found ${recent.length} alerts, reading every alert ${reference.length}`);
  const [cpS, oldCpS, cps] = await best(() => s.checkpoints('web7'), async () => (await oldScan(dir, 'checkpoint')).filter((c) => c.agent_id === 'web7'));
  const [agentsS, oldGapS, gaps] = await best(async () => {
    const g = new Map<string, number>();
    for (const x of await s.gaps()) g.set(x.agent_id, (g.get(x.agent_id) ?? 0) + 1);
    return g;
  }, () => oldScan(dir, 'gap'));
  out(`collector-queries: embedded store of ${all.length} alerts (${AGENTS} agents), read-only as the CLI opens it`);
  out(`  collector alerts (all):           ${allS.toFixed(2)} s; before (every source decoded): ${oldAllS.toFixed(2)} s (the alerts scan only, without the sort); ratio ${(oldAllS / allS).toFixed(2)}x`);
  out(`  (min of two runs each, alternating; the journal's segments are gzip'd: reading them is most of every query)`);
  out(`  collector alerts --since (1 %):   ${sinceS.toFixed(2)} s, ${recent.length} alerts (read after seq ${s.lastAfterSeq}); before (every alert read): ${oldSinceS.toFixed(2)} s; ratio ${(oldSinceS / sinceS).toFixed(1)}x`);
  out(`  checkpoints of one agent:         ${cpS.toFixed(2)} s (${cps.length}); before ${oldCpS.toFixed(2)} s; ratio ${(oldCpS / cpS).toFixed(2)}x`);
  out(`  collector agents (gaps of ${gaps.size}):  ${agentsS.toFixed(2)} s, one scan; before one scan per agent: ${AGENTS} × ${oldGapS.toFixed(2)} s (one of them timed) = ${(AGENTS * oldGapS).toFixed(1)} s; ratio ${((AGENTS * oldGapS) / agentsS).toFixed(0)}x`);
  await s.close();
}
