import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

export const BIN = join(packageRoot(), 'bin', 'gwsec.js');

/** Run the real CLI as a user would (compiled JavaScript, a fresh process). */
export function gwsec(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string; ms: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C', NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}
