/**
 * recheck's `safe` verdicts for the regular expressions of the shipped Article 40 pack, as
 * `flags/source` (the policy language's `(?i)` is the `i` flag). `gwsec audit` lints its pack on
 * every run; for these patterns it need not start recheck's native checker (a worker thread and a
 * process: ~0.5 s before any host is touched). Anything not listed — a site's own pack, an edited
 * check, another recheck version — is checked as before. test/policy/redos-safe.test.ts re-proves
 * every entry with recheck and fails, naming the entry to add, when a shipped pattern is missing.
 */
import { recheckVersion } from '../util/redos.js';

export const SAFE_FOR_RECHECK = '4.5.0';

export const SHIPPED_SAFE: ReadonlySet<string> = new Set([
  'i/(md2|md5|sha1)',
  '/(-cbc$|^3des|^arcfour|^blowfish|^cast128|^rijndael|^des)',
  '/(md5|sha1|ripemd|^umac-64|-96)',
  '/(sha1($|@|-)|group1-)',
  '/^(ssh-dss|ssh-rsa)(-cert-v01@openssh\\.com)?$',
]);

/** A `matches` source (maybe `(?i)…`) that the installed recheck's version proved safe already. */
export function provedSafe(source: string): boolean {
  return SHIPPED_SAFE.has(key(source)) && recheckVersion() === SAFE_FOR_RECHECK;
}

export function key(source: string): string {
  return source.startsWith('(?i)') ? `i/${source.slice(4)}` : `/${source}`;
}
