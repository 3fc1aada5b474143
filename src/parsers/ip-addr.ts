import { classifyAddress, normaliseIp, type AddressScope } from '../geo/address.js';

export interface InterfaceAddress {
  ip: string;
  prefix: number;
  iface: string;
  family: 'inet' | 'inet6';
  scope: AddressScope;
}

/**
 * `ip -o addr show`, one address per line:
 *   2: eth0    inet 172.16.0.5/20 brd 172.16.15.255 scope global dynamic eth0\       valid_lft …
 *   2: eth0    inet6 fe80::216:3eff:fe01:2/64 scope link \       valid_lft forever …
 * The kernel's own "scope" word (global/link/host) is not used: a 10.x address is "scope global"
 * to the kernel but private to us.
 */
export function parseIpAddr(text: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+([0-9a-fA-F.:]+)(?:\/(\d+))?/.exec(line.trim());
    if (!m) continue;
    const ip = normaliseIp(m[3]!);
    if (!ip) continue;
    const family = m[2] as 'inet' | 'inet6';
    out.push({
      ip,
      prefix: m[4] !== undefined ? Number(m[4]) : family === 'inet' ? 32 : 128,
      iface: m[1]!,
      family,
      scope: classifyAddress(ip) ?? 'reserved',
    });
  }
  return out;
}
