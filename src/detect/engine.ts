/**
 * The rule engine: compile rules once, feed parsed events, get alert changes. PURE: no clock (time
 * is the event's), no I/O. Keyed state (threshold, sequence, open alerts) is bounded per rule by
 * `max_keys` entries and by `max_bytes` (an estimate of the V8 heap it holds, see stateBytes);
 * when an entry still inside its window must be dropped, the drop is itself reported as an
 * `overflow` alert of that rule (one per suppression window, its count = entries dropped).
 */
import { createHash } from 'node:crypto';
import { MAX_REFS, MAX_SAMPLES, type Alert, type AlertChange, type AlertRef } from '../model/alert.js';
import { compileWhere, type Predicate } from './conditions.js';
import { compilePack, type PackFn } from './pack.js';
import { escapeLine, type DetectEvent, type FieldValue } from './event.js';
import { DEFAULT_EVIDENCE, DEFAULT_KEY, type SourceType } from './fields.js';
import type { Rule } from './load.js';
import { durationMs } from './duration.js';

/** Stable alert id: same rule, group key and first-seen instant → same id. */
export function alertId(rule: string, key: string, firstSeenMs: number): string {
  return createHash('sha256').update(`${rule}\n${key}\n${firstSeenMs}`).digest('hex').slice(0, 32);
}

/**
 * One hit held in keyed state, kept small (a flood holds thousands): the line only as the sample it
 * may become (escaped, cut to SAMPLE_MAX_CHARS, a string of its own so it pins no larger one), the
 * archive reference as two fields rather than an object. Every hit has all four (one hidden class).
 */
interface Hit {
  time: number;
  sample: string | undefined;
  source: string | undefined;
  /** Archive sequence number of the line; -1 when there is none (file and drift events). */
  seq: number;
}

interface KeyState {
  /** Event times inside the window, newest last (threshold: at most `count`; sequence: first-step hits; new_value: when values[i] was last seen). */
  times: number[];
  /** new_value only: the values seen for this key (times[i] is when values[i] was last seen). */
  values?: string[];
  hits: Hit[];
  last: number;
  /** Estimated heap bytes of this entry (stateBytes), counted in its rule's `bytes`. */
  bytes: number;
}

interface OpenAlert {
  alert: Alert;
  lastMs: number;
  bytes: number;
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
  /** new_value: the field whose first-seen values are judged, the learning period, and since when the rule learns. */
  value?: string;
  learnMs: number;
  since?: number;
  evidence: string[];
  state: Map<string, KeyState>;
  open: Map<string, OpenAlert>;
  overflow?: { alert: Alert; lastMs: number };
  dropped: number;
  /** Estimated heap bytes held in `state` and `open` together, bounded by the rule's max_bytes. */
  bytes: number;
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
  /** Estimated heap bytes of the keyed state, per rule (bounded by its max_bytes). */
  bytes: Record<string, number>;
}

/**
 * A source type's rules with all their conditions in one generated function (pack.ts): `where[i]`
 * and `then[i]` are the indexes in `hits` of rule i's conditions (-1: none). `always`: some rule
 * acts on events its condition rejects too (a streak ends on one), so no event may be skipped.
 */
interface Pack {
  fn: PackFn;
  hits: Uint8Array;
  where: number[];
  then: number[];
  always: boolean;
}

export interface EngineOptions {
  /**
   * Evaluate the conditions through one generated function per source type (the default) rather
   * than each rule's own closures. Both answer the same (test/detect/pack.test.ts); false is for
   * comparing them.
   */
  pack?: boolean;
}

