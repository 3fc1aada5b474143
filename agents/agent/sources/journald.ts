import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { JournaldSourceConfig } from '../config.js';
import type { LineRecord, Source, SourceBatch, SourceContext, SourcePart, SourceStatus } from '../pipeline.js';

export interface JournaldState {
  cursor?: string;
  /** Entries after `cursor` already archived (a torn batch): dropped when read again. */
  skip?: number;
}

interface Entry {
  line: string;
  cursor: string;
  bytes: number;
}

interface PartData {
  before: JournaldState;
  last: string;
  /** Live batches only (the intent log keeps just before/last): the cursor of each record. */
  cursors?: string[];
}

/** Queue limit: above it journalctl's pipe is paused, so the kernel holds it back (bounded memory). */
const QUEUE_MAX_BYTES = 8 * 1024 * 1024;

/** One journal entry as a classic syslog line (short-iso), which is what an investigator reads. */
export function renderEntry(e: Record<string, unknown>): string | null {
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : Array.isArray(v) ? Buffer.from(v as number[]).toString('utf8') : undefined;
  const msg = text(e.MESSAGE);
  if (msg === undefined) return null;
  const us = Number(text(e.__REALTIME_TIMESTAMP));
  const when = Number.isFinite(us) ? new Date(Math.floor(us / 1000)).toISOString() : '-';
  const host = text(e._HOSTNAME) ?? '-';
  const ident = text(e.SYSLOG_IDENTIFIER) ?? text(e._COMM) ?? 'unknown';
  const pid = text(e._PID);
  return `${when} ${host} ${ident}${pid ? `[${pid}]` : ''}: ${msg}`;
}

/**
 * journald via `journalctl -f -o json --after-cursor C`. Entries of the agent itself are left out
 * (its own events would otherwise feed back). Without journalctl the source reports itself
 * unavailable and stays idle; the other sources run on.
 */
export class JournaldSource implements Source {
  readonly kind = 'journald' as const;
  readonly format = 'syslog' as const;
  readonly name: string;
  private ctx!: SourceContext;
  private committed: JournaldState = {};
  private queue: Entry[] = [];
  private queued = 0;
  private child?: ChildProcess;
  private available = false;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly cfg: JournaldSourceConfig) {
    this.name = cfg.name;
  }

  async start(state: unknown, ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.committed = { ...((state as JournaldState | null) ?? {}) };
    const probe = spawnSync(this.cfg.journalctl, ['--version'], { encoding: 'utf8', timeout: 5000 });
    if (probe.error || probe.status !== 0) {
      ctx.events.emit('SourceUnavailable', { source: this.name, kind: 'journald', reason: probe.error ? `${this.cfg.journalctl} not found` : `journalctl --version exited ${probe.status}` });
      return;
    }
    this.available = true;
    ctx.events.emit('SourceStarted', { source: this.name, kind: 'journald', cursor: this.committed.cursor ?? '' });
  }

  private spawn(): void {
    if (this.stopped) return;
    const args = ['-f', '-o', 'json', '--no-pager'];
    if (this.cfg.directory) args.push('--directory', this.cfg.directory);
    // -f alone shows only the last 10 entries, even after --after-cursor: a backlog of more than 10
    // (an agent restart) would be skipped. --no-tail reads everything after the cursor.
    if (this.committed.cursor) args.push('--after-cursor', this.committed.cursor, '--no-tail');
    else if (this.cfg.start_at === 'beginning') args.push('--no-tail');
    else args.push('-n', '0');
    const child = spawn(this.cfg.journalctl, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child = child;
    // Entries the queue holds are uncommitted: a restart begins after the committed cursor again.
    this.queue = [];
    this.queued = 0;
    let toSkip = this.committed.skip ?? 0;
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(l) as Record<string, unknown>;
      } catch {
        return;
      }
      const cursor = typeof e.__CURSOR === 'string' ? e.__CURSOR : undefined;
      if (!cursor) return;
      if (toSkip > 0) {
        toSkip--;
        this.committed = { cursor, skip: 0 };
        this.ctx.events.count('DuplicateLinesDropped', 1);
        return;
      }
      if (e._PID === String(process.pid) || e._SYSTEMD_UNIT === 'gwsec-agent.service') {
        // Our own log lines: never archive them (feedback loop), but move past them once committed.
        this.queue.push({ line: '', cursor, bytes: 0 });
        return;
      }
      const line = renderEntry(e);
      if (line === null) return;
      const bytes = Buffer.byteLength(line) + 1;
      this.queue.push({ line, cursor, bytes });
      this.queued += bytes;
      if (this.queued > QUEUE_MAX_BYTES) child.stdout!.pause();
      this.ctx.wake();
    });
    child.on('error', () => undefined);
    child.on('exit', (code) => {
      if (this.stopped || this.child !== child) return;
      this.ctx.events.emit('SourceUnavailable', { source: this.name, kind: 'journald', reason: `journalctl exited ${code}; restarting in 5 s` });
      this.restartTimer = setTimeout(() => this.spawn(), 5000);
      this.restartTimer.unref();
    });
  }

  async poll(maxBytes: number): Promise<SourceBatch | null> {
    // Started on the first poll, after crash recovery has settled the committed cursor.
    if (this.available && !this.child && !this.stopped) this.spawn();
    if (!this.queue.length) return null;
    const records: LineRecord[] = [];
    const cursors: string[] = [];
    let bytes = 0;
    let n = 0;
    for (const e of this.queue) {
      if (bytes >= maxBytes) break;
      n++;
      bytes += e.bytes;
      if (e.line === '') {
        // A skipped own entry: carried as a position only when no real line follows in the batch.
        continue;
      }
      records.push({ source: this.name, line: e.line });
      cursors.push(e.cursor);
    }
    const last = this.queue[n - 1]!.cursor;
    if (cursors.length === 0) {
      // Only our own entries: advance past them without archiving anything.
      this.queue.splice(0, n);
      this.committed = { cursor: last, skip: 0 };
      return null;
    }
    this.ctx.events.emit('JournaldEntriesRead', { source: this.name, lines: records.length, bytes });
    const before = { ...this.committed };
    return {
      records,
      bytes,
      more: n < this.queue.length,
      parts: [{ source: this.name, lines: records.length, data: { before, last, cursors } satisfies PartData, intent: { before, last } satisfies PartData }],
    };
  }

  commit(part: SourcePart, archived: number): void {
    const d = part.data as PartData;
    if (archived >= part.lines) this.committed = { cursor: d.last, skip: 0 };
    else if (archived > 0 && d.cursors) this.committed = { cursor: d.cursors[archived - 1], skip: 0 };
    else this.committed = { ...d.before, skip: (d.before.skip ?? 0) + archived };
    // Drop what is now committed from the live queue.
    if (this.committed.cursor) {
      const i = this.queue.findIndex((e) => e.cursor === this.committed.cursor);
      if (i >= 0) {
        for (const e of this.queue.splice(0, i + 1)) this.queued -= e.bytes;
        if (this.queued <= QUEUE_MAX_BYTES / 2) this.child?.stdout?.resume();
      }
    }
  }

  snapshot(): JournaldState {
    return { ...this.committed };
  }

  async status(): Promise<SourceStatus> {
    return { name: this.name, kind: 'journald', available: this.available, cursor: this.committed.cursor, lag: this.queued };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.child?.kill('SIGTERM');
  }
}
