import { z } from 'zod';
import { SEVERITIES } from '../model/status.js';
import { bilingual } from '../policy/schemas.js';
import { SOURCE_TYPES } from './fields.js';
import { DURATION, durationMs } from './duration.js';

export { durationMs };

/**
 * A detection rule is data (policies/detections/<id>.yaml). Unknown keys are errors. Conditions
 * (`where`) are validated by conditions.ts, field names against fields.ts, both with locations.
 */

const duration = z.union([z.number().positive(), z.string().regex(DURATION, 'a duration like 120s, 10m, 1h')]);
const field = z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/, 'a field name like auth.from or web.categories');
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by -');
const where = z.unknown();

const match = z.strictObject({ kind: z.literal('match'), where, key: field.optional() });
const threshold = z.strictObject({
  kind: z.literal('threshold'),
  where,
  key: field,
  count: z.int().min(2),
  window: duration,
  /** A numeric field giving how many events one line stands for (default 1). */
  weight: field.optional(),
});
const sequence = z.strictObject({
  kind: z.literal('sequence'),
  key: field,
  window: duration,
  first: z.strictObject({ where, count: z.int().min(1).default(1) }),
  then: z.strictObject({ where }),
});
const file = z.strictObject({ kind: z.literal('file'), where, key: field.optional() });
const drift = z.strictObject({ kind: z.literal('drift'), where, key: field.optional() });
/**
 * `count` consecutive events of one key matching `where` (a probe failing N times in a row); an
 * event of that key that does not match (a recovery) resets the count and ends the episode.
 */
const streak = z.strictObject({ kind: z.literal('streak'), where, key: field.optional(), count: z.int().min(1) });
/**
 * First-seen ("new terms"): per `key`, a `value` never seen before (or not for `forget`) raises the
 * alert; during `learn` after the rule's first event every value is learned silently. At most
 * `max_values` values per key (the least recently seen is forgotten first).
 */
const newValue = z.strictObject({
  kind: z.literal('new_value'),
  where,
  key: field,
  value: field,
  learn: z.union([z.literal(0), duration]).default('7d'),
  forget: duration.default('90d'),
  max_values: z.int().min(1).max(10_000).default(64),
});

/** A rule's default bound on its keyed state, bytes (max_bytes). */
export const MAX_BYTES_DEFAULT = 2 * 1048576;

export const LOGIC_KINDS = ['match', 'threshold', 'sequence', 'file', 'drift', 'streak', 'new_value'] as const;

export const ruleSchema = z.strictObject({
  id,
  title: bilingual,
  description: bilingual.optional(),
  severity: z.enum(SEVERITIES),
  /** The Article of the regulation the rule serves (41 = monitoring and reporting). */
  article: z.string().regex(/^(40\.([1-9]|10)|41(\.[1-4])?)$/, 'an article like "41" or "41.2"'),
  technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'a MITRE ATT&CK technique id like T1110.001'),
  playbook: id,
  source: z.enum(SOURCE_TYPES),
  logic: z.discriminatedUnion('kind', [match, threshold, sequence, file, drift, streak, newValue], {
    error: (iss) => (iss.code === 'invalid_union' ? `logic.kind must be one of ${LOGIC_KINDS.join(', ')}` : undefined),
  }),
  /** Repeats for the same key within this long after the last one raise the count, not a new alert. */
  suppress: duration.default('10m'),
  /** Keyed state kept at most (threshold and sequence; the oldest is dropped and the drop reported). */
  max_keys: z.int().min(1).max(1_000_000).default(10_000),
  /**
   * …and at most about this many bytes of it, open alerts included (an estimate of the V8 heap it
   * holds): 2 MiB by default, so the whole pack stays well inside the detection worker's heap.
   */
  max_bytes: z
    .union([z.int(), z.string().regex(/^\d+(\.\d+)?\s*(KiB|MiB)$/, 'a size like 512KiB or 4MiB')])
    .transform((v) => (typeof v === 'number' ? v : Math.round(parseFloat(v) * (v.endsWith('MiB') ? 1048576 : 1024))))
    .pipe(z.int().min(64 * 1024, 'at least 64KiB').max(256 * 1048576, 'at most 256MiB'))
    .default(MAX_BYTES_DEFAULT),
  /** Fields copied into the alert's evidence (default per source type). */
  evidence: z.array(field).optional(),
  references: z.array(z.string()).optional(),
});

export type RuleData = z.infer<typeof ruleSchema>;

const lineCase = z.strictObject({
  name: z.string().min(1),
  /** Log lines (one per line) in `format` (default: nginx for web rules, auth for auth rules). */
  lines: z.string().optional(),
  format: z.enum(['nginx', 'apache', 'auth', 'syslog']).optional(),
  /** File, drift and host-snapshot events: field maps without their prefix, plus time (ISO). */
  events: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]))).optional(),
  /** fire cases: how many alerts (default: at least one), and optionally the group key and count. */
  alerts: z.int().min(0).optional(),
  key: z.string().optional(),
  count: z.int().min(1).optional(),
});

export const casesSchema = z.strictObject({ fire: z.array(lineCase).min(1), no_fire: z.array(lineCase).min(1) });
export type CasesData = z.infer<typeof casesSchema>;
export type CaseData = z.infer<typeof lineCase>;
