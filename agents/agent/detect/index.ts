/**
 * The agent's detection adapter: runs the rule engine (src/detect, pure) over the lines the agent
 * already reads, over file-integrity events of the web roots and over host-drift snapshots. Alerts
 * go to the local alert store (fsync'd) and, as JSON lines of the source `gwsec-alerts`, into the
 * tamper-evident archive through the ordinary pipeline (so they are chained, signed and anchored
 * like every log line).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Alert, AlertChange } from '../../../src/model/alert.js';
import { DetectionEngine } from '../../../src/detect/engine.js';
import { isHostile, type DetectEvent } from '../../../src/detect/event.js';
import { lineEvent } from '../../../src/detect/lines.js';
import { loadRules, type Rule } from '../../../src/detect/load.js';
import { writeFileAtomic } from '../../../src/util/fs.js';
import type { AgentConfig } from '../config.js';
import type { Events } from '../events.js';
import type { Detector, LineRecord, Source, SourceBatch, SourceContext, SourcePart, SourceStatus } from '../pipeline.js';
import { diffSnapshots, loadSnapshot, takeSnapshot, type HostSnapshot } from './drift.js';
import { FileWatch, diffStates, fileStateJson, loadFileState, scanRoots, type FileState } from './fim.js';
import { AlertStore } from './store.js';

export const ALERT_SOURCE = 'gwsec-alerts';
export const fimBaselinePath = (cfg: AgentConfig) => join(cfg.state_dir, 'fim-baseline.json');
export const driftBaselinePath = (cfg: AgentConfig) => join(cfg.state_dir, 'drift-baseline.json');

/** Load the rules the config names; every problem thrown located (exit 2) before the agent starts. */
export function loadAgentRules(cfg: AgentConfig): Rule[] {
  return loadRules(cfg.detections.rules, { cases: false }).rules;
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

export class AgentDetection implements Detector {
  readonly name = 'rules';
  /** The runner parses nothing for us: lineEvent parses what the rules read. */
  readonly formats = [] as const;
  readonly source = new AlertSource();
  private readonly engine: DetectionEngine;
  private readonly store: AlertStore;
  private fim?: FileWatch;
  private timers: NodeJS.Timeout[] = [];
  private drift?: HostSnapshot;
  private driftBusy = false;
  private readonly formatOf: Map<string, AgentConfig['sources'][number] extends infer S ? (S extends { format: infer F } ? F : 'syslog') : never>;
  private lastTime = 0;
  /** Set by the runner when the agent is enrolled: the alerts' latest states go to the collector's outbox. */
  onAlerts?: (alerts: Alert[]) => void;

  constructor(
    private readonly cfg: AgentConfig,
    rules: Rule[],
    private readonly events: Events,
    private readonly now: () => Date,
  ) {
    this.engine = new DetectionEngine(rules, cfg.detections.host ?? hostname());
    this.store = new AlertStore(cfg.detections.alerts_file);
    this.formatOf = new Map(cfg.sources.map((s) => [s.name, s.type === 'file' ? s.format : 'syslog']));
  }

  /** FIM and drift start here (after the archive is open). */
  async start(): Promise<void> {
    const d = this.cfg.detections;
    if (d.web_roots.length) {
      const accepted = loadFileState(fimBaselinePath(this.cfg));
      const current = await scanRoots(d.web_roots);
      const observed: FileState = accepted ?? current;
      if (!accepted) writeFileAtomic(fimBaselinePath(this.cfg), fileStateJson(d.web_roots, current));
      this.fim = new FileWatch(d.web_roots, new Map(observed), (evs) => this.feedEvents(evs), this.now);
      await this.fim.start();
      if (accepted) await this.fim.rescan(); // changes made while the agent was down
      this.events.emit('FimStarted', { roots: d.web_roots.length, files: observed.size, baseline: accepted ? 'accepted' : 'recorded now' });
      this.every(d.baseline_interval_s, () => void this.fim?.rescan().catch((e: Error) => this.events.emit('DetectorError', { detector: 'fim', stage: 'rescan', error_type: 'io', message: e.message })));
    }
    if (d.drift_interval_s !== undefined) {
      const accepted = loadSnapshot(driftBaselinePath(this.cfg));
      const current = await takeSnapshot(d.host_root);
      if (!accepted) writeFileAtomic(driftBaselinePath(this.cfg), JSON.stringify(current));
      this.drift = accepted ?? current;
      if (accepted) this.feedEvents(diffSnapshots(accepted, current, this.now().getTime()));
      this.drift = current;
      this.every(d.drift_interval_s, () => void this.driftTick());
    }
  }

  private every(seconds: number, fn: () => void): void {
    const t = setInterval(fn, seconds * 1000);
    t.unref();
    this.timers.push(t);
  }

  private async driftTick(): Promise<void> {
    if (this.driftBusy || !this.drift) return;
    this.driftBusy = true;
    try {
      const next = await takeSnapshot(this.cfg.detections.host_root);
      const evs = diffSnapshots(this.drift, next, this.now().getTime());
      this.drift = next;
      this.feedEvents(evs);
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'drift', stage: 'snapshot', error_type: 'io', message: (e as Error).message });
    } finally {
      this.driftBusy = false;
    }
  }

  /** Detector: every batch of lines, before the archive append (so `baseSeq + 1 + i` is line i's seq). */
  observe(lines: ReadonlyArray<{ source: string; line: string }>, _events: Events, baseSeq = 0): void {
    const changes: AlertChange[] = [];
    const ctx = { year: this.now().getFullYear(), notAfter: this.now().getTime(), fallbackTime: this.lastTime || this.now().getTime(), web: this.engine.wantsWebInspection };
    let hostile = 0;
    for (let i = 0; i < lines.length; i++) {
      const r = lines[i]!;
      if (r.source === ALERT_SOURCE) continue;
      const format = this.formatOf.get(r.source) ?? 'raw';
      if (isHostile(r.line)) hostile++;
      let ev: DetectEvent | null;
      try {
        ev = lineEvent(format, r.line, ctx);
      } catch {
        this.events.count('DetectLineErrors', 1);
        continue;
      }
      if (!ev) continue;
      ctx.fallbackTime = ev.time;
      ev.ref = { source: r.source, seq: baseSeq + 1 + i };
      this.engine.feed(ev, changes);
    }
    this.lastTime = ctx.fallbackTime;
    if (hostile) this.events.count('DetectLinesHostile', hostile);
    this.publish(changes);
  }

  private feedEvents(evs: DetectEvent[]): void {
    const changes: AlertChange[] = [];
    for (const ev of evs) this.engine.feed(ev, changes);
    this.publish(changes);
  }

  /** Latest state of each alert of this round → the store (durable) and the archive queue. */
  private publish(changes: AlertChange[]): void {
    if (!changes.length) return;
    const latest = new Map<string, Alert>();
    for (const c of changes) {
      latest.set(c.alert.id, c.alert);
      if (c.type === 'new') this.events.emit('AlertRaised', { rule: c.alert.rule, severity: c.alert.severity, key: c.alert.groupKey.slice(0, 200), id: c.alert.id, kind: c.alert.kind });
    }
    const alerts = [...latest.values()];
    try {
      this.store.append(alerts, this.now());
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'rules', stage: 'store', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
    this.events.count('AlertsStored', alerts.length);
    try {
      this.onAlerts?.(alerts);
    } catch (e) {
      this.events.emit('DetectorError', { detector: 'rules', stage: 'outbox', error_type: (e as NodeJS.ErrnoException).code ?? 'io', message: (e as Error).message });
    }
    this.source.push(alerts.map((a) => JSON.stringify({ type: 'gwsec.alert', alert: a })));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.fim?.stop();
    this.store.close();
  }
}

/** `gwsec agent baseline`: record the accepted state of the web roots and the host now. */
export async function recordBaseline(cfg: AgentConfig): Promise<{ files: number; drift: boolean }> {
  const d = cfg.detections;
  let files = 0;
  if (d.web_roots.length) {
    const s = await scanRoots(d.web_roots);
    writeFileAtomic(fimBaselinePath(cfg), fileStateJson(d.web_roots, s));
    files = s.size;
  }
  if (d.drift_interval_s !== undefined) writeFileAtomic(driftBaselinePath(cfg), JSON.stringify(await takeSnapshot(d.host_root)));
  return { files, drift: d.drift_interval_s !== undefined };
}

export { diffStates };
