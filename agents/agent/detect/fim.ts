/**
 * File integrity of the web roots: chokidar events (fast) plus a periodic full SM3 scan (the safety
 * net: inotify drops events under load, on overflow, on some file systems). Every change is judged
 * against the last observed content, so an event seen twice (or a touch) is reported once. The
 * accepted state (`gwsec agent baseline`) is what the agent compares with when it starts: changes
 * made while it was down are reported then.
 */
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { createSm3 } from '../../../src/crypto/sm3.js';
import { fileEvent, type DetectEvent } from '../../../src/detect/event.js';

/** path → SM3 hex of the content. */
export type FileState = Map<string, string>;

/** Directories never watched or hashed (version control, dependency trees). */
const SKIP = new Set(['.git', '.svn', '.hg', 'node_modules']);

export function ignoredPath(p: string): boolean {
  return p.split(sep).some((s) => SKIP.has(s));
}

export async function hashFile(p: string): Promise<string | null> {
  return new Promise((resolve) => {
    const h = createSm3();
    const s = createReadStream(p, { highWaterMark: 256 * 1024 });
    s.on('data', (c) => h.update(c));
    s.on('error', () => resolve(null));
    s.on('end', () => resolve(h.digest('hex')));
  });
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (SKIP.has(n)) continue;
    const p = join(dir, n);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/** Hash every regular file under the roots (symlinks are not followed). */
export async function scanRoots(roots: string[]): Promise<FileState> {
  const files: string[] = [];
  for (const r of roots) walk(r, files);
  const state: FileState = new Map();
  for (const f of files) {
    const h = await hashFile(f);
    if (h !== null) state.set(f, h);
  }
  return state;
}

export function rootOf(roots: string[], p: string): string {
  return roots.find((r) => p === r || p.startsWith(r.endsWith(sep) ? r : r + sep)) ?? roots[0] ?? '/';
}

/** Differences from `before` to `after` as file events (pure). */
export function diffStates(roots: string[], before: FileState, after: FileState, time: number, seenBy: 'event' | 'baseline'): DetectEvent[] {
  const out: DetectEvent[] = [];
  for (const [p, h] of after) {
    const was = before.get(p);
    if (was !== h) out.push(fileEvent({ time, action: was === undefined ? 'added' : 'changed', path: p, root: rootOf(roots, p), sm3: h, seenBy }));
  }
  for (const p of before.keys()) if (!after.has(p)) out.push(fileEvent({ time, action: 'deleted', path: p, root: rootOf(roots, p), seenBy }));
  return out;
}

export function loadFileState(file: string): FileState | null {
  if (!existsSync(file)) return null;
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { version: number; files: Record<string, string> };
    return j.version === 1 ? new Map(Object.entries(j.files)) : null;
  } catch {
    return null;
  }
}

export function fileStateJson(roots: string[], s: FileState): string {
  return JSON.stringify({ version: 1, roots, files: Object.fromEntries([...s].sort((a, b) => a[0].localeCompare(b[0]))) });
}

/** Watches the roots; reports each real change once through `emit`. */
export class FileWatch {
  private watcher?: FSWatcher;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly roots: string[],
    private readonly observed: FileState,
    private readonly emit: (evs: DetectEvent[]) => void,
    private readonly now: () => Date,
    /** Called with the observed state after each reported change (the agent keeps it across restarts). */
    private readonly changed: (observed: FileState) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    if (!this.roots.length) return;
    const w = watch(this.roots, { ignoreInitial: true, followSymlinks: false, ignored: (p: string) => ignoredPath(p) });
    this.watcher = w;
    const on = (p: string) => this.schedule(p);
    w.on('add', on).on('change', on).on('unlink', on);
    w.on('error', () => undefined);
    await new Promise<void>((res) => w.once('ready', () => res()));
  }

  /** Events come in bursts (an editor writes, renames, chmods): judge the path once it settles a little. */
  private schedule(p: string): void {
    clearTimeout(this.pending.get(p));
    this.pending.set(
      p,
      setTimeout(() => {
        this.pending.delete(p);
        this.serial(() => this.check(p));
      }, 50),
    );
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(fn, fn);
    return this.chain;
  }

  private async check(p: string): Promise<void> {
    let h: string | null = null;
    try {
      if (lstatSync(p).isFile()) h = await hashFile(p);
    } catch {
      h = null;
    }
    const was = this.observed.get(p);
    if (h === (was ?? null)) return;
    const root = rootOf(this.roots, p);
    if (h === null) {
      this.observed.delete(p);
      this.emit([fileEvent({ time: this.now().getTime(), action: 'deleted', path: p, root, seenBy: 'event' })]);
    } else {
      this.observed.set(p, h);
      this.emit([fileEvent({ time: this.now().getTime(), action: was === undefined ? 'added' : 'changed', path: p, root, sm3: h, seenBy: 'event' })]);
    }
    this.changed(this.observed);
  }

  /** The periodic full scan: whatever the events missed. */
  rescan(): Promise<void> {
    return this.serial(async () => {
      const now = await scanRoots(this.roots);
      const evs = diffStates(this.roots, this.observed, now, this.now().getTime(), 'baseline');
      this.observed.clear();
      for (const [k, v] of now) this.observed.set(k, v);
      if (evs.length) {
        this.emit(evs);
        this.changed(this.observed);
      }
    });
  }

  async stop(): Promise<void> {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    await this.watcher?.close();
    await this.chain.catch(() => undefined);
  }
}
