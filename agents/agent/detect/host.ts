/**
 * The agent's periodic host snapshots (the edge; src/detect/host.ts turns them into events, purely):
 * processes from /proc (new since the last snapshot, parent chain resolved), the TCP table from
 * /proc/net/tcp and tcp6 (counts only), the sites' names resolved (getaddrinfo or named DNS servers)
 * with the host's own addresses, and an HTTP(S) probe of each site's URL. Each is bounded: pids read,
 * table lines read, bytes of a cmdline and of a probe's body, redirects followed, time per lookup.
 * Loaded by the agent only when one of them is configured.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { promises as dns } from 'node:dns';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CMDLINE_MAX, parseProcStat, summariseTcp, type Lookup, type ProbeOutcome, type ProbeResult, type ProcInfo, type TcpSummary } from '../../../src/detect/host.js';
import { parsePasswd } from '../../../src/parsers/passwd.js';

/** Processes read at most per snapshot. */
export const MAX_PROCS = 65536;

function readHead(path: string, max: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(max);
    const n = readSync(fd, buf, 0, max, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Walks /proc and remembers what it saw: each snapshot reads every process's stat (one small read)
 * and, for a process not seen before, its owner, exe and cmdline. A process is "new" when its pid,
 * start time or name differ from the last snapshot's (a fork that exec'd sh is new again).
 */
export class ProcessWalker {
  private seen = new Map<string, ProcInfo>();
  private users = new Map<number, string>();
  private passwdMtime = -1;

  constructor(
    private readonly proc = '/proc',
    private readonly root = '/',
  ) {}

  /** All processes now (pid → info), the pids new since the last call, and uid → account name. */
  snapshot(): { all: Map<number, ProcInfo>; fresh: number[]; users: Map<number, string>; unread: number } {
    this.loadUsers();
    const all = new Map<number, ProcInfo>();
    const fresh: number[] = [];
    const next = new Map<string, ProcInfo>();
    let unread = 0;
    for (const name of readdirSync(this.proc)) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      if (all.size >= MAX_PROCS) {
        unread++;
        continue;
      }
      const dir = join(this.proc, name);
      let st: ReturnType<typeof parseProcStat>;
      try {
        st = parseProcStat(readFileSync(join(dir, 'stat'), 'latin1'));
      } catch {
        continue; // exited meanwhile
      }
      if (!st) continue;
      const pid = Number(name);
      const key = `${pid}:${st.start}:${st.comm}`;
      let p = this.seen.get(key);
      if (!p) {
        try {
          p = { pid, ppid: st.ppid, uid: statSync(dir).uid, comm: st.comm, exe: readlinkSafe(join(dir, 'exe')), cmdline: joinArgs(readHead(join(dir, 'cmdline'), CMDLINE_MAX)) };
        } catch {
          continue;
        }
        fresh.push(pid);
      }
      next.set(key, p);
      all.set(pid, p);
    }
    this.seen = next;
    return { all, fresh, users: this.users, unread };
  }

  private loadUsers(): void {
    const f = join(this.root, 'etc/passwd');
    try {
      const m = statSync(f).mtimeMs;
      if (m === this.passwdMtime) return;
      this.users = new Map(parsePasswd(readFileSync(f, 'utf8')).map((e) => [e.uid, e.name]));
      this.passwdMtime = m;
    } catch {
      // no passwd: names stay as last read (or none)
    }
  }
}

/** /proc/PID/cmdline's NUL-separated arguments joined by spaces (the trailing NULs dropped). */
function joinArgs(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0) end--;
  return raw.slice(0, end).replaceAll('\0', ' ');
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return ''; // kernel threads have none
  }
}

