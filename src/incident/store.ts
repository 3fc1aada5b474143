/**
 * Incidents on disk: `<root>/<ID>/` holds `journal/` (the SM3-chained, fsync'd journal shared with
 * the agent archive), `evidence/` (collected items, hashed at collection), `reports/` and
 * `playbook.yaml` (the exact flow being run, so a resume runs the same one).
 *
 * Writers open the journal for one transaction at a time (state is re-read under its lock), so a
 * second terminal can write a report or read evidence while a runner waits at a prompt.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sm3 } from '../crypto/index.js';
import { Journal, readRecords } from '../journal/index.js';
import { GwsecError } from '../model/errors.js';
import type { OfflineRecord } from './clock.js';
import { OFFICIAL_TZ, wallClock } from './time.js';
import { canonicalJson, eventFromWire, eventToWire, type EventOf, type IncidentEvent } from './events.js';
import { foldEvents, type IncidentState, type TimedEvent } from './state.js';

/** `--incidents DIR`, else `$GWSEC_INCIDENTS`, else `./incidents`. */
export function incidentsRoot(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.GWSEC_INCIDENTS ?? 'incidents');
}

const ID_RE = /^(INC|DRILL)-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function newIncidentId(now: Date, drill: boolean): string {
  const w = wallClock(now, OFFICIAL_TZ);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${drill ? 'DRILL' : 'INC'}-${w.year}${p(w.month)}${p(w.day)}-${p(w.hour)}${p(w.minute)}${p(w.second)}-${randomBytes(2).toString('hex')}`;
}

type NewEvent = IncidentEvent extends infer E ? (E extends IncidentEvent ? Omit<E, 'at'> & { at?: string } : never) : never;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IncidentStore {
  readonly root: string;
  constructor(
    root: string,
    readonly actor: string = process.env.SUDO_USER || process.env.USER || 'unknown',
    readonly now: () => Date = () => new Date(),
    /** Injected only by tests that need stable ids (golden reports). */
    readonly newId: (now: Date, drill: boolean) => string = newIncidentId,
  ) {
    this.root = resolve(root);
  }

  dir(id: string): string {
    if (!ID_RE.test(id)) throw new GwsecError('incident_not_found', { en: `'${id}' is not an incident id (like INC-20251103-140500-a1b2)`, zh: `“${id}”不是事件编号（格式如 INC-20251103-140500-a1b2）` });
    return join(this.root, id);
  }
  journalDir = (id: string): string => join(this.dir(id), 'journal');
  evidenceDir = (id: string): string => join(this.dir(id), 'evidence');
  reportsDir = (id: string): string => join(this.dir(id), 'reports');

  async create(opened: Omit<EventOf<'incident.opened'>, 'type' | 'id' | 'at'>): Promise<IncidentState> {
    const at = this.now();
    const id = this.newId(at, opened.drill);
    await mkdir(this.evidenceDir(id), { recursive: true, mode: 0o700 });
    await mkdir(this.reportsDir(id), { recursive: true, mode: 0o700 });
    const j = await this.openJournal(id);
    try {
      await j.append([this.record({ ...opened, type: 'incident.opened', id } as NewEvent, at)]);
    } finally {
      await j.close();
    }
    return this.load(id);
  }

  private notFound(id: string): GwsecError {
    return new GwsecError('incident_not_found', { en: `no incident ${id} under ${this.root}`, zh: `${this.root} 下没有事件 ${id}` });
  }

  async exists(id: string): Promise<boolean> {
    return stat(this.journalDir(id)).then(() => true, () => false);
  }

  async events(id: string): Promise<TimedEvent[]> {
    if (!(await this.exists(id))) throw this.notFound(id);
    const out: TimedEvent[] = [];
    for await (const r of readRecords(this.journalDir(id))) {
      let data: unknown;
      try {
        data = JSON.parse(r.line);
      } catch {
        continue; // a damaged record: verify reports it
      }
      out.push({ seq: r.seq, event: eventFromWire(data, `incident ${id} record ${r.seq}`) });
    }
    return out;
  }

  async load(id: string): Promise<IncidentState> {
    const ev = await this.events(id);
    if (!ev.length) throw new GwsecError('incident_damaged', { en: `incident ${id} has an empty journal (run gwsec incident verify ${id})`, zh: `事件 ${id} 的日志为空（请运行 gwsec incident verify ${id}）` });
    return foldEvents(ev);
  }

  async list(): Promise<IncidentState[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const out: IncidentState[] = [];
    for (const n of names.filter((x) => ID_RE.test(x)).sort()) {
      try {
        out.push(await this.load(n));
      } catch {
        /* listed by verify, not here */
      }
    }
    return out;
  }

  private record(e: NewEvent, at: Date): { source: string; line: string; time: string } {
    const full = { by: this.actor, ...e, at: e.at ?? at.toISOString() } as IncidentEvent;
    return { source: full.type, line: canonicalJson(eventToWire(full)), time: full.at };
  }

  private async openJournal(id: string): Promise<Journal> {
    for (let i = 0; ; i++) {
      try {
        return await Journal.open(this.journalDir(id), { now: this.now });
      } catch (e) {
        if ((e as GwsecError).code !== 'journal_locked' || i >= 100) throw e;
        await sleep(50);
      }
    }
  }

  /** Appends events (each fsync'd before this resolves); `fn` sees the state as of the lock. */
  async transact(id: string, fn: (s: IncidentState, head: { seq: number; hash: string }) => NewEvent[] | Promise<NewEvent[]>): Promise<IncidentState> {
    if (!(await this.exists(id))) throw this.notFound(id);
    const j = await this.openJournal(id);
    try {
      const state = await this.load(id);
      const evs = await fn(state, j.head);
      if (evs.length) {
        const at = this.now();
        await j.append(evs.map((e) => this.record(e, at)));
      }
    } finally {
      await j.close();
    }
    return this.load(id);
  }

  append(id: string, ...evs: NewEvent[]): Promise<IncidentState> {
    return this.transact(id, () => evs);
  }

  /** Stores an evidence item: written and fsync'd, then hashed (SM3 + SHA-256) and journaled. */
  async addEvidence(id: string, o: { name: string; content: Buffer; kind: string; step?: string; host?: string }): Promise<EventOf<'evidence.collected'>> {
    let rec: EventOf<'evidence.collected'> | undefined;
    await this.transact(id, (s) => {
      const item = `E${String(s.evidence.length + 1).padStart(4, '0')}`;
      const file = `${item}-${o.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`;
      writeDurable(join(this.evidenceDir(id), file), o.content);
      const e = {
        type: 'evidence.collected' as const, item, file, kind: o.kind, step: o.step, host: o.host, size: o.content.length,
        sm3: sm3(o.content).toString('hex'), sha256: createHash('sha256').update(o.content).digest('hex'),
      };
      rec = { ...e, at: this.now().toISOString(), by: this.actor };
      return [e];
    });
    return rec!;
  }

  /** Reads an item for a person: re-hashed, and a custody entry says who looked and whether it was intact. */
  async accessEvidence(id: string, item: string): Promise<{ content: Buffer; intact: boolean }> {
    let out: { content: Buffer; intact: boolean } | undefined;
    await this.transact(id, async (s) => {
      const ev = s.evidence.find((x) => x.item === item);
      if (!ev) throw new GwsecError('evidence_not_found', { en: `incident ${id} has no evidence item ${item}`, zh: `事件 ${id} 中没有证据 ${item}` });
      const content = await readFile(join(this.evidenceDir(id), ev.file));
      out = { content, intact: sm3(content).toString('hex') === ev.sm3 };
      return [{ type: 'custody', item, action: 'accessed', intact: out.intact }];
    });
    return out!;
  }

  /** Copies items out (to hand to the CAC or police); each copy gets a custody entry with its destination. */
  async exportEvidence(id: string, to: string, items?: string[]): Promise<Array<{ item: string; file: string; intact: boolean }>> {
    await mkdir(to, { recursive: true });
    const done: Array<{ item: string; file: string; intact: boolean }> = [];
    await this.transact(id, async (s) => {
      const evs: NewEvent[] = [];
      for (const ev of s.evidence.filter((x) => !items || items.includes(x.item))) {
        const src = join(this.evidenceDir(id), ev.file);
        const dest = join(resolve(to), ev.file);
        await copyFile(src, dest);
        const intact = sm3(await readFile(dest)).toString('hex') === ev.sm3;
        done.push({ item: ev.item, file: dest, intact });
        evs.push({ type: 'custody', item: ev.item, action: 'exported', to: dest, intact });
      }
      return evs;
    });
    return done;
  }

  /** Art. 10 history for a site across every incident under this root (the once-a-year rule). */
  async offlineHistory(site: string): Promise<OfflineRecord[]> {
    const out: OfflineRecord[] = [];
    for (const s of await this.list()) for (const o of s.offline) if (o.site === site) out.push({ incident: s.id, site: o.site, kind: o.kind, start: o.start, end: o.end });
    return out;
  }
}

/** Writes and fsyncs; `exclusive` refuses to replace an existing file (reports are never overwritten). */
export function writeDurable(path: string, data: Buffer | string, exclusive = false): void {
  const fd = openSync(path, exclusive ? 'wx' : 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
