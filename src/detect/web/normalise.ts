/**
 * The normaliser every web rule sees. Attack tools encode payloads so that a regex on the raw
 * request line misses them; this undoes the encodings a server or browser would undo (and a few
 * that only old servers undo, because attackers still try them), to a fixed point with a bound.
 *
 * Pure and linear: each round is one pass over the text, at most MAX_ROUNDS rounds, and the text
 * only shrinks (every decoding replaces an escape by fewer characters), so a 100 KB value costs a
 * few hundred KB of work. Every transformation that changed something is recorded by name; the
 * alert carries that list as evidence of how the payload was hidden.
 */

/** Bound on decoding rounds: triple encoding plus one; deeper nesting is itself reported. */
export const MAX_ROUNDS = 4;

/** Names recorded in `transforms`, in the order a reader meets them. */
export type Transform =
  | 'log-escape' // nginx/apache `\xHH` (also the JS/C hex escape attackers use)
  | 'plus-space' // `+` as space in a query string (application/x-www-form-urlencoded)
  | 'percent-decode'
  | 'percent-decode-nested' // a second or later round changed something: double/triple encoding
  | 'percent-u' // IIS `%uXXXX`
  | 'overlong-utf8' // `%c0%af` and friends: invalid UTF-8 that old decoders turned into `/`, `.`, `\`
  | 'invalid-utf8' // bytes that are not UTF-8 (GBK searches, binary) became U+FFFD
  | 'html-entity'
  | 'html-entity-markup' // an entity decoded to < or >: markup hidden from a filter
  | 'unicode-fold' // full-width and look-alike slashes/dots (NFKC plus a small table)
  | 'null-byte'
  | 'control-char'
  | 'backslash' // `\` as a path separator (only in the path view)
  | 'hex-literal' // `0x2e0x2e0x2f` (dotdotpwn's hex notation; only in the path view)
  | 'base64' // a base64 value decoded to look for a path inside (only in the path view)
  | 'sql-comment' // `/**/` between tokens
  | 'mysql-versioned-comment' // `/*!50000 select*/` runs its content on MySQL
  | 'whitespace-fold'
  | 'case-fold'
  | 'decode-bound-reached';

/** Collects transform names, each once, in first-applied order. */
export class TransformLog {
  readonly names: Transform[] = [];
  add(t: Transform): void {
    if (!this.names.includes(t)) this.names.push(t);
  }
}

const HEX = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes from `%HH`/`\xHH` escapes become text: overlong 2- and 3-byte forms (`%c0%af`, `%e0%80%af`)
 * decode to the character an old lenient decoder produced, valid UTF-8 decodes normally, and any
 * other byte becomes U+FFFD.
 */
function flushBytes(bytes: number[], out: string[], log: TransformLog): void {
  if (bytes.length === 0) return;
  if (bytes.length <= 64 && bytes.every((b) => b < 0x80)) {
    // the common case (`%20`, `%3C`): no UTF-8 decoder needed
    out.push(String.fromCharCode(...bytes));
    bytes.length = 0;
    return;
  }
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0xc0) continue;
    const ascii = overlongAscii(bytes, i);
    if (ascii === undefined) continue;
    if (i > start) out.push(utf8.decode(Uint8Array.from(bytes.slice(start, i))));
    out.push(String.fromCharCode(ascii.cp));
    log.add('overlong-utf8');
    i += ascii.len - 1;
    start = i + 1;
  }
  if (start < bytes.length) {
    const s = utf8.decode(Uint8Array.from(bytes.slice(start)));
    if (s.includes('\ufffd')) log.add('invalid-utf8');
    out.push(s);
  }
  bytes.length = 0;
}

/**
 * An overlong encoding of an ASCII character at `i`: C0/C1 plus one byte (lenient decoders also
 * took `%c0%2e` as `.`), or E0/F0/F8/FC plus continuation bytes whose value is below 0x80
 * (`%e0%80%af`, `%f0%80%80%ae`, `%fc%80%80%80%80%af`). Old IIS/Tomcat decoders turned these into
 * `/`, `.` and `\`; a strict decoder makes U+FFFD, so both readings matter.
 */
function overlongAscii(bytes: number[], i: number): { cp: number; len: number } | undefined {
  const b = bytes[i]!;
  const c1 = bytes[i + 1];
  if (c1 === undefined) return undefined;
  if (b === 0xc0 || b === 0xc1) {
    if (c1 < 0x80) return c1 >= 0x20 ? { cp: c1, len: 2 } : undefined;
    return { cp: ((b & 0x01) << 6) | (c1 & 0x3f), len: 2 };
  }
  const len = b === 0xe0 ? 3 : b === 0xf0 ? 4 : b === 0xf8 ? 5 : b === 0xfc ? 6 : 0;
  if (len === 0 || i + len > bytes.length) return undefined;
  let cp = 0;
  for (let k = 1; k < len; k++) {
    const c = bytes[i + k]!;
    if (c < 0x80 || c > 0xbf) return undefined;
    cp = (cp << 6) | (c & 0x3f);
  }
  return cp < 0x80 ? { cp, len } : undefined;
}

