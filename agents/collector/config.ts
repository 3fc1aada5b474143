/**
 * collector.yaml: validated strictly with zod, every problem reported as file:line:column. Paths
 * are relative to the file's directory. Secrets (the PostgreSQL password) are read from files the
 * config names, never written into it.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { parseYaml } from '../../src/policy/yaml.js';
import { validateSchema } from '../../src/policy/issues.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/index.js';

const port = z.number().int().min(1).max(65535);
// 0: an ephemeral port (tests); the port in use is logged at start.
const listenPort = z.number().int().min(0).max(65535);

const schema = z.strictObject({
  /** Names this collector in logs, welcome messages and forwarded alerts. */
  name: z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/),
  listen: z.strictObject({ host: z.string().min(1), port: listenPort }),
  tls: z.strictObject({ ca_cert: z.string(), ca_key: z.string(), cert: z.string(), key: z.string() }),
  store: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('embedded'), dir: z.string() }),
    z.strictObject({
      type: z.literal('postgres'),
      /** Host name, or the directory of a unix socket. */
      host: z.string().min(1),
      port: port.default(5432),
      database: z.string().min(1),
      user: z.string().min(1),
      password_file: z.string().optional(),
    }),
  ]),
  max_frame_bytes: z.number().int().min(4096).max(16 << 20).default(MAX_FRAME_BYTES),
  /** Bytes of received, not yet stored messages across all agents before reading pauses (memory bound). */
  intake_max_bytes: z.number().int().min(65536).max(1 << 30).default(8 << 20),
  /** An agent whose clock is off by more than this is flagged (hello/welcome). */
  clock_skew_max_s: z.number().int().min(1).default(300),
  /** How often connected agents are re-checked against revocations. */
  revocation_check_s: z.number().positive().default(10),
  idle_timeout_s: z.number().positive().default(300),
  token_ttl_default_s: z.number().int().positive().default(3600),
  /** How often the collector logs CollectorStats (connections, counters, memory); 0 = never. */
  stats_interval_s: z.number().min(0).default(60),
  forward: z
    .strictObject({
      syslog: z
        .array(z.strictObject({ host: z.string(), port, ca_cert: z.string(), server_name: z.string().optional(), app_name: z.string().default('gwsec'), min_severity: z.enum(['critical', 'high', 'medium', 'low', 'info']).default('info') }))
        .default([]),
      webhook: z
        .array(z.strictObject({ url: z.url(), secret_file: z.string(), ca_cert: z.string().optional(), min_severity: z.enum(['critical', 'high', 'medium', 'low', 'info']).default('info') }))
        .default([]),
    })
    .default({ syslog: [], webhook: [] }),
});

export type CollectorConfig = z.infer<typeof schema> & { file: string; dir: string };

export function loadCollectorConfig(file: string): CollectorConfig {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new GwsecError('collector_config_error', { en: `cannot read the collector config: ${(e as Error).message}`, zh: `无法读取采集中心配置文件：${(e as Error).message}` }, { file: abs });
  }
  return parseCollectorConfig(abs, text);
}

export function parseCollectorConfig(file: string, text: string): CollectorConfig {
  const y = parseYaml(file, text, 'collector_config_error');
  const r = validateSchema(schema, y.value);
  if (!r.ok) throw new GwsecErrorList(r.issues.map((i) => new GwsecError('collector_config_error', i.message, y.locate(i.path))));
  const dir = dirname(file);
  const p = (x: string) => (isAbsolute(x) ? x : join(dir, x));
  const c = r.data;
  return {
    ...c,
    file,
    dir,
    tls: { ca_cert: p(c.tls.ca_cert), ca_key: p(c.tls.ca_key), cert: p(c.tls.cert), key: p(c.tls.key) },
    store: c.store.type === 'embedded' ? { ...c.store, dir: p(c.store.dir) } : { ...c.store, password_file: c.store.password_file && p(c.store.password_file) },
    forward: {
      syslog: c.forward.syslog.map((s) => ({ ...s, ca_cert: p(s.ca_cert) })),
      webhook: c.forward.webhook.map((w) => ({ ...w, secret_file: p(w.secret_file), ca_cert: w.ca_cert && p(w.ca_cert) })),
    },
  };
}

export function defaultConfigYaml(o: { name: string; host: string; port: number }): string {
  return [
    '# gwsec collector — see docs/COLLECTOR.md / 采集中心配置，详见 docs/COLLECTOR.md',
    `name: ${o.name}`,
    `listen: { host: ${JSON.stringify(o.host)}, port: ${o.port} }`,
    'tls:',
    '  ca_cert: ca.crt',
    '  ca_key: ca.key        # keep this file 0600: it issues agent certificates / 私钥，签发代理证书',
    '  cert: server.crt',
    '  key: server.key',
    '# embedded store (one machine). For several collectors sharing PostgreSQL:',
    '# store: { type: postgres, host: db.example, port: 5432, database: gwsec, user: gwsec, password_file: pg.pass }',
    'store: { type: embedded, dir: store }',
    'clock_skew_max_s: 300',
    '',
  ].join('\n');
}
