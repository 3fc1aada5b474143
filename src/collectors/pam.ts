import { CollectError } from '../model/errors.js';
import { t } from '../model/schema.js';
import { effectiveLockout, type Lockout } from '../parsers/faillock.js';
import { resolvePamStack, type PamEntry } from '../parsers/pam.js';
import { effectivePasswordQuality, type PasswordQuality } from '../parsers/pwquality.js';
import type { Collector, CollectorOutput } from './types.js';

/**
 * The shared PAM stacks every login service includes: Debian's common-auth / common-password
 * (pam-auth-update) or RHEL's system-auth + password-auth (authselect; sshd uses password-auth,
 * local logins system-auth). Where two stacks decide, the weaker one is reported.
 */
export interface PamFacts {
  layout: 'debian' | 'rhel' | 'unknown';
  /** Stack name -> "type control module" lines (arguments left out: some modules take secrets). */
  stacks: Record<string, string[]>;
  /** null: no pam_pwquality / pam_cracklib in a deciding password stack. */
  password_quality: (PasswordQuality & { stack: string }) | null;
  /** null: no pam_faillock (preauth + authfail) / pam_tally2 in a deciding auth stack. */
  lockout: (Lockout & { stack: string }) | null;
  pwquality_conf_present: boolean;
  missing_includes: string[];
}

const DIR = '/etc/pam.d';
const LAYOUTS = { debian: { auth: ['common-auth'], password: ['common-password'] }, rhel: { auth: ['system-auth', 'password-auth'], password: ['system-auth', 'password-auth'] } };

function fileMap(out: CollectorOutput): Map<string, string> {
  return new Map(out.glob(`${DIR}/*`).map((f) => [f.path, f.content]));
}

export const pam: Collector<PamFacts> = {
  id: 'pam',
  description: 'Password quality (pam_pwquality/pam_cracklib + pwquality.conf) and login lockout (pam_faillock/pam_tally2 + faillock.conf) of the shared PAM stacks',
  schema: t.obj({
    layout: t.enum('debian', 'rhel', 'unknown'),
    stacks: t.map(t.arr(t.str)),
    password_quality: t.nullable(
      t.obj({
        module: t.enum('pam_pwquality', 'pam_cracklib'),
        minlen: t.num,
        minclass: t.num,
        dcredit: t.num,
        ucredit: t.num,
        lcredit: t.num,
        ocredit: t.num,
        credit_classes: t.num,
        enforced: t.bool,
        control: t.str,
        sources: t.map(t.str),
        stack: t.str,
      }),
    ),
    lockout: t.nullable(t.obj({ module: t.enum('pam_faillock', 'pam_tally2'), deny: t.num, unlock_time: t.num, sources: t.map(t.str), stack: t.str })),
    pwquality_conf_present: t.bool,
    missing_includes: t.arr(t.str),
  }),
  requests: [
    { kind: 'glob', pattern: `${DIR}/*` },
    { kind: 'file', path: '/etc/security/pwquality.conf' },
    { kind: 'glob', pattern: '/etc/security/pwquality.conf.d/*.conf' },
    { kind: 'file', path: '/etc/security/faillock.conf' },
  ],
  parse(out) {
    const files = fileMap(out);
    if (files.size === 0) throw new CollectError('not_found', `${DIR} is empty or absent: no PAM configuration`);
    const layout: PamFacts['layout'] = files.has(`${DIR}/common-auth`) ? 'debian' : files.has(`${DIR}/system-auth`) ? 'rhel' : 'unknown';
    const pwqMain = out.text('/etc/security/pwquality.conf');
    const pwqD = out.glob('/etc/security/pwquality.conf.d/*.conf').map((f) => ({ path: f.path, text: f.content }));
    const faillockText = out.text('/etc/security/faillock.conf');
    const faillock = faillockText === null ? null : { path: '/etc/security/faillock.conf', text: faillockText };

    const stacks: Record<string, string[]> = {};
    const missing = new Set<string>();
    const resolve = (name: string): PamEntry[] => {
      const r = resolvePamStack(files, `${DIR}/${name}`, DIR);
      r.missing.forEach((m) => missing.add(m));
      stacks[name] = r.entries.map((e) => `${e.optional ? '-' : ''}${e.type} ${e.control} ${e.module}`);
      return r.entries;
    };

    let quality: PamFacts['password_quality'] = null;
    let lockout: PamFacts['lockout'] = null;
    if (layout !== 'unknown') {
      const names = LAYOUTS[layout];
      const qs = names.password.map((n) => {
        const e = resolve(n).find((x) => x.type === 'password' && (x.module === 'pam_pwquality.so' || x.module === 'pam_cracklib.so'));
        return e ? { ...effectivePasswordQuality(e, pwqD, pwqMain === null ? null : { path: '/etc/security/pwquality.conf', text: pwqMain }), stack: n } : null;
      });
      if (qs.every((q) => q !== null)) quality = weakestQuality(qs as NonNullable<PamFacts['password_quality']>[]);
      const ls = names.auth.map((n) => {
        const l = effectiveLockout(resolve(n).filter((x) => x.type === 'auth'), faillock);
        return l ? { ...l, stack: n } : null;
      });
      if (ls.every((l) => l !== null)) lockout = weakestLockout(ls as NonNullable<PamFacts['lockout']>[]);
    }
    return { layout, stacks, password_quality: quality, lockout, pwquality_conf_present: pwqMain !== null, missing_includes: [...missing] };
  },
};

type Q = NonNullable<PamFacts['password_quality']>;
function weakestQuality(qs: Q[]): Q {
  return qs.reduce((w, q) => {
    const score = (x: Q) => [x.enforced ? 1 : 0, x.minlen, Math.max(x.minclass, x.credit_classes)];
    const [a, b] = [score(w), score(q)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i] < a[i] ? q : w;
    return w;
  });
}

type L = NonNullable<PamFacts['lockout']>;
function weakestLockout(ls: L[]): L {
  const denyRank = (d: number) => (d === 0 ? Infinity : d);
  const unlockRank = (u: number) => (u === 0 ? Infinity : u);
  return ls.reduce((w, l) => (denyRank(l.deny) > denyRank(w.deny) || (l.deny === w.deny && unlockRank(l.unlock_time) < unlockRank(w.unlock_time)) ? l : w));
}