export class DetectionEngine {
  private readonly byType: Record<SourceType, Compiled[]> = { web: [], auth: [], file: [], drift: [], process: [], netstat: [], dns: [], probe: [] };
  private readonly packs: Partial<Record<SourceType, Pack>> = {};
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
    opts: EngineOptions = {},
  ) {
    for (const rule of rules) {
      const lg = rule.logic;
      const c: Compiled = {
        rule,
        kind: lg.kind,
        where: compileWhere(lg.kind === 'sequence' ? lg.first.where : lg.where),
        then: lg.kind === 'sequence' ? compileWhere(lg.then.where) : undefined,
        key: lg.key ?? DEFAULT_KEY[rule.source],
        // A streak has no window: it lasts until a recovery (its state is one entry per key).
        windowMs: lg.kind === 'threshold' || lg.kind === 'sequence' ? durationMs(lg.window) : lg.kind === 'streak' ? Infinity : lg.kind === 'new_value' ? durationMs(lg.forget) : 0,
        count: lg.kind === 'threshold' || lg.kind === 'streak' ? lg.count : lg.kind === 'sequence' ? lg.first.count : lg.kind === 'new_value' ? lg.max_values : 1,
        weight: lg.kind === 'threshold' ? lg.weight : undefined,
        value: lg.kind === 'new_value' ? lg.value : undefined,
        learnMs: lg.kind === 'new_value' ? durationMs(lg.learn) : 0,
        evidence: rule.evidence ?? DEFAULT_EVIDENCE[rule.source],
        state: new Map(),
        open: new Map(),
        dropped: 0,
        bytes: 0,
      };
      this.byType[rule.source].push(c);
      this.all.push(c);
    }
    if (opts.pack !== false)
      for (const [type, list] of Object.entries(this.byType) as Array<[SourceType, Compiled[]]>) {
        if (!list.length) continue;
        const conds: unknown[] = [];
        const where: number[] = [];
        const then: number[] = [];
        for (const c of list) {
          const lg = c.rule.logic;
          where.push(conds.push(lg.kind === 'sequence' ? lg.first.where : lg.where) - 1);
          then.push(lg.kind === 'sequence' ? conds.push(lg.then.where) - 1 : -1);
        }
        this.packs[type] = { fn: compilePack(conds), hits: new Uint8Array(conds.length), where, then, always: list.some((c) => c.kind === 'streak') };
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
    const p = this.packs[ev.type];
    const n = p ? this.evaluate(p, ev) : -1;
    if (n === 0 && !p!.always) return out; // no rule's condition holds: no rule would do anything
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i]!;
      try {
        if (n >= 0) this.apply(c, ev, out, p!.hits[p!.where[i]!] === 1, p!.then[i]! >= 0 && p!.hits[p!.then[i]!] === 1);
        else this.apply(c, ev, out, c.where(ev), c.kind === 'sequence' && c.then!(ev));
      } catch {
        // A hostile or odd event must never stop a rule (or the others): counted, skipped.
        this.errors++;
      }
    }
    return out;
  }

  /** How many of the pack's conditions hold; -1 when it threw (the rules' own closures then decide, one by one). */
  private evaluate(p: Pack, ev: DetectEvent): number {
    try {
      return p.fn(ev.fields, p.hits);
    } catch {
      return -1;
    }
  }

  /**
   * Would feeding this event change anything? False when no rule's condition matches it (then
   * feed() would only count it). Lets a caller parse in parallel and feed only these, in order.
   */
  relevant(ev: DetectEvent): boolean {
    const p = this.packs[ev.type];
    const n = p ? this.evaluate(p, ev) : -1;
    if (n >= 0) return n > 0 || p!.always;
    const rules = this.byType[ev.type];
    for (let i = 0; i < rules.length; i++) {
      const c = rules[i]!;
      try {
        // A streak's non-matching event (a recovery) ends its episode: always relevant.
        if (c.kind === 'streak' || c.where(ev) || c.then?.(ev)) return true;
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
    const bytes: Record<string, number> = {};
    for (const c of this.all) {
      keys[c.rule.id] = c.state.size + c.open.size;
      dropped[c.rule.id] = c.dropped;
      bytes[c.rule.id] = c.bytes;
    }
    return { events: this.events, alerts: this.alerts, updates: this.updates, errors: this.errors, keys, dropped, bytes };
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
        if (!fits(k.length + 64 + hits.reduce((n, h) => n + 48 + (h.sample?.length ?? 0), 0) + (s.values?.reduce((n, v) => n + v.length + 16, 0) ?? 0))) break;
        state.push([k, { times: s.times, hits, last: s.last, ...(s.values ? { values: s.values } : {}) }]);
      }
      const open: RuleSnapshot['open'] = [];
      for (const [k, o] of [...c.open].reverse()) {
        if (o.lastMs < this.latest - c.rule.suppressMs) continue;
        if (!fits(k.length + JSON.stringify(o.alert).length + 32)) break;
        open.push([k, { alert: o.alert, lastMs: o.lastMs }]);
      }
      if (!state.length && !open.length && !c.overflow && !c.dropped && c.since === undefined) continue;
      rules[c.rule.id] = { state: state.reverse(), open: open.reverse(), overflow: c.overflow, dropped: c.dropped, ...(c.since !== undefined ? { since: c.since } : {}) };
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
        if (c.kind === 'new_value') {
          // values[i] and times[i] go together: both must be there, as many, of their types
          const vs = v.values;
          if (!Array.isArray(vs) || vs.length !== v.times.length || !vs.every((x) => typeof x === 'string') || !v.times.every((x) => typeof x === 'number')) continue;
          const values = (vs as string[]).slice(-c.count).map((x) => x.slice(0, VALUE_MAX_CHARS));
          const times = v.times.slice(-c.count);
          this.put(c, c.state, k, { times, hits: [], last: v.last, values, bytes: valuesBytes(k, values) });
          n++;
          continue;
        }
        const times = v.times.filter((t): t is number => typeof t === 'number').slice(-c.count);
        const hits = v.hits.filter(validHit).slice(-Math.max(c.count, MAX_SAMPLES)).map(restoredHit);
        // Held to the rule's bounds as in memory: the oldest entries go first (no overflow: nothing is fed yet).
        this.put(c, c.state, k, { times, hits, last: v.last, bytes: stateBytes(k, times.length, hits) });
        n++;
      }
      for (const e of (Array.isArray(r.open) ? r.open : []).slice(-c.rule.max_keys)) {
        const [k, v] = Array.isArray(e) ? e : [];
        if (typeof k !== 'string' || !v || !validAlert(v.alert) || typeof v.lastMs !== 'number') continue;
        this.put(c, c.open, k, { alert: v.alert, lastMs: v.lastMs, bytes: alertBytes(k, v.alert) });
        n++;
      }
      if (r.overflow && validAlert(r.overflow.alert) && typeof r.overflow.lastMs === 'number') c.overflow = { alert: r.overflow.alert, lastMs: r.overflow.lastMs };
      if (typeof r.dropped === 'number') c.dropped = r.dropped;
      if (typeof r.since === 'number' && (c.since === undefined || r.since < c.since)) c.since = r.since;
      n -= this.trimRestored(c);
    }
    return n;
  }

  /** Restore-time insert: replaces an entry of the same key (a duplicate in a hand-edited file). */
  private put<T extends { bytes: number }>(c: Compiled, m: Map<string, T>, k: string, v: T): void {
    const old = m.get(k);
    if (old) c.bytes -= old.bytes;
    m.set(k, v);
    c.bytes += v.bytes;
  }

  /** After a restore, hold the rule to its byte bound (a snapshot from a roomier rule): oldest entries first. */
  private trimRestored(c: Compiled): number {
    let n = 0;
    while (c.bytes > c.rule.max_bytes && (c.open.size || c.state.size)) {
      const m: Map<string, { bytes: number }> = c.open.size ? c.open : c.state;
      const [k, v] = m.entries().next().value as [string, { bytes: number }];
      m.delete(k);
      c.bytes -= v.bytes;
      n++;
    }
    return n;
  }

  /** One rule on one event, given whether its conditions hold (`then`: a sequence's second step). */
  private apply(c: Compiled, ev: DetectEvent, out: AlertChange[], where: boolean, then: boolean): void {
    if (c.kind === 'sequence') return this.sequence(c, ev, out, where, then);
    if (c.kind === 'streak') return this.streak(c, ev, out, where);
    if (!where) return;
    if (c.kind === 'new_value') return this.newValue(c, ev, out);
    const key = keyOf(ev.fields[c.key]);
    this.mutations++;
    if (c.kind === 'threshold') return this.threshold(c, ev, key, out);
    this.raise(c, key, ev, [hitOf(ev)], 1, out);
  }

  private threshold(c: Compiled, ev: DetectEvent, key: string, out: AlertChange[]): void {
    const w = c.weight ? Math.max(1, Math.min(c.count, Math.floor(Number(ev.fields[c.weight]) || 1))) : 1;
    if (this.extend(c, key, ev, w, out)) return;
    const s = this.hit(c, key, ev, w, out);
    // Keep only the newest `count` stamps and those inside the window ending at this event.
    this.trim(c, s, ev.time - c.windowMs, c.count);
    if (s.times.length >= c.count) {
      this.dropState(c, key, s);
      this.raise(c, key, ev, s.hits, s.times.length, out);
    }
  }

  /**
   * First-seen: the event's value for its key is remembered (at most max_values per key, the least
   * recently seen forgotten first); one not seen before, or not within `forget`, raises the alert
   * (grouped by key@value) unless the rule is still learning (`learn` after its first event).
   */
  private newValue(c: Compiled, ev: DetectEvent, out: AlertChange[]): void {
    const raw = ev.fields[c.value!];
    if (raw === undefined || raw === '') return;
    const value = keyOf(raw).slice(0, VALUE_MAX_CHARS);
    const key = keyOf(ev.fields[c.key]);
    this.mutations++;
    if (c.since === undefined || ev.time < c.since) c.since = ev.time;
    let s = c.state.get(key);
    let known = false;
    if (s) {
      c.state.delete(key);
      c.state.set(key, s);
      const values = s.values!;
      const i = values.indexOf(value);
      if (i >= 0) {
        known = s.times[i]! >= ev.time - c.windowMs;
        if (ev.time > s.times[i]!) s.times[i] = ev.time;
      } else {
        if (values.length >= c.count) {
          // forget the least recently seen value
          let j = 0;
          for (let k = 1; k < s.times.length; k++) if (s.times[k]! < s.times[j]!) j = k;
          const freed = valueBytes(values[j]!);
          values.splice(j, 1);
          s.times.splice(j, 1);
          s.bytes -= freed;
          c.bytes -= freed;
        }
        values.push(value);
        s.times.push(ev.time);
        const grown = valueBytes(value);
        s.bytes += grown;
        c.bytes += grown;
        this.bound(c, c.state, ev, out, 0, key);
      }
      s.last = Math.max(s.last, ev.time);
    } else {
      const values = [value];
      const bytes = valuesBytes(key, values);
      this.sweepState(c, ev.time - c.windowMs);
      this.bound(c, c.state, ev, out, bytes);
      s = { times: [ev.time], hits: [], last: ev.time, values, bytes };
      c.state.set(key, s);
      c.bytes += bytes;
    }
    if (known || ev.time - c.since < c.learnMs) return;
    this.raise(c, `${key}@${value}`, ev, [hitOf(ev)], 1, out);
  }

  /** Record one hit (`w` stamps) for `key`: its entry, touched or new, within the rule's bounds. */
  private hit(c: Compiled, key: string, ev: DetectEvent, w: number, out: AlertChange[]): KeyState {
    const h = hitOf(ev);
    let s = c.state.get(key);
    if (s) {
      // Touch: re-insert so Map order is least-recently-used first.
      c.state.delete(key);
      c.state.set(key, s);
      for (let k = 0; k < w; k++) s.times.push(ev.time);
      s.hits.push(h);
      s.last = Math.max(s.last, ev.time);
      const grown = w * TIME_BYTES + hitBytes(h);
      s.bytes += grown;
      c.bytes += grown;
      // A growing entry can push the rule over its byte bound too: older keys make room.
      this.bound(c, c.state, ev, out, 0, key);
      return s;
    }
    // Literal arrays: an empty one grows to 17 slots on its first push, and most keys of a flood hold one hit.
    const times = w === 1 ? [ev.time] : new Array<number>(w).fill(ev.time);
    const hits = [h];
    const bytes = stateBytes(key, w, hits);
    this.sweepState(c, ev.time - c.windowMs);
    this.bound(c, c.state, ev, out, bytes);
    s = { times, hits, last: ev.time, bytes };
    c.state.set(key, s);
    c.bytes += bytes;
    return s;
  }

  /** Drop stamps beyond the newest `maxTimes` and hits beyond `maxHits`, and both before `from`. */
  private trim(c: Compiled, s: KeyState, from: number, maxTimes: number, maxHits = maxTimes): void {
    let freed = 0;
    while (s.times.length > maxTimes || (s.times.length && s.times[0]! < from)) {
      s.times.shift();
      freed += TIME_BYTES;
    }
    while (s.hits.length > maxHits || (s.hits.length && s.hits[0]!.time < from)) freed += hitBytes(s.hits.shift()!);
    s.bytes -= freed;
    c.bytes -= freed;
  }

  private dropState(c: Compiled, key: string, s: KeyState): void {
    if (c.state.get(key) !== s) return;
    c.state.delete(key);
    c.bytes -= s.bytes;
  }

  private dropOpen(c: Compiled, key: string, o: OpenAlert): void {
    if (c.open.get(key) !== o) return;
    c.open.delete(key);
    c.bytes -= o.bytes;
  }

  private sequence(c: Compiled, ev: DetectEvent, out: AlertChange[], isFirst: boolean, isThen: boolean): void {
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
          this.dropState(c, key, s);
          this.raise(c, key, ev, [...s.hits.filter((h) => h.time >= from), hitOf(ev)], 1, out);
          return;
        }
      }
    }
    if (isFirst) {
      const s = this.hit(c, key, ev, 1, out);
      this.trim(c, s, ev.time - c.windowMs, c.count, Math.max(c.count, MAX_SAMPLES));
    }
  }

  /**
   * `count` matching events of one key in a row raise the alert; while it stays open further ones
   * raise its count. A non-matching event of the key (a recovery) clears both: the next run of
   * failures is a new episode, a new alert.
   */
  private streak(c: Compiled, ev: DetectEvent, out: AlertChange[], where: boolean): void {
    const key = keyOf(ev.fields[c.key]);
    if (!where) {
      const s = c.state.get(key);
      const o = c.open.get(key);
      if (s) this.dropState(c, key, s);
      if (o) this.dropOpen(c, key, o);
      if (s || o) this.mutations++;
      return;
    }
    this.mutations++;
    if (this.extend(c, key, ev, 1, out)) return;
    const s = this.hit(c, key, ev, 1, out);
    this.trim(c, s, -Infinity, c.count);
    if (s.times.length >= c.count) {
      this.dropState(c, key, s);
      this.raise(c, key, ev, s.hits, s.times.length, out);
    }
  }

  /** An open alert for this key inside its suppression window takes the event: true when it did. */
  private extend(c: Compiled, key: string, ev: DetectEvent, n: number, out: AlertChange[]): boolean {
    const o = c.open.get(key);
    if (!o) return false;
    if (ev.time - o.lastMs > c.rule.suppressMs) {
      this.dropOpen(c, key, o);
      return false;
    }
    const a = o.alert;
    a.count += n;
    if (ev.time > o.lastMs) {
      o.lastMs = ev.time;
      a.lastSeen = new Date(ev.time).toISOString();
    }
    // Only what the alert still takes is built (a repeat past 5 samples and 50 refs costs nothing).
    if (a.samples.length < MAX_SAMPLES || (ev.ref && a.refs.length < MAX_REFS)) {
      const grown = addHit(a, hitOf(ev));
      o.bytes += grown;
      c.bytes += grown;
    }
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
    const bytes = alertBytes(key, alert);
    this.sweepOpen(c, ev.time - c.rule.suppressMs);
    this.bound(c, c.open, ev, out, bytes);
    c.open.set(key, { alert, lastMs: Math.max(first, ev.time), bytes });
    c.bytes += bytes;
    this.alerts++;
    out.push({ type: 'new', alert });
  }

  /**
   * Make room for one more entry of `incoming` bytes in `m` (or for `key`'s entry that just grew) by
   * dropping the least recently used: while the map is at `max_keys` or the rule over `max_bytes`.
   * Bytes come out of this map first, then the rule's other map. Keyed rule state still inside its
   * window is a loss (an attack may go unseen): reported as an overflow. A dropped open alert only
   * means a later repeat opens a new alert instead of counting into the stored one. The entry being
   * grown is never dropped for its own sake (it holds at most `count` hits of ≤ 1 KiB samples).
   */
  private bound<T extends KeyState | OpenAlert>(c: Compiled, m: Map<string, T>, ev: DetectEvent, out: AlertChange[], incoming: number, keep?: string): void {
    const other: Map<string, KeyState | OpenAlert> = (m as Map<string, unknown>) === c.state ? c.open : c.state;
    for (;;) {
      const full = m.size >= c.rule.max_keys && keep === undefined;
      if (!full && c.bytes + incoming <= c.rule.max_bytes) return;
      let from: Map<string, KeyState | OpenAlert> = m;
      let first = m.keys().next();
      if (!full && (first.done || first.value === keep)) {
        from = other;
        first = other.keys().next();
      }
      if (first.done || first.value === keep) return;
      const v = from.get(first.value)!;
      from.delete(first.value);
      c.bytes -= v.bytes;
      if ('times' in v && v.last >= ev.time - c.windowMs) this.overflowed(c, ev, out);
    }
  }

  /**
   * Drop entries whose window (or suppression) has passed, from the least recently used end, a few
   * per new key: memory follows the live state, not the bounds (a day of 404s from ever new clients
   * would otherwise sit at them). Dropping these loses nothing, so it is not an overflow.
   */
  private sweepState(c: Compiled, horizon: number): void {
    for (let i = 0; i < 4; i++) {
      const first = c.state.entries().next();
      if (first.done || first.value[1].last >= horizon) return;
      this.dropState(c, first.value[0], first.value[1]);
    }
  }

  private sweepOpen(c: Compiled, horizon: number): void {
    for (let i = 0; i < 4; i++) {
      const first = c.open.entries().next();
      if (first.done || first.value[1].lastMs >= horizon) return;
      this.dropOpen(c, first.value[0], first.value[1]);
    }
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
      title: { zh: `检测规则"${r.title.zh}"的状态超出内存上限（${r.max_keys} 个键或 ${sizeText(r.max_bytes)}），最早的键被丢弃`, en: `Rule "${r.title.en}" hit its memory bound (${r.max_keys} keys or ${sizeText(r.max_bytes)}): oldest keys dropped` },
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
      evidence: { max_keys: r.max_keys, max_bytes: r.max_bytes, dropped: 1 },
    };
    c.overflow = { alert, lastMs: ev.time };
    this.alerts++;
    out.push({ type: 'new', alert });
  }
}