/**
 * One round of `%HH`, `%uXXXX` and `\xHH` decoding. A `%` that does not start a valid escape stays
 * as it is (nginx and PHP do the same), which is what lets `%%32%65` become `%2e` in this round and
 * `.` in the next.
 */
export function percentDecodeOnce(s: string, log: TransformLog, round: number): string {
  if (s.indexOf('%') < 0 && s.indexOf('\\x') < 0 && s.indexOf('\\X') < 0) return s;
  const out: string[] = [];
  const bytes: number[] = [];
  let lit = 0; // start of the pending literal run
  let changed = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < n) {
      const h = HEX(s.charCodeAt(i + 1));
      const l = HEX(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        if (i > lit) {
          flushBytes(bytes, out, log);
          out.push(s.slice(lit, i));
        }
        bytes.push(h * 16 + l);
        i += 2;
        lit = i + 1;
        changed = true;
        continue;
      }
      const u = s.charCodeAt(i + 1);
      if ((u === 117 || u === 85) /* u U */ && i + 5 < n) {
        const a = HEX(s.charCodeAt(i + 2));
        const b = HEX(s.charCodeAt(i + 3));
        const d = HEX(s.charCodeAt(i + 4));
        const e = HEX(s.charCodeAt(i + 5));
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          flushBytes(bytes, out, log);
          if (i > lit) out.push(s.slice(lit, i));
          out.push(String.fromCharCode(((a * 16 + b) * 16 + d) * 16 + e));
          log.add('percent-u');
          i += 5;
          lit = i + 1;
          changed = true;
          continue;
        }
      }
    } else if (c === 92 /* \ */ && i + 3 < n && (s.charCodeAt(i + 1) | 0x20) === 120 /* x */) {
      const h = HEX(s.charCodeAt(i + 2));
      const l = HEX(s.charCodeAt(i + 3));
      if (h >= 0 && l >= 0) {
        if (i > lit) {
          flushBytes(bytes, out, log);
          out.push(s.slice(lit, i));
        }
        bytes.push(h * 16 + l);
        log.add('log-escape');
        i += 3;
        lit = i + 1;
        changed = true;
        continue;
      }
    }
  }
  if (!changed) return s;
  if (lit < n) {
    flushBytes(bytes, out, log);
    out.push(s.slice(lit));
  } else {
    flushBytes(bytes, out, log);
  }
  log.add(round === 0 ? 'percent-decode' : 'percent-decode-nested');
  return out.join('');
}

/**
 * Apache's log escaping undone, once, before any decoding: ap_escape_logitem() writes `"` as \" and
 * `\` as \\ (nginx's `escape=json` does the same), so `id=1\" union select` would otherwise show the
 * SQL judge a backslash where the request had a quote. nginx's default escaping writes \x22 and \x5C
 * (decoded with the %-escapes), so neither pair means anything else in its lines.
 */
export function undoQuoteEscapes(s: string, log: TransformLog): string {
  if (s.indexOf('\\') < 0) return s;
  const r = s.replace(/\\(["\\])/g, '$1');
  if (r !== s) log.add('log-escape');
  return r;
}

/** Named entities attackers use; anything else stays literal (a browser knows more, we need these). */
const ENTITIES: Record<string, string> = {
  lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', nbsp: ' ', tab: '\t', newline: '\n', colon: ':', sol: '/',
  bsol: '\\', lpar: '(', rpar: ')', semi: ';', comma: ',', period: '.', equals: '=', num: '#', excl: '!',
  lowbar: '_', grave: '`', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', verbar: '|',
  vert: '|', plus: '+', percnt: '%', quest: '?', dollar: '$', ast: '*', hyphen: '-', dash: '-',
};

/**
 * HTML character references: named (from the table), decimal and hex, with or without the
 * closing semicolon (browsers accept `&#106avascript` and `&lt` too).
 */
export function decodeEntities(s: string, log: TransformLog): string {
  if (s.indexOf('&') < 0) return s;
  let changed = false;
  const r = s.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,8});?/g, (m, body: string) => {
    let ch: string | undefined;
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      ch = cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
    } else {
      ch = ENTITIES[body.toLowerCase()];
    }
    if (ch === undefined) return m;
    if (ch === '<' || ch === '>') log.add('html-entity-markup');
    changed = true;
    return ch;
  });
  if (changed) log.add('html-entity');
  return r;
}

/** Look-alikes of `/`, `\`, `.`, `<`, `>`, quotes that NFKC leaves alone but lenient servers or browsers map. */
const LOOKALIKE: Record<string, string> = {
  '\u2215': '/', '\u2044': '/', '\u29f8': '/', '\uefc8': '/', '\uf025': '/', '\u2216': '\\', '\u29f9': '\\',
  '\u2024': '.', '\u3002': '.', '\uff61': '.', '\u2039': '<', '\u203a': '>', '\u02bc': "'", '\u2018': "'", '\u2019': "'",
  '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-',
};
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;
const LOOKALIKE_RE = /[\u2215\u2044\u29f8\uefc8\uf025\u2216\u29f9\u2024\u3002\uff61\u2039\u203a\u02bc\u2018\u2019\u201c\u201d\u2013\u2014]/g;
const FULLWIDTH_RE = /[\uff01-\uff5e]/g;

