import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';

/**
 * What the inventory says about a host (roles, declared public IPs, attestations). Filled by the
 * runner from the inventory / CLI options rather than from the host; absent attestations stay absent
 * so checks can turn them into `manual`.
 */
export interface InventoryFacts {
  roles: string[];
  public_ips: string[];
  attestations: {
    dengbao?: { level?: number; last_assessment?: string };
    emergency_plan?: { filed?: boolean; last_drill?: string };
    hosting?: { provider?: string; domestic?: boolean };
  };
}

export const inventorySchema = t.obj({
  roles: t.arr(t.str),
  public_ips: t.arr(t.str),
  attestations: t.obj({
    dengbao: t.nullable(t.obj({ level: t.nullable(t.num), last_assessment: t.nullable(t.str) })),
    emergency_plan: t.nullable(t.obj({ filed: t.nullable(t.bool), last_drill: t.nullable(t.str) })),
    hosting: t.nullable(t.obj({ provider: t.nullable(t.str), domestic: t.nullable(t.bool) })),
  }),
});

export const inventoryDeriver: Deriver<InventoryFacts> = {
  id: 'inventory',
  description: 'Roles, declared public addresses and attestations from the inventory',
  schema: inventorySchema,
  needs: [],
  derive(facts, env) {
    // A facts file saved earlier already carries the inventory family; keep it.
    const prev = facts.inventory as InventoryFacts | undefined;
    return {
      roles: env.host.roles,
      public_ips: env.host.publicIps,
      attestations: (env.host.attestations as InventoryFacts['attestations'] | undefined) ?? prev?.attestations ?? {},
    };
  },
};
