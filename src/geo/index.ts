export { classifyAddress, ipFamily, isPublicAddress, normaliseIp, type AddressScope } from './address.js';
export { chainProviders, geoipCountryProvider, geoLookup, staticProvider, type GeoProvider } from './provider.js';
