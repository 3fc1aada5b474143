import { createRequire } from 'node:module';
import { isPublicAddress, normaliseIp } from './address.js';

/**
 * Offline IP -> country. The default provider reads the GeoLite2-derived tables shipped inside the
 * npm package `geoip-country` (loaded from its own data/ folder, nothing downloaded). An operator
 * can plug another source (an .mmdb or ip2region .xdb reader) by implementing GeoProvider.
 */
export interface GeoProvider {
  readonly id: string; // e.g. "geoip-country@5.0.202609260156"
  /** ISO 3166-1 alpha-2 country code, or null when the address is not in the data. */
  country(ip: string): string | null;
}

interface GeoipCountryModule {
  lookup(ip: string): { country?: string } | null;
}

let loaded: { mod: GeoipCountryModule; version: string } | null = null;

function loadGeoipCountry(): { mod: GeoipCountryModule; version: string } {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    // The package loads its data synchronously at require time (~20 ms, ~8 MB); do it once, lazily.
    const mod = require('geoip-country') as GeoipCountryModule;
    const version = (require('geoip-country/package.json') as { version: string }).version;
    loaded = { mod, version };
  }
  return loaded;
}

export function geoipCountryProvider(): GeoProvider {
  const { mod, version } = loadGeoipCountry();
  return {
    id: `geoip-country@${version}`,
    country(ip) {
      const r = mod.lookup(ip);
      return r?.country ? r.country.toUpperCase() : null;
    },
  };
}

/** A fixed table, for tests and for operators who pin known addresses (e.g. a leased line). */
export function staticProvider(table: Record<string, string>, id = 'static'): GeoProvider {
  const norm = new Map(Object.entries(table).map(([ip, cc]) => [normaliseIp(ip) ?? ip, cc.toUpperCase()]));
  return { id, country: (ip) => norm.get(normaliseIp(ip) ?? ip) ?? null };
}

/** Providers tried in order; the first that knows the address answers. */
export function chainProviders(...providers: GeoProvider[]): GeoProvider {
  return {
    id: providers.map((p) => p.id).join('+'),
    country(ip) {
      for (const p of providers) {
        const c = p.country(ip);
        if (c) return c;
      }
      return null;
    },
  };
}

/**
 * The lookup derivers get (`DeriveEnv.geo`): normalises the address first (so ::ffff:a.b.c.d and
 * bracketed or zoned forms work) and answers null for anything that is not public unicast — a
 * private address has no country, and a provider's guess for one would be noise.
 */
export function geoLookup(provider: GeoProvider = geoipCountryProvider()): (ip: string) => string | null {
  return (ip) => {
    const n = normaliseIp(ip);
    if (n === null || !isPublicAddress(n)) return null;
    return provider.country(n);
  };
}
