/**
 * The rule engine: compile rules once, feed parsed events, get alert changes. PURE: no clock (time
 * is the event's), no I/O. Keyed state (threshold, sequence, open alerts) is bounded per rule by
 * `max_keys`; when an entry still inside its window must be dropped, the drop is itself reported
 * as an `overflow` alert of that rule (one per suppression window, its count = entries dropped).
 */
import { createHash } from 'node:crypto';
import { MAX_REFS, MAX_SAMPLES, type Alert, type AlertChange, type AlertRef } from '../model/alert.js';
import { compileWhere, type Predicate } from './conditions.js';
import { escapeLine, type DetectEvent, type FieldValue } from './event.js';
import { DEFAULT_EVIDENCE, DEFAULT_KEY, type SourceType } from './fields.js';
import type { Rule } from './load.js';
import { durationMs } from './duration.js';

/** Stable alert id: same rule, group key and first-seen instant → same id. */
export function alertId(rule: string, key: string, firstSeenMs: number): string {
  return createHash('sha256').update(`${rule}\n${key}\n${firstSeenMs}`).digest('hex').slice(0, 32);
}

interface Hit {
  time: number;
  line?: string;
  /** The line already escaped for a sample (hits restored from a snapshot carry only this). */
  sample?: string;
  ref?: AlertRef;
}

interface KeyState {
  /** Event times inside the window, newest last (threshold: at most `count`; sequence: first-step hits). */
  times: number[];
  hits: Hit[];
  last: number;
}

interface OpenAlert {
  alert: Alert;
  lastMs: number;
}

interface Compiled {
  rule: Rule;
  kind: Rule['logic']['kind'];
  where: Predicate;
  then?: Predicate;
  key: string;
  windowMs: number;
  count: number;
  weight?: string;
  evidence: string[];
  state: Map<string, KeyState>;
  open: Map<string, OpenAlert>;
  overflow?: OpenAlert;
  dropped: number;
}

export interface EngineStats {
  events: number;
  alerts: number;
  updates: number;
  errors: number;
  /** Keyed entries held now, per rule. */
  keys: Record<string, number>;
  /** Entries dropped at the memory bound, per rule. */
  dropped: Record<string, number>;
}

export class DetectionEngine {
  private readonly byType: Record<SourceType, Compiled[]> = { web: [], auth: [], file: [], drift: [] };
  private readonly all: Compiled[] = [];
  private events = 0;
  private alerts = 0;
  private updates = 0;
  private errors = 0;
  /** Newest event time fed: what a snapshot measures windows against (the engine has no clock). */
  private latest = -Infinity;
  /** Bumped whenever keyed state changes: a caller persists the snapshot only when it moved. */
  mutations = 0;

  constructor(
    rules: Rule[],
    private readonly host: string,
  ) {
    for (const rule of rules) {
      const lg = rule.logic;
      const c: Compiled = {
        rule,
        kind: lg.kind,
        where: compileWhere(lg.kind === 'sequence' ? lg.first.where : lg.where),
        then: lg.kind === 'sequence' ? compileWhere(lg.then.where) : undefined,
        key: lg.key ?? DEFAULT_KEY[rule.source],
        windowMs: lg.kind === 'threshold' || lg.kind === 'sequence' ? durationMs(lg.window) : 0,
        count: lg.kind === 'threshold' ? lg.count : lg.kind === 'sequence' ? lg.first.count : 1,
        weight: lg.kind === 'threshold' ? lg.weight : undefined,
        evidence: rule.evidence ?? DEFAULT_EVIDENCE[rule.source],
        state: new Map(),
        open: new Map(),
        dropped: 0,
      };
      this.byType[rule.source].push(c);
      this.all.push(c);
    }
  }

  /** Source types some rule reads (a caller skips parsing the rest). */
  wants(type: SourceType): boolean {
    return this.byType[type].length > 0;
  }

  /** Whether any rule reads web.* fields (the web-attack inspection costs CPU). */
  get wantsWebInspection(): boolean {
    return this.byType.web.length > 0;
  }

