import { classifyPassword, mapColonLines, redactPasswordField } from './shadow.js';

/**
 * /etc/passwd -> entries. The GECOS field (personal names, phone numbers) is dropped on purpose:
 * no check needs it. The password field is reduced to what it says about the account.
 */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** `x`: the password lives in /etc/shadow; otherwise the field itself was classified. */
  pw: 'shadow' | 'empty' | 'locked' | 'hash';
  /** Only for `pw: hash` (a legacy hash kept in /etc/passwd itself): its algorithm. */
  pwHashAlg: string | null;
  line: number;
}


export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    // NIS compat entries (+user, +@netgroup, -user) are not local accounts.
    if (line.startsWith('+') || line.startsWith('-')) return;
    const f = line.split(':');
    if (f.length < 7) return;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === '' || f[3] === '') return;
    let pw: PasswdEntry['pw'];
    let pwHashAlg: string | null = null;
    if (f[1] === 'x') pw = 'shadow';
    else {
      const c = classifyPassword(f[1]);
      pw = c.status === 'set' ? 'hash' : c.status;
      pwHashAlg = c.hashAlg;
    }
    out.push({ name: f[0], uid, gid, home: f[5], shell: f.slice(6).join(':'), pw, pwHashAlg, line: i + 1 });
  });
  return out;
}

/** Shells that do not give an interactive session. An empty shell field means /bin/sh. */
const NO_LOGIN = /(?:^|\/)(?:nologin|false|sync|shutdown|halt)$/;

export function isLoginShell(shell: string): boolean {
  return !NO_LOGIN.test(shell.trim());
}

/**
 * /etc/passwd for a shared fixture: GECOS (personal names, phone numbers) emptied and a legacy hash
 * in field 2 replaced by its algorithm's placeholder; `x` and every other field kept.
 */
export function redactPasswd(text: string): string {
  return mapColonLines(text, (f) => {
    if (f.length >= 7 && !f[0]!.startsWith('+') && !f[0]!.startsWith('-')) f[4] = '';
    if (f[1] !== 'x' && f[1] !== undefined) f[1] = redactPasswordField(f[1]);
  });
}
