/**
 * The fields a rule may test, per source type: the registry `gwsec detect lint` checks every
 * `field:` against (a typo must not silently never match). Values come from the existing parsers
 * (src/parsers/loglines.ts) and, for web events, from the web-attack inspection (src/detect/web).
 */
export const SOURCE_TYPES = ['web', 'auth', 'file', 'drift', 'process', 'netstat', 'dns', 'probe'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export type FieldKind = 'string' | 'number' | 'list';

export const FIELDS: Record<SourceType, Record<string, FieldKind>> = {
  web: {
    client: 'string',
    method: 'string',
    /** The request target as logged (path and query, still encoded). */
    target: 'string',
    /** The path without the query, percent-decoded once, lower-cased. */
    'url.path': 'string',
    /** Lower-case extension of url.path's last segment ('' when none). */
    'url.ext': 'string',
    status: 'number',
    bytes: 'number',
    referer: 'string',
    user_agent: 'string',
    /** The site: the agent's source name for the access log the line came from (the file's name in `gwsec detect --file`). */
    site: 'string',
    /** Categories the web-attack inspection found (sqli, xss, path_traversal, command_injection, code_injection, scanner). */
    'web.categories': 'list',
    /** Decoding steps the inspection applied (percent, double-percent, html-entity, …). */
    'web.transforms': 'list',
    'web.evidence': 'list',
  },
  auth: {
    program: 'string',
    message: 'string',
    /** failed | accepted | invalid_user | auth_failure */
    'auth.outcome': 'string',
    /** password | publickey | none | keyboard-interactive/pam (failed and accepted lines) */
    'auth.method': 'string',
    'auth.user': 'string',
    'auth.from': 'string',
    /** Attempts the line stands for ("message repeated 5 times: [ Failed password …]" is 5). */
    'auth.attempts': 'number',
    /** The network of auth.from: a.b.c.0/24 for IPv4, the first four groups /64 for IPv6 (else auth.from). */
    'auth.from_net': 'string',
    /** yes when auth.user is an administrator (root, uid 0, sudo/wheel/admin group, detections.admin_users), else no. */
    'auth.admin': 'string',
  },
  file: {
    /** added | changed | deleted */
    'file.action': 'string',
    'file.path': 'string',
    /** Path relative to the watched root, '/'-separated, lower-cased. */
    'file.rel': 'string',
    'file.ext': 'string',
    'file.root': 'string',
    'file.sm3': 'string',
    /** How the change was seen: event (chokidar) | baseline (periodic SM3 scan). */
    'file.seen_by': 'string',
    /** Pages only (src/detect/content.ts PAGE_EXTS), when a rule reads these: the first and last 32 KiB of the text. */
    'file.content': 'string',
    /** Markers of injected content in it (defacement-slogan gambling-spam porn-spam hidden-links script-redirect). */
    'file.markers': 'list',
    /** Those markers its previous version did not have (all of them for a new page). */
    'file.markers_new': 'list',
    /** What each marker found (terms, slogan, redirect host). */
    'file.evidence': 'list',
  },
  drift: {
    /** account_added | uid0_added | sudoers_changed | authorized_keys_changed | port_added | cron_added | unit_added */
    'drift.kind': 'string',
    /** What drifted: the account, file, port or unit. */
    'drift.item': 'string',
    'drift.detail': 'string',
  },
  // Periodic host snapshots taken at the agent's edge (agents/agent/detect/host*.ts; src/detect/host.ts).
  process: {
    'proc.pid': 'number',
    'proc.ppid': 'number',
    /** Effective uid and its account name (from the snapshot's /etc/passwd; '' when unknown). */
    'proc.uid': 'number',
    'proc.user': 'string',
    /** The kernel's short name (/proc/PID/stat, at most 15 characters). */
    'proc.comm': 'string',
    'proc.exe': 'string',
    /** Arguments joined by spaces, at most 512 characters. */
    'proc.cmdline': 'string',
    /** The ancestors' names, nearest first, space-separated and padded (" php-fpm8.2 nginx systemd "). */
    'proc.ancestry': 'string',
    /** Ancestor names outermost first, then the process: "nginx>php-fpm8.2>sh" (the default key). */
    'proc.chain': 'string',
    /** Account names of the ancestors, nearest first, space-separated and padded. */
    'proc.ancestor_users': 'string',
  },
  netstat: {
    /** Always "tcp": one snapshot of the host's TCP table is one event (the default key). */
    'net.scope': 'string',
    'net.total': 'number',
    'net.established': 'number',
    /** Half-open connections (SYN received, handshake not completed): a SYN flood. */
    'net.syn_recv': 'number',
    /** Established and half-open connections to the configured web ports. */
    'net.web_connections': 'number',
    /** Distinct remote addresses connected to the web ports. */
    'net.web_sources': 'number',
    /** The remote address with the most connections to the web ports, and how many. */
    'net.top_source': 'string',
    'net.top_source_connections': 'number',
    /** The top talkers ("203.0.113.7 412"), at most 5, and the counts by state ("ESTABLISHED 120"). */
    'net.top_sources': 'list',
    'net.states': 'list',
    /** Lines of the table not read (beyond the snapshot's bound). */
    'net.unread': 'number',
    /** Connections to the web ports from detections.known_proxies (in net.web_connections, not per source). */
    'net.proxy_connections': 'number',
  },
  dns: {
    /** The site name, or "@host" for the host's own addresses. */
    'dns.name': 'string',
    /** unchanged (within the known pool) | changed (an address outside it) | learned (joined the pool while learning) | failed | recorded (first lookup) */
    'dns.status': 'string',
    'dns.addresses': 'list',
    'dns.baseline': 'list',
    'dns.added': 'list',
    'dns.removed': 'list',
    /** Why a lookup failed (ENOTFOUND, ETIMEOUT, …; '' when it did not). */
    'dns.error': 'string',
    /** Lookups in a row that failed, this one included (0 when it did not fail). */
    'dns.failures': 'number',
  },
  probe: {
    'probe.url': 'string',
    /** ok | client_error (4xx) | refused | timeout | http_error (5xx) | redirects (too many) | error (TLS, DNS, reset…) */
    'probe.outcome': 'string',
    /** HTTP status (0: no answer). */
    'probe.status': 'number',
    'probe.latency_ms': 'number',
    'probe.error': 'string',
  },
};

/** The field an alert is grouped by when a rule names no `key`. */
export const DEFAULT_KEY: Record<SourceType, string> = { web: 'client', auth: 'auth.from', file: 'file.path', drift: 'drift.item', process: 'proc.chain', netstat: 'net.scope', dns: 'dns.name', probe: 'probe.url' };

/** Fields copied into an alert's evidence when the rule names none. */
export const DEFAULT_EVIDENCE: Record<SourceType, string[]> = {
  web: ['web.categories', 'web.transforms', 'web.evidence', 'url.path', 'status'],
  auth: ['auth.user', 'auth.outcome'],
  file: ['file.action', 'file.path', 'file.root', 'file.sm3', 'file.seen_by'],
  drift: ['drift.kind', 'drift.item', 'drift.detail'],
  process: ['proc.pid', 'proc.user', 'proc.chain', 'proc.exe', 'proc.cmdline'],
  netstat: ['net.syn_recv', 'net.web_connections', 'net.web_sources', 'net.top_sources', 'net.states'],
  dns: ['dns.status', 'dns.addresses', 'dns.baseline', 'dns.added', 'dns.error', 'dns.failures'],
  probe: ['probe.url', 'probe.outcome', 'probe.status', 'probe.latency_ms', 'probe.error'],
};
