/**
 * The embedded store: one directory, no server. Why the project's own journal and not SQLite (see
 * docs/COLLECTOR.md): no native module to compile on a hardened management host, and the data the
 * collector keeps as evidence (alerts, checkpoints, gaps) sits in the same SM3-chained, fsync'd,
 * crash-recovering, SM2-checkpointable segments that `gwsec agent verify` already checks.
 *
 * Layout: data/ is a Journal with one record per stored alert, checkpoint or gap (source = kind,
 * line = JSON); tokens/ and agents/ hold one small file per token or agent, changed by atomic rename
 * so the CLI (token, revoke) and a running collector can share them without a lock; health/ holds
 * each agent's bounded health history; since.idx is the time index that `--since` seeks with
 * (time-index.ts). Only one collector process may
 * write data/ (the journal's lock enforces it); scale-out is PostgreSQL's job.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, readRecords } from '../../../src/journal/index.js';
import { KeyIndex } from './key-index.js';
import { KeyFile } from './key-file.js';
import { afterSeqFor, readTimeIndex, TIME_INDEX_FILE, TimeIndexWriter } from './time-index.js';
import { writeFileAtomic } from '../../../src/util/fs.js';
import { GwsecError } from '../../../src/model/errors.js';
import type { AlertPayload, CheckpointPayload, GapPayload, HealthPayload } from '../../../src/protocol/index.js';
import {
  HEALTH_HISTORY, SEVERITY_RANK, type AgentRecord, type AlertQuery, type CollectorStore, type PutResult, type StoredAlert, type StoredCheckpoint, type StoredGap, type StoredHealth, type TokenUse,
} from './types.js';

type Kind = 'alert' | 'checkpoint' | 'health' | 'gap';
interface Pending {
  records: Array<{ source: Kind; line: string }>;
  /** lastSeen (ms) of each alert among the records, for the time index. */
  lastSeen: number[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const hexName = /^[0-9a-f]{64}$/;
const SEGMENT_MAX_BYTES = 16 << 20;
/** The duplicate index as a clean close left it (key-index.ts), and its keys spelt out (key-file.ts). */
const INDEX_FILE = 'index.bin';
const keysName = (gen: string) => `keys-${gen}.dat`;
const KEYS_FILE = /^keys-[0-9a-f]+\.dat$/;
const agentFile = /^[A-Za-z0-9._:@-]+\.json$/;

export class EmbeddedStore implements CollectorStore {
  readonly kind = 'embedded' as const;
  /** (kind, agent, id) → the alert count stored (1 for the other kinds): what makes a put a duplicate. */
  private keys!: KeyIndex;
  private keyFile: KeyFile | null = null;
  private keyGen = '';
  private pending: Pending | null = null;
  private timeIndex: TimeIndexWriter | null = null;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly journal: Journal | null,
  ) {}

  /** Read-write (the running collector). `readOnly` opens without the journal's lock (the CLI's queries). */
  static async open(dir: string, o: { readOnly?: boolean } = {}): Promise<EmbeddedStore> {
    for (const d of ['', 'tokens', 'tokens/used', 'agents', 'health']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
    // 16 MiB segments: a `--since` query starts at the segment holding its first record (gzip'd
    // segments are read from their start), so smaller segments waste less of a read (time-index.ts)
    const journal = o.readOnly ? null : await Journal.open(join(dir, 'data'), { segmentMaxBytes: SEGMENT_MAX_BYTES });
    const s = new EmbeddedStore(dir, journal);
    if (journal) {
      await s.loadIndex(journal);
      s.timeIndex = await TimeIndexWriter.open(join(dir, TIME_INDEX_FILE), join(dir, 'data'), journal.head.seq);
    }
    return s;
  }

  async addToken(hash: string, createdAt: Date, expiresAt: Date): Promise<void> {
    if (!hexName.test(hash)) throw new GwsecError('collector_store_error', { en: 'token hash must be 64 hex digits', zh: '令牌哈希须为 64 位十六进制数' });
    writeFileAtomic(join(this.dir, 'tokens', `${hash}.json`), JSON.stringify({ created_at: createdAt.toISOString(), expires_at: expiresAt.toISOString() }) + '\n');
  }

  async useToken(hash: string, now: Date): Promise<TokenUse> {
    if (!hexName.test(hash)) return 'unknown';
    const live = join(this.dir, 'tokens', `${hash}.json`);
    const used = join(this.dir, 'tokens', 'used', `${hash}.json`);
    let t: { expires_at: string };
    try {
      t = JSON.parse(readFileSync(live, 'utf8')) as { expires_at: string };
    } catch {
      return existsSync(used) ? 'used' : 'unknown';
    }
    if (new Date(t.expires_at).getTime() <= now.getTime()) return 'expired';
    // rename is atomic: of two collectors' threads racing for one token, one wins.
    try {
      renameSync(live, used);
    } catch {
      return 'used';
    }
    return 'ok';
  }

  async addAgent(a: AgentRecord): Promise<void> {
    writeFileAtomic(join(this.dir, 'agents', `${a.id}.json`), JSON.stringify(a, null, 2) + '\n');
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    if (!agentFile.test(`${id}.json`)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, 'agents', `${id}.json`), 'utf8')) as AgentRecord;
    } catch {
      return undefined;
    }
  }

  async listAgents(): Promise<AgentRecord[]> {
    const out: AgentRecord[] = [];
    for (const f of readdirSync(join(this.dir, 'agents')).sort()) {
      if (!agentFile.test(f)) continue;
      const a = await this.getAgent(f.slice(0, -5));
      if (a) out.push(a);
    }
    return out;
  }

  async revokeAgent(id: string, at: Date): Promise<boolean> {
    const a = await this.getAgent(id);
    if (!a) return false;
    if (!a.revoked_at) await this.addAgent({ ...a, revoked_at: at.toISOString() });
    return true;
  }

  async touchAgent(id: string, at: Date, skewMs: number): Promise<void> {
    const a = await this.getAgent(id);
    if (a) await this.addAgent({ ...a, last_seen: at.toISOString(), skew_ms: skewMs });
  }

  putAlerts(agentId: string, alerts: AlertPayload[], receivedAt: Date): Promise<PutResult> {
    return this.put('alert', agentId, alerts.map((a) => ({ id: a.id, body: a, count: a.count })), receivedAt);
  }

  putCheckpoint(agentId: string, cp: CheckpointPayload, signatureOk: boolean, receivedAt: Date): Promise<PutResult> {
    return this.put('checkpoint', agentId, [{ id: cp.id, body: { ...cp, signature_ok: signatureOk } }], receivedAt);
  }

  /**
   * Health is a reading, not evidence: kept out of the journal, in health/AGENT.jsonl, appended and
   * fsync'd, rewritten (temp + rename) to the newest HEALTH_HISTORY once it holds twice that.
   */
  async putHealth(agentId: string, h: HealthPayload, receivedAt: Date): Promise<PutResult> {
    if (!this.journal) throw new GwsecError('collector_store_error', { en: 'the store was opened read-only', zh: '存储以只读方式打开' });
    const file = this.healthFile(agentId);
    const kept = readHealth(file);
    if (kept.some((x) => x.id === h.id)) return { stored: 0, duplicate: 1, storedIds: [] };
    const rec: StoredHealth = { ...h, agent_id: agentId, received_at: receivedAt.toISOString() };
    if (kept.length + 1 > 2 * HEALTH_HISTORY) {
      const newest = newestFirst([...kept, rec]).slice(0, HEALTH_HISTORY).reverse();
      writeFileAtomic(file, newest.map((x) => JSON.stringify(x) + '\n').join(''));
    } else {
      const fd = openSync(file, 'a', 0o600);
      try {
        writeSync(fd, JSON.stringify(rec) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return { stored: 1, duplicate: 0, storedIds: [h.id] };
  }

  putGap(agentId: string, g: GapPayload, receivedAt: Date): Promise<PutResult> {
    return this.put('gap', agentId, [{ id: g.id, body: g }], receivedAt);
  }

  async queryAlerts(q: AlertQuery = {}): Promise<StoredAlert[]> {
    const min = q.severity ? SEVERITY_RANK[q.severity] : 0;
    const since = q.since?.getTime() ?? -Infinity;
    // --since seeks: records before the time index's answer cannot have lastSeen ≥ since (time-index.ts).
    this.lastAfterSeq = q.since ? afterSeqFor(this.timeIndex?.entries ?? readTimeIndex(join(this.dir, TIME_INDEX_FILE)), since) : 0;
    // An alert that grew was appended again: the largest count is the alert.
    const latest = new Map<string, StoredAlert>();
    for (const a of await this.scan<StoredAlert>('alert', this.lastAfterSeq)) {
      const k = `${a.agent_id}\0${a.id}`;
      const had = latest.get(k);
      if (!had || a.count > had.count) latest.set(k, a);
    }
    // Each time parsed once, not in every comparison (a million alerts sort in ~20 M of them).
    const out = [...latest.values()]
      .filter((a) => SEVERITY_RANK[a.severity] >= min && Date.parse(a.lastSeen) >= since && (q.agent === undefined || a.agent_id === q.agent))
      .map((a) => ({ a, t: Date.parse(a.firstSeen) }));
    out.sort((x, y) => x.t - y.t || cmp(x.a.agent_id, y.a.agent_id) || cmp(x.a.id, y.a.id));
    const sorted = out.map((x) => x.a);
    return q.limit !== undefined ? sorted.slice(0, q.limit) : sorted;
  }

  async checkpoints(agentId: string): Promise<StoredCheckpoint[]> {
    const out = (await this.scan<StoredCheckpoint>('checkpoint')).filter((c) => c.agent_id === agentId);
    return out.sort((a, b) => a.seq - b.seq || cmp(a.received_at, b.received_at));
  }

  async gaps(agentId?: string): Promise<StoredGap[]> {
    return (await this.scan<StoredGap>('gap')).filter((g) => agentId === undefined || g.agent_id === agentId);
  }

  async latestHealth(agentId: string): Promise<StoredHealth | undefined> {
    return (await this.healthHistory(agentId))[0];
  }

  async healthHistory(agentId: string): Promise<StoredHealth[]> {
    return newestFirst(readHealth(this.healthFile(agentId))).slice(0, HEALTH_HISTORY);
  }

  private healthFile(agentId: string): string {
    if (!agentFile.test(`${agentId}.json`)) throw new GwsecError('collector_store_error', { en: `agent id ${JSON.stringify(agentId)} is not a file name`, zh: `代理编号 ${JSON.stringify(agentId)} 不能用作文件名` });
    return join(this.dir, 'health', `${agentId}.jsonl`);
  }

  async close(): Promise<void> {
    await this.flushing.catch(() => undefined);
    if (this.journal) {
      // Nothing is pending now: every key in the index is durable in the journal up to its head.
      const head = this.journal.head;
      await this.journal.close();
      try {
        this.keyFile!.sync();
        const meta = Buffer.from(JSON.stringify({ seq: head.seq, hash: head.hash, keys: { gen: this.keyGen, length: this.keyFile!.length } }));
        const len = Buffer.alloc(4);
        len.writeUInt32LE(meta.length, 0);
        writeFileAtomic(join(this.dir, INDEX_FILE), Buffer.concat([len, meta, this.keys.toBuffer()]));
      } catch {
        /* no snapshot: the next start reads the journal */
      }
      this.keyFile?.close();
      this.timeIndex?.close();
    }
  }

  /**
   * The duplicate index: from the snapshot a clean close left (then only the records after it are
   * read), or rebuilt from the whole journal when there is none, it is torn, or the journal is
   * behind it (restored from a backup). Records up to the snapshot's seq were durable when it was
   * written, so reading on from there is exact.
   */
  private async loadIndex(journal: Journal): Promise<void> {
    const head = journal.head;
    let after = 0;
    try {
      const b = readFileSync(join(this.dir, INDEX_FILE));
      const n = b.readUInt32LE(0);
      const meta = JSON.parse(b.subarray(4, 4 + n).toString('utf8')) as { seq: number; hash: string; keys?: { gen: string; length: number } };
      const keysPath = meta.keys && /^[0-9a-f]+$/.test(meta.keys.gen) ? join(this.dir, keysName(meta.keys.gen)) : null;
      // The keys file must still hold what the snapshot refers to (appends after it are cut off).
      if (keysPath && statSync(keysPath).size >= meta.keys!.length && meta.seq <= head.seq && (meta.seq < head.seq || meta.hash === head.hash)) {
        const file = KeyFile.open(keysPath, meta.keys!.length);
        const k = KeyIndex.fromBuffer(b.subarray(4 + n), file);
        if (k) {
          this.keys = k;
          this.keyFile = file;
          this.keyGen = meta.keys!.gen;
          after = meta.seq;
        } else file.close();
      }
    } catch {
      /* none or unreadable: rebuild */
    }
    if (!this.keyFile) {
      // A rebuild spells its keys into a new file: an old snapshot can never point into it.
      for (const f of readdirSync(this.dir)) if (KEYS_FILE.test(f)) rmSync(join(this.dir, f), { force: true });
      this.keyGen = randomBytes(8).toString('hex');
      this.keyFile = KeyFile.open(join(this.dir, keysName(this.keyGen)));
      this.keys = new KeyIndex(this.keyFile);
    }
    for (const f of readdirSync(this.dir)) if (KEYS_FILE.test(f) && f !== keysName(this.keyGen)) rmSync(join(this.dir, f), { force: true });
    for await (const r of readRecords(join(this.dir, 'data'), { afterSeq: after })) {
      if (r.source === 'health') continue; // health lived in the journal before health/ existed
      const o = JSON.parse(r.line) as { id: string; agent_id: string; count?: number };
      const key = `${r.source}\0${o.agent_id}\0${o.id}`;
      this.keys.set(key, Math.max(this.keys.get(key) ?? 0, o.count ?? 1));
    }
    this.indexedFrom = after;
  }

  /** Where the last open started reading the journal (0: all of it). For tests and the bench. */
  indexedFrom = 0;
  /** The seq the last queryAlerts read after (0: all of it). For tests and the bench. */
  lastAfterSeq = 0;

  private async scan<T>(kind: Kind, afterSeq = 0): Promise<T[]> {
    await this.flushing.catch(() => undefined);
    const out: T[] = [];
    for await (const r of readRecords(join(this.dir, 'data'), { source: kind, afterSeq })) out.push(JSON.parse(r.line) as T);
    return out;
  }

  /**
   * Group commit: puts that arrive while an append is being fsync'd share the next append, so 100
   * agents cost one fsync per round, not one each. A put resolves only once its records are durable.
   */
  private async put(kind: Kind, agentId: string, items: Array<{ id: string; body: object; count?: number }>, receivedAt: Date): Promise<PutResult> {
    if (!this.journal) throw new GwsecError('collector_store_error', { en: 'the store was opened read-only', zh: '存储以只读方式打开' });
    const fresh: Array<[string, number | undefined]> = [];
    const storedIds: string[] = [];
    const records: Array<{ source: Kind; line: string }> = [];
    const lastSeen: number[] = [];
    let duplicate = 0;
    for (const it of items) {
      const key = `${kind}\0${agentId}\0${it.id}`;
      const had = this.keys.get(key);
      const count = it.count ?? 1;
      if (had !== undefined && had >= count) {
        duplicate++;
        continue;
      }
      this.keys.set(key, count);
      fresh.push([key, had]);
      storedIds.push(it.id);
      records.push({ source: kind, line: JSON.stringify({ ...it.body, agent_id: agentId, received_at: receivedAt.toISOString() }) });
      if (kind === 'alert') lastSeen.push(Date.parse((it.body as AlertPayload).lastSeen));
    }
    if (!records.length) return { stored: 0, duplicate, storedIds };
    let p = this.pending;
    if (!p) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      p = this.pending = { records: [], lastSeen: [], done, resolve, reject };
      const journal = this.journal;
      this.flushing = this.flushing.then(async () => {
        const batch = p!;
        this.pending = null;
        try {
          const { lastSeq } = await journal.append(batch.records);
          try {
            this.timeIndex?.note(batch.lastSeen, lastSeq);
          } catch {
            /* the index stays behind the journal (safe); the next open re-indexes from its last entry */
          }
          batch.resolve();
        } catch (e) {
          batch.reject(e);
        }
      });
    }
    for (const r of records) p.records.push(r);
    for (const t of lastSeen) p.lastSeen.push(t);
    try {
      await p.done;
    } catch (e) {
      for (const [k, had] of fresh) {
        if (had === undefined) this.keys.delete(k);
        else this.keys.set(k, had);
      }
      throw e;
    }
    return { stored: records.length, duplicate, storedIds };
  }
}

/** A health file's reports (a torn last line from a crash is skipped). */
function readHealth(file: string): StoredHealth[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: StoredHealth[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as StoredHealth);
    } catch {
      /* torn write */
    }
  }
  return out;
}

const newestFirst = (hs: StoredHealth[]) => [...hs].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || cmp(b.id, a.id));

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
