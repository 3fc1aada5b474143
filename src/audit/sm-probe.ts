import type { HostFacts } from '../model/facts.js';
import { probeSm, type SmProbeFact, type SmProbeMode, type SmProbeResult } from '../crypto/tlcp-probe.js';

/**
 * The auditor-side fact step for a40-3-tls-sm-suites: after collection, probe each host's HTTPS
 * listeners (the TLS ports its web configuration shows, plus the inventory's `https:` endpoints)
 * with TLCP and RFC 8998 ClientHellos and record what they answered in `web.sm_probe`. I/O, so it
 * lives here at the edge; the engine only reads the fact. A host with no known address (fixture
 * runs) or no HTTPS endpoint keeps `not_run`, which the check reports as manual.
 */
export interface ProbeTarget {
  address: string;
  port: number;
  mode: SmProbeMode;
  serverName?: string;
}

interface WebSite {
  listens?: Array<{ address?: string; port: number; ssl: boolean; loopback: boolean }>;
  server_names?: string[];
  tls?: unknown;
}

const WILDCARD = new Set(['', '*', '0.0.0.0', '::', '[::]']);

/** Every (address, port) to probe, in both SM modes. Pure. */
export function smEndpoints(web: { sites?: WebSite[] } | undefined, address: string, declared: string[]): ProbeTarget[] {
  const out = new Map<string, ProbeTarget>();
  const add = (addr: string, port: number, serverName?: string) => {
    for (const mode of ['tlcp', 'rfc8998'] as const) out.set(`${addr}|${port}|${mode}`, { address: addr, port, mode, ...(serverName ? { serverName } : {}) });
  };
  for (const s of web?.sites ?? []) {
    const name = s.server_names?.find((n) => /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(n));
    for (const l of s.listens ?? []) {
      if (!l.ssl || l.loopback) continue;
      add(WILDCARD.has(l.address ?? '') ? address : (l.address ?? address).replace(/^\[|\]$/g, ''), l.port, name);
    }
  }
  for (const d of declared) {
    const m = /^(?:(.+):)?(\d+)$/.exec(d);
    if (m) add(m[1] ?? address, Number(m[2]));
  }
  return [...out.values()];
}

function describe(r: SmProbeResult & { address: string }): string {
  const certs = r.certificates?.length ? `; certificates ${r.certificates.map((c) => `${c.key_alg}/${c.sig_alg}${c.subject ? ` (${c.subject})` : ''}`).join(', ')}` : '';
  return `${r.address}:${r.port} ${r.mode}: ${r.detail}${certs}`;
}

/** Probe the targets and summarise them as the `web.sm_probe` fact. */
export async function probeTargets(targets: ProbeTarget[], o: { timeoutMs?: number } = {}): Promise<SmProbeFact> {
  const results = await Promise.all(targets.map(async (t) => ({ address: t.address, ...(await probeSm(t.address, t.port, t.mode, { timeoutMs: o.timeoutMs, serverName: t.serverName })) })));
  const rows = results.map((r) => ({ address: r.address, port: r.port, mode: r.mode, status: r.status, detail: r.detail, ...(r.suite ? { suite: r.suite } : {}), ...(r.certificates ? { certificates: r.certificates } : {}) }));
  const confirmed = results.filter((r) => r.status === 'confirmed');
  if (confirmed.length) return { status: 'confirmed', confirmed: true, reason: `SM suites offered: ${confirmed.map(describe).join(' | ')}`, targets: rows };
  if (results.every((r) => r.status === 'error')) {
    const message = `could not reach the HTTPS endpoints: ${results.map(describe).join(' | ')}`;
    return { status: 'error', confirmed: null, reason: message, targets: rows, error: { code: 'transport_error', message } };
  }
  return { status: 'refused', confirmed: false, reason: `no SM suite offered: ${results.map(describe).join(' | ')}`, targets: rows };
}

/** Fill `web.sm_probe` for every host that was collected and has an address and an HTTPS endpoint. */
export async function probeSmSuites(hosts: HostFacts[], probeOf: (host: string) => { address: string; https: string[] } | undefined, o: { timeoutMs?: number } = {}): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const web = h.facts.web as ({ installed?: boolean; sites?: WebSite[]; sm_probe?: SmProbeFact } & Record<string, unknown>) | undefined;
      const where = probeOf(h.host);
      if (!web || !where || typeof web !== 'object' || 'error' in web) return;
      const targets = smEndpoints(web, where.address, where.https);
      if (!targets.length) {
        web.sm_probe = { status: 'not_run', confirmed: null, reason: 'no HTTPS endpoint known: the web configuration shows no TLS listener and the inventory declares none (https:)', targets: [] };
        return;
      }
      web.sm_probe = await probeTargets(targets, o);
      h.sources.web = [...(h.sources.web ?? []), `probe: TLCP/RFC 8998 ClientHello to ${[...new Set(targets.map((t) => `${t.address}:${t.port}`))].join(', ')}`];
    }),
  );
}
