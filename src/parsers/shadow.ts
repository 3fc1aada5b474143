/**
 * /etc/shadow -> per-account password status. The hash itself never leaves this module: only
 * whether the account is locked, has an empty password or a usable one, and which algorithm.
 */
export type PasswordStatus = 'locked' | 'empty' | 'set';
export type HashAlg = 'yescrypt' | 'sha512' | 'sha256' | 'md5' | 'bcrypt' | 'des' | 'bsdi' | 'sm3' | 'sm3y' | 'gost' | 'unknown';

export interface ShadowEntry {
  name: string;
  password: PasswordStatus;
  /** Algorithm of the stored hash, also for a locked account that still keeps one (`!$6$…`). */
  hashAlg: HashAlg | null;
  lastChange: number | null; // days since 1970-01-01
  minDays: number | null;
  maxDays: number | null;
  warnDays: number | null;
}

// Prefix table from crypt(5) (libxcrypt) plus the SM3 schemes of openEuler/Kylin and GOST yescrypt.
const PREFIXES: Array<[string, HashAlg]> = [
  ['$sm3y$', 'sm3y'],
  ['$sm3$', 'sm3'],
  ['$gy$', 'gost'],
  ['$y$', 'yescrypt'],
  ['$7$', 'unknown'], // scrypt: strong, but not one the catalogue names
  ['$6$', 'sha512'],
  ['$5$', 'sha256'],
  ['$2a$', 'bcrypt'],
  ['$2b$', 'bcrypt'],
  ['$2x$', 'bcrypt'],
  ['$2y$', 'bcrypt'],
  ['$1$', 'md5'],
  ['$md5', 'md5'], // Sun MD5
];

export function hashAlgOf(hash: string): HashAlg | null {
  if (hash === '') return null;
  for (const [p, alg] of PREFIXES) if (hash.startsWith(p)) return alg;
  if (/^_[./0-9A-Za-z]{19}$/.test(hash)) return 'bsdi';
  if (/^[./0-9A-Za-z]{13}$/.test(hash)) return 'des';
  if (hash.startsWith('$')) return 'unknown';
  return null; // "*", "x", "NP", "LK" and other non-hash markers
}

/** Classify a password field (shadow field 2, or a legacy passwd field 2). */
export function classifyPassword(field: string): { status: PasswordStatus; hashAlg: HashAlg | null } {
  if (field === '') return { status: 'empty', hashAlg: null };
  if (field.startsWith('!') || field.startsWith('*')) {
    // "!", "!!", "*", "!*", "!$6$…" (passwd -l keeps the hash behind "!")
    return { status: 'locked', hashAlg: hashAlgOf(field.replace(/^[!*]+/, '')) };
  }
  const alg = hashAlgOf(field);
  // Anything that cannot be the output of crypt() matches no password: treat as locked.
  if (alg === null) return { status: 'locked', hashAlg: null };
  return { status: 'set', hashAlg: alg };
}

function num(s: string | undefined): number | null {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function parseShadow(text: string): ShadowEntry[] {
  const out: ShadowEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length < 2 || f[0] === '') continue;
    const c = classifyPassword(f[1]);
    out.push({
      name: f[0],
      password: c.status,
      hashAlg: c.hashAlg,
      lastChange: num(f[2]),
      minDays: num(f[3]),
      maxDays: num(f[4]),
      warnDays: num(f[5]),
    });
  }
  return out;
}

/**
 * A crypt-shaped stand-in per algorithm: classifyPassword() gives it the same status and algorithm
 * as the real hash, and it holds nothing of the hash, its salt or its cost.
 */
const PLACEHOLDERS: Record<HashAlg, string> = {
  yescrypt: '$y$REDACTED',
  sha512: '$6$REDACTED',
  sha256: '$5$REDACTED',
  md5: '$1$REDACTED',
  bcrypt: '$2b$REDACTED',
  des: 'REDACTED.....',
  bsdi: '_REDACTED...........',
  sm3: '$sm3$REDACTED',
  sm3y: '$sm3y$REDACTED',
  gost: '$gy$REDACTED',
  unknown: '$REDACTED$',
};

/**
 * A password field (shadow or legacy passwd) reduced to what classifyPassword() reads: empty stays
 * empty, a lock marker keeps its leading `!`/`*`, a hash becomes its algorithm's placeholder, and any
 * other non-hash text (which matches no password) becomes `*`. For recorded fixtures that are shared.
 */
export function redactPasswordField(field: string): string {
  const c = classifyPassword(field);
  if (c.status === 'empty') return '';
  const alg = c.hashAlg === null ? '' : PLACEHOLDERS[c.hashAlg];
  if (c.status === 'set') return alg;
  const lock = /^[!*]+/.exec(field)?.[0] ?? '*';
  return lock + alg;
}

/** /etc/shadow with every hash replaced (redactPasswordField); names and ageing fields kept, line for line. */
export function redactShadow(text: string): string {
  return mapColonLines(text, (f) => {
    f[1] = redactPasswordField(f[1]!);
  });
}

/** Rewrites the colon-separated entry lines of a passwd-style file, keeping comments, blanks and NIS lines. */
export function mapColonLines(text: string, edit: (fields: string[]) => void): string {
  return text
    .split('\n')
    .map((raw) => {
      const cr = raw.endsWith('\r') ? '\r' : '';
      const line = cr ? raw.slice(0, -1) : raw;
      if (line.trim() === '' || line.startsWith('#') || !line.includes(':')) return raw;
      const f = line.split(':');
      edit(f);
      return f.join(':') + cr;
    })
    .join('\n');
}
