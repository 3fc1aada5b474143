/**
 * The PostgreSQL store: several collector processes share one database and any of them can take
 * any agent. Uniqueness lives in primary keys (agent_id, id) with ON CONFLICT DO NOTHING, token use
 * in one conditional UPDATE, so nothing here depends on which collector an agent reached.
 */
import pg from 'pg';
import type { AlertPayload, CheckpointPayload, GapPayload, HealthPayload } from '../../../src/protocol/index.js';
import {
  HEALTH_HISTORY, SEVERITY_RANK, type AgentRecord, type AlertQuery, type CollectorStore, type PutResult, type StoredAlert, type StoredCheckpoint, type StoredGap, type StoredHealth, type TokenUse,
} from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gwsec_tokens (hash text PRIMARY KEY, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz);
CREATE TABLE IF NOT EXISTS gwsec_agents (id text PRIMARY KEY, name text NOT NULL, cert_fingerprint text NOT NULL UNIQUE, cert_serial text NOT NULL,
  sm2_public_key text NOT NULL, enrolled_at timestamptz NOT NULL, revoked_at timestamptz, last_seen timestamptz, skew_ms bigint);
CREATE TABLE IF NOT EXISTS gwsec_alerts (agent_id text NOT NULL, id text NOT NULL, severity_rank int NOT NULL, first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL, body jsonb NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (agent_id, id));
CREATE INDEX IF NOT EXISTS gwsec_alerts_last_seen ON gwsec_alerts (last_seen);
CREATE TABLE IF NOT EXISTS gwsec_checkpoints (agent_id text NOT NULL, id text NOT NULL, seq bigint NOT NULL, body jsonb NOT NULL, signature_ok boolean NOT NULL,
  received_at timestamptz NOT NULL, PRIMARY KEY (agent_id, id));
