import type { Check, Condition } from '../model/check.js';
import type { Collector, Deriver } from '../collectors/types.js';
import { SEPARATION_NEEDS } from '../facts/separation.js';

/** Fact paths a condition tree reads (host-rooted ones; `@` paths belong to their `each`). */
export function factPaths(c: Condition | undefined, out: string[] = []): string[] {
  if (!c) return out;
  if ('all' in c) c.all.forEach((x) => factPaths(x, out));
  else if ('any' in c) c.any.forEach((x) => factPaths(x, out));
  else if ('none' in c) c.none.forEach((x) => factPaths(x, out));
  else if ('each' in c) {
    if (!c.each.fact.startsWith('@')) out.push(c.each.fact);
    factPaths(c.each.where, out);
    factPaths(c.each.expect, out);
  } else if (!c.fact.startsWith('@')) out.push(c.fact);
  return out;
}

export function checkFamilies(check: Check): string[] {
  const paths = [...factPaths(check.expect), ...factPaths(check.applies?.when)];
  if (check.applies?.os) paths.push('os.kernel');
  return [...new Set(paths.map((p) => p.split('.')[0]!))];
}

export interface Plan {
  collectors: Collector[];
  derivers: Deriver[]; // in dependency order
}

/**
 * Which collectors and derivers the given host checks need: only those run (the one collection
 * script holds only their requests). Fleet checks read host facts under `fleet.hosts[].facts`, so a
 * fleet audit plans with every host check plus the families its fleet checks name.
 */
export function plan(checks: Check[], collectors: Collector[], derivers: Deriver[]): Plan {
  const wanted = new Set<string>(['inventory']);
  for (const c of checks) {
    if (c.scope === 'fleet') {
      // fleet.hosts[].facts.<family>…: the family is the segment after `facts`.
      for (const p of [...factPaths(c.expect), ...factPaths(c.applies?.when)]) collectFleetFamilies(p, wanted);
      collectFleetFamiliesFromElements(c.expect, wanted);
    } else {
      checkFamilies(c).forEach((f) => wanted.add(f));
    }
  }
  const byDeriver = new Map(derivers.map((d) => [d.id, d]));
  const orderedDerivers: Deriver[] = [];
  const visiting = new Set<string>();
  const addFamily = (f: string) => {
    const d = byDeriver.get(f);
    if (!d) return;
    if (orderedDerivers.includes(d) || visiting.has(f)) return;
    visiting.add(f);
    d.needs.forEach(addFamily);
    d.needs.forEach((n) => wanted.add(n));
    orderedDerivers.push(d);
  };
  [...wanted].forEach(addFamily);
  return { collectors: collectors.filter((c) => wanted.has(c.id)), derivers: orderedDerivers };
}

function collectFleetFamilies(path: string, wanted: Set<string>): void {
  const m = /(?:^|\.)facts\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(path);
  if (m) wanted.add(m[1]!);
  // Fleet-level derived facts name no host family in their path: what they read is declared with them,
  // so a fleet check gets its facts whatever else --check selects.
  const derived = FLEET_DERIVED_NEEDS[path.split('.').slice(0, 2).join('.')];
  derived?.forEach((f) => wanted.add(f));
}

/** `fleet.<name>` facts computed in engine/fleet.ts → the host families they read. */
const FLEET_DERIVED_NEEDS: Record<string, readonly string[]> = {
  'fleet.separation': SEPARATION_NEEDS,
};

function collectFleetFamiliesFromElements(c: Condition | undefined, wanted: Set<string>): void {
  if (!c) return;
  if ('all' in c) c.all.forEach((x) => collectFleetFamiliesFromElements(x, wanted));
  else if ('any' in c) c.any.forEach((x) => collectFleetFamiliesFromElements(x, wanted));
  else if ('none' in c) c.none.forEach((x) => collectFleetFamiliesFromElements(x, wanted));
  else if ('each' in c) {
    collectFleetFamilies(c.each.fact, wanted);
    collectFleetFamiliesFromElements(c.each.where, wanted);
    collectFleetFamiliesFromElements(c.each.expect, wanted);
  } else collectFleetFamilies(c.fact, wanted);
}
