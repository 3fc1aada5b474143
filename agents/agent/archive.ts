import type { AgentConfig } from './config.js';
import type { Events } from './events.js';
import type { LineRecord, Sink } from './pipeline.js';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Journal, prune, type Checkpoint } from '../../src/journal/index.js';
import { ANCHORS } from '../../src/journal/files.js';
import { loadOrCreateKey } from './key.js';

/**
 * The archive sink: the tamper-evident journal (segments, gzip, SM3 chain, SM2-signed checkpoints).
 * `write` resolving means fsync'd: only then do sources commit.
 */
export class ArchiveSink implements Sink {
  readonly name = 'archive';
  private journal?: Journal;
  /** The last checkpoint in full (the event below shortens the signature): what the reporter ships. */
  lastCheckpoint?: Checkpoint;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly now: () => Date,
    private readonly events: Events,
  ) {}

  async open(): Promise<void> {
    this.migrateAnchors();
    const signer = loadOrCreateKey(this.cfg);
    this.journal = await Journal.open(this.cfg.archive.dir, {
      segmentMaxBytes: this.cfg.archive.segment_max_bytes,
      segmentMaxAgeMs: this.cfg.archive.segment_max_age_s * 1000,
      signer,
      now: this.now,
      anchorsPath: this.cfg.archive.anchors_file,
    });
  }

  /**
   * An anchors.jsonl left inside the archive by an older version moves to the configured place
   * (outside the archive): lines the target lacks are appended durably, then the old file goes.
   */
  private migrateAnchors(): void {
    const old = join(this.cfg.archive.dir, ANCHORS);
    const target = this.cfg.archive.anchors_file!;
    if (old === target || !existsSync(old)) return;
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    const have = new Set(existsSync(target) ? readFileSync(target, 'utf8').split('\n').filter(Boolean) : []);
    const lines = readFileSync(old, 'utf8').split('\n').filter((l) => l.trim() && !have.has(l));
    if (lines.length) {
      const fd = openSync(target, 'a', 0o600);
      try {
        writeSync(fd, lines.join('\n') + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    unlinkSync(old);
    this.events.emit('AnchorsMigrated', { from: old, to: target, lines: lines.length });
  }

  get headSeq(): number {
    return this.journal?.head.seq ?? 0;
  }

  get headHash(): string {
    return this.journal?.head.hash ?? '';
  }

  async write(records: LineRecord[]): Promise<void> {
    if (!this.journal) throw Object.assign(new Error('archive is not open'), { code: 'ECLOSED' });
    await this.journal.append(records);
  }

  /** After a failed append: reopen (the journal recovers its own tail) until it works; the durable head. */
  async recover(stop: () => boolean = () => false): Promise<number> {
    await this.journal?.close().catch(() => undefined);
    this.journal = undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.open();
        return this.headSeq;
      } catch (e) {
        if (stop() && attempt > 0) throw e;
        this.events.emit('ArchiveWriteError', { stage: 'reopen', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  }

  async checkpoint(): Promise<Record<string, string | number>> {
    if (!this.journal) throw Object.assign(new Error('archive is not open'), { code: 'ECLOSED' });
    this.lastCheckpoint = await this.journal.checkpoint();
    const cp = this.lastCheckpoint as unknown as Record<string, unknown>;
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(cp ?? {})) if (typeof v === 'string' || typeof v === 'number') out[k] = k === 'signature' ? String(v).slice(0, 16) : v;
    return out;
  }

  async prune(retentionDays: number, now: Date): Promise<void> {
    try {
      const r = await prune(this.cfg.archive.dir, { retentionDays, now });
      if (r.deleted.length) this.events.emit('SegmentsPruned', { removed: r.deleted.length, oldest: r.deleted[0], retention_days: retentionDays });
    } catch (e) {
      this.events.emit('PruneSkipped', { error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
  }

  async healthcheck(): Promise<boolean> {
    return this.journal !== undefined;
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = undefined;
  }
}