  feed(ev: DetectEvent, out: AlertChange[] = []): AlertChange[] {
    this.events++;
    if (ev.time > this.latest) this.latest = ev.time;
    const rules = this.byType[ev.type];
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i]!;
      try {
        this.apply(c, ev, out);
      } catch {
        // A hostile or odd event must never stop a rule (or the others): counted, skipped.
        this.errors++;
      }
    }
    return out;
  }

  /**
   * Would feeding this event change anything? False when no rule's condition matches it (then
   * feed() would only count it). Lets a caller parse in parallel and feed only these, in order.
   */
  relevant(ev: DetectEvent): boolean {
    const rules = this.byType[ev.type];
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i]!;
      try {
        if (c.where(ev) || c.then?.(ev)) return true;
      } catch {
        return true; // let feed() meet (and count) the error
      }
    }
    return false;
  }

  /** Count events a caller judged irrelevant and did not feed (stats stay those of one pass). */
  skipped(n: number): void {
    this.events += n;
  }

  stats(): EngineStats {
    const keys: Record<string, number> = {};
    const dropped: Record<string, number> = {};
    for (const c of this.all) {
      keys[c.rule.id] = c.state.size + c.open.size;
      dropped[c.rule.id] = c.dropped;
    }
    return { events: this.events, alerts: this.alerts, updates: this.updates, errors: this.errors, keys, dropped };
  }

  /**
   * The keyed state worth keeping across a restart (a brute force that spans it must still be
   * counted): per rule, threshold/sequence entries still inside their window and open alerts still
   * inside their suppression window, measured against the newest event fed. Bounded: at most
   * `max_keys` entries per map (as in memory), lines cut to a sample's size, and at most
   * SNAPSHOT_MAX_BYTES in all (the most recently active entries are kept first). Plain JSON.
   */
  snapshot(maxBytes = SNAPSHOT_MAX_BYTES): EngineSnapshot {
    const rules: EngineSnapshot['rules'] = {};
    const budget = Math.floor(maxBytes / Math.max(1, this.all.length));
    for (const c of this.all) {
      let used = 0;
      const fits = (n: number) => (used += n) <= budget;
      const state: RuleSnapshot['state'] = [];
      const horizon = this.latest - c.windowMs;
      // Map order is least recently used first: walk it newest first.
      for (const [k, s] of [...c.state].reverse()) {
        if (s.last < horizon) continue;
        const hits = s.hits.slice(-MAX_REFS).map(snapHit);
        if (!fits(k.length + 64 + hits.reduce((n, h) => n + 48 + (h.sample?.length ?? 0), 0))) break;
        state.push([k, { times: s.times, hits, last: s.last }]);
      }
      const open: RuleSnapshot['open'] = [];
      for (const [k, o] of [...c.open].reverse()) {
        if (o.lastMs < this.latest - c.rule.suppressMs) continue;
        if (!fits(k.length + JSON.stringify(o.alert).length + 32)) break;
        open.push([k, { alert: o.alert, lastMs: o.lastMs }]);
      }
      if (!state.length && !open.length && !c.overflow && !c.dropped) continue;
      rules[c.rule.id] = { state: state.reverse(), open: open.reverse(), overflow: c.overflow, dropped: c.dropped };
    }
    return { version: 1, latest: Number.isFinite(this.latest) ? this.latest : null, rules };
  }

  /**
   * Take back a snapshot (from this or an earlier run): rules no longer loaded are ignored, each map
   * is held to the rule's `max_keys` again, and anything malformed is skipped, never trusted.
   * Returns how many entries were restored.
   */
  restore(snap: unknown): number {
    const s = snap as Partial<EngineSnapshot> | null;
    if (!s || s.version !== 1 || typeof s.rules !== 'object' || s.rules === null) return 0;
    if (typeof s.latest === 'number' && s.latest > this.latest) this.latest = s.latest;
    this.mutations++;
    let n = 0;
    for (const c of this.all) {
      const r = (s.rules as Record<string, Partial<RuleSnapshot>>)[c.rule.id];
      if (!r || typeof r !== 'object') continue;
      for (const e of (Array.isArray(r.state) ? r.state : []).slice(-c.rule.max_keys)) {
        const [k, v] = Array.isArray(e) ? e : [];
        if (typeof k !== 'string' || !v || !Array.isArray(v.times) || !Array.isArray(v.hits) || typeof v.last !== 'number') continue;
        const times = v.times.filter((t): t is number => typeof t === 'number').slice(-c.count);
        const hits = v.hits.filter(validHit).slice(-Math.max(c.count, MAX_SAMPLES, MAX_REFS));
        c.state.set(k, { times, hits, last: v.last });
        n++;
      }
      for (const e of (Array.isArray(r.open) ? r.open : []).slice(-c.rule.max_keys)) {
        const [k, v] = Array.isArray(e) ? e : [];
        if (typeof k !== 'string' || !v || !validAlert(v.alert) || typeof v.lastMs !== 'number') continue;
        c.open.set(k, { alert: v.alert, lastMs: v.lastMs });
        n++;
      }
      if (r.overflow && validAlert(r.overflow.alert) && typeof r.overflow.lastMs === 'number') c.overflow = { alert: r.overflow.alert, lastMs: r.overflow.lastMs };
      if (typeof r.dropped === 'number') c.dropped = r.dropped;
    }
    return n;
  }

  private apply(c: Compiled, ev: DetectEvent, out: AlertChange[]): void {
    if (c.kind === 'sequence') return this.sequence(c, ev, out);
    if (!c.where(ev)) return;
    const key = keyOf(ev.fields[c.key]);
    this.mutations++;
    if (c.kind === 'threshold') return this.threshold(c, ev, key, out);
    this.raise(c, key, ev, [hitOf(ev)], 1, out);
  }

  private threshold(c: Compiled, ev: DetectEvent, key: string, out: AlertChange[]): void {
    const w = c.weight ? Math.max(1, Math.min(c.count, Math.floor(Number(ev.fields[c.weight]) || 1))) : 1;
    if (this.extend(c, key, ev, w, out)) return;
    const s = this.stateFor(c, key, ev, out);
    for (let k = 0; k < w; k++) s.times.push(ev.time);
    s.hits.push(hitOf(ev));
    s.last = Math.max(s.last, ev.time);
    // Keep only the newest `count` stamps and those inside the window ending at this event.
    while (s.times.length > c.count || (s.times.length && s.times[0]! < ev.time - c.windowMs)) s.times.shift();
    while (s.hits.length > c.count || (s.hits.length && s.hits[0]!.time < ev.time - c.windowMs)) s.hits.shift();
    if (s.times.length >= c.count) {
      c.state.delete(key);
      this.raise(c, key, ev, s.hits, s.times.length, out);
    }
  }

  private sequence(c: Compiled, ev: DetectEvent, out: AlertChange[]): void {
    const isFirst = c.where(ev);
    const isThen = c.then!(ev);
    if (!isFirst && !isThen) return;
    const key = keyOf(ev.fields[c.key]);
    this.mutations++;
    if (isThen) {
      if (this.extend(c, key, ev, 1, out)) return;
      const s = c.state.get(key);
      if (s) {
        const from = ev.time - c.windowMs;
        const inWindow = s.times.filter((t) => t >= from && t <= ev.time);
        if (inWindow.length >= c.count) {
          c.state.delete(key);
          this.raise(c, key, ev, [...s.hits.filter((h) => h.time >= from), hitOf(ev)], 1, out);
          return;
        }
      }
    }
    if (isFirst) {
      const s = this.stateFor(c, key, ev, out);
      s.times.push(ev.time);
      s.hits.push(hitOf(ev));
      s.last = Math.max(s.last, ev.time);
      const cap = Math.max(c.count, MAX_SAMPLES);
      while (s.times.length > c.count || (s.times.length && s.times[0]! < ev.time - c.windowMs)) s.times.shift();
      while (s.hits.length > cap || (s.hits.length && s.hits[0]!.time < ev.time - c.windowMs)) s.hits.shift();
    }
  }

  /** An open alert for this key inside its suppression window takes the event: true when it did. */
  private extend(c: Compiled, key: string, ev: DetectEvent, n: number, out: AlertChange[]): boolean {
    const o = c.open.get(key);
    if (!o) return false;
    if (ev.time - o.lastMs > c.rule.suppressMs) {
      c.open.delete(key);
      return false;
    }
    const a = o.alert;
    a.count += n;
    if (ev.time > o.lastMs) {
      o.lastMs = ev.time;
      a.lastSeen = new Date(ev.time).toISOString();
    }
    addHit(a, hitOf(ev));
    this.updates++;
    out.push({ type: 'update', alert: a });
    return true;
  }

  private raise(c: Compiled, key: string, ev: DetectEvent, hits: Hit[], count: number, out: AlertChange[]): void {
    if (this.extend(c, key, ev, count, out)) return;
    const first = Math.min(...hits.map((h) => h.time));
    const r = c.rule;
    const alert: Alert = {
      id: alertId(r.id, key, first),
      rule: r.id,
      kind: 'detection',
      title: r.title,
      severity: r.severity,
      technique: r.technique,
      playbook: r.playbook,
      host: this.host,
      groupKey: key,
      firstSeen: new Date(first).toISOString(),
      lastSeen: new Date(Math.max(first, ev.time)).toISOString(),
      count,
      samples: [],
      refs: [],
      evidence: evidenceOf(c.evidence, ev),
    };
    for (const h of hits) addHit(alert, h);
    sweep(c.open, ev.time - c.rule.suppressMs);
    this.bound(c, c.open, ev.time - c.rule.suppressMs, ev, out);
    c.open.set(key, { alert, lastMs: Math.max(first, ev.time) });
    this.alerts++;
    out.push({ type: 'new', alert });
  }

  private stateFor(c: Compiled, key: string, ev: DetectEvent, out: AlertChange[]): KeyState {
    let s = c.state.get(key);
    if (s) {
      // Touch: re-insert so Map order is least-recently-used first.
      c.state.delete(key);
      c.state.set(key, s);
      return s;
    }
    sweep(c.state, ev.time - c.windowMs);
    this.bound(c, c.state, ev.time - c.windowMs, ev, out);
    s = { times: [], hits: [], last: ev.time };
    c.state.set(key, s);
    return s;
  }

  /**
   * Make room for one more entry by dropping the least recently used. Keyed rule state still inside
   * its window is a loss (an attack may go unseen): reported as an overflow. A dropped open alert
   * only means a later repeat opens a new alert instead of counting into the stored one.
   */
  private bound<T extends { last?: number; lastMs?: number }>(c: Compiled, m: Map<string, T>, horizon: number, ev: DetectEvent, out: AlertChange[]): void {
    if (m.size < c.rule.max_keys) return;
    const first = m.keys().next();
    if (first.done) return;
    const v = m.get(first.value)!;
    m.delete(first.value);
    if ('times' in v && (v.last ?? 0) >= horizon) this.overflowed(c, ev, out);
  }

  private overflowed(c: Compiled, ev: DetectEvent, out: AlertChange[]): void {
    c.dropped++;
    const o = c.overflow;
    if (o && ev.time - o.lastMs <= c.rule.suppressMs) {
      o.alert.count++;
      o.lastMs = Math.max(o.lastMs, ev.time);
      o.alert.lastSeen = new Date(o.lastMs).toISOString();
      o.alert.evidence.dropped = o.alert.count;
      this.updates++;
      out.push({ type: 'update', alert: o.alert });
      return;
    }
    const r = c.rule;
    const alert: Alert = {
      id: alertId(`${r.id}#overflow`, '', ev.time),
      rule: r.id,
      kind: 'overflow',
      title: { zh: `检测规则"${r.title.zh}"的状态超出内存上限（${r.max_keys} 个键），最早的键被丢弃`, en: `Rule "${r.title.en}" hit its memory bound (${r.max_keys} keys): oldest keys dropped` },
      severity: 'medium',
      technique: r.technique,
      playbook: r.playbook,
      host: this.host,
      groupKey: '',
      firstSeen: new Date(ev.time).toISOString(),
      lastSeen: new Date(ev.time).toISOString(),
      count: 1,
      samples: ev.line !== undefined ? [escapeLine(ev.line)] : [],
      refs: ev.ref ? [ev.ref] : [],
      evidence: { max_keys: r.max_keys, dropped: 1 },
    };
    c.overflow = { alert, lastMs: ev.time };
    this.alerts++;
    out.push({ type: 'new', alert });
  }
}

