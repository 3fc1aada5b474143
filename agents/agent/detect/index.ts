/**
 * The agent's detection adapter: runs the rule engine (src/detect, pure) over the lines the agent
 * already reads, over file-integrity events of the web roots and over host-drift snapshots. Alerts
 * go to the local alert store (fsync'd) and, as JSON lines of the source `gwsec-alerts`, into the
 * tamper-evident archive through the ordinary pipeline (so they are chained, signed and anchored
 * like every log line).
 */
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alert } from '../../../src/model/alert.js';
import type { DetectEvent } from '../../../src/detect/event.js';
import type { Rule } from '../../../src/detect/load.js';
import { writeFileAtomic } from '../../../src/util/fs.js';
import type { AgentConfig } from '../config.js';
import type { Events } from '../events.js';
import type { Detector, LineRecord, Source, SourceBatch, SourceContext, SourcePart, SourceStatus } from '../pipeline.js';
import type { ByteLine } from '../sources/file.js';
import type { LineRun } from './core.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker.js';
import { loadRulesIsolated } from './rules-load.js';
import { adminAccounts } from './admins.js';
import { readPrecompiledRules } from '../../../src/detect/precompiled.js';
import { shippedRulesDir } from '../../../src/util/paths.js';
// Types only: the file watch (chokidar) and the host snapshot (systeminformation) are loaded when
// the config turns them on, not into every agent's heap (~2.6 MB of V8 heap between them).
import type { HostSnapshot } from './drift.js';
import type { FileState, FileWatch, PageMarks } from './fim.js';
import { conditionFields } from '../../../src/detect/conditions.js';

/** File fields that need the page's content read (src/detect/content.ts). */
const CONTENT_FIELDS = ['file.content', 'file.markers', 'file.markers_new', 'file.evidence'];

/** Whether some file rule reads page content (conditions, key or evidence): only then are pages read. */
export function rulesReadPageContent(rules: Rule[]): boolean {
  return rules.some((r) => {
    if (r.source !== 'file') return false;
    const lg = r.logic as { where?: unknown; key?: string };
    const used = conditionFields(lg.where);
    if (lg.key) used.add(lg.key);
    for (const f of r.evidence ?? []) used.add(f);
    return CONTENT_FIELDS.some((f) => used.has(f));
  });
}
import type { HostWatch } from './hostwatch.js';

export const ALERT_SOURCE = 'gwsec-alerts';
export const fimBaselinePath = (cfg: AgentConfig) => join(cfg.state_dir, 'fim-baseline.json');
export const driftBaselinePath = (cfg: AgentConfig) => join(cfg.state_dir, 'drift-baseline.json');
/** The last state the agent saw (and alerted on): a restart compares with it, not with the accepted one. */
export const fimObservedPath = (cfg: AgentConfig) => join(cfg.state_dir, 'fim-observed.json');
export const driftObservedPath = (cfg: AgentConfig) => join(cfg.state_dir, 'drift-observed.json');
/** The rule engine's keyed state (threshold counts, sequences, open alerts) across restarts. */
export const engineStatePath = (cfg: AgentConfig) => join(cfg.state_dir, 'detect-state.json');

/**
 * Load the rules the config names; every problem thrown located (exit 2) before the agent starts.
 * The rule schema never enters the agent's own heap: the shipped rules come precompiled (validated
 * at build time) while their directory is unchanged; others are validated in a short-lived worker.
 */
export async function loadAgentRules(cfg: AgentConfig): Promise<Rule[]> {
  return readPrecompiledRules(cfg.detections.rules ?? shippedRulesDir()) ?? loadRulesIsolated(cfg.detections.rules);
}

/** Alert lines queued for the archive, read by the runner like any source. */
class AlertSource implements Source {
  readonly name = ALERT_SOURCE;
  readonly kind = 'alerts' as const;
  readonly format = 'json' as const;
  private queue: string[] = [];
  private ctx?: SourceContext;

  push(lines: string[]): void {
    this.queue.push(...lines);
    this.ctx?.wake();
  }

  async start(_state: unknown, ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
  }

  async poll(maxBytes: number): Promise<SourceBatch | null> {
    if (!this.queue.length) return null;
    const records: LineRecord[] = [];
    let bytes = 0;
    for (const line of this.queue) {
      const b = Buffer.byteLength(line) + 1;
      if (records.length && bytes + b > maxBytes) break;
      records.push({ source: this.name, line });
      bytes += b;
    }
    return { records, parts: [{ source: this.name, lines: records.length, data: null }], bytes, more: records.length < this.queue.length };
  }

  commit(_part: SourcePart, archived: number): void {
    this.queue.splice(0, archived);
  }

  snapshot(): unknown {
    return null;
  }

  async status(): Promise<SourceStatus> {
    return { name: this.name, kind: this.kind, available: true, lag: this.queue.length };
  }

