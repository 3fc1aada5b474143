/**
 * Every benchmark, by the name `npm run bench -- NAME` takes. test/bench/smoke.test.ts runs each
 * in its tiny mode (GWSEC_BENCH_SMOKE=1) and fails when one here has no smoke expectations.
 */
export const benches: Record<string, () => Promise<void>> = {
  'audit-local': async () => (await import('./audit-local.js')).run(),
  crypto: async () => (await import('./crypto.js')).run(),
  verify: async () => (await import('./verify.js')).run(),
  fleet: async () => (await import('./fleet.js')).run(),
  agent: async () => (await import('./agent.js')).run(),
  webattacks: async () => void (await (await import('./webattacks.js')).run()),
  detect: async () => (await import('./detect.js')).run(),
  collector: async () => (await import('./collector.js')).run(),
  'agent-reporting': async () => (await import('./agent-reporting.js')).run(),
  'collector-queries': async () => (await import('./collector-queries.js')).run(),
  traps: async () => (await import('./traps.js')).run(),
  'host-snapshots': async () => (await import('./host-snapshots.js')).run(),
};
