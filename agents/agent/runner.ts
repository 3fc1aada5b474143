import { statfsSync } from 'node:fs';
import type { AgentConfig } from './config.js';
import { createEvents, type Events } from './events.js';
import type { Detector, DetectorLine, LineRecord, Source, SourceBatch, SourcePart } from './pipeline.js';
import { FileSource } from './sources/file.js';
import { JournaldSource } from './sources/journald.js';
import { StateStore, acquireLock, type Intent } from './state.js';
import { ArchiveSink } from './archive.js';
import { checkArchiveAtStart, type ArchiveCheck } from './startcheck.js';
import { writeStatus, type AgentStatus } from './status.js';
import { parsers } from '../../src/parsers/loglines.js';
import { VERSION } from '../../src/version.js';
import { AgentDetection, loadAgentRules } from './detect/index.js';
import { openReporter } from './reporter-config.js';

export interface RunOptions {
  /** Stop: final snapshot, checkpoint and status, then resolve. */
  signal?: AbortSignal;
  /** Wall clock for record times and checkpoints (tests inject jumps). Intervals use the monotonic clock. */
  now?: () => Date;
  events?: Events;
  detectors?: Detector[];
}

const SNAPSHOT_EVERY_MS = 1000;
const DISK_LOW_FRACTION = 0.05;

export function buildSources(cfg: AgentConfig): Source[] {
  return cfg.sources.map((s) => (s.type === 'file' ? new FileSource(s) : new JournaldSource(s)));
}

/**
 * The agent: sources → detectors → archive sink, one batch in flight. Order per batch: intent (fsync)
 * → archive append (fsync) → sources commit in memory; snapshots of the cursors follow every second.
 * A failed append (full disk) raises DiskPressure and is retried; nothing is read past the committed
 * position meanwhile, so memory stays bounded and nothing acknowledged is lost.
 */
