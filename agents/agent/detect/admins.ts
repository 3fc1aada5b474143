/**
 * The host's administrator accounts, for auth.admin (admin-login-new-source): root, every uid-0
 * account, members of the sudo, wheel and admin groups (listed, or by primary group), and the
 * config's detections.admin_users. Read once at start from <host_root>/etc/passwd and /etc/group.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGroup } from '../../../src/parsers/group.js';
import { parsePasswd } from '../../../src/parsers/passwd.js';

/** Groups whose members may become root (Debian sudo, Red Hat wheel, Ubuntu's old admin). */
const ADMIN_GROUPS = ['sudo', 'wheel', 'admin'];

const read = (p: string): string => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};

export function adminAccounts(hostRoot: string, configured: readonly string[] = []): string[] {
  const out = new Set<string>(['root', ...configured]);
  const passwd = parsePasswd(read(join(hostRoot, 'etc', 'passwd')));
  const groups = parseGroup(read(join(hostRoot, 'etc', 'group'))).filter((g) => ADMIN_GROUPS.includes(g.name));
  const gids = new Set(groups.map((g) => g.gid));
  for (const g of groups) for (const m of g.members) out.add(m);
  for (const e of passwd) if (e.uid === 0 || gids.has(e.gid)) out.add(e.name);
  return [...out].sort();
}
