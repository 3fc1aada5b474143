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

type Baseline = Record<string, string[]>;

function loadBaseline(file: string): Baseline {
  if (!existsSync(file)) return {};
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as { version: number; names: Baseline };
    return b.version === 1 && typeof b.names === 'object' ? b.names : {};
  } catch {
    return {};
  }
}

/** Resolve every watched name now (and the host's addresses). */
async function lookupAll(cfg: AgentConfig) {
  const names = siteNames(cfg);
  const got = await Promise.all(names.map((n) => lookupName(n, { resolvers: cfg.detections.resolvers, timeoutMs: DNS_TIMEOUT_MS })));
  return [...names.map((n, i) => [n, got[i]!] as const), [HOST_NAME, { addresses: hostAddresses() }] as const];
}

/** `gwsec agent baseline`: record the names' addresses now (a failed lookup keeps its old baseline). */
export async function recordDnsBaseline(cfg: AgentConfig): Promise<number> {
  const file = dnsBaselinePath(cfg);
  const names = loadBaseline(file);
  for (const [n, r] of await lookupAll(cfg)) if ('addresses' in r) names[n] = [...r.addresses].sort();
  writeFileAtomic(file, JSON.stringify({ version: 1, names }));
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
    this.feed([netstatEvent(tcpSnapshot(this.webPorts), this.now().getTime())]);
  }

  private async probes(): Promise<void> {
    const urls = this.cfg.detections.sites.flatMap((s) => (s.url ? [s.url] : []));
    const results = await Promise.all(urls.map((u) => probeUrl(u, this.cfg.detections.probe_timeout_s * 1000)));
    const time = this.now().getTime();
    this.feed(results.map((r) => probeEvent(r, time)));
  }

  private async dns(): Promise<void> {
    const file = dnsBaselinePath(this.cfg);
    const base = loadBaseline(file);
    const got = await lookupAll(this.cfg);
    const time = this.now().getTime();
    const evs = got.map(([n, r]) => dnsEvent(n, base[n], r, time));
    // A name seen for the first time: its addresses become its baseline.
    let recorded = false;
    for (const [n, r] of got)
      if (base[n] === undefined && 'addresses' in r) {
        base[n] = [...r.addresses].sort();
        recorded = true;
      }
    if (recorded) writeFileAtomic(file, JSON.stringify({ version: 1, names: base }));
    this.feed(evs);
  }
}
