import { z } from 'zod';

/**
 * The inventory: who operates the site, which hosts make it up, how to reach them, what roles they
 * play, and what people attest (等保 assessment, emergency-plan drills). Unknown keys are errors.
 */
const sudo = z.union([z.boolean(), z.enum(['nopasswd', 'password'])]);
const vars = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an UPPER_CASE pack variable'), z.unknown());
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'a date like 2026-03-18');

export const attestationsSchema = z.strictObject({
  dengbao: z.strictObject({ level: z.number().int().min(1).max(5), last_assessment: isoDate.optional() }).optional(),
  emergency_plan: z.strictObject({ filed: z.boolean(), last_drill: isoDate.optional() }).optional(),
  /** who hosts the machine, when its SMBIOS data cannot tell (a40-1-hosting-provider-domestic) */
  hosting: z.strictObject({ provider: z.string().min(1), domestic: z.boolean() }).optional(),
});

const connection = {
  address: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  identity_file: z.string().optional(),
  proxy_jump: z.union([z.string(), z.null()]).optional(),
  sudo: sudo.optional(),
};

export const hostSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, . _ -'),
  ...connection,
  roles: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  public_ip: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  /** HTTPS endpoints the auditor probes for TLCP / RFC 8998 (besides the TLS ports the host's web config shows): 443 or host:8443. */
  https: z.array(z.union([z.number().int().min(1).max(65535), z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'a port or host:port')])).optional(),
  vars: vars.optional(),
  attestations: attestationsSchema.optional(),
});

export const inventorySchema = z.strictObject({
  site: z.strictObject({ name: z.string(), domains: z.array(z.string()).default([]) }),
  operator: z.strictObject({
    unit: z.string(),
    class: z.enum(['cii', 'state_organ', 'other']),
    contact: z.string().optional(),
    phone: z.string().optional(),
  }),
  defaults: z.strictObject({ ...connection, vars: vars.optional() }).default({}),
  roles: z.record(z.string(), z.strictObject({ vars: vars.optional() })).default({}),
  vars: vars.optional(),
  attestations: attestationsSchema.optional(),
  hosts: z.array(hostSchema).min(1),
});

export type InventoryFile = z.infer<typeof inventorySchema>;
export type Attestations = z.infer<typeof attestationsSchema>;

/** A host with defaults applied: what the transports and the audit need. */
export interface InventoryHost {
  name: string;
  address: string;
  port?: number;
  user?: string;
  identityFile?: string;
  proxyJump?: string;
  sudo: false | 'nopasswd' | 'password';
  roles: string[];
  tags: string[];
  publicIps: string[];
  /** Declared HTTPS endpoints to probe for SM suites: "443" or "host:8443". */
  https: string[];
  vars: Record<string, unknown>;
  attestations: Attestations;
  /** file:line of the host entry, for located errors. */
  line?: number;
}

export interface Inventory {
  file: string;
  site: { name: string; domains: string[] };
  operator: InventoryFile['operator'];
  hosts: InventoryHost[];
}
