import { t } from '../model/schema.js';
import type { Deriver } from '../collectors/types.js';
import type { AccountsFacts } from '../collectors/accounts.js';
import type { SudoersFacts } from '../collectors/sudoers.js';
import { computeRoles, ROLES, violation, type Role, type SudoViolation } from './roles.js';

/** Separate family (needs sudoers, root only) so role membership stays decidable without root. */
export interface SudoRightsFacts {
  /** NOPASSWD grants of ALL (or a root shell) to anyone but root and the sysadmin role. */
  blanket_nopasswd: SudoViolation[];
  /** Any sudo grant that reaches an editor or auditor. */
  editor_auditor_sudo: SudoViolation[];
}

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