function keyOf(v: FieldValue): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Upper bound of a snapshot's JSON (about: lines and alerts are counted, the syntax estimated). */
export const SNAPSHOT_MAX_BYTES = 4 * 1024 * 1024;

/** A hit as the snapshot keeps it (the format of every version-1 snapshot). */
interface SnapHit {
  time: number;
  sample?: string;
  ref?: AlertRef;
}

interface RuleSnapshot {
  state: Array<[string, { times: number[]; hits: SnapHit[]; last: number; values?: string[] }]>;
  /** new_value: the rule's first event (its learning period runs from there). */
  since?: number;
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

function snapHit(h: Hit): SnapHit {
  return { time: h.time, ...(h.sample !== undefined ? { sample: h.sample } : {}), ...(h.source !== undefined && h.seq >= 0 ? { ref: { source: h.source, seq: h.seq } } : {}) };
}

function validHit(h: unknown): h is SnapHit {
  const x = h as SnapHit;
  return !!x && typeof x.time === 'number' && (x.sample === undefined || typeof x.sample === 'string') && (x.ref === undefined || (!!x.ref && typeof x.ref.source === 'string' && typeof x.ref.seq === 'number'));
}

/** A snapshot's sample is not trusted to be short or escaped: escaping an escaped sample changes nothing. */
function restoredHit(h: SnapHit): Hit {
  return { time: h.time, sample: h.sample === undefined ? undefined : sampleOf(h.sample), source: h.ref?.source, seq: h.ref ? h.ref.seq : -1 };
}

function validAlert(a: unknown): a is Alert {
  const x = a as Alert;
  return !!x && typeof x.id === 'string' && typeof x.count === 'number' && Array.isArray(x.samples) && Array.isArray(x.refs) && typeof x.evidence === 'object' && x.evidence !== null;
}

function hitOf(ev: DetectEvent): Hit {
  return { time: ev.time, sample: ev.line === undefined ? undefined : sampleOf(ev.line), source: ev.ref?.source, seq: ev.ref ? ev.ref.seq : -1 };
}

/**
 * The line as a sample: escaped and cut. A changed (cut or escaped) line is copied into a string of
 * its own: the cut is otherwise a slice that pins the whole line (100 KB of a hostile one) in memory.
 */
function sampleOf(line: string): string {
  const s = escapeLine(line);
  return s === line ? line : Buffer.from(s, 'utf8').toString('utf8');
}

/** Add a hit's sample and reference where the alert still has room; the estimated bytes it added. */
function addHit(a: Alert, h: Hit): number {
  let added = 0;
  if (h.sample !== undefined && a.samples.length < MAX_SAMPLES) {
    a.samples.push(h.sample);
    added += strBytes(h.sample);
  }
  if (h.source !== undefined && h.seq >= 0 && a.refs.length < MAX_REFS) {
    a.refs.push({ source: h.source, seq: h.seq });
    added += REF_BYTES;
  }
  return added;
}

/*
 * Estimated V8 heap bytes of keyed state (max_bytes bounds their sum per rule). Calibrated against
 * heap snapshots of a flood of one-hit keys and of full brute-force keys on Node 20 (x64, no pointer
 * compression): test/detect/engine-memory.test.ts holds the estimate within a factor of the measured heap.
 * Strings count one byte a character, two when V8 must store them two bytes wide (any character
 * past U+00FF: Chinese text, or the "…" of a cut sample).
 */
const ENTRY_BYTES = 200; // the Map slot, the entry object, its two arrays
const TIME_BYTES = 8;
const HIT_BYTES = 72; // the hit object, its time (a heap number), its array slot
const STRING_BYTES = 24;
const REF_BYTES = 56;
const ALERT_BYTES = 1200; // the alert, its id, dates, arrays, title and evidence objects

const WIDE = /[\u0100-\uffff]/;
const strBytes = (s: string) => STRING_BYTES + (WIDE.test(s) ? 2 : 1) * s.length;

function hitBytes(h: Hit): number {
  return HIT_BYTES + (h.sample === undefined ? 0 : strBytes(h.sample));
}

/** A first-seen value is cut to this many characters (a hostile line cannot make one key huge). */
const VALUE_MAX_CHARS = 256;
const valueBytes = (v: string) => strBytes(v) + TIME_BYTES + 8;

function valuesBytes(key: string, values: string[]): number {
  let n = ENTRY_BYTES + strBytes(key);
  for (const v of values) n += valueBytes(v);
  return n;
}

function stateBytes(key: string, times: number, hits: Hit[]): number {
  let n = ENTRY_BYTES + strBytes(key) + times * TIME_BYTES;
  for (const h of hits) n += hitBytes(h);
  return n;
}

function alertBytes(key: string, a: Alert): number {
  let n = ALERT_BYTES + strBytes(key) + a.refs.length * REF_BYTES;
  for (const x of a.samples) n += strBytes(x);
  for (const v of Object.values(a.evidence)) n += typeof v === 'string' ? strBytes(v) : Array.isArray(v) ? v.reduce((k: number, x) => k + strBytes(String(x)), 0) : 16;
  return n;
}

/** 2 MiB, 512 KiB, 1.5 MiB: how a rule file writes max_bytes. */
const sizeText = (n: number) => (n >= 1048576 ? `${+(n / 1048576).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`);

function evidenceOf(fields: string[], ev: DetectEvent): Alert['evidence'] {
  const e: Alert['evidence'] = {};
  for (const f of fields) {
    const v = ev.fields[f];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    e[f] = Array.isArray(v) ? v.map((x) => escapeLine(x, 200)) : typeof v === 'string' ? escapeLine(v, 512) : v;
  }
  return e;
}
