import { isFactError, notCollected } from '../model/errors.js';
import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { NetworkFacts } from '../collectors/network.js';
import { classifyAddress, normaliseIp } from '../geo/address.js';

export interface GeoAddress {
  ip: string;
  source: 'interface' | 'declared'; // on a NIC, or the inventory's public_ip (NAT/EIP)
  iface: string | null;
  country: string | null; // ISO 3166-1 alpha-2; null = not in the geolocation data
}

export interface GeoFacts {
  /** Every public (global unicast) address of the host. Empty for a private-only host. */
  addresses: GeoAddress[];
  public_address_count: number;
}

export const geoDeriver: Deriver<GeoFacts | { error: unknown }> = {
  id: 'geo',
  description: 'Country of every public address on the host and of its declared public IP (offline geolocation)',
  schema: t.obj({
    addresses: t.arr(t.obj({ ip: t.str, source: t.enum('interface', 'declared'), iface: t.nullable(t.str), country: t.nullable(t.str) })),
    public_address_count: t.num,
  }),
  needs: ['network'],
  derive(facts, env) {
    const net = facts.network as NetworkFacts | undefined;
    if (!net) return notCollected('network');
    if (isFactError(net)) return { error: net.error };
    if (isFactError(net.addresses)) return { error: net.addresses.error };
    const out: GeoAddress[] = [];
    const seen = new Set<string>();
    for (const a of net.addresses as Exclude<NetworkFacts['addresses'], { error: unknown }>) {
      if (a.scope !== 'global' || seen.has(a.ip)) continue;
      seen.add(a.ip);
      out.push({ ip: a.ip, source: 'interface', iface: a.iface, country: env.geo(a.ip) });
    }
    for (const raw of env.host.publicIps) {
      const ip = normaliseIp(raw);
      // A declared address that is not public unicast is an inventory mistake, not a location.
      if (!ip || seen.has(ip) || classifyAddress(ip) !== 'global') continue;
      seen.add(ip);
      out.push({ ip, source: 'declared', iface: null, country: env.geo(ip) });
    }
    return { addresses: out, public_address_count: out.length };
  },
};
