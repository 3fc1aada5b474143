import { isFactError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { classifyAddress, normaliseIp } from '../geo/address.js';

/**
 * Fleet-level facts for Article 40(五) (front end and back end on separate hosts). Computed over all
 * hosts of an audit, so it cannot be a per-host deriver: the fleet facts root carries it as
 * `fleet.separation` (see engine/fleet.ts).
 */
export interface FleetSeparation {
  /** Hosts that hold both the frontend and the backend role. */
  dual_role_hosts: string[];
  /** Public addresses shared by a front-end and a back-end host (the same machine or NAT endpoint). */
  shared_addresses: Array<{ address: string; frontends: string[]; backends: string[] }>;
  /** Hosts whose network facts could not be read (their addresses are unknown). */
  unknown_hosts: string[];
}

/** Schema of `fleet.separation`, for `gwsec policy lint`'s fleet root. */
export const fleetSeparationSchema = t.obj({
  dual_role_hosts: t.arr(t.str),
  shared_addresses: t.arr(t.obj({ address: t.str, frontends: t.arr(t.str), backends: t.arr(t.str) })),
  unknown_hosts: t.arr(t.str),
});

interface FleetHost {
  name: string;
  roles?: string[];
  publicIps?: string[];
  facts?: Record<string, unknown>;
}

export function fleetSeparation(hosts: FleetHost[]): FleetSeparation | { error: { code: string; message: string } } {
  const owners = new Map<string, { frontends: Set<string>; backends: Set<string> }>();
  const unknown: string[] = [];
  const dual: string[] = [];
  for (const h of hosts) {
    const roles = h.roles ?? [];
    const fe = roles.includes('frontend');
    const be = roles.includes('backend');
    if (fe && be) dual.push(h.name);
    if (!fe && !be) continue;
    const addrs = new Set<string>();
    for (const ip of h.publicIps ?? []) {
      const n = normaliseIp(ip);
      if (n && classifyAddress(n) === 'global') addrs.add(n);
    }
    const net = h.facts?.network as { addresses?: unknown } | { error: unknown } | undefined;
    if (!net || isFactError(net) || !Array.isArray((net as { addresses?: unknown }).addresses)) unknown.push(h.name);
    else for (const a of (net as { addresses: Array<{ ip: string; scope: string }> }).addresses) if (a.scope === 'global') addrs.add(a.ip);
    for (const a of addrs) {
      const o = owners.get(a) ?? { frontends: new Set(), backends: new Set() };
      if (fe) o.frontends.add(h.name);
      if (be) o.backends.add(h.name);
      owners.set(a, o);
    }
  }
  const shared = [...owners.entries()]
    .filter(([, o]) => o.frontends.size > 0 && o.backends.size > 0)
    .map(([address, o]) => ({ address, frontends: [...o.frontends].sort(), backends: [...o.backends].sort() }));
  // An unknown address set can hide a shared address — when the fleet has both roles at all, and
  // no failure is already proven.
  const both = hosts.some((h) => h.roles?.includes('frontend')) && hosts.some((h) => h.roles?.includes('backend'));
  if (unknown.length > 0 && both && shared.length === 0 && dual.length === 0) {
    return { error: { code: 'not_found', message: `network addresses unknown for ${unknown.join(', ')}` } };
  }
  return { dual_role_hosts: dual.sort(), shared_addresses: shared, unknown_hosts: unknown.sort() };
}
