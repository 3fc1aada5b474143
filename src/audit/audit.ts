import type { Check, Pack } from '../model/check.js';
import type { AcceptedHostKey, HostFacts } from '../model/facts.js';
import type { HostRecord, Report, Result } from '../model/result.js';
import { emptySummary, type Bilingual } from '../model/status.js';
import { collectors as allCollectors, derivers as allDerivers } from './registry.js';
import type { Collector, Deriver } from '../collectors/types.js';
import { collect, type CollectOptions } from '../collectors/run.js';
import type { HostKeyEvent, Transport } from '../transport/types.js';
import { evaluateFleetChecks, evaluateHostChecks, type SiteFacts } from '../engine/fleet.js';
import { deriveFleetFacts } from '../facts/fleet.js';
import { deriveAll } from './derive.js';
import { plan } from './plan.js';
import { hostFailure, hostStatusOf } from './host-status.js';
import { VERSION } from '../version.js';

/** What opening a transport reports back while it connects. */
export interface ConnectHooks {
  onHostKey: (k: HostKeyEvent) => void;
}

/** One host to audit: how to reach it and what the inventory says about it. */
export interface AuditTarget {
  name: string;
  /** A transport, or how to open one: connecting is part of the host's own work (and failure). */
  transport: Transport | ((hooks: ConnectHooks) => Promise<Transport>);
  roles: string[];
  publicIps: string[];
  attestations?: Record<string, unknown>;
  /** Collect with sudo on this host (SSH: as the inventory says; local: --sudo). */
  sudo?: boolean;
  /** Pack variable overrides from the inventory (defaults < roles < host). */
  vars?: Record<string, unknown>;
  /** Where the auditor can reach the host's HTTPS listeners for the SM-suite probe (none: not probed). */
  probe?: { address: string; https: string[] };
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
  let execs = 0;
  let notices: Bilingual[] = [];
  let failure: { code: string; message: string; zh?: string } | undefined;
  let transportId = typeof target.transport === 'function' ? `ssh:${target.name}` : target.transport.id;
  let transport: Transport | undefined;
  const keys: HostKeyEvent[] = [];
  try {
    transport = typeof target.transport === 'function' ? await target.transport({ onHostKey: (k) => keys.push(k) }) : target.transport;
    transportId = transport.id;
    const c = await collect(transport, p.collectors, { ...o, sudo: target.sudo ?? o.sudo });
    ({ facts, sources, durationMs, execs, notices } = c);
    if (c.failure) failure = { code: c.failure.code, message: c.failure.message, ...(c.failure.zh ? { zh: c.failure.zh } : {}) };
  } catch (e) {
    // The transport itself failed (unreachable, host key, auth, timeout): every family is an error
    // for this host, and the host itself was not audited.
    const zh = (e as { zh?: unknown }).zh;
    const error = { code: (e as { code?: string }).code ?? 'transport_error', message: (e as Error).message, ...(typeof zh === 'string' ? { zh } : {}) };
    failure = error;
    facts = Object.fromEntries(p.collectors.map((c) => [c.id, { error }]));
    sources = {};
    durationMs = Date.now() - started.getTime();
  } finally {
    await transport?.close();
  }
  facts.inventory = { roles: target.roles, public_ips: target.publicIps, attestations: target.attestations ?? {} };
  return {
    schemaVersion: 2,
    host: target.name,
    transport: transportId,
    execs,
    collectedAt: started.toISOString(),
    durationMs: Math.round(durationMs),
    ...(notices.length ? { notices } : {}),
    roles: target.roles,
    ...(target.vars && Object.keys(target.vars).length ? { vars: target.vars } : {}),
    facts,
    sources,
    ...(failure ? { error: failure } : {}),
    ...hostKeyFields(keys),
  };
}

/** The audited host's own key (an identity for Article 40(五)) and every key accepted on the way. */
function hostKeyFields(keys: HostKeyEvent[]): Pick<HostFacts, 'hostKey' | 'acceptedHostKeys'> {
  const own = keys.find((k) => k.target);
  const accepted = keys.filter((k) => k.accepted).map((k) => ({ host: k.host, type: k.type, fingerprint: k.fingerprint }));
  return { ...(own ? { hostKey: { type: own.type, fingerprint: own.fingerprint } } : {}), ...(accepted.length ? { acceptedHostKeys: accepted } : {}) };
}

