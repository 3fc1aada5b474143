import type { Check, Pack } from '../model/check.js';
import type { HostFacts } from '../model/facts.js';
import type { HostRecord, Report, Result } from '../model/result.js';
import { emptySummary } from '../model/status.js';
import { collectors as allCollectors, derivers as allDerivers } from '../collectors/index.js';
import type { Collector, Deriver } from '../collectors/types.js';
import { collect, type CollectOptions } from '../collectors/run.js';
import type { Transport } from '../transport/types.js';
import { evaluateFleetChecks, evaluateHostChecks, type SiteFacts } from '../engine/fleet.js';
import { deriveAll } from './derive.js';
import { plan } from './plan.js';
import { VERSION } from '../version.js';

/** One host to audit: how to reach it and what the inventory says about it. */
export interface AuditTarget {
  name: string;
  transport: Transport;
  roles: string[];
  publicIps: string[];
  attestations?: Record<string, unknown>;
}

export interface AuditOptions extends CollectOptions {
  now: Date;
  variables: Record<string, unknown>;
  geo: (ip: string) => string | null;
  site?: SiteFacts;
  collectors?: Collector[];
  derivers?: Deriver[];
}

/** Collect one host's facts (one exec) — what `gwsec facts --save` writes. */
export async function gatherHost(target: AuditTarget, checks: Check[], o: Omit<AuditOptions, 'variables' | 'now' | 'geo'>): Promise<HostFacts> {
  const p = plan(checks, o.collectors ?? allCollectors, o.derivers ?? allDerivers);
  const started = new Date();
  let facts: Record<string, unknown>;
  let sources: Record<string, string[]>;
  let durationMs: number;
  try {
    const c = await collect(target.transport, p.collectors, o);
    ({ facts, sources, durationMs } = c);
  } catch (e) {
    // The transport itself failed (unreachable, auth): every family is an error for this host.
    const error = { code: (e as { code?: string }).code ?? 'transport_error', message: (e as Error).message };
    facts = Object.fromEntries(p.collectors.map((c) => [c.id, { error }]));
    sources = {};
    durationMs = Date.now() - started.getTime();
  }
  facts.inventory = { roles: target.roles, public_ips: target.publicIps, attestations: target.attestations ?? {} };
  return {
    schemaVersion: 1,
    host: target.name,
    transport: target.transport.id,
    collectedAt: started.toISOString(),
    durationMs: Math.round(durationMs),
    roles: target.roles,
    facts,
    sources,
  };
}

/** Derive + evaluate over gathered facts. Pure given its inputs (the clock is `o.now`). */
export function evaluateHosts(pack: Pack, hosts: HostFacts[], o: Pick<AuditOptions, 'now' | 'variables' | 'geo' | 'site' | 'derivers'>): Result[] {
  const derivers = plan(pack.checks, [], o.derivers ?? allDerivers).derivers;
  const derived = hosts.map((h) => {
    const inv = (h.facts.inventory ?? {}) as { public_ips?: string[]; attestations?: Record<string, unknown> };
    const facts = deriveAll(h.facts, derivers, {
      variables: o.variables,
      geo: o.geo,
      host: { name: h.host, roles: h.roles, publicIps: inv.public_ips ?? [], attestations: inv.attestations },
    });
    return { ...h, facts };
  });
  const ctx = { now: o.now, variables: o.variables };
  return [...derived.flatMap((h) => evaluateHostChecks(pack.checks, h, ctx)), ...evaluateFleetChecks(pack.checks, derived, o.site, ctx)];
}

export function buildReport(pack: Pack, hosts: HostFacts[], results: Result[], now: Date): Report {
  const summary = emptySummary();
  for (const r of results) summary[r.status]++;
  return {
    schemaVersion: 1,
    tool: { name: 'gwsec', version: VERSION },
    generatedAt: now.toISOString(),
    pack: { id: pack.id, version: pack.version },
    hosts: hosts.map(hostRecord),
    results,
    summary,
  };
}

function hostRecord(h: HostFacts): HostRecord {
  const os = (h.facts.os ?? {}) as { kernel?: string; id?: string; version_id?: string; pretty_name?: string; error?: { code: string; message: string } };
  const failed = Object.values(h.facts).filter((f) => (f as { error?: { code?: string } })?.error?.code === 'transport_error');
  return {
    name: h.host,
    transport: h.transport,
    platform: { os: os.kernel ?? 'unknown', id: os.id, version: os.version_id, pretty: os.pretty_name },
    durationMs: h.durationMs,
    ...(failed.length && failed.length === Object.keys(h.facts).length - 1 ? { error: (failed[0] as { error: { code: string; message: string } }).error } : {}),
  };
}

export async function runAudit(pack: Pack, targets: AuditTarget[], o: AuditOptions): Promise<{ hosts: HostFacts[]; results: Result[]; report: Report }> {
  const hosts: HostFacts[] = [];
  for (const t of targets) {
    try {
      hosts.push(await gatherHost(t, pack.checks, o));
    } finally {
      await t.transport.close();
    }
  }
  const results = evaluateHosts(pack, hosts, o);
  return { hosts, results, report: buildReport(pack, hosts, results, o.now) };
}
