/** The forwarders a collector.yaml names (explicit: syslog over TLS, webhooks). */
import type { CollectorConfig } from '../config.js';
import { SyslogTlsForwarder } from './syslog.js';
import type { Forwarder } from './types.js';
import { WebhookForwarder } from './webhook.js';

export type { Forwarder } from './types.js';

export function buildForwarders(cfg: CollectorConfig, emit?: (e: string, f: Record<string, unknown>) => void): Forwarder[] {
  return [
    ...cfg.forward.syslog.map((s) => new SyslogTlsForwarder({ host: s.host, port: s.port, caFile: s.ca_cert, serverName: s.server_name, appName: s.app_name, minSeverity: s.min_severity, collector: cfg.name, emit })),
    ...cfg.forward.webhook.map((w) => new WebhookForwarder({ url: w.url, secretFile: w.secret_file, caFile: w.ca_cert, minSeverity: w.min_severity, collector: cfg.name, emit })),
  ];
}
