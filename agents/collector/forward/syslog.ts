/**
 * Alerts to a SIEM as RFC 5424 syslog messages over TLS (RFC 5425: octet-counting framing,
 * "LEN SP SYSLOG-MSG"). The structured data carries the fields a SOC filters on; the message is the
 * alert as JSON (UTF-8, with the BOM RFC 5424 asks for). The server is verified against the
 * configured CA and name. Delivery is at-least-once per connection: a batch is written again after a
 * reconnect unless the socket took it; the alerts themselves are safe in the store either way.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import tls from 'node:tls';
import type { Alert } from '../../../src/model/alert.js';
import { SEVERITY_RANK } from '../store/types.js';
import type { Forwarder } from './types.js';

/** RFC 5424 severities: critical→2 (crit), high→3 (err), medium→4 (warning), low→5 (notice), info→6. */
const SYSLOG_SEVERITY: Record<Alert['severity'], number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
/** Facility 4: security/authorization messages. */
const FACILITY = 4;
/** SD-ID: a private one (RFC 5424 §7.2.2 form name@enterprise; 32473 is IANA's example number). */
const SD_ID = 'gwsec@32473';

const sdEscape = (v: string) => v.replace(/[\\"\]]/g, (c) => `\\${c}`);
const token = (v: string, max: number) => (v.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-');

export function formatRfc5424(a: Alert & { agent_id: string }, o: { appName: string; hostname?: string; collector: string }): string {
  const pri = FACILITY * 8 + SYSLOG_SEVERITY[a.severity];
  const sd = [
    ['agent', a.agent_id], ['collector', o.collector], ['id', a.id], ['rule', a.rule], ['severity', a.severity],
    ['technique', a.technique], ['host', a.host], ['count', String(a.count)], ['first', a.firstSeen], ['last', a.lastSeen],
  ].map(([k, v]) => `${k}="${sdEscape(v!)}"`).join(' ');
  const msg = JSON.stringify({ ...a, title: a.title });
  return `<${pri}>1 ${new Date(a.lastSeen).toISOString()} ${token(o.hostname ?? hostname(), 255)} ${token(o.appName, 48)} - ${token(a.rule, 32)} [${SD_ID} ${sd}] \uFEFF${msg}`;
}

/** RFC 5425 / RFC 6587 octet counting: the length in bytes, a space, the message. */
export function octetFrame(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

export class SyslogTlsForwarder implements Forwarder {
  readonly name: string;
  private socket: tls.TLSSocket | null = null;
  private connecting: Promise<tls.TLSSocket> | null = null;
  private queue: Buffer[] = [];
  private flushing = false;
  private closed = false;
  readonly stats = { sent: 0, errors: 0 };

  constructor(
    private readonly o: { host: string; port: number; caFile: string; serverName?: string; appName: string; minSeverity: Alert['severity']; collector: string; emit?: (e: string, f: Record<string, unknown>) => void },
  ) {
    this.name = `syslog-tls:${o.host}:${o.port}`;
  }

  send(alerts: Array<Alert & { agent_id: string }>): void {
    const min = SEVERITY_RANK[this.o.minSeverity];
    for (const a of alerts) if (SEVERITY_RANK[a.severity] >= min) this.queue.push(octetFrame(formatRfc5424(a, { appName: this.o.appName, collector: this.o.collector })));
    void this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (let i = 0; i < 100 && (this.queue.length || this.flushing) && this.socket; i++) await new Promise((r) => setTimeout(r, 20));
    this.socket?.end();
    this.socket = null;
  }

  private connect(): Promise<tls.TLSSocket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ host: this.o.host, port: this.o.port, ca: [readFileSync(this.o.caFile, 'utf8')], servername: this.o.serverName ?? (/^[\d.]+$/.test(this.o.host) ? undefined : this.o.host), minVersion: 'TLSv1.2' });
      s.once('secureConnect', () => {
        this.socket = s;
        s.on('close', () => {
          if (this.socket === s) this.socket = null;
        });
        resolve(s);
      });
      s.once('error', reject);
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let backoff = 200;
      while (this.queue.length) {
        let s: tls.TLSSocket;
        try {
          s = await this.connect();
        } catch (e) {
          this.stats.errors++;
          this.o.emit?.('ForwardError', { forwarder: this.name, error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message, queued: this.queue.length });
          if (this.closed) return;
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(10_000, backoff * 2);
          continue;
        }
        const batch = this.queue.splice(0, 1000);
        const ok = s.write(Buffer.concat(batch));
        this.stats.sent += batch.length;
        if (!ok) await new Promise((r) => s.once('drain', r));
      }
    } finally {
      this.flushing = false;
    }
  }
}
