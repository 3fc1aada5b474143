import { spawnSync } from 'node:child_process';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall time of one command in ms (stdout/stderr discarded); throws when it cannot run. */
export function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; code: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'ignore', env });
  if (r.error) throw r.error;
  return { ms: performance.now() - t0, code: r.status ?? -1 };
}

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
