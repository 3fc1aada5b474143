/**
 * The collector protocol's messages, validated strictly (unknown keys, wrong types, oversized
 * strings and arrays are all refused with a coded error). Every message carries `v` (the protocol
 * version) and `kind`. Agent → collector: enrol, hello, alerts, checkpoint, health, gap,
 * anchors_request. Collector → agent: ca, enrolled, welcome, ack, anchors, error.
 *
 * Idempotency: alerts, checkpoints, health reports and gaps carry ids chosen by the agent; the
 * collector stores each (agent, id) once and acks ids it already holds, so redelivery is harmless.
 */
import { z } from 'zod';
import { MAX_REFS, MAX_SAMPLES, type Alert } from '../model/alert.js';
import { SEVERITIES, type Severity } from '../model/status.js';
import { PROTOCOL_VERSION, ProtocolError } from './frame.js';

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:@-]+$/, 'ids are [A-Za-z0-9._:@-]');
const isoTime = z.iso.datetime({ offset: true });
const short = (n = 256) => z.string().max(n);
const pem = (label: string) =>
  z.string().max(16_384).regex(new RegExp(`^-----BEGIN ${label}-----[\\s\\S]+-----END ${label}-----\\s*$`), `a PEM ${label}`);
export { SEVERITIES, type Severity };
/** Hostname or agent name: what goes into a certificate's CN. */
export const agentName = z.string().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a host name ([A-Za-z0-9._-])');

/**
 * An alert as the agent reports it: src/model/alert.ts's Alert, every field bounded. The same id
 * arrives again when the alert grows (count, lastSeen): the collector keeps one alert per id, the
 * largest count it has seen.
 */
export const alertSchema = z.strictObject({
  id,
  rule: z.string().min(1).max(128),
  kind: z.enum(['detection', 'overflow']),
  title: z.strictObject({ zh: short(512), en: short(512) }),
  severity: z.enum(SEVERITIES),
  technique: short(32),
  playbook: short(128),
  host: z.string().min(1).max(253),
  groupKey: short(1024),
  firstSeen: isoTime,
  lastSeen: isoTime,
  count: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  samples: z.array(short(8192)).max(MAX_SAMPLES),
  refs: z.array(z.strictObject({ source: short(128), seq: z.number().int().min(0) })).max(MAX_REFS),
  evidence: z.record(z.string().max(64), z.union([short(4096), z.number(), z.boolean(), z.array(short(1024)).max(64)])),
}) satisfies z.ZodType<Alert>;
export type AlertPayload = Alert;

/** A signed archive checkpoint (src/journal/checkpoint.ts) plus where the archive's head is. */
export const checkpointSchema = z.strictObject({
  id,
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'an SM3 chain value (64 hex digits)'),
  time: isoTime,
  key_id: short(64),
  signature: z.string().max(512).regex(/^[A-Za-z0-9+/=]*$/, 'base64'),
  segment: short(128).optional(),
});
export type CheckpointPayload = z.infer<typeof checkpointSchema>;

export const healthSchema = z.strictObject({
  id,
  time: isoTime,
  version: short(64),
  /** Records read but not yet archived, and outbox items not yet acknowledged. */
  lag_records: z.number().int().min(0),
  outbox_items: z.number().int().min(0),
  outbox_bytes: z.number().int().min(0),
  disk_free_bytes: z.number().int().min(0).nullable(),
  disk_total_bytes: z.number().int().min(0).nullable(),
  last_error: short(1024).nullable(),
});
export type HealthPayload = z.infer<typeof healthSchema>;

/** The outbox hit its bound: these items were not kept for delivery (the archive still has the lines). */
export const gapSchema = z.strictObject({
  id,
  from: isoTime,
  to: isoTime,
  dropped: z.strictObject({ alerts: z.number().int().min(0), checkpoints: z.number().int().min(0), health: z.number().int().min(0) }),
  reason: short(256),
});
export type GapPayload = z.infer<typeof gapSchema>;

