import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { OWN_NETNS } from './netns.js';

export const BIN = join(packageRoot(), 'bin', 'gwsec.js');

/**
 * Run the real CLI as a user would (compiled JavaScript, a fresh process). `ownNetns`: in a network
 * namespace of its own, for a local audit whose result must not depend on what else listens here.
 */
export function gwsec(args: string[], env: Record<string, string> = {}, o: { ownNetns?: boolean } = {}): { code: number; stdout: string; stderr: string; ms: number } {
  const started = performance.now();
  const argv = [process.execPath, BIN, ...args];
  if (o.ownNetns) argv.unshift(...OWN_NETNS);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, LANG: 'C', NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}
