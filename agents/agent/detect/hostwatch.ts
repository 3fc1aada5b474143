/**
 * Runs the periodic host snapshots the config turns on (processes, TCP table, the sites' DNS and
 * the host's addresses, HTTP probes of the sites) and hands their events, stamped with the agent's
 * clock, to the rule engine. Each kind has its own timer and never overlaps itself; a snapshot
 * that fails is reported (DetectorError), never judged as "nothing changed".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectEvent } from '../../../src/detect/event.js';
import { dnsEvent, netstatEvent, probeEvent, processEvents } from '../../../src/detect/host.js';
import { writeFileAtomic } from '../../../src/util/fs.js';
import type { AgentConfig } from '../config.js';
import type { Events } from '../events.js';
import { hostAddresses, lookupName, probeUrl, ProcessWalker, tcpSnapshot } from './host.js';

export const dnsBaselinePath = (cfg: AgentConfig) => join(cfg.state_dir, 'dns-baseline.json');
/** The name the host's own addresses are reported under. */
export const HOST_NAME = '@host';
const DNS_TIMEOUT_MS = 10_000;

/** The names a config watches: each site's names, or its URL's host. */
export function siteNames(cfg: AgentConfig): string[] {
  const out = new Set<string>();
  for (const s of cfg.detections.sites) for (const n of s.names ?? (s.url ? [new URL(s.url).hostname] : [])) out.add(n.toLowerCase());
  return [...out];
}

/** Per name: the pool of addresses it is known to resolve to, and since when it is learned (ms; learning lasts dns_learn_s). */
type Baseline = Record<string, { pool: string[]; since: number }>;

/** The baseline file; version 1 (one answer per name, no learning time) is read as a pool learned since `now`. */
function loadBaseline(file: string, now: number): Baseline {
  if (!existsSync(file)) return {};
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as { version: number; names: Record<string, unknown> };
    if (typeof b.names !== 'object' || !b.names) return {};
    const out: Baseline = {};
    for (const [n, v] of Object.entries(b.names)) {
      if (b.version === 1 && Array.isArray(v)) out[n] = { pool: v.map(String), since: now };
      else if (b.version === 2 && v && typeof v === 'object' && Array.isArray((v as { pool: unknown }).pool)) {
        const since = (v as { since: unknown }).since;
        out[n] = { pool: (v as { pool: unknown[] }).pool.map(String), since: typeof since === 'number' && Number.isFinite(since) ? since : now };
      }
    }
    return out;
  } catch {
    return {};
  }
}

const saveBaseline = (file: string, names: Baseline) => writeFileAtomic(file, JSON.stringify({ version: 2, names }));

/** Resolve every watched name now (and the host's addresses). */
async function lookupAll(cfg: AgentConfig) {
  const names = siteNames(cfg);
  const got = await Promise.all(names.map((n) => lookupName(n, { resolvers: cfg.detections.resolvers, timeoutMs: DNS_TIMEOUT_MS })));
  return [...names.map((n, i) => [n, got[i]!] as const), [HOST_NAME, { addresses: hostAddresses() }] as const];
}

/**
 * `gwsec agent baseline`: the names' addresses now become their pools, learned again from now for
 * dns_learn_s (a migration's new CDN pool fills in without alerts); a failed lookup keeps its old pool.
 */
export async function recordDnsBaseline(cfg: AgentConfig, now = Date.now()): Promise<number> {
  const file = dnsBaselinePath(cfg);
  const names = loadBaseline(file, now);
  for (const [n, r] of await lookupAll(cfg)) if ('addresses' in r) names[n] = { pool: [...new Set(r.addresses)].sort(), since: now };
  saveBaseline(file, names);
  return Object.keys(names).length;
}

export class HostWatch {
  private timers: NodeJS.Timeout[] = [];
  private busy = new Set<string>();
  private readonly walker: ProcessWalker;
  private readonly webPorts: Set<number>;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly feed: (evs: DetectEvent[]) => void,
    private readonly now: () => Date,
    private readonly events: Events,
  ) {
    this.walker = new ProcessWalker('/proc', cfg.detections.host_root);
    this.webPorts = new Set(cfg.detections.web_ports);
  }

  /**
   * A first round of each now (a webshell's shell already running is judged at start), then on
   * timers. Not awaited: a probe of a dead site or a slow lookup must not hold the agent's start.
   */
  start(): void {
    const d = this.cfg.detections;
    const kinds: Array<[string, number | undefined, () => Promise<void> | void]> = [
      ['processes', d.processes_interval_s, () => this.processes()],
      ['connections', d.connections_interval_s, () => this.connections()],
      ['probe', d.sites.some((s) => s.url) ? d.probe_interval_s : undefined, () => this.probes()],
      ['dns', d.sites.length ? d.dns_interval_s : undefined, () => this.dns()],
    ];
    for (const [name, every, fn] of kinds) {
      if (every === undefined) continue;
      const tick = () => void this.guard(name, fn);
      tick();
      const t = setInterval(tick, every * 1000);
      t.unref();
      this.timers.push(t);
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private async guard(name: string, fn: () => Promise<void> | void): Promise<void> {
    if (this.busy.has(name)) return;
    this.busy.add(name);
    try {
      await fn();
    } catch (e) {
      this.events.emit('DetectorError', { detector: `host-${name}`, stage: 'snapshot', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    } finally {
      this.busy.delete(name);
    }
  }

  private processes(): void {
    const s = this.walker.snapshot();
    if (s.unread) this.events.count('HostProcessesUnread', s.unread);
    this.feed(processEvents(s.all, s.fresh, s.users, this.now().getTime()));
  }

  private connections(): void {
    this.feed([netstatEvent(tcpSnapshot(this.webPorts, '/proc', this.cfg.detections.known_proxies), this.now().getTime())]);
  }

  private async probes(): Promise<void> {
    const sites = this.cfg.detections.sites.filter((s) => s.url);
    // The CA file read at each round: a renewed internal CA is picked up without a restart.
    const results = await Promise.all(sites.map((s) => probeUrl(s.url!, this.cfg.detections.probe_timeout_s * 1000, s.ca_file ? { ca: readFileSync(s.ca_file, 'utf8') } : {})));
    const time = this.now().getTime();
    this.feed(results.map((r) => probeEvent(r, time)));
  }

  /** Lookups in a row that failed, per name (in memory: a restart counts afresh). */
  private failures = new Map<string, number>();

  private async dns(): Promise<void> {
    const file = dnsBaselinePath(this.cfg);
    const got = await lookupAll(this.cfg);
    const time = this.now().getTime();
    const base = loadBaseline(file, time);
    const learnMs = this.cfg.detections.dns_learn_s * 1000;
    let dirty = false;
    const evs = got.map(([n, r]) => {
      const b = base[n];
      const failures = 'error' in r ? (this.failures.get(n) ?? 0) + 1 : 0;
      this.failures.set(n, failures);
      const learning = b !== undefined && time - b.since < learnMs;
      const ev = dnsEvent(n, b?.pool, r, time, { learning, failures });
      // A name seen for the first time records its pool; while learning, new addresses join it.
      if ('addresses' in r && (b === undefined || (learning && (ev.fields['dns.added'] as string[]).length))) {
        base[n] = { pool: [...new Set([...(b?.pool ?? []), ...r.addresses])].sort(), since: b?.since ?? time };
        dirty = true;
      }
      return ev;
    });
    if (dirty) saveBaseline(file, base);
    this.feed(evs);
  }
}
