/**
 * The agent's detection core: the pure rule engine (src/detect) over the lines and events it is
 * given, the local alert store, and the engine's state file. It runs in the detection worker
 * (worker.ts), so parsing and the rules overlap the archive's hashing, compression and fsyncs on
 * another core; it has no thread of its own and is driven message by message.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Alert, AlertChange } from '../../../src/model/alert.js';
import { DetectionEngine } from '../../../src/detect/engine.js';
import { isHostile, type DetectEvent } from '../../../src/detect/event.js';
import { lineEvent } from '../../../src/detect/lines.js';
import type { Rule } from '../../../src/detect/load.js';
import type { LogFormat } from '../../../src/parsers/loglines.js';
import { writeFileAtomic } from '../../../src/util/fs.js';
import { AlertStore } from './store.js';

export interface CoreInit {
  rules: Rule[];
  host: string;
  alertsFile: string;
  /** Where the engine's keyed state is kept across restarts (detect-state.json in the state dir). */
  statePath: string;
  /** Source name → its line format. */
  formats: Array<[string, LogFormat]>;
  /** Administrator accounts (auth.admin); default: root. */
  admins?: string[];
}

/** A run of consecutive lines of one source: [source, archive seq of the first, how many]. */
export type LineRun = [string, number, number];

export interface LinesInput {
  /** The lines (UTF-8), each followed by "\n". */
  buf: Uint8Array;
  runs: LineRun[];
  /** The agent's wall clock (the tests inject it): the year of yearless stamps, the store's time. */
  nowMs: number;
}

export interface CoreOutput {
  /** Latest state of each alert that changed (stored before this returns). */
  alerts: Alert[];
  /** Ids of the alerts that are new. */
  fresh: string[];
  hostile: number;
  lineErrors: number;
  storeError?: { code: string; message: string };
}

const STATE_VERSION = 1;

/**
 * Buffer's own UTF-8 decoder (what toString('utf8', a, b) ends in, without its argument handling:
 * one call per line adds up). Same output for a ≤ b within the buffer.
 */
type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };

export class DetectionCore {
  readonly engine: DetectionEngine;
  private readonly store: AlertStore;
  private readonly formatOf: Map<string, LogFormat>;
  private readonly admins?: ReadonlySet<string>;
  private lastTime = 0;
  /** The engine's mutation count when the state file was last written. */
  private saved = -1;

  constructor(private readonly init: CoreInit) {
    this.engine = new DetectionEngine(init.rules, init.host);
    this.store = new AlertStore(init.alertsFile);
    this.formatOf = new Map(init.formats);
    this.admins = init.admins ? new Set(init.admins) : undefined;
  }

  /** Take back the state of the last run; how many entries came back (a bad file is skipped). */
  restore(): number {
    if (!existsSync(this.init.statePath)) return 0;
    try {
      const s = JSON.parse(readFileSync(this.init.statePath, 'utf8')) as { version: number; lastTime?: number; engine: unknown };
      if (s.version !== STATE_VERSION) return 0;
      if (typeof s.lastTime === 'number') this.lastTime = s.lastTime;
      const n = this.engine.restore(s.engine);
      this.saved = this.engine.mutations;
      return n;
    } catch {
      return 0;
    }
  }

  /** Write the engine's state (temp + rename) when something was fed since the last write. */
  saveState(force = false): boolean {
    const m = this.engine.mutations;
    if (m === this.saved && !force) return false;
    writeFileAtomic(this.init.statePath, JSON.stringify({ version: STATE_VERSION, lastTime: this.lastTime, engine: this.engine.snapshot() }));
    this.saved = m;
    return true;
  }

  lines(input: LinesInput): CoreOutput {
    const now = new Date(input.nowMs);
    const changes: AlertChange[] = [];
    const ctx = { year: now.getFullYear(), notAfter: input.nowMs, fallbackTime: this.lastTime || input.nowMs, web: this.engine.wantsWebInspection, site: '', admins: this.admins };
    // Each line is decoded on its own: a slice of one big decoded string would keep the whole batch
    // alive for as long as the engine holds one of its lines (a threshold's hits, an open alert).
    const buf = Buffer.from(input.buf.buffer, input.buf.byteOffset, input.buf.byteLength);
    let hostile = 0;
    let lineErrors = 0;
    let at = 0;
    for (const [source, firstSeq, count] of input.runs) {
      const format = this.formatOf.get(source) ?? 'raw';
      ctx.site = source;
      for (let i = 0; i < count; i++) {
        let nl = buf.indexOf(10, at);
        if (nl < 0) nl = buf.length;
        const line = at < nl ? (buf as Utf8Sliceable).utf8Slice(at, nl) : '';
        at = nl + 1;
        if (isHostile(line)) hostile++;
        let ev: DetectEvent | null;
        try {
          ev = lineEvent(format, line, ctx);
        } catch {
          lineErrors++;
          continue;
        }
        if (!ev) continue;
        ctx.fallbackTime = ev.time;
        ev.ref = { source, seq: firstSeq + i };
        this.engine.feed(ev, changes);
      }
    }
    this.lastTime = ctx.fallbackTime;
    return { ...this.publish(changes, now), hostile, lineErrors };
  }

  /** File-integrity and drift events (times already set by whoever saw them). */
  events(evs: DetectEvent[], nowMs: number): CoreOutput {
    const changes: AlertChange[] = [];
    for (const ev of evs) this.engine.feed(ev, changes);
    return { ...this.publish(changes, new Date(nowMs)), hostile: 0, lineErrors: 0 };
  }

  /** Latest state of each alert of this round → the store (fsync'd before the caller hears of it). */
  private publish(changes: AlertChange[], now: Date): Pick<CoreOutput, 'alerts' | 'fresh' | 'storeError'> {
    if (!changes.length) return { alerts: [], fresh: [] };
    const latest = new Map<string, Alert>();
    const fresh: string[] = [];
    for (const c of changes) {
      latest.set(c.alert.id, c.alert);
      if (c.type === 'new') fresh.push(c.alert.id);
    }
    const alerts = [...latest.values()];
    try {
      this.store.append(alerts, now);
    } catch (e) {
      return { alerts, fresh, storeError: { code: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message } };
    }
    return { alerts, fresh };
  }

  close(): void {
    this.store.close();
  }
}
