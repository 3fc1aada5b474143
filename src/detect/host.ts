/**
 * Periodic host snapshots as detection events (pure: the agent's edge reads /proc, resolves names
 * and probes URLs, and hands the results here with the time it took them). Four source types:
 * `process` (processes new since the last snapshot, with their parent chain), `netstat` (one summary
 * of the TCP table per snapshot, no per-connection state), `dns` (a site's addresses against the
 * recorded baseline) and `probe` (one HTTP probe of a site's URL).
 */
import type { DetectEvent, FieldValue } from './event.js';
import { cidrContains } from '../util/ip.js';
import { FIELDS, type SourceType } from './fields.js';

/** Field-name prefix of each snapshot source type (case files give fields without it). */
export const HOST_PREFIX: Partial<Record<SourceType, string>> = { process: 'proc', netstat: 'net', dns: 'dns', probe: 'probe' };

/**
 * An event of a snapshot source from a field map without prefixes (a rule's cases): every name
 * must be a field of that source; list fields take a list (or one string).
 */
export function hostEvent(type: SourceType, time: number, given: Record<string, string | number | string[]>): DetectEvent {
  const prefix = HOST_PREFIX[type];
  if (!prefix) throw new Error(`${type} is not a host-snapshot source`);
  const known = FIELDS[type];
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(given)) {
    if (k === 'time') continue;
    const f = `${prefix}.${k}`;
    const kind = known[f];
    if (!kind) throw new Error(`unknown field '${k}' for a ${type} event (known: ${Object.keys(known).map((x) => x.slice(prefix.length + 1)).join(', ')})`);
    if (kind === 'list') fields[f] = Array.isArray(v) ? v : [String(v)];
    else if (kind === 'number') fields[f] = Number(v);
    else fields[f] = Array.isArray(v) ? v.join(' ') : String(v);
  }
  return { type, time, fields, line: `${type} ${Object.entries(given).filter(([k]) => k !== 'time').map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}` };
}

// ── processes ────────────────────────────────────────────────────────────────────────────────

export interface ProcInfo {
  pid: number;
  ppid: number;
  uid: number;
  comm: string;
  exe: string;
  cmdline: string;
}

/** Ancestors followed at most (a loop in a racy snapshot ends there too). */
const MAX_DEPTH = 12;
export const CMDLINE_MAX = 512;

/** The `process` events of the processes in `fresh` (pids of `all`), their parent chains resolved in `all`. */
export function processEvents(all: ReadonlyMap<number, ProcInfo>, fresh: Iterable<number>, users: ReadonlyMap<number, string>, time: number): DetectEvent[] {
  const out: DetectEvent[] = [];
  for (const pid of fresh) {
    const p = all.get(pid);
    if (!p) continue;
    const names: string[] = [];
    const owners: string[] = [];
    const seen = new Set<number>([pid]);
    for (let q = all.get(p.ppid); q && names.length < MAX_DEPTH && !seen.has(q.pid); q = all.get(q.ppid)) {
      seen.add(q.pid);
      names.push(q.comm);
      owners.push(users.get(q.uid) ?? String(q.uid));
    }
    const user = users.get(p.uid) ?? '';
    const chain = [...names].reverse().concat(p.comm).join('>');
    const cmdline = p.cmdline.length > CMDLINE_MAX ? p.cmdline.slice(0, CMDLINE_MAX) : p.cmdline;
    out.push({
      type: 'process',
      time,
      fields: {
        'proc.pid': p.pid,
        'proc.ppid': p.ppid,
        'proc.uid': p.uid,
        'proc.user': user,
        'proc.comm': p.comm,
        'proc.exe': p.exe,
        'proc.cmdline': cmdline,
        'proc.ancestry': ` ${names.join(' ')} `,
        'proc.chain': chain,
        'proc.ancestor_users': ` ${owners.join(' ')} `,
      },
      line: `pid=${p.pid} user=${user || p.uid} ${chain}: ${cmdline || p.comm}`,
    });
  }
  return out;
}

