import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { AccountsFacts } from '../collectors/accounts.js';
import type { SudoersFacts } from '../collectors/sudoers.js';

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

/** Separate family (needs sudoers, root only) so role membership stays decidable without root. */
export interface SudoRightsFacts {
  /** NOPASSWD grants of ALL (or a root shell) to anyone but root and the sysadmin role. */
  blanket_nopasswd: SudoViolation[];
  /** Any sudo grant that reaches an editor or auditor. */
  editor_auditor_sudo: SudoViolation[];
}

const violation = t.obj({ user: t.str, role: t.nullable(t.enum(...ROLES)), principal: t.str, is_group: t.bool, file: t.str, line: t.num });
const roleGroup = t.obj({ groups: t.arr(t.str), existing: t.arr(t.str), members: t.arr(t.str) });

function groupNames(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function computeRoles(accounts: AccountsFacts, variables: Record<string, unknown>): RolesFacts {
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

export const sudoRightsDeriver: Deriver<SudoRightsFacts> = {
  id: 'sudo_rights',
  description: 'sudo grants that break the separation of rights: password-less ALL outside the sysadmin role, any sudo for editors and auditors',
  schema: t.obj({ blanket_nopasswd: t.arr(violation), editor_auditor_sudo: t.arr(violation) }),
  needs: ['accounts', 'sudoers'],
  derive(facts, env) {
    const accounts = facts.accounts as AccountsFacts;
    const { roles } = computeRoles(accounts, env.variables);
    const roleOf = (user: string): Role[] => ROLES.filter((r) => roles[r].members.includes(user));
    const grants = (facts.sudoers as SudoersFacts).grants;
    const holders = (principal: string, isGroup: boolean): string[] => {
      if (!isGroup && principal === 'ALL') return accounts.users.map((u) => u.name);
      if (isGroup) return accounts.users.filter((u) => u.groups.includes(principal)).map((u) => u.name);
      if (principal.startsWith('#')) return accounts.users.filter((u) => `#${u.uid}` === principal).map((u) => u.name);
      return [principal];
    };
    const blanket_nopasswd: SudoViolation[] = [];
    const editor_auditor_sudo: SudoViolation[] = [];
    for (const g of grants) {
      const base = { principal: g.principal, is_group: g.is_group, file: g.file, line: g.line };
      const users = holders(g.principal, g.is_group);
      // A sysadmin group's own grant is allowed; otherwise judge every holder.
      if (g.nopasswd && (g.all_commands || g.root_shell) && !(g.is_group && roles.sysadmin.groups.includes(g.principal))) {
        const offenders = users.filter((u) => u !== 'root' && !roles.sysadmin.members.includes(u));
        // A grant to a group (or ALL) with no current holder is still a standing grant.
        if (users.length === 0 && g.principal !== 'root') blanket_nopasswd.push({ user: g.is_group ? `%${g.principal}` : g.principal, role: null, ...base });
        for (const u of offenders) blanket_nopasswd.push({ user: u, role: roleOf(u)[0] ?? null, ...base });
      }
      for (const u of users) for (const r of roleOf(u)) if (r === 'editor' || r === 'auditor') editor_auditor_sudo.push({ user: u, role: r, ...base });
    }
    return { blanket_nopasswd, editor_auditor_sudo };
  },
};
