import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript } from '../src/collectors/script.js';
import { collectors } from '../src/audit/registry.js';
import { have } from './stats.js';
import { SMOKE } from './smoke.js';

/**
 * Hostile-host costs of the collection script (issue 19), on this machine through a real sh:
 *  - a 2 GB sparse file (no newline) read by the script vs. the same file framed the way the script
 *    did before (awk getline on the whole file): wall time and peak RSS (/usr/bin/time -f %M), ratio;
 *  - processes per collection run of every collector's requests (strace -f forks + the shell).
 */
export async function run(): Promise<void> {
  if (!have('/usr/bin/time')) throw new Error('bench traps needs /usr/bin/time (apt-get install time)');
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-bench-traps-'));
  try {
    const huge = join(dir, 'huge');
    writeFileSync(huge, '');
    const label = SMOKE ? '64 MiB' : '2 GB'; // the smoke run: the same code path on a smaller file
    truncateSync(huge, SMOKE ? 64 * 1024 ** 2 : 2 * 1024 ** 3);
    const { script } = buildScript([{ kind: 'file', path: huge }]);
    const gw = timed(['sh', '-s'], script);
    // the baseline: what one awk getline over the file costs (the previous flush), cut at 4 MiB as it was
    const naive = timed(['sh', '-c', `awk '{ print; n += length($0) + 1; if (n > 4194304) exit }' '${huge}' | head -c 4194304 >/dev/null`], '');
    const lines = [
      `${label} sparse file, collection script: ${gw.s.toFixed(2)} s, peak RSS ${(gw.kib / 1024).toFixed(1)} MiB`,
      `${label} sparse file, awk getline (baseline): ${naive.s.toFixed(2)} s, peak RSS ${(naive.kib / 1024).toFixed(1)} MiB`,
      `ratio: ${(naive.kib / gw.kib).toFixed(0)}× less memory, ${(naive.s / Math.max(gw.s, 0.01)).toFixed(0)}× faster`,
    ];
    if (have('strace')) {
      const all = buildScript(collectors.flatMap((c) => c.requests)).script;
      const out = join(dir, 'strace');
      spawnSync('strace', ['-f', '-qq', '-e', 'trace=clone,clone3,fork,vfork', '-o', out, 'sh', '-s'], { input: all, maxBuffer: 1 << 28 });
      const forks = readFileSync(out, 'utf8').split('\n').filter((l) => /(clone3?|v?fork)\(.*= \d+$/.test(l) && !/CLONE_THREAD/.test(l)).length;
      lines.push(`processes per collection run (${collectors.flatMap((c) => c.requests).length} requests): ${forks + 1}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timed(argv: string[], input: string): { s: number; kib: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'timeout', '300', ...argv], { input, maxBuffer: 1 << 30 });
  const [s, kib] = r.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number);
  return { s: s!, kib: kib! };
}
