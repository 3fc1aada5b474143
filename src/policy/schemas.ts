import { z } from 'zod';
import { SEVERITIES } from '../model/status.js';

/** Schemas for everything a policy pack holds. Unknown keys are errors (typos must not pass silently). */
export const bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

/** Conditions are validated by validateCondition() (conditions.ts) for clearer, located messages. */
const condition = z.unknown();

export const checkSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by -'),
  article: z.string().regex(/^(40\.([1-9]|10)|41\.[1-4])$/, 'an article item like "40.7" or "41.3"'),
  title: bilingual,
  severity: z.enum(SEVERITIES),
  scope: z.enum(['host', 'fleet']).default('host'),
  applies: z
    .strictObject({
      os: z.array(z.string()).optional(),
      roles: z.array(z.string()).optional(),
      when: condition.optional(),
    })
    .optional(),
  expect: condition,
  rationale: bilingual,
  remediation: bilingual,
  references: z.array(z.string()).min(1),
  tags: z.array(z.string()).optional(),
});

const caseSchema = z.strictObject({
  name: z.string().optional(),
  /** text the result's evidence must carry (a message, en or zh): why a case is n/a or manual */
  because: z.string().min(1).optional(),
  facts: z.record(z.string(), z.unknown()).default({}),
  variables: z.record(z.string(), z.unknown()).optional(),
  host: z.strictObject({ roles: z.array(z.string()).optional() }).optional(),
  hosts: z
    .array(z.strictObject({ name: z.string(), roles: z.array(z.string()).default([]), facts: z.record(z.string(), z.unknown()).default({}) }))
    .optional(),
});

export const casesSchema = z.strictObject({
  pass: z.array(caseSchema).optional(),
  fail: z.array(caseSchema).optional(),
  not_applicable: z.array(caseSchema).optional(),
  error: z.array(caseSchema).optional(),
  manual: z.array(caseSchema).optional(),
});

export const variableSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'string[]', 'number[]', 'object']),
  default: z.unknown(),
  description: bilingual,
});

export const variablesFileSchema = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an UPPER_CASE name'), variableSchema);

export const packSchema = z.strictObject({
  id: z.string(),
  title: bilingual,
  version: z.string(),
  description: bilingual.optional(),
  variables: variablesFileSchema.optional(),
});
