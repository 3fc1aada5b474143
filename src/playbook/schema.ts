/**
 * The playbook format (CACAO-inspired: a workflow of typed steps with on_success / on_failure
 * edges). Commands are scripts run through a Transport; variables reach them as shell variables
 * (assigned with quoting), never by text substitution into the script.
 */
import { z } from 'zod';
import { DEADLINE_KINDS, GRADES } from '../incident/clock.js';
import { parseDuration } from '../incident/time.js';

const bi = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and -');
const duration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== undefined, 'a duration like 90s, 10m, 2h, 30d');
const varName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower_snake_case variable name');

export const STEP_KINDS = ['manual', 'confirm', 'command', 'collect', 'approval', 'decision', 'notify', 'report', 'submit', 'wait', 'grade'] as const;
export const COLLECT_KINDS = ['processes', 'connections', 'users', 'webroot_changes', 'logs', 'files'] as const;
export const REPORT_FIELDS = [
  'occurred_at', 'systems', 'impact', 'cause', 'measures', 'status', 'help_needed', 'attacker', 'scene_protection', 'trend', 'lessons', 'rectification',
  'next_steps', 'signer',
] as const;
export const RECIPIENTS = ['cac', 'supervisor', 'public_security', 'protection_dept', 'dept_cac_office', 'provincial_cac', 'portal', 'site', 'team', 'vendor', 'public'] as const;
/** `end` finishes the flow successfully, `fail` finishes it as failed. */
export const END = 'end';
export const FAIL = 'fail';

const common = {
  id,
  title: bi,
  text: bi.optional(),
  timeout: duration.optional(),
  on_success: z.string().optional(),
  on_failure: z.string().optional(),
  /** Deadlines this step opens when it succeeds (the clock runs from its completion). */
  opens: z.array(z.enum(['final_report', 'public_reply', 'repost'])).optional(),
  /** Deadline ids this step closes when it succeeds (e.g. a notify that delivers the initial report). */
  closes: z.array(z.enum(DEADLINE_KINDS as unknown as [string, ...string[]])).optional(),
  /** Art. 10 facts this step establishes when it succeeds. */
  offline: z.enum(['temporary', 'emergency', 'migration', 'end']).optional(),
  notice: z.enum(['site', 'portal']).optional(),
  /** Marks the end of handling: opens the final-report clock. */
  handling_finished: z.boolean().optional(),
};

const target = {
  /** `local`: this machine. `hosts`: inventory hosts (filtered by roles), this machine when there is no inventory. */
  on: z.enum(['local', 'hosts']).default('local'),
  roles: z.array(z.string()).optional(),
  sudo: z.boolean().optional(),
};

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('manual'), field: z.enum(REPORT_FIELDS).optional(), input: z.boolean().default(true) }),
  z.strictObject({ ...common, kind: z.literal('confirm') }),
  z.strictObject({ ...common, ...target, kind: z.literal('command'), run: z.string().min(1), evidence: z.boolean().optional() }),
  z.strictObject({
    ...common, ...target, kind: z.literal('collect'),
    collect: z.array(z.enum(COLLECT_KINDS)).min(1),
    /** For `files`: paths (shell variables allowed, e.g. "$webroot/index.html"). */
    paths: z.array(z.string()).optional(),
  }),
  z.strictObject({ ...common, kind: z.literal('approval'), quorum: z.number().int().min(1).default(1), approvers: z.array(z.string()).optional() }),
  z.strictObject({
    ...common, kind: z.literal('decision'),
    options: z.array(z.strictObject({ id, title: bi, next: z.string() })).optional(),
    /** Branch on the incident grade instead of asking. */
    by_grade: z.strictObject(Object.fromEntries(GRADES.map((g) => [g, z.string()])) as Record<(typeof GRADES)[number], z.ZodString>).optional(),
  }),
  z.strictObject({ ...common, kind: z.literal('notify'), to: z.array(z.enum(RECIPIENTS)).min(1), message: bi }),
  z.strictObject({ ...common, kind: z.literal('report'), report: z.enum(['initial', 'followup', 'final', 'shutdown']), formats: z.array(z.enum(['md', 'html'])).default(['md', 'html']) }),
  /** Records that a written report was submitted (to whom, how, reference): the only step that completes a reporting deadline. */
  z.strictObject({ ...common, kind: z.literal('submit'), report: z.enum(['initial', 'followup', 'final', 'shutdown']), to: z.array(z.enum(RECIPIENTS)).min(1).optional() }),
  z.strictObject({ ...common, kind: z.literal('wait'), duration }),
  z.strictObject({ ...common, kind: z.literal('grade') }),
]);

export const playbookSchema = z.strictObject({
  id,
  version: z.number().int().min(1),
  title: bi,
  description: bi,
  incident_types: z.array(z.string().min(1)).min(1),
  /** Detection rule ids (policies/detections) whose alerts suggest this playbook. */
  detections: z.array(id).default([]),
  variables: z.record(varName, z.strictObject({ default: z.union([z.string(), z.number(), z.boolean()]).optional(), describe: bi })).default({}),
  start: z.string().optional(),
  steps: z.array(stepSchema).min(1),
});

export type Playbook = z.infer<typeof playbookSchema>;
export type Step = z.infer<typeof stepSchema>;
export type CollectKind = (typeof COLLECT_KINDS)[number];
