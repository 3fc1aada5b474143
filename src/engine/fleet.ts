import type { Check } from '../model/check.js';
import type { HostFacts } from '../model/facts.js';
import type { Result } from '../model/result.js';
import { evaluateCheck, type EvalContext } from './evaluate.js';

export type { SiteFacts } from '../model/facts.js';
import type { SiteFacts } from '../model/facts.js';

/** One host as a `scope: fleet` check (and a fleet deriver) sees it under `fleet.hosts[]`. */
export interface FleetHost {
  name: string;
  roles: string[];
  public_ips: string[];
  /** SHA256 fingerprint of the host key the SSH transport trusted */
  host_key?: string;
  facts: Record<string, unknown>;
}

export function fleetHosts(hosts: HostFacts[]): FleetHost[] {
  return hosts.map((h) => ({
    name: h.host,
    roles: h.roles,
    public_ips: ((h.facts.inventory as { public_ips?: string[] } | undefined)?.public_ips) ?? [],
    ...(h.hostKey ? { host_key: h.hostKey.fingerprint } : {}),
    facts: h.facts,
  }));
}

/**
 * The facts root a `scope: fleet` check sees: every host's facts, the site, and the fleet-level
 * derived facts (relations between hosts that no per-host condition can express, e.g.
 * `separation`). The engine knows no fact: the derived facts are computed by the fleet derivers
 * (src/facts/fleet.ts) and handed in.
 */
export function fleetRoot(hosts: HostFacts[], site: SiteFacts | undefined, derived: Record<string, unknown>): Record<string, unknown> {
  return { fleet: { hosts: fleetHosts(hosts), site: site ?? {}, ...derived } };
}

export function evaluateHostChecks(checks: Check[], host: HostFacts, ctx: Omit<EvalContext, 'host' | 'sources'>): Result[] {
  const c: EvalContext = { ...ctx, host: { name: host.host, roles: host.roles }, sources: host.sources };
  return checks.filter((k) => k.scope !== 'fleet').map((k) => evaluateCheck(k, host.facts, c));
}

export function evaluateFleetChecks(checks: Check[], hosts: HostFacts[], site: SiteFacts | undefined, derived: Record<string, unknown>, ctx: Omit<EvalContext, 'host' | 'sources'>): Result[] {
  const root = fleetRoot(hosts, site, derived);
  const c: EvalContext = { ...ctx, host: { name: '*', roles: [] } };
  return checks.filter((k) => k.scope === 'fleet').map((k) => evaluateCheck(k, root, c));
}
