/**
 * One store contract, run against both stores: the embedded journal store and PostgreSQL (a real
 * throwaway cluster). Parity: every case below runs for each kind, so the two cannot drift apart.
 */
import test, { type ExecutionContext } from 'ava';
import { EmbeddedStore } from '../../../agents/collector/store/embedded.js';
import { PostgresStore } from '../../../agents/collector/store/postgres.js';
import { HEALTH_HISTORY, type AgentRecord, type CollectorStore } from '../../../agents/collector/store/types.js';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { requirePg, startPg, type PgCluster } from '../../helpers/postgres.js';
import { alert, tmp } from './helpers.js';

interface Factory {
  /** A fresh, empty store plus a way to open a second handle on the same data (restart / other collector). */
  make(): Promise<{ store: CollectorStore; reopen: () => Promise<CollectorStore> }>;
}

const agentRec = (id: string): AgentRecord => ({
  id, name: id.split('-')[0]!, cert_fingerprint: `fp-${id}`, cert_serial: '01', sm2_public_key: 'PEM', enrolled_at: '2026-12-01T00:00:00.000Z', revoked_at: null, last_seen: null, skew_ms: null,
});

const T0 = new Date('2026-12-01T09:00:00Z');
const hash = (c: string) => c.repeat(64);

type Case = (t: ExecutionContext, s: CollectorStore, reopen: () => Promise<CollectorStore>) => Promise<void>;
const cases: Array<[string, Case]> = [];
const contract = (name: string, f: Case) => cases.push([name, f]);

contract('a token works once, and not after it expires', async (t, s) => {
  await s.addToken(hash('a'), T0, new Date(T0.getTime() + 3600_000));
  await s.addToken(hash('b'), T0, new Date(T0.getTime() + 1000));
  t.is(await s.useToken(hash('c'), T0), 'unknown');
  t.is(await s.useToken(hash('b'), new Date(T0.getTime() + 2000)), 'expired');
  t.is(await s.useToken(hash('a'), T0), 'ok');
  t.is(await s.useToken(hash('a'), T0), 'used');
});

contract('of many concurrent uses of one token, on two handles (two collectors), exactly one succeeds', async (t, s, reopen) => {
  await s.addToken(hash('d'), T0, new Date(T0.getTime() + 3600_000));
  const other = s.kind === 'postgres' ? await reopen() : s;
  const uses = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? other : s).useToken(hash('d'), T0)));
  if (other !== s) await other.close();
  t.is(uses.filter((u) => u === 'ok').length, 1);
  t.is(uses.filter((u) => u === 'used').length, 11);
});

contract('agents: add, get, list, touch, revoke (idempotent, first time kept)', async (t, s) => {
  await s.addAgent(agentRec('web01-aaaa'));
  await s.addAgent(agentRec('web02-bbbb'));
  t.deepEqual((await s.listAgents()).map((a) => a.id), ['web01-aaaa', 'web02-bbbb']);
  t.is(await s.getAgent('nope'), undefined);
  await s.touchAgent('web01-aaaa', T0, -3600_000);
  const a = (await s.getAgent('web01-aaaa'))!;
  t.is(a.last_seen, T0.toISOString());
  t.is(a.skew_ms, -3600_000);
  t.true(await s.revokeAgent('web01-aaaa', T0));
  t.true(await s.revokeAgent('web01-aaaa', new Date(T0.getTime() + 5000)));
  t.is((await s.getAgent('web01-aaaa'))!.revoked_at, T0.toISOString());
  t.false(await s.revokeAgent('nope', T0));
  t.is((await s.getAgent('web02-bbbb'))!.revoked_at, null);
});

contract('alerts are stored once per (agent, id); a redelivered batch is all duplicates', async (t, s) => {
  const r1 = await s.putAlerts('web01', [alert('a1'), alert('a2'), alert('a3')], T0);
  t.deepEqual([r1.stored, r1.duplicate, r1.storedIds.sort()], [3, 0, ['a1', 'a2', 'a3']]);
  const r2 = await s.putAlerts('web01', [alert('a1'), alert('a2'), alert('a3'), alert('a4')], T0);
  t.deepEqual([r2.stored, r2.duplicate, r2.storedIds], [1, 3, ['a4']]);
  // The same id from another agent is another alert.
  t.is((await s.putAlerts('web02', [alert('a1')], T0)).stored, 1);
  const all = await s.queryAlerts();
  t.is(all.length, 5);
  t.is(new Set(all.map((a) => `${a.agent_id}/${a.id}`)).size, 5);
  t.is(all.find((a) => a.agent_id === 'web01' && a.id === 'a4')!.received_at, T0.toISOString());
});

contract('an alert that grew (same id, larger count) replaces the smaller one; a smaller or equal count is a duplicate', async (t, s) => {
  await s.putAlerts('web01', [alert('g1', { count: 1 })], T0);
  const up = await s.putAlerts('web01', [alert('g1', { count: 5, last: '2026-12-01T08:09:00.000Z' })], T0);
  t.deepEqual([up.stored, up.storedIds], [1, ['g1']]);
  const stale = await s.putAlerts('web01', [alert('g1', { count: 3 }), alert('g1', { count: 5 })], T0);
  t.deepEqual([stale.stored, stale.duplicate], [0, 2]);
  const all = await s.queryAlerts();
  t.is(all.length, 1);
  t.like(all[0], { id: 'g1', count: 5, lastSeen: '2026-12-01T08:09:00.000Z' });
});