/** comm and the fields after it from /proc/PID/stat (comm may hold spaces and parentheses). */
export function parseProcStat(text: string): { comm: string; ppid: number; start: string } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] state, rest[1] ppid, …, rest[19] starttime (field 22 of proc(5)).
  const ppid = Number(rest[1]);
  if (!Number.isInteger(ppid) || rest.length < 20) return null;
  return { comm: text.slice(open + 1, close), ppid, start: rest[19]! };
}

// ── the TCP table ────────────────────────────────────────────────────────────────────────────

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

export interface TcpSummary {
  total: number;
  byState: Record<string, number>;
  synRecv: number;
  established: number;
  webConnections: number;
  webSources: number;
  /** [address, connections to the web ports], most first, at most 5 (known proxies left out). */
  top: Array<[string, number]>;
  /** Connections to the web ports from the known proxies (in webConnections, not per source). */
  exempt: number;
  /** Lines beyond the bound, not read. */
  unread: number;
}

/** Distinct remote addresses counted at most (beyond, connections count in the totals only). */
export const MAX_SOURCES = 65536;
/** Lines of the TCP tables read at most per snapshot. */
export const MAX_TCP_LINES = 500_000;

/** The address part of /proc/net/tcp[6]'s "0100007F:1F90" (hex, 32-bit words in host = little-endian order). */
export function procAddress(hex: string): string {
  const words = hex.length / 8;
  const bytes: number[] = [];
  for (let w = 0; w < words; w++) for (let b = 3; b >= 0; b--) bytes.push(parseInt(hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2), 16));
  if (words === 1) return bytes.join('.');
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 client it stands for.
  if (bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/**
 * Count the TCP tables (the texts of /proc/net/tcp and tcp6): by state, and per remote address for the web ports.
 * Sources inside `proxies` (CIDRs: a CDN's back-to-origin nodes, a load balancer, a big unit's NAT address) carry many
 * clients each: their connections count in the web total, not as one source's.
 */
export function summariseTcp(texts: string[], webPorts: ReadonlySet<number>, bound = { lines: MAX_TCP_LINES, sources: MAX_SOURCES }, proxies: readonly string[] = []): TcpSummary {
  const byState: Record<string, number> = {};
  const perSource = new Map<string, number>();
  let total = 0;
  let web = 0;
  let unread = 0;
  for (const text of texts) {
    let at = text.indexOf('\n') + 1; // the header
    while (at > 0 && at < text.length) {
      const nl = text.indexOf('\n', at);
      const line = text.slice(at, nl < 0 ? text.length : nl);
      at = nl < 0 ? text.length : nl + 1;
      if (total >= bound.lines) {
        if (line.trim()) unread++;
        continue;
      }
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      total++;
      const st = TCP_STATES[f[3]!] ?? f[3]!;
      byState[st] = (byState[st] ?? 0) + 1;
      if (st === 'LISTEN' || st === 'TIME_WAIT' || st === 'CLOSE') continue;
      const local = f[1]!;
      const port = parseInt(local.slice(local.indexOf(':') + 1), 16);
      if (!webPorts.has(port)) continue;
      web++;
      let remote = f[2]!.slice(0, f[2]!.indexOf(':'));
      // An IPv4-mapped IPv6 peer (::ffff:a.b.c.d) is the same client as its IPv4 address.
      if (remote.length === 32 && remote.startsWith('0000000000000000FFFF0000')) remote = remote.slice(24);
      const n = perSource.get(remote);
      if (n !== undefined) perSource.set(remote, n + 1);
      else if (perSource.size < bound.sources) perSource.set(remote, 1);
    }
  }
  // Judged once per distinct source (≤ MAX_SOURCES), not per table line.
  let exempt = 0;
  if (proxies.length)
    for (const [hex, n] of perSource)
      if (proxies.some((c) => cidrContains(c, procAddress(hex)))) {
        exempt += n;
        perSource.delete(hex);
      }
  const top = [...perSource].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return {
    exempt,
    total,
    byState,
    synRecv: (byState.SYN_RECV ?? 0) + (byState.NEW_SYN_RECV ?? 0),
    established: byState.ESTABLISHED ?? 0,
    webConnections: web,
    webSources: perSource.size,
    top: top.map(([hex, n]) => [procAddress(hex), n]),
    unread,
  };
}

export function netstatEvent(s: TcpSummary, time: number): DetectEvent {
  const [top, topN] = s.top[0] ?? ['', 0];
  return {
    type: 'netstat',
    time,
    fields: {
      'net.scope': 'tcp',
      'net.total': s.total,
      'net.established': s.established,
      'net.syn_recv': s.synRecv,
      'net.web_connections': s.webConnections,
      'net.web_sources': s.webSources,
      'net.top_source': top,
      'net.top_source_connections': topN,
      'net.top_sources': s.top.map(([a, n]) => `${a} ${n}`),
      'net.states': Object.entries(s.byState).map(([k, n]) => `${k} ${n}`),
      'net.unread': s.unread,
      'net.proxy_connections': s.exempt,
    },
    line: `tcp total=${s.total} syn_recv=${s.synRecv} web=${s.webConnections} from ${s.webSources} sources; top ${s.top.map(([a, n]) => `${a}=${n}`).join(' ')}`,
  };
}

// ── DNS and the host's addresses ─────────────────────────────────────────────────────────────

export type Lookup = { addresses: string[] } | { error: string };

/**
 * A name's lookup against its pool of known addresses. CDNs and DNS round-robin answer a few
 * addresses of a larger pool and rotate them, so the question is "an address outside the pool",
 * never set equality: `recorded` when there is no pool yet (the caller records it), `learned` while
 * the pool is still being learned (`learning`: new addresses join it, no alert), `changed` when an
 * address outside the pool appears after that, `unchanged` otherwise (a rotation, or fewer addresses).
 * A failed lookup is `failed` (never `unchanged`: nothing was compared), with `failures` the number
 * of lookups in a row that failed, so a rule can tell one timeout from a name that stays dead.
 */
export function dnsEvent(name: string, baseline: string[] | undefined, got: Lookup, time: number, o: { learning?: boolean; failures?: number } = {}): DetectEvent {
  const base = [...new Set(baseline ?? [])].sort();
  if ('error' in got) {
    const failures = Math.max(1, o.failures ?? 1);
    return { type: 'dns', time, fields: { 'dns.name': name, 'dns.status': 'failed', 'dns.addresses': [], 'dns.baseline': base, 'dns.added': [], 'dns.removed': [], 'dns.error': got.error, 'dns.failures': failures }, line: `${name}: lookup failed (${got.error}), ${failures} in a row; known ${base.join(' ') || '-'}` };
  }
  const now = [...new Set(got.addresses)].sort();
  const had = new Set(base);
  const has = new Set(now);
  const added = now.filter((a) => !had.has(a));
  const removed = base.filter((a) => !has.has(a));
  const status = baseline === undefined ? 'recorded' : !added.length ? 'unchanged' : o.learning ? 'learned' : 'changed';
  return {
    type: 'dns',
    time,
    fields: { 'dns.name': name, 'dns.status': status, 'dns.addresses': now, 'dns.baseline': base, 'dns.added': added, 'dns.removed': removed, 'dns.error': '', 'dns.failures': 0 },
    line: `${name}: ${status} ${now.join(' ') || '-'}${status === 'changed' || status === 'learned' ? ` (new: ${added.join(' ')}; known ${base.join(' ') || '-'})` : ''}`,
  };
}

// ── HTTP probes ──────────────────────────────────────────────────────────────────────────────

export const PROBE_OUTCOMES = ['ok', 'client_error', 'refused', 'timeout', 'http_error', 'redirects', 'error'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface ProbeResult {
  url: string;
  outcome: ProbeOutcome;
  status: number;
  latencyMs: number;
  error: string;
}

export function probeEvent(r: ProbeResult, time: number): DetectEvent {
  return {
    type: 'probe',
    time,
    fields: { 'probe.url': r.url, 'probe.outcome': r.outcome, 'probe.status': r.status, 'probe.latency_ms': r.latencyMs, 'probe.error': r.error },
    line: `GET ${r.url}: ${r.outcome}${r.status ? ` ${r.status}` : ''} in ${r.latencyMs} ms${r.error ? ` (${r.error})` : ''}`,
  };
}
