import type { HostFacts } from '../model/facts.js';
import { fleetHosts } from '../engine/fleet.js';
import { fleetSeparation } from './separation.js';

/**
 * The fleet derivers: facts about relations between the hosts of one audit, computed over all of
 * them after the per-host derivers and handed to the engine as `fleet.<key>` (the engine knows no
 * fact). Pure. A new fleet-level fact: one entry here, its schema in policy/lint.ts's fleet root,
 * its needs in audit/plan.ts.
 */
export function deriveFleetFacts(hosts: HostFacts[]): Record<string, unknown> {
  return { separation: fleetSeparation(fleetHosts(hosts)) };
}
