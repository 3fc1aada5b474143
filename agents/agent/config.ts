import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { parseYaml } from '../../src/policy/yaml.js';
import { isValidCidr } from '../../src/util/ip.js';
import { array, bool, byType, literal, num, object, oneOf, optional, str, type Issue, type Out } from './validate.js';

/** Article 41(三): website run logs are kept at least six months. */
export const MIN_RETENTION_DAYS = 180;

export { LOG_FORMATS as FORMATS, type LogFormat } from '../../src/parsers/loglines.js';
import { LOG_FORMATS as FORMATS } from '../../src/parsers/loglines.js';

const name = str({ pattern: /^[A-Za-z0-9_.-]{1,64}$/, message: { en: 'a name: letters, digits, _ . - (at most 64)', zh: '名称：字母、数字、_ . -（至多 64 个字符）' } });
const startAt = oneOf(['beginning', 'end'] as const);

const fileSource = object({
  type: literal('file'),
  name: optional(name),
  path: str({ min: 1 }),
  format: oneOf(FORMATS),
  start_at: optional(startAt, 'beginning'),
  /** Emit a last line that never got its "\n" once the file has been idle this long (default: wait forever). */
  flush_partial_after_s: optional(num({ positive: true })),
  max_line_bytes: optional(num({ int: true, min: 1024, max: 16 * 1024 * 1024 }), 1024 * 1024),
});

const journaldSource = object({
  type: literal('journald'),
  name: optional(name),
  start_at: optional(startAt, 'end'),
  /** journalctl --directory: a persistent or collected journal (and tests). */
  directory: optional(str()),
  journalctl: optional(str(), 'journalctl'),
});

const site = object({
  /** The URL probed (http or https); redirects are followed at most 3 times. */
  url: optional(str({ pattern: /^https?:\/\/[^\s/]+/, message: { en: 'an http:// or https:// URL', zh: 'http:// 或 https:// 开头的网址' } })),
  /** Names whose addresses are watched (default: the URL's host name). */
  names: optional(array(str({ pattern: /^[A-Za-z0-9.-]{1,253}$/, message: { en: 'a DNS name', zh: '域名' } }), { min: 1 })),
  /** PEM of the CA that signed an https url's certificate (an internal CA), trusted besides the system store. */
  ca_file: optional(str()),
});

/** Detection (docs/DETECTIONS.md): rules over the lines read, file integrity of web roots, host drift. */
const detections = object({
  enabled: optional(bool(), true),
  /** Rules directory (default: the shipped policies/detections). */
  rules: optional(str({ min: 1 })),
  /** The host name alerts carry (default: os.hostname()). */
  host: optional(str({ min: 1 })),
  /** The local alert store (default: <state_dir>/alerts.jsonl). */
  alerts_file: optional(str({ min: 1 })),
  /** Web roots watched for file changes (chokidar events plus a periodic SM3 scan). */
  web_roots: optional(array(str({ min: 1 })), []),
  /** How often the web roots are fully re-hashed: the safety net for missed file events. */
  baseline_interval_s: optional(num({ min: 0.1 }), 300),
  /** Host drift snapshots (accounts, sudoers, authorized_keys, ports, cron, systemd units); absent: off. */
  drift_interval_s: optional(num({ min: 0.1 })),
  /** Read host files under this root instead of / (containers, tests). */
  host_root: optional(str({ min: 1 })),
  /** Process snapshots (/proc: new processes with their parent chain); absent: off. */
  processes_interval_s: optional(num({ min: 1 })),
  /** Snapshots of the host's TCP table (/proc/net/tcp, tcp6); absent: off. */
  connections_interval_s: optional(num({ min: 1 })),
  /** The ports connections are counted on per remote address. */
  web_ports: optional(array(num({ int: true, min: 1, max: 65535 }), { min: 1 }), [80, 443]),
  /** Addresses or CIDRs that carry many clients each (CDN back-to-origin, load balancers, a big unit's NAT): counted in the web total, not per source. */
  known_proxies: optional(array(str({ pattern: /^[0-9a-fA-F.:]+(?:\/\d{1,3})?$/, message: { en: 'an IP address or CIDR', zh: 'IP 地址或 CIDR 网段' } })), []),
  /** The sites this host serves: URLs probed over HTTP(S) and names whose addresses are watched. */
  sites: optional(array(site), []),
  /** How often each site's URL is probed (when sites are given). */
  probe_interval_s: optional(num({ min: 1 }), 60),
  /** One probe's time limit (connect, answer, body). */
  probe_timeout_s: optional(num({ min: 0.1, max: 120 }), 10),
  /** How often the sites' names are resolved and the host's addresses compared (when sites are given). */
  dns_interval_s: optional(num({ min: 1 }), 300),
  /** How long after a name is first recorded (or re-recorded by `agent baseline`) new addresses join its pool without an alert (CDN and round-robin pools rotate). */
  dns_learn_s: optional(num({ min: 0 }), 86400),
  /** DNS servers asked instead of the system resolver (getaddrinfo: /etc/hosts, then resolv.conf). */
  resolvers: optional(array(str({ pattern: /^[0-9a-fA-F.:[\]]+$/, message: { en: 'an IP address, optionally with :port', zh: 'IP 地址，可带 :端口' } }), { min: 1 })),
  /** Administrator accounts besides root, uid 0 and the sudo/wheel/admin groups (auth.admin, admin-login-new-source). */
  admin_users: optional(array(str({ min: 1 })), []),
});

