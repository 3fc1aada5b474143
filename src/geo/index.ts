export { classifyAddress, normaliseIp } from './address.js';
export { chainProviders, geoipCountryProvider, geoLookup, staticProvider } from './provider.js';
