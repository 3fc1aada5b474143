import { appendFileSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvents, type Events } from '../../../agents/agent/events.js';
import type { Source } from '../../../agents/agent/pipeline.js';
import { FileSource } from '../../../agents/agent/sources/file.js';
import type { FileSourceConfig } from '../../../agents/agent/config.js';

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
