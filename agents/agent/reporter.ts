/**
 * The agent's reporter: drains the outbox to the collectors over mutual TLS. Endpoints are tried in
 * order and the next one is taken when one fails (any collector can take any agent when they share
 * PostgreSQL). Items leave the outbox only on the collector's ack, so a lost connection, a killed
 * collector or a restarted agent all end in redelivery, which the collector's ids make harmless.
 * Health is sent live on every connection and every interval; it is a reading, not a record to queue.
 */
import { statfsSync } from 'node:fs';
import type { Alert } from '../../src/model/alert.js';
import type { Checkpoint } from '../../src/journal/index.js';
import { encodeSplicedFrame, type AgentMessageBody, type CheckpointPayload, type HealthPayload } from '../../src/protocol/index.js';
import type { Endpoint } from './enrolment-file.js';
import type { LeasedItem, Outbox, OutboxItem } from './outbox.js';
import { CollectorSession, type Credentials } from './session.js';

export interface ReporterOptions {
  outbox: Outbox;
  endpoints: Endpoint[];
  creds: Credentials;
  version: string;
  /** Where the archive is (free disk in health). */
  archiveDir: string;
  now?: () => Date;
  emit?: (event: string, fields: Record<string, unknown>) => void;
  healthIntervalMs?: number;
  /** Records read but not yet archived, for health. */
  lag?: () => number;
  /** Alerts per message and messages in flight. */
  batch?: number;
  window?: number;
  backoffMaxMs?: number;
}

export const checkpointItem = (cp: Checkpoint, segment?: string): OutboxItem => {
  const body: CheckpointPayload = { id: `cp-${cp.seq}-${cp.hash.slice(0, 16)}`, seq: cp.seq, hash: cp.hash, time: cp.time, key_id: cp.keyId, signature: cp.signature, ...(segment ? { segment } : {}) };
  return { id: body.id, kind: 'checkpoint', body };
};

export class Reporter {
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private session: CollectorSession | null = null;
  private loop: Promise<void> | null = null;
  private lastError: string | null = null;
  private ep = 0;
  readonly stats = { sent: 0, acked: 0, connects: 0, failovers: 0 };

