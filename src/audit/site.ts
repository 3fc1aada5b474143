import { factError } from '../model/errors.js';
import { lookup } from 'node:dns/promises';
import type { SiteFacts } from '../engine/fleet.js';

/**
 * Resolve the site's domains from the auditor (every A/AAAA record, as the public sees them) and
 * geolocate each address. A domain that does not resolve makes the whole list an error: the fleet
 * check must not pass on the domains that happened to resolve.
 */
export async function resolveSite(
  site: { name: string; domains: string[] },
  geo: (ip: string) => string | null,
  resolve: (domain: string) => Promise<string[]> = async (d) => (await lookup(d, { all: true, verbatim: true })).map((a) => a.address),
): Promise<SiteFacts> {
  if (site.domains.length === 0) return { name: site.name };
  const resolved: Array<{ domain: string; address: string; country: string | null }> = [];
  for (const domain of site.domains) {
    let addresses: string[];
    try {
      addresses = await resolve(domain);
    } catch (e) {
      return { name: site.name, domains: site.domains, resolved: factError('not_found', `${domain}: ${(e as Error).message}`, `域名 ${domain} 无法解析：${(e as Error).message}`) };
    }
    for (const address of addresses) resolved.push({ domain, address, country: geo(address) });
  }
  return { name: site.name, domains: site.domains, resolved };
}
