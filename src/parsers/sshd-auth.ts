/**
 * What the effective sshd settings mean for authentication: which method lists can actually
 * complete, whether a password (or PAM keyboard-interactive) login works without a key, and
 * whether every list demands two factors. Pure, from `sshd -T`-style values.
 */
export interface SshdAuthSummary {
  /** Method lists that can complete, e.g. ["publickey,keyboard-interactive"]. */
  usable_lists: string[];
  /** Some usable list logs in with a password / PAM prompt and no key. */
  password_without_key: boolean;
  /** Every usable list needs at least two distinct methods (and at least one list is usable). */
  multi_factor: boolean;
  /** Every usable list includes keyboard-interactive, which PAM (UsePAM yes) answers. */
  pam_prompt_in_every_list: boolean;
}

/** Known OTP / second-factor PAM modules. */
export const OTP_PAM_MODULES = [
  'pam_google_authenticator.so', 'pam_oath.so', 'pam_radius_auth.so', 'pam_radius.so', 'pam_duo.so',
  'pam_yubico.so', 'pam_u2f.so', 'pam_totp.so', 'pam_otpw.so', 'pam_sss_otp.so', 'pam_freeotp.so',
  'pam_linotp.so', 'pam_privacyidea.so', 'pam_mfa.so',
];

export function summariseAuth(eff: Record<string, string | undefined>): SshdAuthSummary {
  const yes = (k: string) => eff[k] === 'yes';
  const enabled = (method: string): boolean => {
    const m = method.split(':')[0];
    switch (m) {
      case 'publickey':
        return yes('pubkeyauthentication');
      case 'password':
        return yes('passwordauthentication');
      case 'keyboard-interactive':
        // On Linux the only keyboard-interactive device is PAM.
        return yes('kbdinteractiveauthentication') && yes('usepam');
      case 'hostbased':
        return yes('hostbasedauthentication');
      case 'gssapi-with-mic':
        return yes('gssapiauthentication');
      default:
        return false;
    }
  };
  const spec = (eff.authenticationmethods ?? 'any').trim();
  const lists =
    spec === 'any' || spec === ''
      ? ['publickey', 'password', 'keyboard-interactive', 'hostbased', 'gssapi-with-mic'].map((m) => [m])
      : spec.split(/\s+/).map((l) => l.split(',').filter((x) => x));
  const usable = lists.filter((l) => l.length > 0 && l.every(enabled));
  const base = (m: string) => m.split(':')[0] ?? m;
  const keyLike = new Set(['publickey', 'hostbased', 'gssapi-with-mic']);
  return {
    usable_lists: usable.map((l) => l.join(',')),
    password_without_key: usable.some(
      (l) => !l.some((m) => keyLike.has(base(m))) && l.some((m) => base(m) === 'password' || base(m) === 'keyboard-interactive'),
    ),
    multi_factor: usable.length > 0 && usable.every((l) => new Set(l.map(base)).size >= 2),
    pam_prompt_in_every_list: usable.length > 0 && usable.every((l) => l.some((m) => base(m) === 'keyboard-interactive')),
  };
}

/** interval × countmax when sshd will really drop a silent client; null = never (0 disables either). */
export function clientAliveTimeout(eff: Record<string, string | undefined>): number | null {
  const interval = Number(eff.clientaliveinterval ?? '0');
  const count = Number(eff.clientalivecountmax ?? '3');
  // OpenSSH >= 8.2: ClientAliveCountMax 0 disables termination (serverloop.c client_alive_check).
  if (!(interval > 0) || !(count > 0)) return null;
  return interval * count;
}