/**
 * Drop entries whose window (or suppression) has passed, from the least recently used end, a few per
 * new key: memory follows the live state, not `max_keys` (a day of 404s from ever new clients would
 * otherwise sit at the bound). Dropping these loses nothing, so it is not an overflow.
 */
function sweep<T extends { last?: number; lastMs?: number }>(m: Map<string, T>, horizon: number): void {
  for (let i = 0; i < 4; i++) {
    const first = m.entries().next();
    if (first.done) return;
    const [k, v] = first.value;
    if ((v.last ?? v.lastMs ?? Infinity) >= horizon) return;
    m.delete(k);
  }
}

function keyOf(v: FieldValue): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Upper bound of a snapshot's JSON (about: lines and alerts are counted, the syntax estimated). */
export const SNAPSHOT_MAX_BYTES = 4 * 1024 * 1024;

interface RuleSnapshot {
  state: Array<[string, { times: number[]; hits: Hit[]; last: number }]>;
  open: Array<[string, { alert: Alert; lastMs: number }]>;
  overflow?: { alert: Alert; lastMs: number };
  dropped: number;
}

/** The engine's keyed state as plain JSON (DetectionEngine.snapshot / restore). */
export interface EngineSnapshot {
  version: 1;
  latest: number | null;
  rules: Record<string, RuleSnapshot>;
}

