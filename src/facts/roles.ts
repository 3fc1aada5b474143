import { t } from '../model/schema.js';
import { isFactError, type FactError } from '../model/errors.js';
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
  sudo:
    | {
        /** NOPASSWD grants of ALL (or a root shell) to anyone but root and the sysadmin role. */
        blanket_nopasswd: SudoViolation[];
        /** Any sudo grant that reaches an editor or auditor. */
        editor_auditor_sudo: SudoViolation[];
      }
    | { error: FactError };
}

const violation = t.obj({ user: t.str, role: t.nullable(t.enum(...ROLES)), principal: t.str, is_group: t.bool, file: t.str, line: t.num });
const roleGroup = t.obj({ groups: t.arr(t.str), existing: t.arr(t.str), members: t.arr(t.str) });

function groupNames(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export const rolesDeriver: Deriver<RolesFacts | { error: FactError }> = {
  id: 'roles',
  description: 'Members of the sysadmin/editor/auditor role groups (ROLE_GROUPS), accounts holding two roles, and sudo grants that break the separation',
  schema: t.obj({
    roles: t.obj({ sysadmin: roleGroup, editor: roleGroup, auditor: roleGroup }),
    missing_roles: t.arr(t.enum(...ROLES)),
    multi_role_accounts: t.arr(t.obj({ user: t.str, roles: t.arr(t.enum(...ROLES)) })),
    sudo: t.obj({ blanket_nopasswd: t.arr(violation), editor_auditor_sudo: t.arr(violation) }),
  }),
  needs: ['accounts', 'sudoers'],
  derive(facts, env) {
    const acc = facts.accounts;
    if (isFactError(acc)) return { error: acc.error };
    if (!acc) return { error: { code: 'not_found', message: 'accounts facts are missing' } };
    const accounts = acc as AccountsFacts;
    const cfg = (env.variables.ROLE_GROUPS ?? {}) as Record<string, unknown>;
    const groupSet = new Set(accounts.groups.map((g) => g.name));
    const roles = {} as Record<Role, RoleGroup>;
    for (const r of ROLES) {
      const groups = groupNames(cfg[r]);
      const members = accounts.users.filter((u) => u.groups.some((g) => groups.includes(g))).map((u) => u.name);
      roles[r] = { groups, existing: groups.filter((g) => groupSet.has(g)), members };
    }
    const missing_roles = ROLES.filter((r) => roles[r].members.length === 0);
    const roleOf = (user: string): Role[] => ROLES.filter((r) => roles[r].members.includes(user));
    const multi_role_accounts = accounts.users
      .map((u) => ({ user: u.name, roles: roleOf(u.name) }))
      .filter((x) => x.roles.length > 1);

    const sf = facts.sudoers;
    let sudo: RolesFacts['sudo'];
    if (isFactError(sf)) sudo = { error: sf.error };
    else if (!sf) sudo = { error: { code: 'not_found', message: 'sudoers facts are missing' } };
    else {
      const grants = (sf as SudoersFacts).grants;
      const holders = (principal: string, isGroup: boolean): string[] => {
        if (!isGroup && principal === 'ALL') return accounts.users.map((u) => u.name);
        if (isGroup) return accounts.users.filter((u) => u.groups.includes(principal)).map((u) => u.name);
        if (principal.startsWith('#')) return accounts.users.filter((u) => `#${u.uid}` === principal).map((u) => u.name);
        return [principal];
      };
      const sysadminGroups = roles.sysadmin.groups;
      const blanket_nopasswd: SudoViolation[] = [];
      const editor_auditor_sudo: SudoViolation[] = [];
      for (const g of grants) {
        const base = { principal: g.principal, is_group: g.is_group, file: g.file, line: g.line };
        const users = holders(g.principal, g.is_group);
        if (g.nopasswd && (g.all_commands || g.root_shell)) {
          // A sysadmin group's own grant is allowed; otherwise judge every holder.
          if (!(g.is_group && sysadminGroups.includes(g.principal))) {
            const offenders = users.filter((u) => u !== 'root' && !roles.sysadmin.members.includes(u));
            // A grant to a group or ALL with no current holder is still a standing grant.
            if (offenders.length === 0 && users.length === 0 && g.principal !== 'root')
              blanket_nopasswd.push({ user: g.is_group ? `%${g.principal}` : g.principal, role: null, ...base });
            for (const u of offenders) blanket_nopasswd.push({ user: u, role: roleOf(u)[0] ?? null, ...base });
          }
        }
        for (const u of users) {
          for (const r of roleOf(u)) if (r === 'editor' || r === 'auditor') editor_auditor_sudo.push({ user: u, role: r, ...base });
        }
      }
      sudo = { blanket_nopasswd, editor_auditor_sudo };
    }
    return { roles, missing_roles, multi_role_accounts, sudo };
  },
};
