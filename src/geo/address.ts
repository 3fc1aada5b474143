import { cidrContains, parseIp } from '../util/ip.js';

/**
 * Where an address sits, for exposure and geolocation decisions:
 * global = public unicast (the only kind worth geolocating); the rest are not routable on the
 * Internet. `unspecified` is the wildcard a socket binds (0.0.0.0, ::).
 */
export type AddressScope = 'global' | 'private' | 'loopback' | 'link_local' | 'cgnat' | 'ula' | 'multicast' | 'reserved' | 'unspecified';

// Order matters only for readability; ranges do not overlap.
const V4: Array<[string, AddressScope]> = [
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'reserved'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'], // TEST-NET-1
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'reserved'], // TEST-NET-2
  ['203.0.113.0/24', 'reserved'], // TEST-NET-3
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];

const V6: Array<[string, AddressScope]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'ula'],
  ['fe80::/10', 'link_local'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'reserved'], // documentation
  ['64:ff9b::/96', 'reserved'], // NAT64: the real host is elsewhere
];

/** Canonical text of an address: zone and brackets dropped, ::ffff:a.b.c.d unwrapped, IPv6 compressed lower-case. */
export function normaliseIp(input: string): string | null {
  const p = parseIp(input);
  if (!p) return null;
  if (p.family === 4) {
    const v = p.value;
    return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((p.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Scope of an address; null when the text is not an address. */
export function classifyAddress(ip: string): AddressScope | null {
  const n = normaliseIp(ip);
  if (n === null) return null;
  const table = n.includes(':') ? V6 : V4;
  for (const [cidr, scope] of table) if (cidrContains(cidr, n)) return scope;
  if (n.includes(':') && !cidrContains('2000::/3', n)) return 'reserved'; // only 2000::/3 is global unicast today
  return 'global';
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === 'global';
}