export async function runAgent(cfg: AgentConfig, opts: RunOptions = {}): Promise<void> {
  const events = opts.events ?? createEvents({ level: cfg.log_level });
  const now = opts.now ?? (() => new Date());
  // Rules load (and fail, located, exit 2) before anything starts.
  const detection = cfg.detections.enabled ? new AgentDetection(cfg, await loadAgentRules(cfg), events, now) : null;
  const detectors = [...(opts.detectors ?? []), ...(detection ? [detection] : [])];
  const release = acquireLock(cfg.state_dir);
  const store = new StateStore(cfg.state_dir);
  const archive = new ArchiveSink(cfg, now, events);
  const sources: Source[] = [...buildSources(cfg), ...(detection ? [detection.source] : [])];
  const started = now();
  const mono0 = performance.now();
  const counters = events.counters;
  let wakeUp: (() => void) | null = null;
  const wake = () => wakeUp?.();
  const stopping = () => opts.signal?.aborted === true;
  let shutDown = false;
  opts.signal?.addEventListener('abort', wake, { once: true });

  let reporter: Awaited<ReturnType<typeof openReporter>> = null;
  try {
    await archive.open();
    // Enrolled with a collector: checkpoints (and alerts) go out through the on-disk outbox.
    reporter = await openReporter(cfg, { version: VERSION, now, emit: (name, f) => events.emit(name as never, f as never) });
    reporter?.start();
    if (detection && reporter) detection.onAlerts = (alerts, json) => reporter?.alerts(alerts, json);
    events.emit('AgentStarted', { version: VERSION, pid: process.pid, config: cfg.file, archive: cfg.archive.dir, sources: sources.length });
    let archiveCheck: ArchiveCheck = { state: 'running', startedAt: now().toISOString() };
    // Not awaited: the result lands in the status file; after shutdown it is no longer reported.
    void checkArchiveAtStart(cfg, (n, f) => (shutDown ? undefined : events.emit(n, f)), now, (t) => void (shutDown || process.stderr.write(t))).then((c) => {
      archiveCheck = c;
    });

    // Recovery: snapshot + the intents after it, each applied as far as the archive holds it.
    const snap = store.loadSnapshot();
    const intents = store.loadIntents().filter((i) => !snap || i.base >= snap.seq);
    for (const s of sources) await s.start(snap?.sources[s.name] ?? null, { events, now, wake });
    const bySource = new Map(sources.map((s) => [s.name, s]));
    const seen = new SeenAhead();
    let recovered = 0;
    intents.forEach((it, i) => {
      const end = i + 1 < intents.length ? intents[i + 1]!.base : archive.headSeq;
      recovered += applyCommits(it.parts, end - it.base, bySource);
    });
    if (intents.length) events.emit('CursorsRecovered', { intents: intents.length, records: recovered });
    await detection?.start();
    const snapshot = () => {
      store.saveSnapshot({ version: 1, seq: archive.headSeq, sources: Object.fromEntries(sources.map((s) => [s.name, s.snapshot()])) });
      dirty = false;
      lastSnap = performance.now();
    };
    let dirty = false;
    let lastSnap = 0;
    snapshot();

    let lastCheckpoint = performance.now();
    let lastCheckpointAt: string | null = null;
    let lastStatus = 0;
    let lastPrune = -Infinity;
    let lastPoll = 0;
    let backoff = 0;
    let pressure = false;
    let lowSpace = false;
    let clockSkew = 0;

    const status = async () => {
      const st: AgentStatus = {
        pid: process.pid,
        version: VERSION,
        config: cfg.file,
        startedAt: started.toISOString(),
        updatedAt: now().toISOString(),
        archive: { dir: cfg.archive.dir, headSeq: archive.headSeq, headHash: archive.headHash },
        sources: await Promise.all(sources.map((s) => s.status())),
        counters: { ...counters },
        diskPressure: pressure || lowSpace,
        // read by the audit check a41-2-agent-running (src/collectors/agent_status.ts)
        last_checkpoint_at: lastCheckpointAt,
        archive_check: archiveCheck,
      };
      try {
        writeStatus(cfg.state_dir, st);
      } catch (e) {
        events.emit('StateWriteError', { stage: 'status', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
      }
      lastStatus = performance.now();
      // Free space is watched too: an early warning, never a reason to delete young segments.
      try {
        const fs = statfsSync(cfg.archive.dir);
        const low = fs.bavail / fs.blocks < DISK_LOW_FRACTION;
        if (low && !lowSpace) events.emit('DiskPressure', { dir: cfg.archive.dir, reason: 'free space below 5%', free_bytes: fs.bavail * fs.bsize });
        lowSpace = low;
      } catch {
        /* statfs unsupported */
      }
    };

    const checkpoint = async () => {
      try {
        const cp = await archive.checkpoint();
        if (archive.lastCheckpoint) reporter?.checkpoint(archive.lastCheckpoint);
        lastCheckpointAt = now().toISOString();
        events.emit('CheckpointWritten', cp);
      } catch (e) {
        events.emit('CheckpointError', { error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
      }
      lastCheckpoint = performance.now();
    };

    while (!stopping()) {
      const t0 = performance.now();
      lastPoll = t0;
      // Wall clock vs monotonic clock: a jump is reported, and pruning trusts the earlier of the two.
      const skew = now().getTime() - (started.getTime() + (t0 - mono0));
      if (Math.abs(skew - clockSkew) > 60_000) {
        events.emit('ClockJumpDetected', { by_ms: Math.round(skew - clockSkew), now: now().toISOString() });
        clockSkew = skew;
      }

      const batch = await collect(sources, cfg.batch_max_bytes);
      let full = false;
      if (batch) {
        full = batch.more === true;
        await runDetectors(detectors, batch, sources, events, archive.headSeq, seen);
        if (batch.records.length === 0) {
          applyCommits(batch.parts, 0, bySource);
          dirty = true;
        } else {
          const intent: Intent = { base: archive.headSeq, parts: batch.parts.map((p) => ({ source: p.source, lines: p.lines, data: p.intent ?? p.data })) };
          let wrote = false;
          try {
            store.appendIntent(intent);
            wrote = true;
            await archive.write(batch.records);
            applyCommits(batch.parts, batch.records.length, bySource, seen.committed);
            dirty = true;
            events.count('RecordsArchived', batch.records.length);
            events.count('BytesArchived', batch.bytes);
            events.emit('ArchiveRecordsWritten', { records: batch.records.length, bytes: batch.bytes, head: archive.headSeq });
            if (pressure) events.emit('DiskPressureRelieved', { dir: cfg.archive.dir });
            pressure = false;
            backoff = 0;
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? 'io';
            const disk = code === 'ENOSPC' || code === 'EDQUOT';
            events.emit(wrote ? 'ArchiveWriteError' : 'StateWriteError', { stage: wrote ? 'sinking' : 'intent', error_type: code, message: (e as Error).message });
            if (disk && !pressure) events.emit('DiskPressure', { dir: cfg.archive.dir, reason: code, action: 'holding reads; retrying; no early deletion' });
            pressure = pressure || disk;
            if (wrote) {
              // Whatever part of the batch did reach the disk counts; the rest is read again later.
              const base = intent.base;
              const durable = await archive.recover(() => stopping());
              const n = applyCommits(batch.parts, durable - base, bySource, seen.committed);
              events.emit('ArchiveRecovered', { records: n, of: batch.records.length, head: durable });
              dirty = true;
            }
            backoff = Math.min(10_000, Math.max(500, backoff * 2));
          }
        }
      }
      const t = performance.now();
      if (dirty && (t - lastSnap >= SNAPSHOT_EVERY_MS || store.intentSize > 1 << 20)) {
        try {
          snapshot();
        } catch (e) {
          events.emit('StateWriteError', { stage: 'snapshot', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
        }
      }
      if (t - lastCheckpoint >= cfg.checkpoint_interval_s * 1000) await checkpoint();
      if (t - lastStatus >= cfg.status_interval_s * 1000) await status();
      if (t - lastPrune >= cfg.prune_interval_s * 1000) {
        lastPrune = t;
        // Never prune on a clock that ran ahead of the monotonic one (a jump forward must not delete).
        const pruneNow = new Date(Math.min(now().getTime(), started.getTime() + (t - mono0)));
        await archive.prune(cfg.retention_days, pruneNow);
      }
      if (stopping()) break;
      if (full) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      // Sleep until woken (fs.watch, journald) but at least batch_interval, at most poll_interval.
      const wait = backoff || cfg.poll_interval_ms;
      const minGap = backoff || Math.min(cfg.poll_interval_ms, 200);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakeUp = null;
          resolve();
        };
        const timer = setTimeout(done, wait);
        wakeUp = () => {
          if (stopping()) return done();
          const since = performance.now() - lastPoll;
          if (since >= minGap) done();
          else {
            clearTimeout(timer);
            wakeUp = null;
            setTimeout(resolve, minGap - since);
          }
        };
      });
    }

    // Alerts the detection worker answered after the last batch go into the archive before the end.
    if (detection) {
      await detection.drain();
      const b = await detection.source.poll(cfg.batch_max_bytes);
      if (b?.records.length) {
        try {
          store.appendIntent({ base: archive.headSeq, parts: b.parts.map((p) => ({ source: p.source, lines: p.lines, data: p.intent ?? p.data })) });
          await archive.write(b.records);
          applyCommits(b.parts, b.records.length, bySource);
          events.count('RecordsArchived', b.records.length);
        } catch (e) {
          events.emit('ArchiveWriteError', { stage: 'sinking', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
        }
      }
    }

    // Shutdown: the last batch is committed; make it durable and sign where the archive stands.
    try {
      snapshot();
    } catch (e) {
      events.emit('StateWriteError', { stage: 'snapshot', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
    await checkpoint();
    await status();
    events.emit('AgentStopped', { head: archive.headSeq, records: counters.RecordsArchived ?? 0 });
  } finally {
    shutDown = true;
    await detection?.stop().catch(() => undefined);
    await reporter?.stop(1000).catch(() => undefined);
    for (const s of sources) await s.stop().catch(() => undefined);
    await archive.close().catch(() => undefined);
    store.close();
    release();
    if (!opts.events) await events.close();
  }
}

/** Round-robin over the sources until the byte budget is used. */
async function collect(sources: Source[], budget: number): Promise<SourceBatch | null> {
  const records: LineRecord[] = [];
  const parts: SourcePart[] = [];
  let bytes = 0;
  let more = false;
  for (const s of sources) {
    if (bytes >= budget) break;
    const b = await s.poll(budget - bytes);
    if (!b) continue;
    for (const r of b.records) records.push(r);
    parts.push(...b.parts);
    bytes += b.bytes;
    more ||= b.more === true;
  }
  return parts.length ? { records, parts, bytes, more: more || bytes >= budget } : null;
}

/**
 * The first `archived` records of a batch are durable: commit parts in order; the part that is cut
 * short records how far it got (its source drops those lines when it reads them again), later
 * parts do not move. Returns how many records were applied.
 */
export function applyCommits(parts: Array<{ source: string; lines: number; data: unknown }>, archived: number, bySource: Map<string, Source>, onCommit?: (p: SourcePart, n: number) => void): number {
  let left = Math.max(0, archived);
  let applied = 0;
  for (const p of parts) {
    const s = bySource.get(p.source);
    if (!s) continue;
    if (left >= p.lines) {
      s.commit(p as SourcePart, p.lines);
      onCommit?.(p as SourcePart, p.lines);
      left -= p.lines;
      applied += p.lines;
      continue;
    }
    s.commit(p as SourcePart, left);
    onCommit?.(p as SourcePart, left);
    applied += left;
    break;
  }
  return applied;
}

/**
 * Lines the detectors have seen beyond each stream's committed position. After a failed archive
 * append the batch is read again from the committed positions: its first lines were already seen
 * and must not be counted twice (a threshold would fire on one attempt seen twice).
 */
export class SeenAhead {
  private readonly ahead = new Map<string, number>();
  private key = (p: SourcePart) => `${p.source}\0${p.stream ?? ''}`;

  /** How many of this part's lines were seen already; from now on all of them are. */
  take(p: SourcePart): number {
    const k = this.key(p);
    const had = this.ahead.get(k) ?? 0;
    this.ahead.set(k, Math.max(had, p.lines));
    return Math.min(had, p.lines);
  }

  readonly committed = (p: SourcePart, n: number): void => {
    const k = this.key(p);
    const left = (this.ahead.get(k) ?? 0) - n;
    if (left > 0) this.ahead.set(k, left);
    else this.ahead.delete(k);
  };
}

async function runDetectors(detectors: Detector[], batch: SourceBatch, sources: Source[], events: Events, baseSeq: number, seen: SeenAhead): Promise<void> {
  // Records are in part order; the lines of a part already seen (a retried batch) are skipped.
  const ranges: Array<[number, number]> = [];
  const add = (from: number, to: number) => {
    if (to <= from) return;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === from) last[1] = to;
    else ranges.push([from, to]);
  };
  let i = 0;
  for (const p of batch.parts) {
    add(i + seen.take(p), Math.min(i + p.lines, batch.records.length));
    i += p.lines;
  }
  add(i, batch.records.length);
  if (!detectors.length || !ranges.length) return;
  const fmt = new Map(sources.map((s) => [s.name, s.format]));
  for (const d of detectors) {
    try {
      if (d.observeRecords) {
        await d.observeRecords(batch.records, ranges, baseSeq, events);
        continue;
      }
      const view: DetectorLine[] = [];
      for (const [from, to] of ranges)
        for (let k = from; k < to; k++) {
          const r = batch.records[k]!;
          const format = fmt.get(r.source) ?? 'raw';
          const want = d.formats === 'all' || d.formats.includes(format);
          const parsed = want ? parsers[format](r.line) : null;
          if (want && !parsed) events.count('LineParseError', 1);
          view.push({ source: r.source, format, parsed, seq: baseSeq + 1 + k, record: r, line: r.line });
        }
      await d.observe?.(view, events);
    } catch (e) {
      events.emit('DetectorError', { detector: d.name, stage: 'processing', error_type: 'exception', message: (e as Error).message });
    }
  }
}