contract('concurrent puts (group commit): each alert stored once, each caller told exactly what it stored', async (t, s) => {
  // 20 agents × 5 concurrent batches, every batch overlapping the previous one by half, plus one
  // agent sending the same id twice at once with different counts: the larger count wins, once.
  const puts: Array<Promise<{ agent: string; r: Awaited<ReturnType<CollectorStore['putAlerts']>> }>> = [];
  for (let a = 0; a < 20; a++) {
    for (let b = 0; b < 5; b++) {
      const ids = Array.from({ length: 10 }, (_, i) => `x${b * 5 + i}`);
      puts.push(s.putAlerts(`ag${a}`, ids.map((id) => alert(id)), T0).then((r) => ({ agent: `ag${a}`, r })));
    }
  }
  puts.push(s.putAlerts('grow', [alert('g', { count: 2 })], T0).then((r) => ({ agent: 'grow', r })));
  puts.push(s.putAlerts('grow', [alert('g', { count: 9 })], T0).then((r) => ({ agent: 'grow', r })));
  const done = await Promise.all(puts);
  for (let a = 0; a < 20; a++) {
    const mine = done.filter((d) => d.agent === `ag${a}`);
    const ids = mine.flatMap((d) => d.r.storedIds);
    // 30 distinct ids per agent, each reported stored by exactly one caller.
    t.is(ids.length, 30);
    t.is(new Set(ids).size, 30);
    t.is(mine.reduce((n, d) => n + d.r.stored + d.r.duplicate, 0), 50);
  }
  const all = await s.queryAlerts();
  t.is(all.filter((x) => x.agent_id.startsWith('ag')).length, 600);
  t.is(all.find((x) => x.agent_id === 'grow')!.count, 9);
});

contract('alert queries: --severity is "this or worse", --since is by last_seen, per agent, oldest first', async (t, s) => {
  await s.putAlerts('web01', [
    alert('x-info', { severity: 'info', first: '2026-12-01T08:03:00.000Z' }),
    alert('x-crit', { severity: 'critical', first: '2026-12-01T08:01:00.000Z', last: '2026-12-01T10:00:00.000Z' }),
    alert('x-med', { severity: 'medium', first: '2026-12-01T08:02:00.000Z' }),
    alert('x-high', { severity: 'high', first: '2026-12-01T08:00:00.000Z' }),
  ], T0);
  await s.putAlerts('web02', [alert('y-low', { severity: 'low' })], T0);
  t.deepEqual((await s.queryAlerts({ agent: 'web01' })).map((a) => a.id), ['x-high', 'x-crit', 'x-med', 'x-info']);
  t.deepEqual((await s.queryAlerts({ severity: 'high' })).map((a) => a.id).sort(), ['x-crit', 'x-high']);
  t.deepEqual((await s.queryAlerts({ since: new Date('2026-12-01T09:00:00Z') })).map((a) => a.id), ['x-crit']);
  t.deepEqual((await s.queryAlerts({ severity: 'low', agent: 'web02' })).map((a) => a.id), ['y-low']);
  t.is((await s.queryAlerts({ limit: 2 })).length, 2);
  const crit = (await s.queryAlerts({ severity: 'critical' }))[0]!;
  t.like(crit, { rule: 'web-sqli-probe', host: 'web-01', count: 1, firstSeen: '2026-12-01T08:01:00.000Z', agent_id: 'web01' });
});

contract('checkpoints: once per id, ordered by seq, signature flag kept, per agent', async (t, s) => {
  const cp = (seq: number, h: string) => ({ id: `cp-${seq}-${h}`, seq, hash: hash(h), time: '2026-12-01T08:00:00.000Z', key_id: 'k1', signature: 'AAAA' });
  t.is((await s.putCheckpoint('web01', cp(20, 'b'), true, T0)).stored, 1);
  t.is((await s.putCheckpoint('web01', cp(10, 'a'), false, T0)).stored, 1);
  t.is((await s.putCheckpoint('web01', cp(10, 'a'), false, T0)).duplicate, 1);
  await s.putCheckpoint('web02', cp(5, 'c'), true, T0);
  const held = await s.checkpoints('web01');
  t.deepEqual(held.map((c) => [c.seq, c.signature_ok, c.hash[0]]), [[10, false, 'a'], [20, true, 'b']]);
  t.is(held[0]!.key_id, 'k1');
});

