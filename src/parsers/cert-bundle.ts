/**
 * Output of the `web-certs` collection snippet: for each certificate file the web configuration names,
 * a `==> path <==` header followed by the file's CERTIFICATE blocks only (the snippet never prints
 * anything else from a file, so a key bundled into a certificate file never leaves the host), or
 * `!! absent` / `!! unreadable`.
 */
import { splitPemCertificates, summariseCertificate, type CertSummary } from './cert.js';

export type CertFileResult = { path: string; certs: string[] } | { path: string; error: 'not_found' | 'permission_denied' | 'parse_error' };

export function parseCertBundle(text: string): Map<string, CertFileResult> {
  const out = new Map<string, CertFileResult>();
  const parts = text.split(/^==> (.+) <==$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const path = parts[i]!;
    const body = parts[i + 1] ?? '';
    if (/^!! absent/m.test(body)) out.set(path, { path, error: 'not_found' });
    else if (/^!! unreadable/m.test(body)) out.set(path, { path, error: 'permission_denied' });
    else {
      const certs = splitPemCertificates(body);
      out.set(path, certs.length ? { path, certs } : { path, error: 'parse_error' });
    }
  }
  return out;
}

export interface CertFact extends Partial<CertSummary> {
  path: string;
  role: 'server' | 'sign' | 'enc';
  chain_length?: number;
  days_left?: number | null;
  error?: { code: 'not_found' | 'permission_denied' | 'parse_error' | 'not_recorded'; message: string };
}

/** Summarise the leaf certificate of a file; `now` is the host clock at collection (ISO) or null. */
export function certFact(path: string, role: CertFact['role'], file: CertFileResult | undefined, now: string | null): CertFact {
  if (!file) return { path, role, error: { code: 'not_recorded', message: `${path} was not collected` } };
  if ('error' in file) return { path, role, error: { code: file.error, message: `${path}: ${file.error.replace('_', ' ')}` } };
  try {
    const s = summariseCertificate(file.certs[0]!);
    const days = now ? Math.floor((Date.parse(s.not_after) - Date.parse(now)) / 86_400_000) : null;
    return { path, role, ...s, chain_length: file.certs.length, days_left: Number.isNaN(days) ? null : days };
  } catch (e) {
    return { path, role, error: { code: 'parse_error', message: `${path}: ${(e as Error).message}` } };
  }
}
