import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { have, median, timeCommand } from './stats.js';
import { knob, SMOKE } from './smoke.js';

/**
 * `gwsec audit --local` vs `lynis audit system --quick` on this machine, in the same run.
 * Targets (issue 3): ≥ 30× faster than Lynis and ≤ 1.5 s wall on 2 cores.
 */
export async function run(): Promise<void> {
  if (!have('lynis')) {
    if (SMOKE) throw new Error('lynis not found (apt-get install lynis)');
    process.stdout.write('lynis not found: installing it from Debian (apt-get install lynis)…\n');
    const r = spawnSync('sh', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lynis || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lynis)'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not install lynis');
  }
  const bin = join(packageRoot(), 'bin', 'gwsec.js');
  const gwRuns = knob('GWSEC_BENCH_RUNS', 7, 1);
  const lynisRuns = knob('LYNIS_BENCH_RUNS', 3, 1);
  // a whole Lynis audit takes 15-60 s here: the smoke run times `lynis show version` in its place
  const lynisArgs = SMOKE ? ['show', 'version'] : ['audit', 'system', '--quick', '--no-colors', '--no-log'];
  // one warm-up each so that both start from a warm page cache
  if (!SMOKE) timeCommand(process.execPath, [bin, 'audit', '--local', '--format', 'json']);
  const gw: number[] = [];
  const ly: number[] = [];
  // interleave so that a noisy neighbour hurts both sides alike
  for (let i = 0; i < Math.max(gwRuns, lynisRuns); i++) {
    if (i < gwRuns) gw.push(timeCommand(process.execPath, [bin, 'audit', '--local', '--format', 'json']).ms);
    if (i < lynisRuns) ly.push(timeCommand('lynis', lynisArgs).ms);
  }
  const g = median(gw);
  const l = median(ly);
  const lines = [
    `gwsec audit --local            median ${g.toFixed(0)} ms over ${gw.length} runs (min ${Math.min(...gw).toFixed(0)}, max ${Math.max(...gw).toFixed(0)})`,
    `lynis ${SMOKE ? 'show version (smoke)' : 'audit system --quick'}     median ${l.toFixed(0)} ms over ${ly.length} runs (min ${Math.min(...ly).toFixed(0)}, max ${Math.max(...ly).toFixed(0)})`,
    `ratio lynis / gwsec            ${(l / g).toFixed(1)}x   (target ≥ 30x)`,
    `gwsec wall                     ${g <= 1500 ? 'within' : 'OVER'} the 1.5 s target`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