const configSchema = object({
  archive: object({
    dir: str({ min: 1 }),
    segment_max_bytes: optional(num({ int: true, min: 64 * 1024 }), 64 * 1024 * 1024),
    segment_max_age_s: optional(num({ int: true, min: 60 }), 86400),
    /** Checkpoints are also appended here, for shipping off-host (default: <state_dir>/anchors.jsonl; never inside dir). */
    anchors_file: optional(str()),
  }),
  retention_days: num({ int: true }),
  checkpoint_interval_s: optional(num({ int: true, min: 1, max: 86400 }), 300),
  /** Cursors, status and the lock; default `<archive.dir>/../agent-state`. */
  state_dir: optional(str()),
  poll_interval_ms: optional(num({ int: true, min: 10, max: 60000 }), 250),
  /** Bytes read per source per batch (bounded buffers: this caps memory). */
  batch_max_bytes: optional(num({ int: true, min: 4096, max: 64 * 1024 * 1024 }), 1024 * 1024),
  status_interval_s: optional(num({ min: 0.1 }), 5),
  /** How often segments past retention_days (and covered by a checkpoint) are pruned. */
  prune_interval_s: optional(num({ min: 1 }), 6 * 3600),
  log_level: optional(oneOf(['error', 'warn', 'info', 'debug'] as const), 'info'),
  /** The agent's SM2 key pair (PEM) signing checkpoints; generated in state_dir when absent. */
  key: optional(object({ private: str(), public: str() })),
  /** Reporting to a collector (after `gwsec agent enrol`): the outbox's bound on disk, health interval. */
  collector: optional(object({ outbox_max_bytes: optional(num({ int: true, min: 65536 }), 64 * 1024 * 1024), health_interval_s: optional(num({ min: 0.1 }), 30) })),
  sources: array(byType({ file: fileSource, journald: journaldSource }), { min: 1 }),
  detections: optional(detections),
});

/** Source configs as validated, defaults applied, the name resolved. */
export type FileSourceConfig = Out<typeof fileSource> & { name: string };
export type JournaldSourceConfig = Out<typeof journaldSource> & { name: string };
export type SourceConfig = FileSourceConfig | JournaldSourceConfig;

/** The config as validated, defaults applied (source names, paths and state_dir not yet resolved). */
export type RawConfig = Out<typeof configSchema>;

export type DetectionsConfig = Out<typeof detections> & { alerts_file: string; web_roots: string[]; host_root: string };

export interface AgentConfig extends Omit<RawConfig, 'sources' | 'state_dir' | 'key' | 'detections'> {
  file: string;
  detections: DetectionsConfig;
  state_dir: string;
  key: { private: string; public: string };
  sources: SourceConfig[];
}

export const retentionMessage = (days: number) => ({
  en: `retention_days ${days} is below ${MIN_RETENTION_DAYS}: Article 41(3) requires website run logs to be kept at least six months`,
  zh: `retention_days 为 ${days}，低于 ${MIN_RETENTION_DAYS}：第四十一条第（三）项要求网站运行日志留存不少于六个月`,
});