function snapHit(h: Hit): Hit {
  const sample = h.sample ?? (h.line !== undefined ? escapeLine(h.line) : undefined);
  return { time: h.time, ...(sample !== undefined ? { sample } : {}), ...(h.ref ? { ref: h.ref } : {}) };
}

function validHit(h: unknown): h is Hit {
  const x = h as Hit;
  return !!x && typeof x.time === 'number' && (x.sample === undefined || typeof x.sample === 'string') && (x.ref === undefined || (typeof x.ref.source === 'string' && typeof x.ref.seq === 'number'));
}

function validAlert(a: unknown): a is Alert {
  const x = a as Alert;
  return !!x && typeof x.id === 'string' && typeof x.count === 'number' && Array.isArray(x.samples) && Array.isArray(x.refs) && typeof x.evidence === 'object' && x.evidence !== null;
}

function hitOf(ev: DetectEvent): Hit {
  return { time: ev.time, line: ev.line, ref: ev.ref };
}

function addHit(a: Alert, h: Hit): void {
  if (a.samples.length < MAX_SAMPLES) {
    const sample = h.sample ?? (h.line !== undefined ? escapeLine(h.line) : undefined);
    if (sample !== undefined) a.samples.push(sample);
  }
  if (h.ref && a.refs.length < MAX_REFS) a.refs.push(h.ref);
}

function evidenceOf(fields: string[], ev: DetectEvent): Alert['evidence'] {
  const e: Alert['evidence'] = {};
  for (const f of fields) {
    const v = ev.fields[f];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    e[f] = Array.isArray(v) ? v.map((x) => escapeLine(x, 200)) : typeof v === 'string' ? escapeLine(v, 512) : v;
  }
  return e;
}
