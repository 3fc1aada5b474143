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
    if (!o.signal.aborted) await new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }));
    emit('CollectorStopping', { connected: server.connected, ...server.counters });
  } finally {
    await server.close();
    for (const f of forwarders) await f.close().catch(() => undefined);
    await store.close();
  }
}
