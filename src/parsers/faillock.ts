/**
 * Login lockout: pam_faillock (faillock.conf(5) + module arguments) and the older pam_tally2.
 *
 * pam_faillock reads /etc/security/faillock.conf first and then its own arguments, which override
 * it. Built-in defaults: deny=3, unlock_time=600, and unlock_time=0 / "never" means the account stays
 * locked until an administrator resets it. pam_tally2 has no file; without deny= it never locks and
 * without unlock_time= a lock lasts until `pam_tally2 --reset`.
 */
import { pamArgs, type PamEntry } from './pam.js';
import { parsePwqualityConf } from './pwquality.js';

export interface Lockout {
  module: 'pam_faillock' | 'pam_tally2';
  /** Failures before the account locks; 0 = never locks. */
  deny: number;
  /** Seconds until an automatic unlock; 0 = only an administrator unlocks. */
  unlock_time: number;
  sources: Record<string, string>;
}

/** faillock.conf has the same `key = value` / bare-flag syntax as pwquality.conf. */
export const parseFaillockConf = parsePwqualityConf;

function seconds(v: string | undefined): number | null {
  if (v === undefined) return null;
  if (v.trim().toLowerCase() === 'never') return 0;
  return /^\s*\d+\s*$/.test(v) ? Number(v) : null;
}

/**
 * Effective lockout for a resolved auth stack, or null when the stack does not lock accounts
 * (pam_faillock needs both a `preauth` line, which refuses a locked account, and an `authfail` line,
 * which counts failures; pam_tally2 needs one auth line).
 */
export function effectiveLockout(auth: PamEntry[], faillockConf: { path: string; text: string } | null): Lockout | null {
  const fl = auth.filter((e) => e.module === 'pam_faillock.so');
  const pre = fl.filter((e) => e.args.includes('preauth'));
  const fail = fl.filter((e) => e.args.includes('authfail'));
  if (pre.length > 0 && fail.length > 0) {
    const conf = faillockConf ? parseFaillockConf(faillockConf.text) : null;
    // Take the most lenient of the deciding lines: that is what an attacker gets.
    // deny=0 never locks (most lenient); unlock_time=0 never unlocks (least lenient).
    const denyRank = (d: number): number => (d === 0 ? Number.POSITIVE_INFINITY : d);
    const unlockRank = (u: number): number => (u === 0 ? Number.POSITIVE_INFINITY : u);
    let worst: { deny: number; unlock: number; denySrc: string; unlockSrc: string } | null = null;
    for (const e of [...pre, ...fail]) {
      const args = pamArgs(e.args);
      const v = { deny: 3, denySrc: 'default', unlock: 600, unlockSrc: 'default' };
      const cd = conf ? seconds(conf.settings.deny) : null;
      if (conf && cd !== null) [v.deny, v.denySrc] = [cd, `${faillockConf?.path}:${conf.lines.deny}`];
      const cu = conf ? seconds(conf.settings.unlock_time) : null;
      if (conf && cu !== null) [v.unlock, v.unlockSrc] = [cu, `${faillockConf?.path}:${conf.lines.unlock_time}`];
      const ad = seconds(args.deny);
      if (ad !== null) [v.deny, v.denySrc] = [ad, `${e.file}:${e.line} (argument)`];
      const au = seconds(args.unlock_time);
      if (au !== null) [v.unlock, v.unlockSrc] = [au, `${e.file}:${e.line} (argument)`];
      if (!worst) worst = { ...v };
      if (denyRank(v.deny) > denyRank(worst.deny)) [worst.deny, worst.denySrc] = [v.deny, v.denySrc];
      if (unlockRank(v.unlock) < unlockRank(worst.unlock)) [worst.unlock, worst.unlockSrc] = [v.unlock, v.unlockSrc];
    }
    const w = worst!;
    return { module: 'pam_faillock', deny: w.deny, unlock_time: w.unlock, sources: { deny: w.denySrc, unlock_time: w.unlockSrc } };
  }
  const tally = auth.find((e) => e.module === 'pam_tally2.so');
  if (tally) {
    const args = pamArgs(tally.args);
    const where = `${tally.file}:${tally.line} (argument)`;
    const deny = seconds(args.deny);
    const unlock = seconds(args.unlock_time);
    return {
      module: 'pam_tally2',
      deny: deny ?? 0,
      unlock_time: unlock ?? 0,
      sources: { deny: deny === null ? 'default' : where, unlock_time: unlock === null ? 'default' : where },
    };
  }
  return null;
}
