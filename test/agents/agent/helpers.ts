import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { BIN } from '../../helpers/cli.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvents, type Events } from '../../../agents/agent/events.js';
import type { Source } from '../../../agents/agent/pipeline.js';
import { FileSource } from '../../../agents/agent/sources/file.js';
import type { FileSourceConfig } from '../../../agents/agent/config.js';
import { scaled } from '../../helpers/time.js';
import { readStatus, type AgentStatus } from '../../../agents/agent/status.js';

export const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `gwsec-agent-${tag}-`));

export function quietEvents(): Events {
  return createEvents({ silent: true });
}

export function fileSource(path: string, extra: Partial<FileSourceConfig> = {}): FileSource {
  return new FileSource({ type: 'file', name: 'test', path, format: 'raw', start_at: 'beginning', max_line_bytes: 1024 * 1024, ...extra });
}

/** A sink that acknowledges at once: poll until nothing is left, committing each batch. */
export async function drain(s: Source, out: string[], maxBytes = 1 << 20): Promise<number> {
  let n = 0;
  for (;;) {
    const b = await s.poll(maxBytes);
    if (!b) return n;
    for (const r of b.records) out.push(r.line);
    for (const p of b.parts) s.commit(p, p.lines);
    n += b.records.length;
    if (b.records.length === 0 && b.bytes === 0) return n;
  }
}

/** Lines lost (expected but absent) and duplicated (present more than once). */
export function diff(expected: string[], got: string[]): { lost: string[]; dup: string[]; extra: string[] } {
  const seen = new Map<string, number>();
  for (const g of got) seen.set(g, (seen.get(g) ?? 0) + 1);
  const want = new Set(expected);
  return {
    lost: expected.filter((e) => !seen.has(e)),
    dup: [...seen].filter(([, n]) => n > 1).map(([l]) => l),
    extra: got.filter((g) => !want.has(g)),
  };
}

/**
 * A log writer that rotates like logrotate: `rename` (.1 … .keep shifted, then a new file) or
 * `copytruncate` (copied to .1, then truncated in place). Lines are unique and numbered.
 */
export class RotatingWriter {
  readonly lines: string[] = [];
  rotations = 0;
  private n = 0;

  constructor(
    readonly path: string,
    readonly keep = 50,
    readonly pad = '',
  ) {}

  write(k: number): void {
    let s = '';
    for (let i = 0; i < k; i++) {
      const l = `line ${String(++this.n).padStart(8, '0')} ${this.pad}`;
      this.lines.push(l);
      s += l + '\n';
    }
    appendFileSync(this.path, s);
  }

  private shift(): void {
    const p = (i: number) => `${this.path}.${i}`;
    if (existsSync(p(this.keep))) unlinkSync(p(this.keep));
    for (let i = this.keep - 1; i >= 1; i--) if (existsSync(p(i))) renameSync(p(i), p(i + 1));
  }

  rotate(mode: 'rename' | 'copytruncate'): void {
    if (!existsSync(this.path)) return;
    this.shift();
    if (mode === 'rename') {
      renameSync(this.path, `${this.path}.1`);
      writeFileSync(this.path, '');
    } else {
      copyFileSync(this.path, `${this.path}.1`);
      truncateSync(this.path, 0);
    }
    this.rotations++;
  }
}

export const rm = (d: string) => rmSync(d, { recursive: true, force: true });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Write an agent config (YAML) into dir and return its path. */
export function writeConfig(dir: string, body: Record<string, unknown>): string {
  const f = join(dir, 'agent.yaml');
  writeFileSync(f, JSON.stringify({ retention_days: 180, checkpoint_interval_s: 2, status_interval_s: 0.2, poll_interval_ms: 100, ...body }, null, 1));
  return f;
}

/** The real agent, as systemd runs it: `gwsec agent run -c FILE` in its own process. */
export function spawnAgent(config: string): { child: ChildProcess; out: () => string; exited: Promise<number | null>; started: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'agent', 'run', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let onStart: () => void = () => {};
  // AgentStarted comes after the SIGTERM handler is in place: a stop sent before it kills the process.
  const started = new Promise<void>((r) => (onStart = r));
  const take = (d: Buffer) => {
    out += d.toString();
    if (out.includes('"AgentStarted"')) onStart();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((r) => child.on('exit', (code, sig) => r(sig ? -1 : code)));
  return { child, out: () => out, exited, started };
}

export function events(out: string): Array<Record<string, unknown>> {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The agent's status through its own reader (any version it writes), or null before the first write. */
export function readStatusFile(stateDir: string): AgentStatus | null {
  try {
    return readStatus(stateDir);
  } catch {
    return null;
  }
}

/** Wait until the archive head reaches n records (from the agent's status file); timeoutMs is nominal (scaled). */
export async function waitForHead(stateDir: string, n: number, timeoutMs = 30000): Promise<number> {
  const until = Date.now() + scaled(timeoutMs);
  let head = -1;
  while (Date.now() < until) {
    head = readStatusFile(stateDir)?.archive.headSeq ?? -1;
    if (head >= n) return head;
    await sleep(50);
  }
  return head;
}

export async function archivedLines(archive: string, source?: string): Promise<string[]> {
  const { readRecords } = await import('../../../src/journal/index.js');
  const out: string[] = [];
  for await (const r of readRecords(archive, { source })) out.push(r.line);
  return out;
}

/**
 * A small ext4 file system of the test's own (a loop-mounted image in a temp dir), for tests that
 * need the file system to reuse a freed inode: ext4 hands the lowest free one back at once, and no
 * other process creates files there (in /tmp, other suites took it first). tmpfs never reuses
 * inode numbers. Unmounted and removed by `release`; `{ error }` says why when it cannot be made.
 */
export function privateExt4(tag: string): { dir: string; release: () => void } | { error: string } {
  const base = tmp(tag);
  const img = join(base, 'fs.img');
  const dir = join(base, 'mnt');
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
  writeFileSync(img, '');
  truncateSync(img, 16 * 1024 * 1024);
  const mk = run('mkfs.ext4', ['-q', '-F', img]);
  if (mk.status !== 0) return { error: `mkfs.ext4: ${mk.error?.message ?? mk.stderr.trim()}` };
  mkdirSync(dir);
  const m = run('mount', ['-o', 'loop', img, dir]);
  if (m.status !== 0) {
    rmSync(base, { recursive: true, force: true });
    return { error: `mount -o loop: ${m.error?.message ?? m.stderr.trim()}` };
  }
  return {
    dir,
    release: () => {
      run('umount', ['-l', dir]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Test teardown: detach the tmpfs mounts a test made (lazily: a process may still hold a file there). */
export function unmountLazily(mounts: string[]): void {
  for (const m of mounts) {
    try {
      spawnSync('umount', ['-l', m]);
    } catch {
      /* already unmounted */
    }
  }
}