/** Parse and validate a config text; every problem is reported with file:line:column (exit 2). */
export function parseConfig(file: string, text: string): AgentConfig {
  const y = parseYaml(file, text, 'agent_config_error');
  const issues: Issue[] = [];
  const data = configSchema(y.value, [], issues);
  const errors: GwsecError[] = [];
  if (!data) {
    for (const issue of issues) {
      const at = issue.path.join('.');
      errors.push(new GwsecError('agent_config_error', { en: at ? `${at}: ${issue.message.en}` : issue.message.en, zh: at ? `${at}：${issue.message.zh}` : issue.message.zh }, y.locate(issue.path)));
    }
  } else {
    if (data.retention_days < MIN_RETENTION_DAYS) {
      errors.push(new GwsecError('agent_retention_too_short', retentionMessage(data.retention_days), y.locate(['retention_days'])));
    }
    const seen = new Set<string>();
    data.sources.forEach((s, i) => {
      const n = s.name ?? defaultSourceName(s);
      if (seen.has(n)) errors.push(new GwsecError('agent_config_error', { en: `sources.${i}.name: duplicate source name "${n}" (give each source a distinct name)`, zh: `sources.${i}.name：日志源名称“${n}”重复（请为每个日志源取不同的名称）` }, y.locate(['sources', i])));
      seen.add(n);
    });
    (data.detections?.known_proxies ?? []).forEach((c, i) => {
      if (!isValidCidr(c)) errors.push(new GwsecError('agent_config_error', { en: `detections.known_proxies.${i}: "${c}" is not an IP address or CIDR`, zh: `detections.known_proxies.${i}：“${c}”不是 IP 地址或 CIDR 网段` }, y.locate(['detections', 'known_proxies', i])));
    });
    (data.detections?.sites ?? []).forEach((s, i) => {
      if (s.ca_file && !s.url?.startsWith('https:')) errors.push(new GwsecError('agent_config_error', { en: `detections.sites.${i}.ca_file: only for an https:// url`, zh: `detections.sites.${i}.ca_file：仅用于 https:// 网址` }, y.locate(['detections', 'sites', i, 'ca_file'])));
      if (!s.url && !s.names) errors.push(new GwsecError('agent_config_error', { en: `detections.sites.${i}: give url (probed) or names (resolved), or both`, zh: `detections.sites.${i}：须给出 url（探测）或 names（解析），或两者都给出` }, y.locate(['detections', 'sites', i])));
    });
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  const d = data!;
  const base = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const archiveDir = abs(d.archive.dir);
  const stateDir = d.state_dir ? abs(d.state_dir) : join(dirname(archiveDir), 'agent-state');
  // Anchors pin the archive's chain: kept beside it they could be rewritten with it, so never inside it.
  const anchors = d.archive.anchors_file ? abs(d.archive.anchors_file) : join(stateDir, 'anchors.jsonl');
  if (within(anchors, archiveDir))
    throw new GwsecError(
      'agent_config_error',
      {
        en: `archive.anchors_file ${anchors} lies inside the archive directory it anchors: keep it outside (default: <state_dir>/anchors.jsonl), and copy it off the host`,
        zh: `archive.anchors_file ${anchors} 位于其所锚定的归档目录内：请放在目录之外（默认 <state_dir>/anchors.jsonl），并复制到本机以外保存`,
      },
      y.locate(['archive', 'anchors_file']),
    );
  return {
    ...d,
    file,
    archive: { ...d.archive, dir: archiveDir, anchors_file: anchors },
    state_dir: stateDir,
    key: d.key ? { private: abs(d.key.private), public: abs(d.key.public) } : { private: join(stateDir, 'agent-sm2.key'), public: join(stateDir, 'agent-sm2.pub') },
    detections: {
      ...(d.detections ?? { enabled: true, web_roots: [], baseline_interval_s: 300, web_ports: [80, 443], known_proxies: [], sites: [], probe_interval_s: 60, probe_timeout_s: 10, dns_interval_s: 300, dns_learn_s: 86400, admin_users: [] }),
      rules: d.detections?.rules ? abs(d.detections.rules) : undefined,
      alerts_file: d.detections?.alerts_file ? abs(d.detections.alerts_file) : join(stateDir, 'alerts.jsonl'),
      web_roots: (d.detections?.web_roots ?? []).map(abs),
      sites: (d.detections?.sites ?? []).map((s) => (s.ca_file ? { ...s, ca_file: abs(s.ca_file) } : s)),
      host_root: d.detections?.host_root ? abs(d.detections.host_root) : '/',
    },
    sources: d.sources.map((s) => (s.type === 'file' ? { ...s, path: abs(s.path), name: s.name ?? defaultSourceName(s) } : { ...s, name: s.name ?? defaultSourceName(s) })),
  };
}

const within = (p: string, dir: string): boolean => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

export function loadConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GwsecError('agent_config_error', { en: `cannot read config: ${(e as Error).message}`, zh: `无法读取配置文件：${(e as Error).message}` }, { file });
  }
  return parseConfig(file, text);
}

function defaultSourceName(s: { type: string; path?: string }): string {
  if (s.type === 'journald') return 'journald';
  const base = (s.path ?? '').split('/').filter(Boolean).pop() ?? 'file';
  return base.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'file';
}
