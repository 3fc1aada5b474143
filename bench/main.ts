/**
 * Benchmarks: `npm run bench -- <name>`. Each prints its figures and a ratio against a baseline
 * measured in the same run (machines here are noisy). Never part of `npm test`.
 */
const benches: Record<string, () => Promise<void>> = {
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
};

const name = process.argv[2];
const b = name ? benches[name] : undefined;
if (!b) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}>\n`);
  process.exitCode = 2;
} else {
  await b();
}
