import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { parseYaml } from '../../src/policy/yaml.js';

/** Article 41(三): website run logs are kept at least six months. */
export const MIN_RETENTION_DAYS = 180;

export const FORMATS = ['nginx', 'apache', 'syslog', 'auth', 'json', 'raw'] as const;
export type LogFormat = (typeof FORMATS)[number];

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a name: letters, digits, _ . - (at most 64)');

const fileSource = z.strictObject({
  type: z.literal('file'),
  name: name.optional(),
  path: z.string().min(1),
  format: z.enum(FORMATS),
  start_at: z.enum(['beginning', 'end']).default('beginning'),
  /** Emit a last line that never got its "\n" once the file has been idle this long (default: wait forever). */
  flush_partial_after_s: z.number().positive().optional(),
  max_line_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
});

const journaldSource = z.strictObject({
  type: z.literal('journald'),
  name: name.optional(),
  start_at: z.enum(['beginning', 'end']).default('end'),
  /** For tests and for reading a copied journal: `journalctl --directory`. */
  directory: z.string().optional(),
  journalctl: z.string().default('journalctl'),
});

export const configSchema = z.strictObject({
  archive: z.strictObject({
    dir: z.string().min(1),
    segment_max_bytes: z.number().int().min(64 * 1024).default(64 * 1024 * 1024),
    segment_max_age_s: z.number().int().min(60).default(86400),
    /** Checkpoints are also appended here, for shipping off-host (default: <dir>/anchors.jsonl). */
    anchors_file: z.string().optional(),
  }),
  retention_days: z.number().int(),
  checkpoint_interval_s: z.number().int().min(1).max(86400).default(300),
  /** Cursors, status and the lock; default `<archive.dir>/../agent-state`. */
  state_dir: z.string().optional(),
  poll_interval_ms: z.number().int().min(10).max(60000).default(250),
  /** Bytes read per source per batch (bounded buffers: this caps memory). */
  batch_max_bytes: z.number().int().min(4096).max(64 * 1024 * 1024).default(1024 * 1024),
  status_interval_s: z.number().min(0.1).default(5),
  /** How often segments past retention_days (and covered by a checkpoint) are pruned. */
  prune_interval_s: z.number().min(1).default(6 * 3600),
  log_level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** The agent's SM2 key pair (PEM) signing checkpoints; generated in state_dir when absent. */
  key: z.strictObject({ private: z.string(), public: z.string() }).optional(),
  sources: z.array(z.discriminatedUnion('type', [fileSource, journaldSource])).min(1),
});

export type RawConfig = z.output<typeof configSchema>;
export type FileSourceConfig = z.output<typeof fileSource> & { name: string };
export type JournaldSourceConfig = z.output<typeof journaldSource> & { name: string };
export type SourceConfig = FileSourceConfig | JournaldSourceConfig;

export interface AgentConfig extends Omit<RawConfig, 'sources' | 'state_dir' | 'key'> {
  file: string;
  state_dir: string;
  key: { private: string; public: string };
  sources: SourceConfig[];
}

export const retentionMessage = (days: number) =>
  `retention_days ${days} is below ${MIN_RETENTION_DAYS}: Article 41(三) requires website run logs to be kept at least six months / ` +
  `retention_days 为 ${days}，低于 ${MIN_RETENTION_DAYS}：第四十一条（三）要求留存网站运行日志不少于六个月`;

/** Parse and validate a config text; every problem is reported with file:line:column (exit 2). */
export function parseConfig(file: string, text: string): AgentConfig {
  const y = parseYaml(file, text, 'agent_config_error');
  const r = configSchema.safeParse(y.value);
  const errors: GwsecError[] = [];
  if (!r.success) {
    for (const issue of r.error.issues) {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      errors.push(new GwsecError('agent_config_error', `${where}${issue.message}`, y.locate(issue.path as PropertyKey[])));
    }
  } else {
    if (r.data.retention_days < MIN_RETENTION_DAYS) {
      errors.push(new GwsecError('agent_retention_too_short', retentionMessage(r.data.retention_days), y.locate(['retention_days'])));
    }
    const seen = new Set<string>();
    r.data.sources.forEach((s, i) => {
      const n = s.name ?? defaultSourceName(s);
      if (seen.has(n)) errors.push(new GwsecError('agent_config_error', `sources.${i}.name: duplicate source name "${n}" (give each source a distinct name)`, y.locate(['sources', i])));
      seen.add(n);
    });
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  const d = r.data!;
  const base = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const archiveDir = abs(d.archive.dir);
  const stateDir = d.state_dir ? abs(d.state_dir) : join(dirname(archiveDir), 'agent-state');
  return {
    ...d,
    file,
    archive: { ...d.archive, dir: archiveDir, anchors_file: d.archive.anchors_file ? abs(d.archive.anchors_file) : undefined },
    state_dir: stateDir,
    key: d.key ? { private: abs(d.key.private), public: abs(d.key.public) } : { private: join(stateDir, 'agent-sm2.key'), public: join(stateDir, 'agent-sm2.pub') },
    sources: d.sources.map((s) => (s.type === 'file' ? { ...s, path: abs(s.path), name: s.name ?? defaultSourceName(s) } : { ...s, name: s.name ?? defaultSourceName(s) })),
  };
}

export function loadConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GwsecError('agent_config_error', `cannot read config: ${(e as Error).message} / 无法读取配置文件`, { file });
  }
  return parseConfig(file, text);
}

function defaultSourceName(s: { type: string; path?: string }): string {
  if (s.type === 'journald') return 'journald';
  const base = (s.path ?? '').split('/').filter(Boolean).pop() ?? 'file';
  return base.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'file';
}
