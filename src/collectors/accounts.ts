import { CollectError, type FactError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { parseGroup, redactGroup } from '../parsers/group.js';
import { isLoginShell, parsePasswd, redactPasswd } from '../parsers/passwd.js';
import { parseShadow, redactShadow, type HashAlg, type PasswordStatus } from '../parsers/shadow.js';
import type { Collector } from './types.js';

export interface AccountUser {
  name: string;
  uid: number;
  gid: number;
  shell: string;
  login_shell: boolean;
  /** null: /etc/shadow could not be read, so the password state is unknown. */
  password: PasswordStatus | null;
  hash_alg: HashAlg | null;
  groups: string[];
}

export interface AccountsFacts {
  users: AccountUser[];
  groups: Array<{ name: string; gid: number; members: string[] }>;
  /** Distinct algorithms of every stored hash (locked accounts included); null when shadow is unreadable. */
  hash_algs: HashAlg[] | null;
  shadow: { present: boolean } | { error: FactError };
}

const HASH_ALGS = ['yescrypt', 'sha512', 'sha256', 'md5', 'bcrypt', 'des', 'bsdi', 'sm3', 'sm3y', 'gost', 'unknown'];

export const accounts: Collector<AccountsFacts> = {
  id: 'accounts',
  description: 'Local accounts and groups from /etc/passwd, /etc/group and /etc/shadow (password state and hash algorithm, never the hash)',
  schema: t.obj({
    users: t.arr(
      t.obj({
        name: t.str,
        uid: t.num,
        gid: t.num,
        shell: t.str,
        login_shell: t.bool,
        password: t.nullable(t.enum('locked', 'empty', 'set')),
        hash_alg: t.nullable(t.enum(...HASH_ALGS)),
        groups: t.arr(t.str),
      }),
    ),
    groups: t.arr(t.obj({ name: t.str, gid: t.num, members: t.arr(t.str) })),
    hash_algs: t.nullable(t.arr(t.enum(...HASH_ALGS))),
    shadow: t.obj({ present: t.bool }),
  }),
  requests: [
    { kind: 'file', path: '/etc/passwd' },
    { kind: 'file', path: '/etc/group' },
    { kind: 'file', path: '/etc/shadow' },
  ],
  redact: { '/etc/passwd': redactPasswd, '/etc/group': redactGroup, '/etc/shadow': redactShadow },
  parse(out) {
    const passwdText = out.text('/etc/passwd');
    if (passwdText === null) throw new CollectError('not_found', '/etc/passwd is absent');
    const groupText = out.text('/etc/group') ?? '';
    let shadowText: string | null = null;
    let shadow: AccountsFacts['shadow'];
    try {
      shadowText = out.text('/etc/shadow');
      shadow = { present: shadowText !== null };
    } catch (e) {
      // Non-root audit: users still come from passwd; only their password state is unknown.
      if (!(e instanceof CollectError)) throw e;
      shadow = { error: { code: e.code, message: e.message } };
    }
    const groups = parseGroup(groupText);
    const byGid = new Map(groups.map((g) => [g.gid, g.name]));
    const shadowByName = new Map((shadowText === null ? [] : parseShadow(shadowText)).map((s) => [s.name, s]));
    const users = parsePasswd(passwdText).map((p): AccountUser => {
      let password: PasswordStatus | null;
      let hashAlg: HashAlg | null = null;
      if (p.pw !== 'shadow') {
        // A legacy hash (or nothing) in /etc/passwd itself is what login uses.
        password = p.pw === 'hash' ? 'set' : p.pw;
        hashAlg = p.pwHashAlg as HashAlg | null;
      } else if ('error' in shadow) {
        password = null;
      } else {
        const s = shadowByName.get(p.name);
        // "x" with no shadow entry: no hash anywhere, so no password can match.
        password = s ? s.password : 'locked';
        hashAlg = s ? s.hashAlg : null;
      }
      const primary = byGid.get(p.gid);
      const memberOf = groups.filter((g) => g.members.includes(p.name)).map((g) => g.name);
      return {
        name: p.name,
        uid: p.uid,
        gid: p.gid,
        shell: p.shell,
        login_shell: isLoginShell(p.shell),
        password,
        hash_alg: hashAlg,
        groups: [...new Set([...(primary ? [primary] : []), ...memberOf])],
      };
    });
    const hash_algs = 'error' in shadow ? null : [...new Set(users.map((u) => u.hash_alg).filter((a): a is HashAlg => a !== null))].sort();
    return { users, groups, hash_algs, shadow };
  },
};