/** Full-width ASCII (`．．／`) and a few look-alike separators to their ASCII form. */
export function foldUnicode(s: string, log: TransformLog): string {
  if (!NON_ASCII.test(s)) return s;
  let changed = false;
  const r = s
    .replace(FULLWIDTH_RE, (c) => {
      changed = true;
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    })
    .replace(LOOKALIKE_RE, (c) => {
      changed = true;
      return LOOKALIKE[c] ?? c;
    });
  if (changed) log.add('unicode-fold');
  return r;
}

/**
 * Decoding to a fixed point: percent/%u/\x escapes and HTML entities, repeated while something
 * changes, at most MAX_ROUNDS times. Null bytes are removed (C string truncation is the attack; the
 * finding keeps the fact in `transforms`), other C0 controls except tab/CR/LF become spaces.
 */
export function decodeValue(raw: string, opts: { form: boolean }, log: TransformLog): string {
  let s = raw;
  if (opts.form && s.indexOf('+') >= 0) {
    s = s.replace(/\+/g, ' ');
    log.add('plus-space');
  }
  let round = 0;
  for (; round < MAX_ROUNDS; round++) {
    const before = s;
    s = percentDecodeOnce(s, log, round);
    s = decodeEntities(s, log);
    if (s === before) break;
  }
  if (round === MAX_ROUNDS && (s.indexOf('%') >= 0 || s.indexOf('&') >= 0)) {
    const probe = new TransformLog();
    if (decodeEntities(percentDecodeOnce(s, probe, 1), probe) !== s) log.add('decode-bound-reached');
  }
  s = foldUnicode(s, log);
  if (s.indexOf('\0') >= 0) {
    s = s.replace(/\0/g, '');
    log.add('null-byte');
  }
  // C0 (but tab/CR/LF, which white-space folding handles), DEL and C1 (`%c2%9b` is a CSI)
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/.test(s)) {
    // eslint-disable-next-line no-control-regex
    s = s.replace(/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, ' ');
    log.add('control-char');
  }
  return s;
}

/**
 * SQL comments out of the way: `/*!50000 select*\/` keeps its content (MySQL runs it), other
 * `/* *\/` become one space (a comment separates tokens). An unterminated `/*` runs to the end.
 */
export function stripBlockComments(s: string, log: TransformLog): string {
  if (s.indexOf('/*') < 0) return s;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const a = s.indexOf('/*', i);
    if (a < 0) break;
    out.push(s.slice(i, a));
    const b = s.indexOf('*/', a + 2);
    const end = b < 0 ? s.length : b;
    if (s.charCodeAt(a + 2) === 33 /* ! */) {
      let k = a + 3;
      while (k < end && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
      out.push(' ', s.slice(k, end), ' ');
      log.add('mysql-versioned-comment');
    } else {
      out.push(' ');
      log.add('sql-comment');
    }
    i = b < 0 ? s.length : b + 2;
  }
  out.push(s.slice(i));
  return out.join('');
}

/** Runs of white space (ASCII, NBSP, ideographic, zero-width) become one space; trimmed. */
export function foldWhitespace(s: string, log: TransformLog): string {
  const r = s.replace(/(?:\s|\u200b|\u200c|\u200d|\u2060|\ufeff)+/g, ' ').trim();
  if (r !== s && r !== s.trim()) log.add('whitespace-fold');
  return r;
}

/** The display form rules match on: decoded, comments out, white space folded, lower case. */
export function canonical(decoded: string, log: TransformLog): string {
  let s = stripBlockComments(decoded, log);
  s = foldWhitespace(s, log);
  const lower = s.toLowerCase();
  if (lower !== s) log.add('case-fold');
  return lower;
}

/** The path view: `\` is a separator on Windows servers and in many file APIs. */
export function pathView(decoded: string, log: TransformLog): string {
  let s = decoded.trim().toLowerCase();
  if (s.indexOf('\\') >= 0) {
    log.add('backslash');
    s = s.replace(/\\/g, '/');
  }
  if (s.indexOf('0x') >= 0 && /0x(?:2e|2f|5c)/.test(s)) {
    log.add('hex-literal');
    s = s.replace(/0x(2e|2f|5c)/g, (_m, h: string) => (h === '2e' ? '.' : '/'));
  }
  return s;
}

const B64 = /^[a-z0-9+/]{12,4096}={0,2}$/i;
/** A base64 value decoded when it is printable text (`Li4vLi4v` is `../../`); undefined otherwise. */
export function base64Text(v: string): string | undefined {
  if (v.length % 4 !== 0 || !B64.test(v)) return undefined;
  const t = Buffer.from(v, 'base64').toString('latin1');
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e\x00]*$/.test(t) ? t : undefined;
}
