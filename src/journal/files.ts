import { processAlive } from '../util/fs.js';
/**
 * Archive directory layout and crash-safe file helpers.
 *
 *   seg-<first seq, 16 digits>.jnl      the open segment (or a sealed one awaiting compression)
 *   seg-<first seq, 16 digits>.jnl.gz   closed segments
 *   meta.json                           format and signing keys (temp + fsync + rename)
 *   checkpoints.jsonl                   signed checkpoints (the archive's copy)
 *   anchors.jsonl                       the same checkpoints, to ship off-host
 *   pruned.jsonl                        where pruning cut the chain
 *   quarantine/                         torn tails cut off on reopen, kept for inspection
 */
import { open, readdir, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const META = 'meta.json';
export const CHECKPOINTS = 'checkpoints.jsonl';
export const ANCHORS = 'anchors.jsonl';
export const PRUNED = 'pruned.jsonl';
export const LOCK = 'journal.lock';
export const QUARANTINE = 'quarantine';

const SEGMENT_RE = /^seg-(\d{16})\.jnl(\.gz)?$/;

export interface SegmentFile {
  name: string;
  firstSeq: number;
  gz: boolean;
}

export function segmentName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(16, '0')}.jnl`;
}

/** Segments in seq order; a plain file that also exists compressed is left out (gz wins). */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = await readdir(dir);
  const byName = new Map<string, SegmentFile>();
  for (const name of names) {
    const m = SEGMENT_RE.exec(name);
    if (!m) continue;
    const s = { name, firstSeq: Number(m[1]), gz: Boolean(m[2]) };
    const key = m[1]!;
    const prev = byName.get(key);
    if (!prev || s.gz) byName.set(key, s);
  }
  return [...byName.values()].sort((a, b) => a.firstSeq - b.firstSeq);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** temp + fsync + rename + fsync(dir): readers see the old file or the new one, never half. */
export async function writeFileDurable(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await fsyncDir(dir);
}

/** Appends whole lines and fsyncs before returning. */
export async function appendDurable(path: string, data: string): Promise<void> {
  const fh = await open(path, 'a', 0o600);
  let created: boolean;
  try {
    await fh.write(data);
    await fh.datasync();
    created = (await fh.stat()).size === Buffer.byteLength(data);
  } finally {
    await fh.close();
  }
  if (created) await fsyncDir(dirname(path)); // a new file's name must survive a crash too
}

/** Cuts a torn last line (a crash mid-append) so the next append starts on a line boundary. */
export async function repairJsonl(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return;
  }
  if (size === 0) return;
  const fh = await open(path, 'r');
  let keep = 0;
  try {
    const tailLen = Math.min(size, 1 << 16);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    if (tail[tailLen - 1] === 0x0a) return;
    const nl = tail.lastIndexOf(0x0a);
    keep = nl < 0 ? size - tailLen : size - tailLen + nl + 1;
  } finally {
    await fh.close();
  }
  await truncate(path, keep);
}

/** Parsed JSON lines; unparsable lines are returned by index for the caller to judge. */
export async function readJsonl<T>(path: string): Promise<{ items: T[]; bad: number[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { items: [], bad: [] };
    throw e;
  }
  const items: T[] = [];
  const bad: number[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    try {
      items.push(JSON.parse(l) as T);
    } catch {
      // A torn last line is a crash artefact, not damage.
      if (i !== lines.length - 1) bad.push(i + 1);
    }
  });
  return { items, bad };
}


const openHere = new Set<string>();

/**
 * One writer per archive: a pid lock file, taken over when its owner is gone (kill -9). A lock
 * holding our own pid is stale unless this process has the archive open (containers reuse pids).
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK);
  if (openHere.has(path)) throw Object.assign(new Error(`archive ${dir} is already open in this process`), { code: 'ELOCKED' });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      openHere.add(path);
      return async () => {
        openHere.delete(path);
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && processAlive(pid)) return Promise.reject(Object.assign(new Error(`archive ${dir} is in use by process ${pid}`), { code: 'ELOCKED' }));
      await rm(path, { force: true });
    }
  }
  throw Object.assign(new Error(`cannot lock archive ${dir}`), { code: 'ELOCKED' });
}
