/** `gwsec collector run`: store + TLS server + forwarders, until the signal. Events are JSON lines. */
import type { CollectorConfig } from './config.js';
import { CollectorServer, type EmitFn } from './server.js';
import { openStore } from './store/index.js';
import { buildForwarders } from './forward/index.js';

export async function runCollector(cfg: CollectorConfig, o: { signal: AbortSignal; log: (line: string) => void; onListening?: (port: number) => void }): Promise<void> {
  const emit: EmitFn = (event, fields) => o.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
  const store = await openStore(cfg);
  const forwarders = buildForwarders(cfg, emit);
  const server = new CollectorServer({
    cfg, store, emit,
    onAlerts: (agent, alerts) => {
      const tagged = alerts.map((a) => ({ ...a, agent_id: agent.id }));
      for (const f of forwarders) f.send(tagged);
    },
  });
  try {
    const port = await server.listen();
    o.onListening?.(port);
    const stats = cfg.stats_interval_s > 0 ? setInterval(() => emit('CollectorStats', { connected: server.connected, ...server.counters, intake_bytes: server.intakeBytes, ...memory() }), cfg.stats_interval_s * 1000) : undefined;
    stats?.unref();
    o.signal.addEventListener('abort', () => clearInterval(stats), { once: true });
    if (!o.signal.aborted) await new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }));
    emit('CollectorStopping', { connected: server.connected, ...server.counters });
  } finally {
    await server.close();
    for (const f of forwarders) await f.close().catch(() => undefined);
    await store.close();
  }
}

/** Process memory in MB: what an operator watches against the unit's MemoryMax. */
function memory(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external), array_buffers_mb: mb(m.arrayBuffers) };
}
