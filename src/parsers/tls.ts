/**
 * TLS protocol lists and OpenSSL cipher strings, evaluated the way the server's OpenSSL would.
 * Pure. The cipher model is a representative table (one row per kind of suite that matters for the
 * weak-cipher rule), not the full OpenSSL list: what we need is which weak families survive a string.
 */

export const PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Compare dotted versions with letter suffixes: "1.0.2k" < "1.0.2l" < "1.1.0". */
export function versionCmp(a: string, b: string): number {
  const pa = a.match(/\d+|[a-z]+/gi) ?? [];
  const pb = b.match(/\d+|[a-z]+/gi) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/**
 * nginx's built-in `ssl_protocols` when the directive is absent. Unknown version: assume the
 * long-lived 1.9.1–1.23.3 default (TLSv1 and TLSv1.1 on), which is what most fleets still run.
 */
export function nginxDefaultProtocols(version: string | null): Protocol[] {
  if (version && versionCmp(version, '1.9.1') < 0) return ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'];
  if (version && versionCmp(version, '1.23.4') >= 0) return ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  return ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
}

export function normaliseProtocol(p: string): Protocol | null {
  const k = p.toLowerCase().replace(/^tlsv1\.0$/, 'tlsv1');
  return PROTOCOLS.find((x) => x.toLowerCase() === k) ?? null;
}

/** nginx `ssl_protocols` arguments -> list (unknown words are dropped; nginx would refuse to start). */
export function nginxProtocols(args: string[]): Protocol[] {
  return args.map(normaliseProtocol).filter((x): x is Protocol => x !== null);
}

/**
 * Apache `SSLProtocol` (`all -SSLv3 -TLSv1`, `+TLSv1.2`, `TLSv1.2 TLSv1.3`). `all` means what the linked
 * OpenSSL offers: SSLv3 before 1.1.0 (when not compiled out), TLSv1.3 from 1.1.1.
 */
export function apacheProtocols(args: string[], openssl: string | null): Protocol[] {
  const set = new Set<Protocol>();
  const allOf = (): Protocol[] => {
    const ps: Protocol[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
    if (openssl && versionCmp(openssl, '1.1.0') < 0) ps.unshift('SSLv3');
    if (!openssl || versionCmp(openssl, '1.1.1') >= 0) ps.push('TLSv1.3');
    return ps;
  };
  for (const raw of args) {
    const sign = raw[0] === '+' || raw[0] === '-' ? raw[0] : '';
    const name = sign ? raw.slice(1) : raw;
    const ps = name.toLowerCase() === 'all' ? allOf() : [normaliseProtocol(name)].filter((x): x is Protocol => x !== null);
    for (const p of ps) {
      if (sign === '-') set.delete(p);
      else set.add(p);
    }
  }
  return PROTOCOLS.filter((p) => set.has(p));
}

// ---------------------------------------------------------------------------------------------
// OpenSSL cipher strings

type Enc = 'AESGCM' | 'AES' | 'CHACHA20' | 'CAMELLIA' | 'ARIA' | '3DES' | 'DES' | 'RC4' | 'RC2' | 'IDEA' | 'SEED' | 'NULL' | 'SM4';
type Kx = 'RSA' | 'DHE' | 'ECDHE' | 'PSK' | 'ECC' | 'SRP';
type Au = 'RSA' | 'DSS' | 'ECDSA' | 'NULL' | 'PSK' | 'SM2';
type Mac = 'AEAD' | 'SHA1' | 'SHA256' | 'SHA384' | 'MD5' | 'SM3';
type Level = 'HIGH' | 'MEDIUM' | 'LOW' | 'EXPORT' | 'NONE';

interface Cipher {
  name: string;
  kx: Kx;
  au: Au;
  enc: Enc;
  mac: Mac;
  bits: number;
  export?: boolean;
  /** Present only in OpenSSL < 1.1.0 default builds (weak ciphers were compiled out in 1.1.0). */
  legacyOnly?: boolean;
}

const C = (name: string, kx: Kx, au: Au, enc: Enc, mac: Mac, bits: number, extra: Partial<Cipher> = {}): Cipher => ({ name, kx, au, enc, mac, bits, ...extra });

const CIPHERS: Cipher[] = [
  C('ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE', 'RSA', 'AESGCM', 'AEAD', 128),
  C('ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE', 'ECDSA', 'AESGCM', 'AEAD', 256),
  C('ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE', 'RSA', 'CHACHA20', 'AEAD', 256),
  C('DHE-RSA-AES256-GCM-SHA384', 'DHE', 'RSA', 'AESGCM', 'AEAD', 256),
  C('ECDHE-RSA-AES256-SHA384', 'ECDHE', 'RSA', 'AES', 'SHA384', 256),
  C('ECDHE-RSA-AES128-SHA', 'ECDHE', 'RSA', 'AES', 'SHA1', 128),
  C('DHE-DSS-AES128-SHA', 'DHE', 'DSS', 'AES', 'SHA1', 128),
  C('AES128-GCM-SHA256', 'RSA', 'RSA', 'AESGCM', 'AEAD', 128),
  C('AES256-SHA', 'RSA', 'RSA', 'AES', 'SHA1', 256),
  C('CAMELLIA128-SHA', 'RSA', 'RSA', 'CAMELLIA', 'SHA1', 128),
  C('ARIA128-GCM-SHA256', 'RSA', 'RSA', 'ARIA', 'AEAD', 128),
  C('PSK-AES128-CBC-SHA', 'PSK', 'PSK', 'AES', 'SHA1', 128),
  C('SRP-AES-128-CBC-SHA', 'SRP', 'RSA', 'AES', 'SHA1', 128),
  C('ADH-AES128-GCM-SHA256', 'DHE', 'NULL', 'AESGCM', 'AEAD', 128),
  C('AECDH-AES128-SHA', 'ECDHE', 'NULL', 'AES', 'SHA1', 128),
  C('NULL-SHA256', 'RSA', 'RSA', 'NULL', 'SHA256', 0),
  C('ECDHE-RSA-NULL-SHA', 'ECDHE', 'RSA', 'NULL', 'SHA1', 0),
  C('NULL-MD5', 'RSA', 'RSA', 'NULL', 'MD5', 0),
  C('DES-CBC3-SHA', 'RSA', 'RSA', '3DES', 'SHA1', 112, { legacyOnly: true }),
  C('ECDHE-RSA-DES-CBC3-SHA', 'ECDHE', 'RSA', '3DES', 'SHA1', 112, { legacyOnly: true }),
  C('EDH-RSA-DES-CBC3-SHA', 'DHE', 'RSA', '3DES', 'SHA1', 112, { legacyOnly: true }),
  C('ADH-DES-CBC3-SHA', 'DHE', 'NULL', '3DES', 'SHA1', 112, { legacyOnly: true }),
  C('RC4-SHA', 'RSA', 'RSA', 'RC4', 'SHA1', 128, { legacyOnly: true }),
  C('RC4-MD5', 'RSA', 'RSA', 'RC4', 'MD5', 128, { legacyOnly: true }),
  C('ECDHE-RSA-RC4-SHA', 'ECDHE', 'RSA', 'RC4', 'SHA1', 128, { legacyOnly: true }),
  C('ADH-RC4-MD5', 'DHE', 'NULL', 'RC4', 'MD5', 128, { legacyOnly: true }),
  C('DES-CBC-SHA', 'RSA', 'RSA', 'DES', 'SHA1', 56, { legacyOnly: true }),
  C('EDH-RSA-DES-CBC-SHA', 'DHE', 'RSA', 'DES', 'SHA1', 56, { legacyOnly: true }),
  C('IDEA-CBC-SHA', 'RSA', 'RSA', 'IDEA', 'SHA1', 128, { legacyOnly: true }),
  C('SEED-SHA', 'RSA', 'RSA', 'SEED', 'SHA1', 128, { legacyOnly: true }),
  C('EXP-RC4-MD5', 'RSA', 'RSA', 'RC4', 'MD5', 40, { export: true, legacyOnly: true }),
  C('EXP-DES-CBC-SHA', 'RSA', 'RSA', 'DES', 'SHA1', 40, { export: true, legacyOnly: true }),
  C('EXP-RC2-CBC-MD5', 'RSA', 'RSA', 'RC2', 'MD5', 40, { export: true, legacyOnly: true }),
  // Tongsuo / BabaSSL NTLS (TLCP) suites
  C('ECC-SM2-SM4-CBC-SM3', 'ECC', 'SM2', 'SM4', 'SM3', 128),
  C('ECC-SM2-SM4-GCM-SM3', 'ECC', 'SM2', 'SM4', 'AEAD', 128),
  C('ECDHE-SM2-SM4-CBC-SM3', 'ECDHE', 'SM2', 'SM4', 'SM3', 128),
  C('ECDHE-SM2-SM4-GCM-SM3', 'ECDHE', 'SM2', 'SM4', 'AEAD', 128),
];

/** The weak families the check names. */
export type WeakFamily = 'RC4' | 'DES' | '3DES' | 'MD5' | 'EXPORT' | 'NULL' | 'aNULL';

function weakFamilies(c: Cipher): WeakFamily[] {
  const w: WeakFamily[] = [];
  if (c.enc === 'RC4') w.push('RC4');
  if (c.enc === 'DES') w.push('DES');
  if (c.enc === '3DES') w.push('3DES');
  if (c.mac === 'MD5') w.push('MD5');
  if (c.export) w.push('EXPORT');
  if (c.enc === 'NULL') w.push('NULL');
  if (c.au === 'NULL') w.push('aNULL');
  return w;
}

function level(c: Cipher, openssl: string): Level {
  if (c.enc === 'NULL') return 'NONE';
  if (c.export) return 'EXPORT';
  if (c.bits < 112) return 'LOW';
  if (c.enc === 'RC4' || c.enc === 'SEED' || c.enc === 'IDEA') return 'MEDIUM';
  // 3DES moved from HIGH to MEDIUM in 1.0.2i / 1.1.0 (SWEET32)
  if (c.enc === '3DES') return versionCmp(openssl, '1.0.2i') >= 0 ? 'MEDIUM' : 'HIGH';
  return 'HIGH';
}

/** Cipher inferred from an explicit OpenSSL name that is not in the table (e.g. `DHE-RSA-SEED-SHA`). */
function fromName(name: string): Cipher | null {
  const n = name.toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(n) || !n.includes('-') && !/^(RC4|NULL|DES|IDEA|SEED)/.test(n)) return null;
  const enc: Enc = /RC4/.test(n) ? 'RC4' : /DES-CBC3|3DES/.test(n) ? '3DES' : /DES/.test(n) ? 'DES' : /NULL/.test(n) ? 'NULL' : /CHACHA/.test(n) ? 'CHACHA20' : /GCM|CCM/.test(n) ? 'AESGCM' : /CAMELLIA/.test(n) ? 'CAMELLIA' : /SM4/.test(n) ? 'SM4' : 'AES';
  const mac: Mac = /MD5$/.test(n) ? 'MD5' : /SHA384$/.test(n) ? 'SHA384' : /SHA256$/.test(n) ? 'SHA256' : /SM3$/.test(n) ? 'SM3' : 'SHA1';
  const au: Au = /^(ADH|AECDH)/.test(n) ? 'NULL' : /ECDSA/.test(n) ? 'ECDSA' : /SM2/.test(n) ? 'SM2' : 'RSA';
  const kx: Kx = /^(ECDHE|AECDH|EECDH)/.test(n) ? 'ECDHE' : /^(DHE|EDH|ADH)/.test(n) ? 'DHE' : 'RSA';
  return C(n, kx, au, enc, mac, /^EXP/.test(n) ? 40 : enc === 'DES' ? 56 : 128, { export: /^EXP/.test(n) });
}

export interface CipherEvaluation {
  /** The suites that remain enabled, by table name (representative, not exhaustive). */
  enabled: string[];
  /** Weak families still enabled, sorted. Empty = the string is acceptable. */
  weak: WeakFamily[];
  /** Weak suites still enabled (names), for evidence. */
  weak_suites: string[];
  sm: boolean; // an SM2/SM4/SM3 (TLCP) suite remains
}

/**
 * Evaluate an OpenSSL cipher string (`HIGH:!aNULL:!MD5`, `ALL:!EXPORT`, `DEFAULT`, explicit lists)
 * against the universe of the given OpenSSL version (unknown -> 1.0.2k, the most common legacy one).
 * Implements: `:` `,` ` ` separators; `!` (kill), `-` (remove), `+` (reorder only); `A+B` intersections;
 * the aliases that decide membership; `@STRENGTH`/`@SECLEVEL=n` (level >= 1 drops < 80 bits, >= 2 RC4,
 * >= 3 3DES); unknown words are ignored as OpenSSL does.
 */
export function evaluateCipherString(str: string, openssl: string | null): CipherEvaluation {
  const ver = openssl ?? '1.0.2k';
  const legacy = versionCmp(ver, '1.1.0') < 0;
  const universe = CIPHERS.filter((c) => (legacy ? !c.export || versionCmp(ver, '1.0.2g') < 0 : !c.legacyOnly));
  const extra: Cipher[] = [];
  const list: Cipher[] = [];
  const killed = new Set<string>();
  let secLevel = legacy ? 0 : 1;

  const defaultSet = (c: Cipher): boolean =>
    legacy
      ? c.enc !== 'NULL' && c.au !== 'NULL' && !c.export && level(c, ver) !== 'LOW'
      : c.enc !== 'NULL' && c.au !== 'NULL' && c.kx !== 'PSK' && c.kx !== 'SRP';
  const alias = (word: string): ((c: Cipher) => boolean) | null => {
    const w = word.toUpperCase();
    switch (w) {
      case 'ALL':
        return (c) => c.enc !== 'NULL';
      case 'COMPLEMENTOFALL':
      case 'ENULL':
      case 'NULL':
        return (c) => c.enc === 'NULL';
      case 'DEFAULT':
        return defaultSet;
      case 'COMPLEMENTOFDEFAULT':
        return (c) => c.enc !== 'NULL' && !defaultSet(c);
      case 'HIGH':
      case 'MEDIUM':
      case 'LOW':
        return (c) => level(c, ver) === w;
      case 'EXP':
      case 'EXPORT':
      case 'EXPORT40':
      case 'EXPORT56':
        return (c) => !!c.export;
      case 'ANULL':
        return (c) => c.au === 'NULL';
      case 'ADH':
        return (c) => c.au === 'NULL' && c.kx === 'DHE';
      case 'AECDH':
        return (c) => c.au === 'NULL' && c.kx === 'ECDHE';
      case 'RSA':
      case 'KRSA':
        return (c) => c.kx === 'RSA';
      case 'ARSA':
        return (c) => c.au === 'RSA';
      case 'KEDH':
      case 'KDHE':
        return (c) => c.kx === 'DHE';
      case 'EDH':
      case 'DHE':
      case 'DH':
        return (c) => c.kx === 'DHE' && c.au !== 'NULL';
      case 'KEECDH':
      case 'KECDHE':
        return (c) => c.kx === 'ECDHE';
      case 'EECDH':
      case 'ECDHE':
      case 'ECDH':
        return (c) => c.kx === 'ECDHE' && c.au !== 'NULL';
      case 'AECDSA':
      case 'ECDSA':
        return (c) => c.au === 'ECDSA';
      case 'ADSS':
      case 'DSS':
        return (c) => c.au === 'DSS';
      case 'PSK':
      case 'KPSK':
        return (c) => c.kx === 'PSK';
      case 'SRP':
      case 'KSRP':
        return (c) => c.kx === 'SRP';
      case 'AES':
        return (c) => c.enc === 'AES' || c.enc === 'AESGCM';
      case 'AES128':
      case 'AES256':
        return (c) => (c.enc === 'AES' || c.enc === 'AESGCM') && String(c.bits) === w.slice(3);
      case 'AESGCM':
        return (c) => c.enc === 'AESGCM';
      case 'CHACHA20':
        return (c) => c.enc === 'CHACHA20';
      case 'CAMELLIA':
      case 'ARIA':
      case '3DES':
      case 'DES':
      case 'RC4':
      case 'RC2':
      case 'IDEA':
      case 'SEED':
      case 'SM4':
        return (c) => c.enc === w;
      case 'MD5':
      case 'SM3':
        return (c) => c.mac === w;
      case 'SHA1':
      case 'SHA':
        return (c) => c.mac === 'SHA1';
      case 'SHA256':
      case 'SHA384':
        return (c) => c.mac === w;
      case 'ECC':
      case 'SM2':
        return (c) => c.au === 'SM2';
      default:
        return null;
    }
  };

  // SM (TLCP) suites exist only in Tongsuo/BabaSSL and only generic SM aliases reach them.
  const pool = (term: string): Cipher[] => (/(^|\+)(SM2|SM3|SM4|ECC)(\+|$)/i.test(term) ? universe : universe.filter((c) => c.enc !== 'SM4'));
  const matcher = (term: string): Cipher[] => {
    const parts = term.split('+');
    if (parts.length === 1) {
      const named = universe.find((c) => c.name === term.toUpperCase()) ?? extra.find((c) => c.name === term.toUpperCase());
      if (named) return [named];
      const a = alias(term);
      if (a) return pool(term).filter(a);
      const guessed = fromName(term);
      if (guessed) {
        extra.push(guessed);
        return [guessed];
      }
      return [];
    }
    const preds = parts.map(alias);
    if (preds.some((p) => p === null)) return [];
    return pool(parts.join('+')).filter((c) => preds.every((p) => p!(c)));
  };

  const inList = new Set<Cipher>();
  const memo = new Map<string, Cipher[]>(); // a term means the same wherever it repeats
  const removeFromList = (gone: (c: Cipher) => boolean): void => {
    for (let i = list.length - 1; i >= 0; i--) if (gone(list[i]!)) inList.delete(list.splice(i, 1)[0]!);
  };
  let previous = '';
  for (const raw of str.split(/[:, ]+/).filter(Boolean)) {
    if (raw === previous) continue; // every operation is idempotent: `ALL:ALL` is `ALL`
    previous = raw;
    if (raw.startsWith('@')) {
      const m = /^@SECLEVEL=(\d)/i.exec(raw);
      if (m) secLevel = Number(m[1]);
      continue;
    }
    const op = '!-+'.includes(raw[0]!) ? raw[0]! : '';
    const term = op ? raw.slice(1) : raw;
    let hits = memo.get(term);
    if (!hits) memo.set(term, (hits = matcher(term)));
    // Sets, not Array#includes: a hostile 64 KiB `ALL:ALL:…` string made this quadratic (issue 19).
    if (op === '!') {
      if (!hits.some((c) => !killed.has(c.name))) continue;
      for (const c of hits) killed.add(c.name);
      removeFromList((c) => killed.has(c.name));
    } else if (op === '-') {
      const h = new Set(hits);
      if (hits.some((c) => inList.has(c))) removeFromList((c) => h.has(c));
    } else if (op === '') {
      for (const c of hits) {
        if (killed.has(c.name) || inList.has(c)) continue;
        list.push(c);
        inList.add(c);
      }
    }
  }
  const enabled = list.filter((c) => {
    if (secLevel >= 1 && c.bits < 80 && c.enc !== 'NULL') return false;
    if (secLevel >= 2 && c.enc === 'RC4') return false;
    if (secLevel >= 3 && c.enc === '3DES') return false;
    return true;
  });
  const weakSuites = enabled.filter((c) => weakFamilies(c).length > 0);
  const weak = [...new Set(weakSuites.flatMap(weakFamilies))].sort();
  return { enabled: enabled.map((c) => c.name), weak, weak_suites: weakSuites.map((c) => c.name), sm: enabled.some((c) => c.enc === 'SM4') };
}

/** RFC 8998 TLS 1.3 suites named in a TLS 1.3 ciphersuite list (`ssl_conf_command Ciphersuites …`). */
export function rfc8998Suites(list: string): string[] {
  return list.split(/[:, ]+/).filter((s) => /^TLS_SM4_(GCM|CCM)_SM3$/i.test(s)).map((s) => s.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// The per-site model both web server parsers produce (facts web.sites[]).

export interface WebListen {
  address: string; // "*", "0.0.0.0", "[::]", "127.0.0.1"
  port: number;
  ssl: boolean;
  loopback: boolean;
}

export interface WebLocation {
  path: string;
  modifier: string; // nginx: "", "=", "~", "~*", "^~"; apache: "Location", "LocationMatch", "Alias"
  alias: string | null;
  allow: string[]; // effective allow sources before the first `deny all`
  deny_all: boolean;
  blocked: boolean; // deny-all without allows, or return 403/404/444
  client_cert_required: boolean;
  file: string;
  line: number;
}

export interface WebTls {
  protocols: string[];
  protocols_source: 'config' | 'default';
  ciphers: string;
  ciphers_source: 'config' | 'default';
  weak_ciphers: string[];
  weak_suites: string[];
  certificates: string[]; // paths of served certificate files
  ntls: boolean; // Tongsuo `enable_ntls on`
  sign_certificate: string | null;
  enc_certificate: string | null;
  rfc8998_suites: string[];
  sm_configured: boolean; // TLCP with both SM2 certificates, or RFC 8998 suites with TLSv1.3
}

export interface WebSite {
  server: 'nginx' | 'apache';
  server_names: string[];
  listens: WebListen[];
  tls: WebTls | null;
  plain_public: boolean; // a listener without TLS on a non-loopback address
  redirects_to_https: boolean;
  refuses_plain: boolean; // e.g. `return 444` catch-all
  access_log_off: boolean;
  client_cert_required: boolean;
  allow: string[];
  deny_all: boolean;
  locations: WebLocation[];
  roots: string[];
  file: string;
  line: number;
}

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '');
  return /^127\./.test(a) || a === '::1' || a === 'localhost';
}