/**
 * Derive + evaluate over gathered facts. Pure given its inputs (the clock is `o.now`). Variables per
 * host: `hostVariables(h)` (pack defaults < inventory < command line), else `o.variables`.
 */
export function evaluateHosts(
  pack: Pack,
  hosts: HostFacts[],
  o: Pick<AuditOptions, 'now' | 'variables' | 'geo' | 'site' | 'derivers'> & { hostVariables?: (h: HostFacts) => Record<string, unknown> },
): Result[] {
  const derivers = plan(pack.checks, [], o.derivers ?? allDerivers).derivers;
  const varsOf = (h: HostFacts) => o.hostVariables?.(h) ?? o.variables;
  const derived = hosts.map((h) => {
    const inv = (h.facts.inventory ?? {}) as { public_ips?: string[]; attestations?: Record<string, unknown> };
    const facts = deriveAll(h.facts, derivers, {
      variables: varsOf(h),
      geo: o.geo,
      host: { name: h.host, roles: h.roles, publicIps: inv.public_ips ?? [], attestations: inv.attestations },
    });
    return { ...h, facts };
  });
  return [
    ...derived.flatMap((h) => evaluateHostChecks(pack.checks, h, { now: o.now, variables: varsOf(h) })),
    ...evaluateFleetChecks(pack.checks, derived, o.site, deriveFleetFacts(derived), { now: o.now, variables: o.variables }),
  ];
}

export function buildReport(pack: Pack, hosts: HostFacts[], results: Result[], now: Date): Report {
  const summary = emptySummary();
  for (const r of results) summary[r.status]++;
  return {
    schemaVersion: 2,
    tool: { name: 'gwsec', version: VERSION },
    generatedAt: now.toISOString(),
    pack: { id: pack.id, version: pack.version },
    hosts: hosts.map(hostRecord),
    ...acceptedKeys(hosts),
    results,
    summary,
  };
}

/** Every key --accept-new-host-keys wrote to known_hosts in this run, once each (a jump host serves many). */
export function acceptedKeys(hosts: Array<Pick<HostFacts, 'acceptedHostKeys'>>): Pick<Report, 'acceptedHostKeys'> {
  const seen = new Map<string, AcceptedHostKey>();
  for (const k of hosts.flatMap((h) => h.acceptedHostKeys ?? [])) seen.set(`${k.host}\0${k.fingerprint}`, k);
  return seen.size ? { acceptedHostKeys: [...seen.values()] } : {};
}

export function hostRecord(h: HostFacts): HostRecord {
  const os = (h.facts.os ?? {}) as { kernel?: string; id?: string; version_id?: string; pretty_name?: string; error?: { code: string; message: string } };
  const failure = hostFailure(h);
  return {
    name: h.host,
    transport: h.transport,
    platform: { os: os.kernel ?? 'unknown', id: os.id, version: os.version_id, pretty: os.pretty_name },
    durationMs: h.durationMs,
    status: failure ? hostStatusOf(failure.code) : 'ok',
    ...(failure ? { error: failure } : {}),
    ...(h.hostKey ? { hostKey: h.hostKey } : {}),
    ...(h.notices?.length ? { notices: h.notices } : {}),
  };
}

/**
 * Gather every target with at most `concurrency` hosts in flight; a host that fails or hangs ends as
 * error facts and never stops the others. Results come back in inventory order.
 */
export async function gatherAll(
  targets: AuditTarget[],
  checks: Check[],
  o: Omit<AuditOptions, 'variables' | 'now' | 'geo'> & { concurrency?: number; onHostStart?: (name: string) => void; onHostDone?: (h: HostFacts, done: number, total: number) => void },
): Promise<HostFacts[]> {
  const out: HostFacts[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      o.onHostStart?.(targets[i]!.name);
      out[i] = await gatherHost(targets[i]!, checks, o);
      o.onHostDone?.(out[i]!, ++done, targets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 32, targets.length)) }, worker));
  return out;
}