  async stop(): Promise<void> {}
}

/** Batches handed to the worker and not yet answered, at most: the reader waits beyond (memory stays bounded). */
const MAX_IN_FLIGHT = 2;
/** The worker's V8 heap: a small young generation keeps RSS down (GWSEC_DETECT_HEAP tunes it for measuring). */
export const WORKER_LIMITS = JSON.parse(process.env.GWSEC_DETECT_HEAP ?? '{"maxYoungGenerationSizeMb":2,"maxOldGenerationSizeMb":64}') as { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number };
/** Size of the reusable batch buffers (a batch is at most batch_max_bytes plus one line). */
const POOL_BYTES = 1152 * 1024;
/** How often the worker writes the engine's state when it changed. */
const SAVE_EVERY_MS = 5000;

export class AgentDetection implements Detector {
  readonly name = 'rules';
  /** The runner parses nothing for us: the worker parses what the rules read. */
  readonly formats = [] as const;
  readonly source = new AlertSource();
  private worker?: Worker;
  private inFlight = 0;
  private pool: ArrayBuffer[] = [];
  private waiters: Array<() => void> = [];
  private stopping = false;
  private restarts = 0;
  private fim?: FileWatch;
  private timers: NodeJS.Timeout[] = [];
  private drift?: HostSnapshot;
  private driftMod?: Pick<typeof import('./drift.js'), 'diffSnapshots' | 'takeSnapshot'>;
  private driftBusy = false;
  private host?: HostWatch;
  private readonly init: WorkerInit;
  private readonly pageContent: boolean;
  /**
   * Set by the runner when the agent is enrolled: the alerts' latest states go to the collector's
   * outbox. `json[i]` is `JSON.stringify(alerts[i])`, serialised once for the archive line and the outbox.
   */
  onAlerts?: (alerts: Alert[], json: string[]) => void;

  constructor(
    private readonly cfg: AgentConfig,
    rules: Rule[],
    private readonly events: Events,
    private readonly now: () => Date,
  ) {
    this.pageContent = rulesReadPageContent(rules);
    this.init = {
      rules,
      host: cfg.detections.host ?? hostname(),
      alertsFile: cfg.detections.alerts_file,
      statePath: engineStatePath(cfg),
      formats: cfg.sources.map((s) => [s.name, s.type === 'file' ? s.format : 'syslog']),
      admins: adminAccounts(cfg.detections.host_root, cfg.detections.admin_users),
      saveEveryMs: SAVE_EVERY_MS,
    };
  }

  /** The worker, then FIM and drift (after the archive is open). */
  async start(): Promise<void> {
    await this.spawn();
    const d = this.cfg.detections;
    if (d.web_roots.length) {
      const { FileWatch, fileStateJson, loadFileState, loadPageMarks, scanRoots } = await import('./fim.js');
      const accepted = loadFileState(fimBaselinePath(this.cfg));
      // What the agent last saw (and alerted on) wins over the accepted state: an unaccepted change
      // is reported once, not again after every restart.
      const seen = loadFileState(fimObservedPath(this.cfg));
      // Page content is read only when a rule reads it; then each page's markers are remembered.
      const currentPages: PageMarks | undefined = this.pageContent ? new Map() : undefined;
      const count = (name: string, n = 1) => this.events.count(name, n);
      const current = await scanRoots(d.web_roots, { pages: currentPages, count });
      const observed: FileState = seen ?? accepted ?? current;
      if (!accepted) writeFileAtomic(fimBaselinePath(this.cfg), fileStateJson(d.web_roots, current, currentPages));
      const pages = currentPages && (seen ? loadPageMarks(fimObservedPath(this.cfg)) : accepted ? loadPageMarks(fimBaselinePath(this.cfg)) : currentPages);
      this.fim = new FileWatch(d.web_roots, new Map(observed), (evs) => this.feedEvents(evs), this.now, (state) => this.saveObserved(state, fileStateJson, pages), pages && { pages, count });
      await this.fim.start();
      if (accepted || seen) await this.fim.rescan(); // changes made while the agent was down
      this.events.emit('FimStarted', { roots: d.web_roots.length, files: observed.size, baseline: accepted ? 'accepted' : 'recorded now' });
      this.every(d.baseline_interval_s, () => void this.fim?.rescan().catch((e: Error) => this.events.emit('DetectorError', { detector: 'fim', stage: 'rescan', error_type: 'io', message: e.message })));
    }
    if (d.drift_interval_s !== undefined) {
      const { diffSnapshots, loadSnapshot, takeSnapshot } = await import('./drift.js');
      this.driftMod = { diffSnapshots, takeSnapshot };
      const accepted = loadSnapshot(driftBaselinePath(this.cfg));
      const seen = loadSnapshot(driftObservedPath(this.cfg));
      const current = await takeSnapshot(d.host_root);
      if (!accepted) writeFileAtomic(driftBaselinePath(this.cfg), JSON.stringify(current));
      const before = seen ?? accepted;
      if (before) this.feedEvents(diffSnapshots(before, current, this.now().getTime()));
      this.setDrift(current);
      this.every(d.drift_interval_s, () => void this.driftTick());
    }
    if (d.processes_interval_s !== undefined || d.connections_interval_s !== undefined || d.sites.length) {
      const { HostWatch } = await import('./hostwatch.js');
      this.host = new HostWatch(this.cfg, (evs) => this.feedEvents(evs), this.now, this.events);
      this.host.start();
    }
  }

