import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync, existsSync, unlinkSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { GwsecError } from '../../src/model/errors.js';

/**
 * Durable progress of the sources. Two files in state_dir:
 * - cursors.json: a snapshot of every source's cursors as of archive sequence `seq`
 *   (temp + fsync + rename + directory fsync);
 * - intent.log: one fsync'd JSON line per batch, written BEFORE the batch is appended to the archive:
 *   the archive sequence before it and how far it moves each source. After a crash, the archive's
 *   head sequence says how much of each logged batch is durable; exactly that much is applied.
 */
export interface Snapshot {
  version: 1;
  /** Archive head sequence the snapshot is consistent with. */
  seq: number;
  sources: Record<string, unknown>;
}

export interface IntentPart {
  source: string;
  lines: number;
  data: unknown;
}

export interface Intent {
  base: number;
  parts: IntentPart[];
}

/** State files are written crash-safe (temp + fsync + rename + directory fsync). */
import { processAlive as alive, writeFileAtomic as writeFileDurable } from '../../src/util/fs.js';
export { writeFileDurable };

export class StateStore {
  readonly snapshotPath: string;
  readonly intentPath: string;
  private intentFd = -1;
  private intentBytes = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.snapshotPath = join(dir, 'cursors.json');
    this.intentPath = join(dir, 'intent.log');
  }

  loadSnapshot(): Snapshot | null {
    if (!existsSync(this.snapshotPath)) return null;
    try {
      const s = JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
      if (s.version !== 1 || typeof s.seq !== 'number') throw new Error('unknown snapshot version');
      return s;
    } catch (e) {
      throw new GwsecError(
        'agent_state_error',
        {
          en: `cursor snapshot unreadable: ${(e as Error).message} (move it away to start over: the archive's duplicates then show)`,
          zh: `游标快照无法读取：${(e as Error).message}（如需从头开始，请将其移走；归档中的重复记录届时可见）`,
        },
        { file: this.snapshotPath },
        'user',
      );
    }
  }

  /** Intents in order; a torn last line (crash before its fsync) was never acted on and is ignored. */
  loadIntents(): Intent[] {
    if (!existsSync(this.intentPath)) return [];
    const out: Intent[] = [];
    for (const l of readFileSync(this.intentPath, 'utf8').split('\n')) {
      if (!l) continue;
      try {
        out.push(JSON.parse(l) as Intent);
      } catch {
        break;
      }
    }
    return out;
  }

  saveSnapshot(s: Snapshot): void {
    writeFileDurable(this.snapshotPath, JSON.stringify(s));
    // Only once the snapshot is durable may the intents it covers go.
    this.openIntent();
    ftruncateSync(this.intentFd, 0);
    fsyncSync(this.intentFd);
    this.intentBytes = 0;
  }

  appendIntent(i: Intent): void {
    this.openIntent();
    const line = JSON.stringify(i) + '\n';
    // Positional write at our own length: a failed (ENOSPC) write leaves no half line before the next.
    try {
      const b = Buffer.from(line);
      let done = 0;
      while (done < b.length) done += writeSync(this.intentFd, b, done, b.length - done, this.intentBytes + done);
      fsyncSync(this.intentFd);
    } catch (e) {
      try {
        ftruncateSync(this.intentFd, this.intentBytes);
      } catch {
        /* the next open trims the torn tail */
      }
      throw e;
    }
    this.intentBytes += Buffer.byteLength(line);
  }

  get intentSize(): number {
    return this.intentBytes;
  }

  private openIntent(): void {
    if (this.intentFd >= 0) return;
    if (!existsSync(this.intentPath)) closeSync(openSync(this.intentPath, 'w', 0o600));
    // Not O_APPEND: positional writes must land where we say.
    this.intentFd = openSync(this.intentPath, 'r+');
    const size = fstatSync(this.intentFd).size;
    // Drop a torn tail so appends start on a line boundary.
    const text = size ? readFileSync(this.intentPath, 'utf8') : '';
    const good = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1));
    if (good !== size) ftruncateSync(this.intentFd, good);
    this.intentBytes = good;
  }

  close(): void {
    if (this.intentFd >= 0) closeSync(this.intentFd);
    this.intentFd = -1;
  }
}

/** One agent per state directory: a pid lock (a dead owner's lock, e.g. after kill -9, is taken over). */
export function acquireLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'agent.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new GwsecError('agent_locked', { en: `another agent (pid ${pid}) runs on this state directory`, zh: `另一个 agent 进程（pid ${pid}）正在使用该状态目录` }, { file: path });
      }
      try {
        unlinkSync(path);
      } catch {
        /* raced with another starter */
      }
    }
  }
  throw new GwsecError('agent_locked', { en: `cannot take the lock ${path}`, zh: `无法获取锁文件 ${path}` }, { file: path });
}

