/**
 * Benchmarks: `npm run bench -- <name>`. Each prints its figures and a ratio against a baseline
 * measured in the same run (machines here are noisy). Never part of `npm test`; the registry is
 * bench/registry.ts, and GWSEC_BENCH_SMOKE=1 runs any of them in a tiny mode (bench/smoke.ts).
 */
import { benches } from './registry.js';

const name = process.argv[2];
const b = name ? benches[name] : undefined;
if (!b) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}>\n`);
  process.exitCode = 2;
} else {
  await b();
}