const base = { v: z.literal(PROTOCOL_VERSION) };
/** Checkpoints per `anchors` answer (about 350 bytes each: well inside one frame). */
export const ANCHORS_PAGE = 1000;

export const agentMessage = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('enrol'), token: z.string().min(10).max(256), name: agentName, csr: pem('CERTIFICATE REQUEST'), sm2_public_key: pem('PUBLIC KEY') }),
  /** Before enrolling: the collector's CA (public), which the agent checks against the token's fingerprint. */
  z.strictObject({ ...base, kind: z.literal('ca_request') }),
  z.strictObject({ ...base, kind: z.literal('hello'), version: short(64), time: isoTime }),
  z.strictObject({ ...base, kind: z.literal('alerts'), alerts: z.array(alertSchema).min(1).max(1000) }),
  z.strictObject({ ...base, kind: z.literal('checkpoint'), checkpoint: checkpointSchema }),
  z.strictObject({ ...base, kind: z.literal('health'), health: healthSchema }),
  z.strictObject({ ...base, kind: z.literal('gap'), gap: gapSchema }),
  /** Off-host verify from the agent's side: the checkpoints the collector holds for this agent, a page at a time. */
  z.strictObject({ ...base, kind: z.literal('anchors_request'), offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type AgentMessage = z.infer<typeof agentMessage>;

export const collectorMessage = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('ca'), ca: pem('CERTIFICATE') }),
  z.strictObject({ ...base, kind: z.literal('enrolled'), agent_id: id, cert: pem('CERTIFICATE'), ca: pem('CERTIFICATE') }),
  z.strictObject({ ...base, kind: z.literal('welcome'), agent_id: id, collector: short(128), time: isoTime, skew_ms: z.number(), skew_flagged: z.boolean() }),
  z.strictObject({ ...base, kind: z.literal('ack'), ids: z.array(id).max(1000), rejected: z.array(z.strictObject({ id, code: short(64) })).max(1000).optional() }),
  z.strictObject({ ...base, kind: z.literal('error'), code: short(64), message: short(1024) }),
  /**
   * One page of the checkpoints held for the asking agent (by seq), with the SM2 key bound at its
   * enrolment — the key to verify with, whatever key the archive on the host now carries.
   */
  z.strictObject({
    ...base,
    kind: z.literal('anchors'),
    agent_id: id,
    sm2_public_key: pem('PUBLIC KEY'),
    offset: z.number().int().min(0),
    total: z.number().int().min(0),
    checkpoints: z.array(checkpointSchema.extend({ signature_ok: z.boolean() })).max(ANCHORS_PAGE),
    gaps: z.number().int().min(0),
  }),
]);
export type CollectorMessage = z.infer<typeof collectorMessage>;

/** Distributes Omit over a union (so each kind keeps its own fields). */
type DistOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type AgentMessageBody = DistOmit<AgentMessage, 'v'>;
export type CollectorMessageBody = DistOmit<CollectorMessage, 'v'>;

function decode<T>(frame: Buffer, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(frame.toString('utf8'));
  } catch (e) {
    throw new ProtocolError('malformed_json', `frame is not JSON: ${(e as Error).message.slice(0, 200)}`);
  }
  if (typeof raw === 'object' && raw !== null && 'v' in raw && (raw as { v: unknown }).v !== PROTOCOL_VERSION) {
    throw new ProtocolError('unsupported_version', `protocol version ${JSON.stringify((raw as { v: unknown }).v)} is not supported (this side speaks ${PROTOCOL_VERSION})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
    throw new ProtocolError('invalid_message', first.join('; '));
  }
  return r.data;
}

export const decodeAgentMessage = (frame: Buffer): AgentMessage => decode(frame, agentMessage);
export const decodeCollectorMessage = (frame: Buffer): CollectorMessage => decode(frame, collectorMessage);
