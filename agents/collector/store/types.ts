/**
 * The collector's store contract, implemented by the embedded store (one machine, no server) and
 * the PostgreSQL store (several collectors, one database). test/agents/collector/store-contract
 * runs the same tests against both.
 *
 * Idempotency: every put is keyed by (agent, id); a second put of the same key stores nothing and
 * reports it as a duplicate, so a redelivered batch is acknowledged without being stored twice.
 */
import type { AlertPayload, CheckpointPayload, GapPayload, HealthPayload, Severity } from '../../../src/protocol/index.js';

export interface AgentRecord {
  id: string;
  name: string;
  cert_fingerprint: string;
  cert_serial: string;
  /** The agent's SM2 checkpoint key, bound at enrolment (what off-host verify trusts). */
  sm2_public_key: string;
  enrolled_at: string;
  revoked_at: string | null;
  last_seen: string | null;
  /** Agent clock minus collector clock at its last hello (ms). */
  skew_ms: number | null;
}

export type TokenUse = 'ok' | 'unknown' | 'expired' | 'used';

export interface Received {
  agent_id: string;
  received_at: string;
}
export type StoredAlert = AlertPayload & Received;
export type StoredCheckpoint = CheckpointPayload & Received & { signature_ok: boolean };
export type StoredHealth = HealthPayload & Received;
export type StoredGap = GapPayload & Received;

export interface AlertQuery {
  since?: Date;
  /** This severity or worse. */
  severity?: Severity;
  agent?: string;
  limit?: number;
}

export interface PutResult {
  stored: number;
  duplicate: number;
  /** Ids stored by this call, or grown (an alert with a larger count): what forwarders send on. */
  storedIds: string[];
}

export interface CollectorStore {
  readonly kind: 'embedded' | 'postgres';
  addToken(hash: string, createdAt: Date, expiresAt: Date): Promise<void>;
  /** Atomic across collectors: exactly one caller ever gets 'ok' for a token. */
  useToken(hash: string, now: Date): Promise<TokenUse>;
  addAgent(a: AgentRecord): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | undefined>;
  listAgents(): Promise<AgentRecord[]>;
  revokeAgent(id: string, at: Date): Promise<boolean>;
  touchAgent(id: string, at: Date, skewMs: number): Promise<void>;
  putAlerts(agentId: string, alerts: AlertPayload[], receivedAt: Date): Promise<PutResult>;
  putCheckpoint(agentId: string, cp: CheckpointPayload, signatureOk: boolean, receivedAt: Date): Promise<PutResult>;
  putHealth(agentId: string, h: HealthPayload, receivedAt: Date): Promise<PutResult>;
  putGap(agentId: string, g: GapPayload, receivedAt: Date): Promise<PutResult>;
  /** Oldest first by firstSeen, then agent and id. */
  queryAlerts(q?: AlertQuery): Promise<StoredAlert[]>;
  /** By seq, then received time. */
  checkpoints(agentId: string): Promise<StoredCheckpoint[]>;
  gaps(agentId?: string): Promise<StoredGap[]>;
  latestHealth(agentId: string): Promise<StoredHealth | undefined>;
  /** The agent's kept health reports, newest first (by agent time): at most HEALTH_HISTORY. */
  healthHistory(agentId: string): Promise<StoredHealth[]>;
  close(): Promise<void>;
}

/**
 * Health reports kept per agent (the latest plus a bounded history): an agent reports every 30 s
 * by default, so 120 is the last hour. Health is a reading, not evidence; older readings are dropped.
 */
export const HEALTH_HISTORY = 120;

export const SEVERITY_RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