  constructor(private readonly o: ReporterOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Queue alerts (durably) and wake the sender. Returns how many were kept (the rest are in a gap).
   * `json[i]`, when given, is `JSON.stringify(alerts[i])` (serialised once by the caller).
   */
  alerts(alerts: Alert[], json?: string[]): number {
    const n = this.o.outbox.add(alerts.map((a, i) => ({ id: a.id.length <= 100 ? `${a.id}.${a.count}` : a.id, kind: 'alerts', ...(json ? { json: json[i]! } : { body: a }) })));
    this.wake();
    return n;
  }

  checkpoint(cp: Checkpoint, segment?: string): number {
    const n = this.o.outbox.add([checkpointItem(cp, segment)]);
    this.wake();
    return n;
  }

  get connectedTo(): Endpoint | null {
    return this.session && !this.session.closed ? this.session.endpoint : null;
  }

  /** Stop: the items in flight stay in the outbox (acked or not, nothing is lost). */
  async stop(drainMs = 0): Promise<void> {
    if (drainMs > 0) {
      const end = Date.now() + drainMs;
      while (Date.now() < end && this.o.outbox.stats.items > 0 && this.session && !this.session.closed) await sleep(20);
    }
    this.stopped = true;
    this.session?.close();
    this.wake();
    await this.loop;
    this.o.outbox.close();
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const emit = this.o.emit ?? (() => undefined);
    let backoff = 0;
    while (!this.stopped) {
      const ep = this.o.endpoints[this.ep % this.o.endpoints.length]!;
      try {
        this.session = await CollectorSession.connect(ep, this.o.creds);
        this.stats.connects++;
        const w = await this.session.request({ kind: 'hello', version: this.o.version, time: (this.o.now ?? (() => new Date()))().toISOString() });
        emit('CollectorConnected', { host: ep.host, port: ep.port, ...(w.kind === 'welcome' ? { collector: w.collector, skew_ms: w.skew_ms, skew_flagged: w.skew_flagged } : {}) });
        if (w.kind === 'welcome' && w.skew_flagged) emit('ClockSkewFlagged', { skew_ms: w.skew_ms, by: w.collector });
        backoff = 0;
        await this.pump(this.session);
      } catch (e) {
        if (this.stopped) break;
        this.lastError = (e as Error).message;
        emit('CollectorUnavailable', { host: ep.host, port: ep.port, error_type: (e as { code?: string }).code ?? 'io', message: this.lastError });
        this.ep++;
        if (this.o.endpoints.length > 1) this.stats.failovers++;
        backoff = Math.min(this.o.backoffMaxMs ?? 5000, Math.max(100, backoff * 2));
        await this.sleepOrWake(backoff * (0.5 + Math.random() / 2));
      } finally {
        this.session?.close();
        this.session = null;
        this.o.outbox.unlease();
      }
    }
  }

  /** Send what is queued, several messages in flight; health on the interval; until the session ends. */
  private async pump(s: CollectorSession): Promise<void> {
    const batch = this.o.batch ?? 500;
    const window = this.o.window ?? 8;
    const inflight: Array<Promise<void>> = [];
    let lastHealth = 0;
    const send = (m: AgentMessageBody | Buffer, ids: string[]) => {
      this.stats.sent += ids.length;
      const p = s.request(m).then((ans) => {
        if (ans.kind !== 'ack') return;
        // A checkpoint the collector flagged (bad signature) is acked too: it is stored, flagged there.
        this.o.outbox.ack(ids);
        this.stats.acked += ids.length;
      });
      p.catch(() => undefined);
      inflight.push(p);
    };
    while (!this.stopped && !s.closed) {
      if (performance.now() - lastHealth >= (this.o.healthIntervalMs ?? 30_000)) {
        lastHealth = performance.now();
        send({ kind: 'health', health: this.health() }, []);
      }
      const items = this.o.outbox.lease(batch);
      if (!items.length) {
        await Promise.all(inflight.splice(0));
        await this.sleepOrWake(Math.min(1000, this.o.healthIntervalMs ?? 30_000));
        continue;
      }
      // Frames are spliced from the items' stored JSON: nothing is parsed or serialised again here.
      let alerts: LeasedItem[] = [];
      const flush = () => {
        if (!alerts.length) return;
        send(encodeSplicedFrame('alerts', 'alerts', alerts.map((a) => a.json)), alerts.map((a) => a.id));
        alerts = [];
      };
      for (const it of items) {
        if (it.kind === 'alerts') {
          alerts.push(it);
          continue;
        }
        flush();
        send(encodeSplicedFrame(it.kind, it.kind, it.json), [it.id]);
      }
      flush();
      while (inflight.length >= window) await inflight.shift();
      await s.drained();
    }
    await Promise.allSettled(inflight);
    if (!this.stopped && s.closed) throw new Error('collector session ended');
  }

  private health(): HealthPayload {
    const now = (this.o.now ?? (() => new Date()))();
    let free: number | null = null;
    let total: number | null = null;
    try {
      const f = statfsSync(this.o.archiveDir);
      free = f.bavail * f.bsize;
      total = f.blocks * f.bsize;
    } catch {
      /* archive dir not there yet */
    }
    const st = this.o.outbox.stats;
    return {
      id: `h-${now.getTime()}-${Math.floor(Math.random() * 1e6)}`,
      time: now.toISOString(),
      version: this.o.version,
      lag_records: this.o.lag?.() ?? 0,
      outbox_items: st.items,
      outbox_bytes: st.bytes,
      disk_free_bytes: free,
      disk_total_bytes: total,
      last_error: this.lastError,
    };
  }

  private sleepOrWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
