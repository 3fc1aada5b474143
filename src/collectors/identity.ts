import { createHash } from 'node:crypto';
import { t } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector, CollectorOutput } from './types.js';

/**
 * What makes two inventory entries one machine (Article 40(五)): /etc/machine-id and the DMI
 * product_uuid. Both are collected least-sensitively: systemd calls the machine ID confidential, so
 * only a keyed SHA-256 of each leaves the parser (enough to compare hosts, useless elsewhere). The
 * SSH host key, the third identifier, comes from the transport (HostFacts.hostKey).
 */
export interface IdentityFacts {
  /** hex digest of the machine ID, or null when absent/unreadable/uninitialised */
  machine_id: string | null;
  /** hex digest of the SMBIOS system UUID (root-only on most kernels), or null */
  product_uuid: string | null;
}

const MACHINE_ID = '/etc/machine-id';
const PRODUCT_UUID = '/sys/class/dmi/id/product_uuid';

/** Firmware placeholders many boards ship: shared by unrelated machines, so never an identity. */
const PLACEHOLDER_UUIDS = new Set(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '03000200-0400-0500-0006-000700080009', '00020003-0004-0005-0006-000700080009']);

export function identityDigest(kind: 'machine-id' | 'product_uuid', value: string): string {
  return createHash('sha256').update(`gwsec ${kind}\n${value}`).digest('hex').slice(0, 32);
}

function read(out: CollectorOutput, path: string): string | null {
  try {
    return out.text(path);
  } catch (e) {
    if (e instanceof CollectError && e.code === 'permission_denied') return null; // whichever are readable
    throw e;
  }
}

/**
 * How a recorded fixture stores an identifier: the digest the facts carry, behind this prefix, in
 * place of the value. Parsing it gives the same fact as the live host, so a fleet of recorded hosts
 * still finds one machine under two names, and the value itself never reaches a shared fixture.
 */
const RECORDED = /^gwsec-digest:([0-9a-f]{32})$/;

function recorded(v: string): string | null {
  return RECORDED.exec(v)?.[1] ?? null;
}

export function parseMachineId(raw: string | null): string | null {
  const v = raw?.trim().toLowerCase() ?? '';
  return recorded(v) ?? (/^[0-9a-f]{32}$/.test(v) && !/^0+$/.test(v) ? identityDigest('machine-id', v) : null);
}

export function parseProductUuid(raw: string | null): string | null {
  const v = raw?.trim().toLowerCase() ?? '';
  return recorded(v) ?? (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) && !PLACEHOLDER_UUIDS.has(v) ? identityDigest('product_uuid', v) : null);
}

/** The file as a shared fixture holds it: the digest (see RECORDED), or empty when it is no identifier. */
function redactWith(parse: (raw: string | null) => string | null): (content: string) => string {
  return (content) => {
    const d = parse(content);
    return d === null ? '' : `gwsec-digest:${d}\n`;
  };
}

export const identity: Collector<IdentityFacts> = {
  id: 'identity',
  description: 'Machine identity for telling two inventory entries apart: digests of /etc/machine-id and the DMI product_uuid',
  schema: t.obj({ machine_id: t.nullable(t.str), product_uuid: t.nullable(t.str) }),
  requests: [
    { kind: 'file', path: MACHINE_ID },
    { kind: 'file', path: PRODUCT_UUID },
  ],
  redact: { [MACHINE_ID]: redactWith(parseMachineId), [PRODUCT_UUID]: redactWith(parseProductUuid) },
  parse(out) {
    return { machine_id: parseMachineId(read(out, MACHINE_ID)), product_uuid: parseProductUuid(read(out, PRODUCT_UUID)) };
  },
};
