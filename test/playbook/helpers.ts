import type { ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/app/io.js';
import { packageRoot } from '../../src/util/paths.js';

export async function tempDir(t: ExecutionContext, prefix = 'gwsec-incident-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An Io that records output; `now` can be moved by the test. */
export function captureIo(now = () => new Date()): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => void stdout.push(s), err: (s) => void stderr.push(s), env: { USER: 'tester' }, isTTY: false, now };
}

export const drillFile = (id: string): string => join(packageRoot(), 'playbooks', 'drills', `${id}.yaml`);

export function runOptions(o: Partial<import('../../src/app/playbook.js').RunOptions> & { incidents: string }): import('../../src/app/playbook.js').RunOptions {
  return { lang: 'en', drill: true, vars: [], local: true, format: 'text', ...o };
}