contract('health: the latest report by agent time; gaps listed per agent', async (t, s) => {
  const h = (id: string, time: string, lag: number) => ({ id, time, version: '0.1.0', lag_records: lag, outbox_items: 0, outbox_bytes: 0, disk_free_bytes: 10, disk_total_bytes: 100, last_error: null });
  await s.putHealth('web01', h('h2', '2026-12-01T08:02:00.000Z', 2), T0);
  await s.putHealth('web01', h('h1', '2026-12-01T08:01:00.000Z', 1), T0);
  t.is((await s.latestHealth('web01'))!.lag_records, 2);
  t.is(await s.latestHealth('web02'), undefined);
  const g = { id: 'gap-1', from: '2026-12-01T08:00:00.000Z', to: '2026-12-01T08:05:00.000Z', dropped: { alerts: 7, checkpoints: 1, health: 3 }, reason: 'outbox full' };
  t.is((await s.putGap('web01', g, T0)).stored, 1);
  t.is((await s.putGap('web01', g, T0)).duplicate, 1);
  t.deepEqual((await s.gaps('web01')).map((x) => x.dropped.alerts), [7]);
  t.is((await s.gaps()).length, 1);
  t.is((await s.gaps('web02')).length, 0);
});

contract('health is bounded: the latest report plus HEALTH_HISTORY per agent, whatever arrives (and survives a reopen)', async (t, s, reopen) => {
  const h = (i: number) => ({ id: `h${i}`, time: new Date(T0.getTime() + i * 30_000).toISOString(), version: '0.1.0', lag_records: i, outbox_items: 0, outbox_bytes: 0, disk_free_bytes: null, disk_total_bytes: null, last_error: null });
  const n = HEALTH_HISTORY * 3 + 7;
  for (let i = 0; i < n; i++) await s.putHealth('web01', h(i), T0);
  await s.putHealth('web02', h(0), T0);
  // A redelivery of the latest report is a duplicate, not a second row.
  t.is((await s.putHealth('web01', h(n - 1), T0)).duplicate, 1);
  const hist = await s.healthHistory('web01');
  t.is(hist.length, HEALTH_HISTORY);
  t.deepEqual(hist.map((x) => x.lag_records), Array.from({ length: HEALTH_HISTORY }, (_, i) => n - 1 - i));
  t.is((await s.latestHealth('web01'))!.lag_records, n - 1);
  t.is((await s.healthHistory('web02')).length, 1);
  if (s.kind === 'embedded') {
    // On disk too: never more than twice the history in the agent's file.
    const lines = readFileSync(join((s as EmbeddedStore).dir, 'health', 'web01.jsonl'), 'utf8').trim().split('\n');
    t.true(lines.length <= 2 * HEALTH_HISTORY, `${lines.length} lines kept`);
  } else {
    // Every row counted, not just what the store's query returns.
    const c = new pg.Client(lastDb!);
    await c.connect();
    try {
      t.is(Number((await c.query("SELECT count(*) AS n FROM gwsec_health WHERE agent_id = 'web01'")).rows[0].n), HEALTH_HISTORY);
    } finally {
      await c.end();
    }
  }
  await s.close();
  const s2 = await reopen();
  try {
    t.is((await s2.latestHealth('web01'))!.lag_records, n - 1);
    t.is((await s2.healthHistory('web01')).length, HEALTH_HISTORY);
  } finally {
    await s2.close();
  }
});

contract('a reopened store (collector restart) has everything, and still refuses duplicates', async (t, s, reopen) => {
  await s.putAlerts('web01', [alert('r1'), alert('r2')], T0);
  await s.addToken(hash('e'), T0, new Date(T0.getTime() + 3600_000));
  await s.close();
  const s2 = await reopen();
  try {
    t.is((await s2.putAlerts('web01', [alert('r1'), alert('r2'), alert('r3')], T0)).stored, 1);
    t.is((await s2.queryAlerts()).length, 3);
    t.is(await s2.useToken(hash('e'), T0), 'ok');
  } finally {
    await s2.close();
  }
});

const embedded: Factory = {
  async make() {
    const dir = tmp('store');
    return { store: await EmbeddedStore.open(dir), reopen: () => EmbeddedStore.open(dir) };
  },
};

let cluster: PgCluster | undefined;
let dbs = 0;
let lastDb: Awaited<ReturnType<PgCluster['createDatabase']>> | undefined;
const postgres: Factory = {
  async make() {
    const db = (lastDb = await cluster!.createDatabase(`contract${++dbs}`));
    return { store: await PostgresStore.open(db), reopen: () => PostgresStore.open(db) };
  },
};

test.before(async () => {
  if (!process.env.CI && (await import('../../helpers/postgres.js')).pgUnavailable()) return;
  cluster = await startPg();
});
test.after.always(async () => {
  await cluster?.destroy();
});

for (const [kind, factory] of [['embedded', embedded], ['postgres', postgres]] as const) {
  for (const [name, f] of cases) {
    test.serial(`${kind}: ${name}`, async (t) => {
      if (kind === 'postgres' && !requirePg(t)) return;
      const { store, reopen } = await factory.make();
      let closed = false;
      const wrappedReopen = async () => {
        closed = true;
        return reopen();
      };
      try {
        await f(t, store, wrappedReopen);
      } finally {
        if (!closed || store.kind === 'postgres') await store.close().catch(() => undefined);
      }
    });
  }
}
