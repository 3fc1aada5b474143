/** `gwsec collector run`: store + TLS server + forwarders, until the signal. Events are JSON lines. */
import type { CollectorConfig } from './config.js';
import { CollectorServer, type EmitFn } from './server.js';
import { openStore } from './store/index.js';

export async function runCollector(cfg: CollectorConfig, o: { signal: AbortSignal; log: (line: string) => void; onListening?: (port: number) => void }): Promise<void> {
  const emit: EmitFn = (event, fields) => o.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
  const store = await openStore(cfg);
  const server = new CollectorServer({ cfg, store, emit });
  try {
    const port = await server.listen();
    o.onListening?.(port);
    if (!o.signal.aborted) await new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }));
    emit('CollectorStopping', { connected: server.connected, ...server.counters });
  } finally {
    await server.close();
    await store.close();
  }
}
