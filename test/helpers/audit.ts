/** Audit one transport with the embedded pack (or a subset of its checks) — the path `gwsec audit` takes. */
import type { Pack } from '../../src/model/check.js';
import type { HostFacts } from '../../src/model/facts.js';
import type { Result } from '../../src/model/result.js';
import type { Transport } from '../../src/transport/types.js';
import { loadPack, resolveVariables } from '../../src/policy/load.js';
import { defaultPackDir } from '../../src/util/paths.js';
import { evaluateHosts, gatherHost } from '../../src/audit/audit.js';
import { geoLookup } from '../../src/geo/index.js';

let pack: Pack | undefined;
export function embeddedPack(): Pack {
  pack ??= loadPack(defaultPackDir());
  return pack;
}

export interface AuditWithOptions {
  checks?: string[];
  variables?: Record<string, unknown>;
  roles?: string[];
  publicIps?: string[];
  attestations?: Record<string, unknown>;
  now?: Date;
}

export async function auditWith(transport: Transport, o: AuditWithOptions = {}): Promise<{ results: Result[]; host: HostFacts }> {
  const full = embeddedPack();
  const p: Pack = { ...full, checks: o.checks ? full.checks.filter((c) => o.checks!.includes(c.id)) : full.checks };
  const host = await gatherHost(
    { name: transport.id, transport, roles: o.roles ?? [], publicIps: o.publicIps ?? [], attestations: o.attestations },
    p.checks,
    {},
  );
  const results = evaluateHosts(p, [host], { now: o.now ?? new Date(), variables: resolveVariables(full, o.variables ?? {}), geo: geoLookup() });
  return { results, host };
}
