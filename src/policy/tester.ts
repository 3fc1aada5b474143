import type { CheckCase, Pack } from '../model/check.js';
import type { HostFacts } from '../model/facts.js';
import type { Evidence } from '../model/result.js';
import type { Bilingual, Status } from '../model/status.js';
import type { Location } from '../model/errors.js';
import { evaluateCheck } from '../engine/evaluate.js';
import { fleetRoot, type SiteFacts } from '../engine/fleet.js';
import { deriveFleetFacts } from '../facts/fleet.js';
import { resolveVariables } from './load.js';

/** The cases runner behind `gwsec policy test` (ESLint's RuleTester, OPA's YAML cases). */
export interface CaseOutcome {
  check: string;
  name: string;
  expected: Status;
  actual: Status;
  ok: boolean;
  because?: string;
  location?: Location;
  evidence: Evidence[];
}

/** Cases are evaluated at a fixed instant so age-based cases do not rot. */
export const CASE_NOW = new Date('2026-06-01T00:00:00Z');

export function runCases(pack: Pack, only?: string[]): CaseOutcome[] {
  const out: CaseOutcome[] = [];
  for (const check of pack.checks) {
    if (only && !only.includes(check.id)) continue;
    const cf = pack.cases.get(check.id) ?? {};
    for (const [expected, list] of Object.entries(cf) as Array<[Status, CheckCase[]]>) {
      (list ?? []).forEach((c, i) => {
        const variables = resolveVariables(pack, c.variables ?? {}, c.source);
        const roles = c.host?.roles ?? [];
        const ctx = { now: CASE_NOW, variables, host: { name: 'case', roles } };
        const facts = check.scope === 'fleet' ? fleetFacts(c) : withInventory(c.facts, roles);
        const r = evaluateCheck(check, facts, ctx);
        out.push({
          check: check.id,
          name: c.name ?? `${expected} #${i + 1}`,
          expected,
          actual: r.status,
          ok: r.status === expected && (!c.because || r.evidence.some((e) => saysBecause(e.message, c.because!))),
          ...(c.because ? { because: c.because } : {}),
          location: c.source,
          evidence: r.evidence,
        });
      });
    }
  }
  return out;
}

function withInventory(facts: Record<string, unknown>, roles: string[]): Record<string, unknown> {
  return { inventory: { roles, public_ips: [], attestations: {} }, ...facts };
}

function fleetFacts(c: CheckCase): Record<string, unknown> {
  if (c.facts.fleet) return c.facts;
  const hosts: HostFacts[] = (c.hosts ?? []).map((h) => ({
    schemaVersion: 2,
    host: h.name,
    transport: 'case',
    collectedAt: CASE_NOW.toISOString(),
    durationMs: 0,
    roles: h.roles ?? [],
    facts: withInventory(h.facts, h.roles ?? []),
    sources: {},
  }));
  return fleetRoot(hosts, c.facts.site as SiteFacts | undefined, deriveFleetFacts(hosts));
}

/** `because:` is written in either language: the message says it when one of its languages contains it. */
function saysBecause(m: Bilingual | undefined, because: string): boolean {
  return !!m && (m.zh.includes(because) || m.en.includes(because));
}
