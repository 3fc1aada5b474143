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
import { CONTENT_HEAD, CONTENT_TAIL, decodePage, PAGE_EXTS, pageFields, pageMarkers } from '../../../src/detect/content.js';
import { fileEvent, type DetectEvent } from '../../../src/detect/event.js';

/** path → SM3 hex of the content. */
export type FileState = Map<string, string>;

/**
 * path → markers of injected content (src/detect/content.ts) its last seen version carried; only
 * pages with some (most have none, so this stays small). Kept when a rule reads page content.
 */
export type PageMarks = Map<string, string[]>;

/** Counts what the content reading skipped (binary pages): Events.count. */
export type Counter = (name: string, n?: number) => void;

const extOf = (p: string): string => {
  const base = p.slice(p.lastIndexOf(sep) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
};

/** A page whose content a rule may read (by extension). */
export const isPage = (p: string): boolean => PAGE_EXTS.has(extOf(p));

/**
 * The file's SM3 and, for a page, its text: the first CONTENT_HEAD and last CONTENT_TAIL bytes (the
 * whole text when it is no longer), taken from the same read that hashes it. A page with a NUL in
 * its head is binary: no text, `binary` set. Memory: at most two read chunks and the head.
 */
export async function readFileFacts(p: string, text: boolean): Promise<{ sm3: string; text?: string; binary?: boolean } | null> {
  return new Promise((resolve) => {
    const h = createSm3();
    const s = createReadStream(p, { highWaterMark: 256 * 1024 });
    let head: Buffer | undefined;
    let prev: Buffer | undefined;
    let last: Buffer | undefined;
    let size = 0;
    s.on('data', (chunk) => {
      const c = chunk as Buffer;
      h.update(c);
      if (!text) return;
      if (size < CONTENT_HEAD) head = head ? Buffer.concat([head, c.subarray(0, CONTENT_HEAD - size)]) : Buffer.from(c.subarray(0, CONTENT_HEAD));
      size += c.length;
      prev = last;
      last = c;
    });
    s.on('error', () => resolve(null));
    s.on('end', () => {
      const sm3 = h.digest('hex');
      if (!text) return resolve({ sm3 });
      if (!head) return resolve({ sm3, text: '' }); // an empty page
      if (head.includes(0)) return resolve({ sm3, binary: true });
      if (size <= CONTENT_HEAD + CONTENT_TAIL) {
        const all = prev ? Buffer.concat([prev, last!]) : last!;
        return resolve({ sm3, text: decodePage(all.subarray(Math.max(0, all.length - size))) });
      }
      const end = prev ? Buffer.concat([prev, last!]) : last!;
      resolve({ sm3, text: decodePage(head, end.subarray(Math.max(0, end.length - CONTENT_TAIL))) });
    });
  });
}

/** Directories never watched or hashed (version control, dependency trees). */
const SKIP = new Set(['.git', '.svn', '.hg', 'node_modules']);

export function ignoredPath(p: string): boolean {
  return p.split(sep).some((s) => SKIP.has(s));
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

/**
 * Hash every regular file under the roots (symlinks are not followed). With `pages`, the markers of
 * every page's content are put there too (pages with none are left out), from the same read.
 */
export async function scanRoots(roots: string[], o: { pages?: PageMarks; count?: Counter } = {}): Promise<FileState> {
  const files: string[] = [];
  for (const r of roots) walk(r, files);
  const state: FileState = new Map();
  for (const f of files) {
    const page = o.pages !== undefined && isPage(f);
    const r = await readFileFacts(f, page);
    if (r === null) continue;
    state.set(f, r.sm3);
    if (r.binary) o.count?.('FimContentSkipped');
    if (r.text === undefined) continue;
    const m = pageMarkers(r.text, extOf(f)).markers;
    if (m.length) o.pages!.set(f, m);
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

export function fileStateJson(roots: string[], s: FileState, pages?: PageMarks): string {
  const marks = pages?.size ? { marks: Object.fromEntries([...pages].sort((a, b) => a[0].localeCompare(b[0]))) } : {};
  return JSON.stringify({ version: 1, roots, files: Object.fromEntries([...s].sort((a, b) => a[0].localeCompare(b[0]))), ...marks });
}

/** The page markers saved beside a file state (none when the file has none or is unreadable). */
export function loadPageMarks(file: string): PageMarks {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { marks?: Record<string, unknown> };
    const out: PageMarks = new Map();
    for (const [k, v] of Object.entries(j.marks ?? {})) if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out.set(k, v as string[]);
    return out;
  } catch {
    return new Map();
  }
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
    /** Page content on (some rule reads it): the markers of the pages as last seen, and a counter. */
    private readonly content?: { pages: PageMarks; count?: Counter },
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
    let r: Awaited<ReturnType<typeof readFileFacts>> = null;
    try {
      if (lstatSync(p).isFile()) r = await readFileFacts(p, this.content !== undefined && isPage(p));
    } catch {
      r = null;
    }
    const h = r?.sm3 ?? null;
    const was = this.observed.get(p);
    if (h === (was ?? null)) return;
    const root = rootOf(this.roots, p);
    if (h === null) {
      this.observed.delete(p);
      this.content?.pages.delete(p);
      this.emit([fileEvent({ time: this.now().getTime(), action: 'deleted', path: p, root, seenBy: 'event' })]);
    } else {
      this.observed.set(p, h);
      this.emit([fileEvent({ time: this.now().getTime(), action: was === undefined ? 'added' : 'changed', path: p, root, sm3: h, seenBy: 'event', page: this.page(p, r!) })]);
    }
    this.changed(this.observed);
  }

  /** A page's fields against its previous markers, which it then replaces (null for a non-page or binary). */
  private page(p: string, r: { text?: string; binary?: boolean }): ReturnType<typeof pageFields> | undefined {
    if (!this.content) return undefined;
    if (r.binary) this.content.count?.('FimContentSkipped');
    if (r.text === undefined) {
      this.content.pages.delete(p); // binary now: its old markers no longer describe it
      return undefined;
    }
    const f = pageFields(r.text, extOf(p), this.content.pages.get(p));
    if (f.markers.length) this.content.pages.set(p, f.markers);
    else this.content.pages.delete(p);
    return f;
  }

  /** The periodic full scan: whatever the events missed. */
  rescan(): Promise<void> {
    return this.serial(async () => {
      const now = await scanRoots(this.roots);
      const evs = diffStates(this.roots, this.observed, now, this.now().getTime(), 'baseline');
      // Pages the scan found changed are read once more for their content (few; the scan keeps no text).
      if (this.content)
        for (let i = 0; i < evs.length; i++) {
          const f = evs[i]!.fields;
          const p = f['file.path'] as string;
          if (f['file.action'] === 'deleted') this.content.pages.delete(p);
          else if (isPage(p)) {
            const r = await readFileFacts(p, true);
            if (r && r.sm3 === f['file.sm3']) evs[i] = fileEvent({ time: evs[i]!.time, action: f['file.action'] as 'added' | 'changed', path: p, root: f['file.root'] as string, sm3: r.sm3, seenBy: 'baseline', page: this.page(p, r) });
          }
        }
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