  private async spawn(): Promise<void> {
    const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.init, resourceLimits: WORKER_LIMITS });
    this.worker = w;
    this.inFlight = 0;
    const ready = new Promise<number>((resolve, reject) => {
      w.once('error', reject);
      w.on('message', (m: FromWorker) => {
        if (m.t === 'ready') resolve(m.restored);
        else this.onMessage(m);
      });
    });
    w.on('exit', (code) => this.onExit(w, code));
    const restored = await ready;
    w.removeAllListeners('error');
    w.on('error', (e) => this.events.emit('DetectorError', { detector: 'rules', stage: 'worker', error_type: 'exception', message: e.message }));
    if (restored) this.events.emit('DetectionStateRestored', { entries: restored, file: this.init.statePath });
  }

  private onMessage(m: FromWorker): void {
    if (m.t === 'error') {
      this.events.emit('DetectorError', { detector: 'rules', stage: m.stage, error_type: 'exception', message: m.message });
      return;
    }
    if (m.t !== 'done') return;
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (m.buf && this.pool.length < MAX_IN_FLIGHT) this.pool.push(m.buf);
    if (m.hostile) this.events.count('DetectLinesHostile', m.hostile);
    if (m.lineErrors) this.events.count('DetectLineErrors', m.lineErrors);
    if (m.alerts.length) this.publish(m.alerts, new Set(m.fresh), m.storeError);
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** A worker that died (out of memory, a bug) is reported and replaced; the new one restores the saved state. */
  private onExit(w: Worker, code: number): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const lost = this.inFlight;
    this.inFlight = 0;
    this.wakeWaiters();
    if (this.stopping) return;
    this.events.emit('DetectorError', { detector: 'rules', stage: 'worker', error_type: 'exit', message: `detection worker exited (code ${code}); ${lost} batch(es) not inspected; restarting` });
    if (this.restarts++ < 5) void this.spawn().catch((e: Error) => this.events.emit('DetectorError', { detector: 'rules', stage: 'worker', error_type: 'exception', message: e.message }));
  }

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.worker) return;
    this.inFlight++;
    this.worker.postMessage(m, transfer);
  }

  private every(seconds: number, fn: () => void): void {
    const t = setInterval(fn, seconds * 1000);
    t.unref();
    this.timers.push(t);
  }

  private setDrift(s: HostSnapshot): void {
    this.drift = s;
    try {
      writeFileAtomic(driftObservedPath(this.cfg), JSON.stringify(s));
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'drift', stage: 'state', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
  }

  private saveObserved(state: FileState, fileStateJson: (roots: string[], s: FileState, pages?: PageMarks) => string, pages?: PageMarks): void {
    try {
      writeFileAtomic(fimObservedPath(this.cfg), fileStateJson(this.cfg.detections.web_roots, state, pages));
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'fim', stage: 'state', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
  }

  private async driftTick(): Promise<void> {
    if (this.driftBusy || !this.drift || !this.driftMod) return;
    this.driftBusy = true;
    try {
      const next = await this.driftMod.takeSnapshot(this.cfg.detections.host_root);
      const evs = this.driftMod.diffSnapshots(this.drift, next, this.now().getTime());
      if (evs.length) this.setDrift(next);
      else this.drift = next;
      this.feedEvents(evs);
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'drift', stage: 'snapshot', error_type: 'io', message: (e as Error).message });
    } finally {
      this.driftBusy = false;
    }
  }

  /**
   * Detector: every batch of lines, before the archive append. The lines go to the worker as one
   * buffer (copied: the read buffer is reused); the returned promise holds the reader back only
   * when the worker is MAX_IN_FLIGHT batches behind.
   */
  observeRecords(records: ReadonlyArray<LineRecord>, ranges: ReadonlyArray<[number, number]>, baseSeq: number): Promise<void> | void {
    if (!this.worker) return;
    const runs: LineRun[] = [];
    let size = 0;
    for (const [from, to] of ranges)
      for (let k = from; k < to; k++) {
        const r = records[k]!;
        if (r.source === ALERT_SOURCE) continue;
        const b = r as Partial<ByteLine>;
        size += (b.buf ? b.end! - b.start! : Buffer.byteLength(r.line)) + 1;
        const last = runs[runs.length - 1];
        if (last && last[0] === r.source && last[1] + last[2] === baseSeq + 1 + k) last[2]++;
        else runs.push([r.source, baseSeq + 1 + k, 1]);
      }
    if (!runs.length) return;
    // Buffers go to the worker and come back (transferred, not copied): a few reused, no malloc churn.
    let ab = this.pool.pop();
    if (!ab || ab.byteLength < size) ab = new ArrayBuffer(Math.max(size, POOL_BYTES));
    const buf = Buffer.from(ab, 0, size);
    let at = 0;
    for (const [from, to] of ranges)
      for (let k = from; k < to; ) {
        const r = records[k]! as Partial<ByteLine> & LineRecord;
        if (r.source === ALERT_SOURCE) {
          k++;
          continue;
        }
        if (!r.buf) {
          at += buf.write(r.line, at);
          buf[at++] = 10;
          k++;
          continue;
        }
        // Lines of one read are adjacent in the source's buffer: copy each such stretch at once.
        let j = k;
        while (j + 1 < to) {
          const n = records[j + 1] as Partial<ByteLine>;
          if (n.buf !== r.buf || n.start !== (records[j] as ByteLine).end + 1) break;
          j++;
        }
        at += r.buf.copy(buf, at, r.start!, (records[j] as ByteLine).end);
        buf[at++] = 10;
        k = j + 1;
      }
    this.post({ t: 'lines', buf: ab, size, runs, nowMs: this.now().getTime() }, [ab]);
    if (this.inFlight < MAX_IN_FLIGHT) return;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private feedEvents(evs: DetectEvent[]): void {
    if (evs.length) this.post({ t: 'events', evs, nowMs: this.now().getTime() });
  }

  /** Stored alerts (the worker fsync'd them) → events, the collector's outbox, the archive queue. */
  private publish(alerts: Alert[], fresh: Set<string>, storeError?: { code: string; message: string }): void {
    for (const a of alerts) if (fresh.has(a.id)) this.events.emit('AlertRaised', { rule: a.rule, severity: a.severity, key: a.groupKey.slice(0, 200), id: a.id, kind: a.kind });
    if (storeError) this.events.emit('DetectorError', { detector: 'rules', stage: 'store', error_type: storeError.code, message: storeError.message });
    else this.events.count('AlertsStored', alerts.length);
    const json = alerts.map((a) => JSON.stringify(a));
    try {
      this.onAlerts?.(alerts, json);
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'rules', stage: 'outbox', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
    // = JSON.stringify({ type: 'gwsec.alert', alert }), without serialising the alert a second time.
    this.source.push(json.map((j) => `{"type":"gwsec.alert","alert":${j}}`));
  }

  /** Wait until the worker has answered everything handed to it so far. */
  async drain(): Promise<void> {
    while (this.inFlight > 0 && this.worker) await new Promise<void>((r) => setTimeout(r, 5));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.host?.stop();
    await this.fim?.stop();
    await this.drain();
    this.stopping = true;
    const w = this.worker;
    if (!w) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10_000);
      w.on('message', (m: FromWorker) => {
        if (m.t === 'stopped') {
          clearTimeout(t);
          resolve();
        }
      });
      w.postMessage({ t: 'stop' } satisfies ToWorker);
    });
    await w.terminate();
    this.worker = undefined;
  }
}

