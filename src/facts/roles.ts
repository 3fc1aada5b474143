import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { AccountsFacts } from '../collectors/accounts.js';

/**
 * Separation of rights (Article 40(八)): which accounts hold the system-admin, content-editor and
 * content-auditor roles (membership of the ROLE_GROUPS groups, primary or supplementary), who holds
 * two, and which sudo grants break the separation.
 */
export const ROLES = ['sysadmin', 'editor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleGroup {
  groups: string[]; // configured group names
  existing: string[]; // those that exist on the host
  members: string[];
}

export interface SudoViolation {
  user: string; // a user name, or "%group" / "ALL" for a grant nobody in particular holds
  role: Role | null;
  principal: string;
  is_group: boolean;
  file: string;
  line: number;
}

export interface RolesFacts {
  roles: Record<Role, RoleGroup>;
  /** Roles whose group is missing or has no member. */
  missing_roles: Role[];
  multi_role_accounts: Array<{ user: string; roles: Role[] }>;
}


export const violation = t.obj({ user: t.str, role: t.nullable(t.enum(...ROLES)), principal: t.str, is_group: t.bool, file: t.str, line: t.num });
const roleGroup = t.obj({ groups: t.arr(t.str), existing: t.arr(t.str), members: t.arr(t.str) });

function groupNames(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function computeRoles(accounts: AccountsFacts, variables: Record<string, unknown>): RolesFacts {
  const cfg = (variables.ROLE_GROUPS ?? {}) as Record<string, unknown>;
  const groupSet = new Set(accounts.groups.map((g) => g.name));
  const roles = {} as Record<Role, RoleGroup>;
  for (const r of ROLES) {
    const groups = groupNames(cfg[r]);
    const members = accounts.users.filter((u) => u.groups.some((g) => groups.includes(g))).map((u) => u.name);
    roles[r] = { groups, existing: groups.filter((g) => groupSet.has(g)), members };
  }
  const missing_roles = ROLES.filter((r) => roles[r].members.length === 0);
  const multi_role_accounts = accounts.users
    .map((u) => ({ user: u.name, roles: ROLES.filter((r) => roles[r].members.includes(u.name)) }))
    .filter((x) => x.roles.length > 1);
  return { roles, missing_roles, multi_role_accounts };
}

export const rolesDeriver: Deriver<RolesFacts> = {
  id: 'roles',
  description: 'Members of the sysadmin/editor/auditor role groups (ROLE_GROUPS) and accounts holding two roles',
  schema: t.obj({
    roles: t.obj({ sysadmin: roleGroup, editor: roleGroup, auditor: roleGroup }),
    missing_roles: t.arr(t.enum(...ROLES)),
    multi_role_accounts: t.arr(t.obj({ user: t.str, roles: t.arr(t.enum(...ROLES)) })),
  }),
  needs: ['accounts'],
  derive(facts, env) {
    return computeRoles(facts.accounts as AccountsFacts, env.variables);
  },
};
