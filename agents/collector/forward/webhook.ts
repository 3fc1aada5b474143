/**
 * Alerts as signed JSON webhooks: POST {collector, alerts} with
 *   X-Gwsec-Timestamp: unix seconds
 *   X-Gwsec-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 * (the timestamp inside the MAC lets the receiver refuse replays). Retries with backoff on network
 * errors and 5xx; a 4xx is the receiver refusing and is not retried.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Alert } from '../../../src/model/alert.js';
import { SEVERITY_RANK } from '../store/types.js';
import type { Forwarder } from './types.js';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export class WebhookForwarder implements Forwarder {
  readonly name: string;
  private readonly secret: string;
  private readonly ca?: string;
  private chain: Promise<void> = Promise.resolve();
  readonly stats = { posted: 0, failed: 0 };

  constructor(private readonly o: { url: string; secretFile: string; caFile?: string; minSeverity: Alert['severity']; collector: string; emit?: (e: string, f: Record<string, unknown>) => void; retries?: number }) {
    this.name = `webhook:${new URL(o.url).host}`;
    this.secret = readFileSync(o.secretFile, 'utf8').trim();
    this.ca = o.caFile ? readFileSync(o.caFile, 'utf8') : undefined;
  }

  send(alerts: Array<Alert & { agent_id: string }>): void {
    const min = SEVERITY_RANK[this.o.minSeverity];
    const pick = alerts.filter((a) => SEVERITY_RANK[a.severity] >= min);
    if (!pick.length) return;
    const body = JSON.stringify({ collector: this.o.collector, alerts: pick });
    this.chain = this.chain.then(() => this.deliver(body));
  }

  async close(): Promise<void> {
    await this.chain;
  }

  private async deliver(body: string): Promise<void> {
    let backoff = 250;
    for (let attempt = 0; attempt <= (this.o.retries ?? 5); attempt++) {
      const ts = Math.floor(Date.now() / 1000);
      const r = await this.post(body, ts).catch((e: Error) => ({ status: 0, error: e.message }));
      if (r.status >= 200 && r.status < 300) {
        this.stats.posted++;
        return;
      }
      this.o.emit?.('ForwardError', { forwarder: this.name, status: r.status, message: 'error' in r ? r.error : `HTTP ${r.status}` });
      if (r.status >= 400 && r.status < 500) break;
      await new Promise((res) => setTimeout(res, backoff));
      backoff *= 2;
    }
    this.stats.failed++;
  }

  private post(body: string, ts: number): Promise<{ status: number }> {
    const u = new URL(this.o.url);
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        u,
        {
          method: 'POST',
          ca: this.ca,
          timeout: 10_000,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-gwsec-timestamp': String(ts), 'x-gwsec-signature': signWebhook(this.secret, ts, body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }
}
