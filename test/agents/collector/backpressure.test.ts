/**
 * The collector's memory bound: while the store cannot keep up, agents that keep sending are not
 * read any further (TCP backpressure) once intake_max_bytes of their messages wait across all
 * connections — then, when the store catches up, everything is stored once and acked.
 */
import test from 'ava';
import { loadCollectorConfig } from '../../../agents/collector/config.js';
import { openStore } from '../../../agents/collector/store/index.js';
import type { CollectorStore } from '../../../agents/collector/store/types.js';
import { encodeFrame } from '../../../src/protocol/index.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/frame.js';
import { waitUntil } from '../../helpers/time.js';
import { alert, connect, enrolAgent, initCollector, startCollector } from './helpers.js';

test('a stalled store: intake stays within intake_max_bytes across 8 flooding agents; released, all stored exactly once', async (t) => {
  const limit = 128 << 10;
  const cfgPath = initCollector('backpressure', `intake_max_bytes: ${limit}\n`);
  const real = await openStore(loadCollectorConfig(cfgPath));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // The store stalls (a slow disk, PostgreSQL failing over) until released.
  const store = new Proxy(real, {
    get(target, k) {
      if (k === 'putAlerts') return async (...a: Parameters<CollectorStore['putAlerts']>) => (await gate, target.putAlerts(...a));
      const v = Reflect.get(target, k) as unknown;
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
  const c = await startCollector(cfgPath, { store });
  t.teardown(() => c.stop());
  const agents = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(async (i) => enrolAgent(c.port, await c.token(), `web0${i}`)));
  const sessions = await Promise.all(agents.map((a) => connect(c.port, a.creds)));
  // Each of 8 agents sends 40 batches of 100 alerts (~4 MiB each agent) without waiting for acks.
  const frame = encodeFrame({ v: PROTOCOL_VERSION, kind: 'alerts', alerts: Array.from({ length: 100 }, (_, i) => alert(`x${i}`)) }).length;
  const acks = sessions.flatMap((s, a) =>
    Array.from({ length: 40 }, (_, b) => s.request({ kind: 'alerts', alerts: Array.from({ length: 100 }, (_, i) => alert(`a${a}-b${b}-${i}`, { count: 1 })) })),
  );
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, c.server.intakeBytes)), 5);
  await new Promise((r) => setTimeout(r, 1500));
  const sent = 8 * 40 * frame;
  t.log(`sent ${(sent / 1048576).toFixed(1)} MiB; held by the collector at most ${(peak / 1048576).toFixed(2)} MiB (limit ${limit / 1024} KiB, frame ${(frame / 1024).toFixed(0)} KiB)`);
  t.true(peak > 0, 'something was read');
  // Over the shared limit by at most about a frame per connection — far less than the
  // per-connection bound alone (4 frames each: 1.3 MiB) would let in.
  t.true(peak <= limit + 8 * frame, `peak ${peak}`);
  t.true(peak < sent / 2, 'most of it waited outside the collector');
  release();
  clearInterval(sampler);
  const answers = await Promise.all(acks);
  t.true(answers.every((a) => a.kind === 'ack'));
  t.true(await waitUntil(() => c.server.intakeBytes === 0, 5000));
  const stored = await c.store.queryAlerts();
  t.is(stored.length, 8 * 40 * 100);
  t.is(new Set(stored.map((s) => `${s.agent_id}/${s.id}`)).size, stored.length);
  for (const s of sessions) s.close();
});