/** The host's TCP tables counted (IPv4 and IPv6). */
export function tcpSnapshot(webPorts: ReadonlySet<number>, proc = '/proc', proxies: readonly string[] = []): TcpSummary {
  const texts: string[] = [];
  for (const f of ['net/tcp', 'net/tcp6']) {
    try {
      texts.push(readFileSync(join(proc, f), 'latin1'));
    } catch {
      // no IPv6 on this host
    }
  }
  if (!texts.length) throw new Error(`cannot read ${proc}/net/tcp`);
  return summariseTcp(texts, webPorts, undefined, proxies);
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEOUT' })), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });

/**
 * A name's addresses: the system resolver (getaddrinfo: /etc/hosts, then DNS) or, given servers,
 * A and AAAA asked of them. A failure is an error (never an empty, "unchanged" answer).
 */
export async function lookupName(name: string, o: { resolvers?: string[]; timeoutMs: number }): Promise<Lookup> {
  try {
    if (!o.resolvers) {
      const r = await withTimeout(dns.lookup(name, { all: true }), o.timeoutMs);
      return r.length ? { addresses: r.map((a) => a.address) } : { error: 'ENODATA' };
    }
    // Two tries each (c-ares doubles the second wait) inside the one time limit.
    const res = new dns.Resolver({ timeout: Math.max(100, Math.floor(o.timeoutMs / 3)), tries: 2 });
    res.setServers(o.resolvers);
    const [a, aaaa] = await Promise.allSettled([withTimeout(res.resolve4(name), o.timeoutMs), withTimeout(res.resolve6(name), o.timeoutMs)]);
    res.cancel();
    const addresses = [...(a.status === 'fulfilled' ? a.value : []), ...(aaaa.status === 'fulfilled' ? aaaa.value : [])];
    if (addresses.length) return { addresses };
    const e = (a.status === 'rejected' ? a.reason : aaaa.status === 'rejected' ? aaaa.reason : null) as NodeJS.ErrnoException | null;
    return { error: e?.code ?? 'ENODATA' };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/**
 * The interfaces that carry a default route (IPv4 or IPv6): where the host's sites are served from.
 * Bridges and veth pairs of containers and test namespaces come and go; they are not the host's address.
 */
export function defaultRouteInterfaces(proc = '/proc'): Set<string> {
  const out = new Set<string>();
  const read = (f: string) => {
    try {
      return readFileSync(join(proc, f), 'latin1').split('\n');
    } catch {
      return [];
    }
  };
  for (const l of read('net/route').slice(1)) {
    const f = l.trim().split(/\s+/);
    if (f[1] === '00000000' && f[7] === '00000000' && f[0] !== 'lo') out.add(f[0]!);
  }
  for (const l of read('net/ipv6_route')) {
    const f = l.trim().split(/\s+/);
    if (/^0{32}$/.test(f[0] ?? '') && f[1] === '00' && f[9] && f[9] !== 'lo') out.add(f[9]);
  }
  return out;
}

/** The host's own addresses: those of its default-route interfaces (all when it has none), never loopback or link-local. */
export function hostAddresses(proc = '/proc'): string[] {
  const routed = defaultRouteInterfaces(proc);
  const out = new Set<string>();
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (routed.size && !routed.has(name)) continue;
    for (const a of list ?? []) if (!a.internal && !a.address.toLowerCase().startsWith('fe80:')) out.add(a.address);
  }
  return [...out].sort();
}

export const PROBE_MAX_REDIRECTS = 3;
export const PROBE_MAX_BODY = 64 * 1024;

/**
 * One GET of `url`: at most PROBE_MAX_REDIRECTS redirects, PROBE_MAX_BODY bytes of body, `timeoutMs` in all.
 * Certificates are verified against the system store, plus `ca` (PEM: a site's internal CA) when given.
 */
export async function probeUrl(url: string, timeoutMs: number, o: { ca?: string } = {}): Promise<ProbeResult> {
  const ca = o.ca ? [...rootCertificates, o.ca] : undefined;
  const t0 = performance.now();
  const done = (outcome: ProbeOutcome, status: number, error: string): ProbeResult => ({ url, outcome, status, latencyMs: Math.round(performance.now() - t0), error });
  let target = url;
  const deadline = t0 + timeoutMs;
  for (let hop = 0; ; hop++) {
    let res: { status: number; location?: string };
    try {
      res = await getOnce(target, Math.max(1, deadline - performance.now()), ca);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ETIMEOUT') return done('timeout', 0, err.message);
      if (err.code === 'ECONNREFUSED') return done('refused', 0, 'ECONNREFUSED');
      return done('error', 0, err.code ?? err.message);
    }
    if (res.status >= 300 && res.status < 400 && res.location) {
      if (hop >= PROBE_MAX_REDIRECTS) return done('redirects', res.status, `more than ${PROBE_MAX_REDIRECTS} redirects`);
      try {
        target = new URL(res.location, target).href;
      } catch {
        return done('error', res.status, 'bad Location header');
      }
      if (!/^https?:/.test(target)) return done('error', res.status, 'redirect to a non-HTTP URL');
      continue;
    }
    if (res.status >= 500) return done('http_error', res.status, '');
    if (res.status >= 400) return done('client_error', res.status, '');
    return done('ok', res.status, '');
  }
}

function getOnce(url: string, timeoutMs: number, ca: string[] | undefined): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = { 'user-agent': 'gwsec-agent-probe', accept: 'text/html,*/*' };
    const req = u.protocol === 'https:' ? httpsRequest(u, { method: 'GET', headers, agent: false, ...(ca ? { ca } : {}) }) : httpRequest(u, { method: 'GET', headers, agent: false });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer in ${Math.round(timeoutMs)} ms`), { code: 'ETIMEOUT' })), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res: IncomingMessage) => {
      let got = 0;
      const finish = () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      };
      res.on('data', (chunk: Buffer) => {
        got += chunk.length;
        // The whole page is not needed: the status and a bounded part of the body (the answer arrived).
        if (got >= PROBE_MAX_BODY) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    req.end();
  });
}
