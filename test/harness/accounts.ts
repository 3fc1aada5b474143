/**
 * The account files a test host sees in its own /etc: the fixture's (or this machine's) passwd, shadow
 * and group plus the harness's test users. Pure text in, text out.
 *
 * Test users exist only inside each host's /etc overlay, never in this machine's real /etc: nothing
 * to undo after a crash, and a fixture's accounts (zhangwei, nginx…) stay as recorded next to them.
 */

export type SudoMode = 'nopasswd' | 'password' | 'none';

export interface TestUser {
  name: string;
  password?: string;
  sudo?: SudoMode;
  requiretty?: boolean;
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** crypt(3) hash for /etc/shadow; never starts with '!' (UsePAM no would treat it as locked). */
  hash: string;
}

export interface AccountFiles {
  passwd: string;
  shadow: string;
  group: string;
}

const nameOf = (line: string): string => line.slice(0, line.indexOf(':'));
const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && l.includes(':'));

/** uids (and gids) from `first` upwards that neither file uses yet. */
export function freeIds(base: AccountFiles, count: number, first = 4200): number[] {
  const used = new Set<number>();
  for (const l of lines(base.passwd)) used.add(Number(l.split(':')[2]));
  for (const l of lines(base.group)) used.add(Number(l.split(':')[2]));
  const out: number[] = [];
  for (let id = first; out.length < count; id++) if (!used.has(id)) out.push(id);
  return out;
}

/**
 * base + accounts, replacing any base entry with the same name. `required` are passwd lines the
 * host cannot run without (sshd's privilege-separation user) added when the base lacks them.
 */
export function mergeAccounts(base: AccountFiles, accounts: Account[], required: { passwd: string[]; group: string[] } = { passwd: [], group: [] }): AccountFiles {
  const ours = new Set(accounts.map((a) => a.name));
  const keep = (text: string) => lines(text).filter((l) => !ours.has(nameOf(l)));
  const passwd = keep(base.passwd);
  const shadow = keep(base.shadow);
  const group = keep(base.group);
  for (const r of required.passwd) if (!passwd.some((l) => nameOf(l) === nameOf(r))) passwd.push(r);
  for (const r of required.group) if (!group.some((l) => nameOf(l) === nameOf(r) || l.split(':')[2] === r.split(':')[2])) group.push(r);
  for (const a of accounts) {
    if (a.hash.startsWith('!')) throw new Error(`harness: ${a.name}'s hash must not start with '!' (sshd runs with UsePAM no)`);
    passwd.push(`${a.name}:x:${a.uid}:${a.gid}:gwsec test user:${a.home}:${a.shell}`);
    shadow.push(`${a.name}:${a.hash}:20000:0:99999:7:::`);
    group.push(`${a.name}:x:${a.gid}:`);
  }
  const text = (ls: string[]) => ls.join('\n') + '\n';
  return { passwd: text(passwd), shadow: text(shadow), group: text(group) };
}

/**
 * /etc/sudoers.d entry for the test users. timestamp_timeout=0: every sudo asks again, so one test's
 * success never lets a later wrong-password test through.
 */
export function sudoersFor(users: TestUser[]): string {
  const out = ['# written by the gwsec test harness'];
  for (const u of users) {
    const mode = u.sudo ?? 'none';
    if (mode === 'none') continue;
    out.push(`Defaults:${u.name} timestamp_timeout=0`);
    if (u.requiretty) out.push(`Defaults:${u.name} requiretty`);
    out.push(`${u.name} ALL=(ALL:ALL) ${mode === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL`);
  }
  return out.join('\n') + '\n';
}

/**
 * A self-contained /etc/pam.d/sudo. The fixtures' common-auth stacks name modules this machine lacks
 * (pam_google_authenticator, pam_sss, pam_pwquality), which would break sudo inside the overlay.
 * `delayScript` (after pam_unix has read the password) keeps sudo alive long enough to sample `ps`.
 */
export function pamSudo(delayScript?: string): string {
  return [
    '#%PAM-1.0',
    '# written by the gwsec test harness',
    'auth     required  pam_unix.so',
    ...(delayScript ? [`auth     optional  pam_exec.so quiet ${delayScript}`] : []),
    'account  required  pam_unix.so',
    'session  required  pam_unix.so',
    '',
  ].join('\n');
}