/** `gwsec agent baseline`: record the accepted state of the web roots and the host now. */
export async function recordBaseline(cfg: AgentConfig): Promise<{ files: number; drift: boolean; names: number }> {
  const d = cfg.detections;
  let files = 0;
  if (d.web_roots.length) {
    const { fileStateJson, scanRoots } = await import('./fim.js');
    const pages: PageMarks | undefined = rulesReadPageContent(await loadAgentRules(cfg)) ? new Map() : undefined;
    const s = await scanRoots(d.web_roots, { pages });
    writeFileAtomic(fimBaselinePath(cfg), fileStateJson(d.web_roots, s, pages));
    rmSync(fimObservedPath(cfg), { force: true });
    files = s.size;
  }
  if (d.drift_interval_s !== undefined) {
    const { takeSnapshot } = await import('./drift.js');
    writeFileAtomic(driftBaselinePath(cfg), JSON.stringify(await takeSnapshot(d.host_root)));
    rmSync(driftObservedPath(cfg), { force: true });
  }
  // The sites' addresses (and the host's) as they resolve now: a legitimate migration is accepted here.
  const names = d.sites.length ? await (await import('./hostwatch.js')).recordDnsBaseline(cfg) : 0;
  return { files, drift: d.drift_interval_s !== undefined, names };
}