CREATE TABLE IF NOT EXISTS gwsec_health (agent_id text NOT NULL, id text NOT NULL, time timestamptz NOT NULL, body jsonb NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (agent_id, id));
CREATE INDEX IF NOT EXISTS gwsec_health_agent_time ON gwsec_health (agent_id, time DESC, id DESC);
CREATE TABLE IF NOT EXISTS gwsec_gaps (agent_id text NOT NULL, id text NOT NULL, body jsonb NOT NULL, received_at timestamptz NOT NULL, PRIMARY KEY (agent_id, id));
`;
/** Serialises schema creation when several collectors start at once. */
const MIGRATION_LOCK = 0x67777365;

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

interface AlertPut {
  agentId: string;
  alerts: AlertPayload[];
  receivedAt: Date;
  resolve: (r: PutResult) => void;
  reject: (e: unknown) => void;
}
/** Alert statements in flight at once, and rows per statement (a bound on one statement's size). */
const MAX_FLUSHES = 2;
const MAX_ROWS = 5000;

export class PostgresStore implements CollectorStore {
  readonly kind = 'postgres' as const;
  private readonly alertQueue: AlertPut[] = [];
  private flushes = 0;
  private constructor(private readonly pool: pg.Pool) {}

  static async open(config: pg.PoolConfig): Promise<PostgresStore> {
    const pool = new pg.Pool({ max: 8, connectionTimeoutMillis: 10_000, ...config });
    // An idle client dropped by a server restart must not crash the process.
    pool.on('error', () => undefined);
    const c = await pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await c.query(SCHEMA);
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      c.release();
    }
    return new PostgresStore(pool);
  }

  async addToken(hash: string, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.pool.query('INSERT INTO gwsec_tokens (hash, created_at, expires_at) VALUES ($1, $2, $3)', [hash, createdAt, expiresAt]);
  }

  async useToken(hash: string, now: Date): Promise<TokenUse> {
    const r = await this.pool.query('UPDATE gwsec_tokens SET used_at = $2 WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING hash', [hash, now]);
    if (r.rowCount) return 'ok';
    const t = await this.pool.query<{ used_at: Date | null }>('SELECT used_at FROM gwsec_tokens WHERE hash = $1', [hash]);
    if (!t.rowCount) return 'unknown';
    return t.rows[0]!.used_at ? 'used' : 'expired';
  }

  async addAgent(a: AgentRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO gwsec_agents (id, name, cert_fingerprint, cert_serial, sm2_public_key, enrolled_at, revoked_at, last_seen, skew_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
      [a.id, a.name, a.cert_fingerprint, a.cert_serial, a.sm2_public_key, a.enrolled_at, a.revoked_at, a.last_seen, a.skew_ms],
    );
  }

  async getAgent(id: string): Promise<AgentRecord | undefined> {
    const r = await this.pool.query('SELECT * FROM gwsec_agents WHERE id = $1', [id]);
    return r.rows[0] ? agentRow(r.rows[0]) : undefined;
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (await this.pool.query('SELECT * FROM gwsec_agents ORDER BY id')).rows.map(agentRow);
  }

  async revokeAgent(id: string, at: Date): Promise<boolean> {
    const r = await this.pool.query('UPDATE gwsec_agents SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1', [id, at]);
    return (r.rowCount ?? 0) > 0;
  }

  async touchAgent(id: string, at: Date, skewMs: number): Promise<void> {
    await this.pool.query('UPDATE gwsec_agents SET last_seen = $2, skew_ms = $3 WHERE id = $1', [id, at, Math.round(skewMs)]);
  }

  /**
   * Group commit: puts from every connection that arrive while earlier ones are being written are
   * merged into the next multi-row INSERT (one statement, so one transaction: all of it is stored or
   * none, and a failure fails every caller in it, who then get no ack and resend). At most
   * MAX_FLUSHES statements run at once, so under load each carries many agents' batches and the
   * database sees a few commits a round trip instead of one per message.
   */
  putAlerts(agentId: string, alerts: AlertPayload[], receivedAt: Date): Promise<PutResult> {
    return new Promise((resolve, reject) => {
      this.alertQueue.push({ agentId, alerts, receivedAt, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.alertQueue.length && this.flushes < MAX_FLUSHES) {
      let n = 0;
      let k = 0;
      while (k < this.alertQueue.length && (k === 0 || n + this.alertQueue[k]!.alerts.length <= MAX_ROWS)) n += this.alertQueue[k++]!.alerts.length;
      const batch = this.alertQueue.splice(0, k);
      this.flushes++;
      void this.flushAlerts(batch).finally(() => {
        this.flushes--;
        this.kick();
      });
    }
  }

  private async flushAlerts(batch: AlertPut[]): Promise<void> {
    // One row per (agent, id) per statement (ON CONFLICT DO UPDATE cannot touch a row twice): the
    // largest count wins, and the put that brought it is the one told "stored".
    const rows = new Map<string, { put: AlertPut; a: AlertPayload }>();
    for (const put of batch) {
      for (const a of put.alerts) {
        const key = `${put.agentId}\0${a.id}`;
        if ((rows.get(key)?.a.count ?? 0) < a.count) rows.set(key, { put, a });
      }
    }
    let stored: Set<string>;
    try {
      const r = await this.pool.query(
        `INSERT INTO gwsec_alerts (agent_id, id, severity_rank, first_seen, last_seen, body, received_at)
         SELECT e->>'agent_id', e->>'id', (e->>'rank')::int, (e->>'first_seen')::timestamptz, (e->>'last_seen')::timestamptz, e->'body', (e->>'received_at')::timestamptz
         FROM jsonb_array_elements($1::jsonb) AS e
         ON CONFLICT (agent_id, id) DO UPDATE SET last_seen = EXCLUDED.last_seen, body = EXCLUDED.body, received_at = EXCLUDED.received_at
           WHERE (gwsec_alerts.body->>'count')::bigint < (EXCLUDED.body->>'count')::bigint
         RETURNING agent_id, id`,
        [JSON.stringify([...rows.values()].map(({ put, a }) => ({ agent_id: put.agentId, id: a.id, rank: SEVERITY_RANK[a.severity], first_seen: a.firstSeen, last_seen: a.lastSeen, body: a, received_at: put.receivedAt.toISOString() })))],
      );
      stored = new Set(r.rows.map((row: { agent_id: string; id: string }) => `${row.agent_id}\0${row.id}`));
    } catch (e) {
      for (const put of batch) put.reject(e);
      return;
    }
    const result = new Map<AlertPut, string[]>(batch.map((p) => [p, []]));
    for (const [key, { put, a }] of rows) if (stored.has(key)) result.get(put)!.push(a.id);
    for (const [put, ids] of result) put.resolve({ stored: ids.length, duplicate: put.alerts.length - ids.length, storedIds: ids });
  }

  async putCheckpoint(agentId: string, cp: CheckpointPayload, signatureOk: boolean, receivedAt: Date): Promise<PutResult> {
    const r = await this.pool.query(
      'INSERT INTO gwsec_checkpoints (agent_id, id, seq, body, signature_ok, received_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (agent_id, id) DO NOTHING RETURNING id',
      [agentId, cp.id, cp.seq, JSON.stringify(cp), signatureOk, receivedAt],
    );
    return one(r.rows as Array<{ id: string }>);
  }

  async putHealth(agentId: string, h: HealthPayload, receivedAt: Date): Promise<PutResult> {
    const r = await this.pool.query('INSERT INTO gwsec_health (agent_id, id, time, body, received_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (agent_id, id) DO NOTHING RETURNING id', [
      agentId, h.id, h.time, JSON.stringify(h), receivedAt,
    ]);
    // Bounded: the latest HEALTH_HISTORY reports of this agent stay, older ones go.
    await this.pool.query(
      'DELETE FROM gwsec_health WHERE agent_id = $1 AND id IN (SELECT id FROM gwsec_health WHERE agent_id = $1 ORDER BY time DESC, id DESC OFFSET $2)',
      [agentId, HEALTH_HISTORY],
    );
    return one(r.rows as Array<{ id: string }>);
  }

  async putGap(agentId: string, g: GapPayload, receivedAt: Date): Promise<PutResult> {
    const r = await this.pool.query('INSERT INTO gwsec_gaps (agent_id, id, body, received_at) VALUES ($1,$2,$3,$4) ON CONFLICT (agent_id, id) DO NOTHING RETURNING id', [
      agentId, g.id, JSON.stringify(g), receivedAt,
    ]);
    return one(r.rows as Array<{ id: string }>);
  }

  async queryAlerts(q: AlertQuery = {}): Promise<StoredAlert[]> {
    const r = await this.pool.query(
      `SELECT agent_id, body, received_at FROM gwsec_alerts
       WHERE severity_rank >= $1 AND ($2::timestamptz IS NULL OR last_seen >= $2) AND ($3::text IS NULL OR agent_id = $3)
       ORDER BY first_seen, agent_id, id LIMIT $4`,
      [q.severity ? SEVERITY_RANK[q.severity] : 0, q.since ?? null, q.agent ?? null, q.limit ?? null],
    );
    return r.rows.map((row: { agent_id: string; body: AlertPayload; received_at: Date }) => ({ ...row.body, agent_id: row.agent_id, received_at: iso(row.received_at)! }));
  }

  async checkpoints(agentId: string): Promise<StoredCheckpoint[]> {
    const r = await this.pool.query('SELECT body, signature_ok, received_at FROM gwsec_checkpoints WHERE agent_id = $1 ORDER BY seq, received_at, id', [agentId]);
    return r.rows.map((row: { body: CheckpointPayload; signature_ok: boolean; received_at: Date }) => ({ ...row.body, signature_ok: row.signature_ok, agent_id: agentId, received_at: iso(row.received_at)! }));
  }

  async gaps(agentId?: string): Promise<StoredGap[]> {
    const r = await this.pool.query('SELECT agent_id, body, received_at FROM gwsec_gaps WHERE ($1::text IS NULL OR agent_id = $1) ORDER BY received_at, id', [agentId ?? null]);
    return r.rows.map((row: { agent_id: string; body: GapPayload; received_at: Date }) => ({ ...row.body, agent_id: row.agent_id, received_at: iso(row.received_at)! }));
  }

  async latestHealth(agentId: string): Promise<StoredHealth | undefined> {
    return (await this.health(agentId, 1))[0];
  }

  healthHistory(agentId: string): Promise<StoredHealth[]> {
    return this.health(agentId, HEALTH_HISTORY);
  }

  private async health(agentId: string, limit: number): Promise<StoredHealth[]> {
    const r = await this.pool.query('SELECT body, received_at FROM gwsec_health WHERE agent_id = $1 ORDER BY time DESC, id DESC LIMIT $2', [agentId, limit]);
    return r.rows.map((row: { body: HealthPayload; received_at: Date }) => ({ ...row.body, agent_id: agentId, received_at: iso(row.received_at)! }));
  }

  async close(): Promise<void> {
    // Puts already taken finish first (their callers are waiting for an answer).
    while (this.flushes || this.alertQueue.length) await new Promise((r) => setTimeout(r, 10));
    await this.pool.end();
  }
}

const one = (rows: Array<{ id: string }>): PutResult => (rows.length ? { stored: 1, duplicate: 0, storedIds: [rows[0]!.id] } : { stored: 0, duplicate: 1, storedIds: [] });

function agentRow(r: Record<string, unknown>): AgentRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    cert_fingerprint: r.cert_fingerprint as string,
    cert_serial: r.cert_serial as string,
    sm2_public_key: r.sm2_public_key as string,
    enrolled_at: iso(r.enrolled_at)!,
    revoked_at: iso(r.revoked_at),
    last_seen: iso(r.last_seen),
    skew_ms: r.skew_ms === null ? null : Number(r.skew_ms),
  };
}
