import type { Check } from '../model/check.js';
import type { HostFacts } from '../model/facts.js';
import type { Result } from '../model/result.js';
import { evaluateCheck, type EvalContext } from './evaluate.js';
import { fleetSeparation } from '../facts/separation.js';

export type { SiteFacts } from '../model/facts.js';
import type { SiteFacts } from '../model/facts.js';

/** The facts root a `scope: fleet` check sees: every host's facts plus the site. */
export function fleetRoot(hosts: HostFacts[], site: SiteFacts | undefined): Record<string, unknown> {
  const mapped = hosts.map((h) => ({
    name: h.host,
    roles: h.roles,
    publicIps: ((h.facts.inventory as { public_ips?: string[] } | undefined)?.public_ips) ?? [],
    ...(h.hostKey ? { hostKey: h.hostKey.fingerprint } : {}),
    facts: h.facts,
  }));
  // Fleet-level derived facts: relations between hosts that no per-host condition can express.
  return { fleet: { hosts: mapped, site: site ?? {}, separation: fleetSeparation(mapped) } };
}

export function evaluateHostChecks(checks: Check[], host: HostFacts, ctx: Omit<EvalContext, 'host' | 'sources'>): Result[] {
  const c: EvalContext = { ...ctx, host: { name: host.host, roles: host.roles }, sources: host.sources };
  return checks.filter((k) => k.scope !== 'fleet').map((k) => evaluateCheck(k, host.facts, c));
}

export function evaluateFleetChecks(checks: Check[], hosts: HostFacts[], site: SiteFacts | undefined, ctx: Omit<EvalContext, 'host' | 'sources'>): Result[] {
  const root = fleetRoot(hosts, site);
  const c: EvalContext = { ...ctx, host: { name: '*', roles: [] } };
  return checks.filter((k) => k.scope === 'fleet').map((k) => evaluateCheck(k, root, c));
}
