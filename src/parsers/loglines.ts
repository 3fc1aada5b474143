/**
 * Line parsers for the configured formats. Pure functions: a line in, fields out (or null when the
 * line is not in that format). The archive always keeps the original line; parsing is for detectors.
 */
/** The line formats the agent reads (agents/agent/config.ts validates a source's `format` against this). */
export const LOG_FORMATS = ['nginx', 'apache', 'syslog', 'auth', 'json', 'raw'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface ParsedLine {
  /** As written in the line (formats differ; no year in classic syslog). */
  time?: string;
  host?: string;
  program?: string;
  pid?: number;
  level?: string;
  client?: string;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number;
  referer?: string;
  userAgent?: string;
  message?: string;
  /** auth events: failed/accepted logins and where from. */
  auth?: { outcome: 'failed' | 'accepted' | 'invalid_user' | 'auth_failure'; method?: string; user?: string; from?: string; repeated?: number };
  fields?: Record<string, unknown>;
}

import { printableAscii } from '../util/ascii.js';

// Every line pattern has the `s` flag: a U+2028/U+2029 an attacker puts in a user name or a request
// must not stop `.` matching and so hide the line from detection (found by fuzzing, issue 19).
const strip = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);

// 1.2.3.4 - user [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "ref" "ua"
export const ACCESS = /^(\S+) \S+ (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/s;
// 2024/01/02 03:04:05 [error] 123#0: *1 message, client: 1.2.3.4, server: …
const NGINX_ERROR = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) \[(\w+)\] (\d+)#\d+: (.*)$/s;
// [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] message   (Apache 2.2; 2.4 adds [module:level] [pid N])
const APACHE_ERROR = /^\[([^\]]+)\] \[(?:[\w-]+:)?(\w+)\](?: \[pid (\d+)(?::tid \d+)?\])?(?: \[client ([^\]]+)\])? ?(.*)$/s;
// Jun 14 15:16:01 combo sshd(pam_unix)[19939]: message   |  2024-01-02T03:04:05.123+08:00 host prog[1]: message
const SYSLOG = /^((?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)|(?:\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)) (\S+) ([^\s[:]+(?:\([^)]*\))?(?: [^\s[:]+)?)(?:\[(\d+)\])?: ?(.*)$/s;
// <34>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] message
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\])(?: (.*))?$/s;

// Lines the quick split below cannot judge exactly like ACCESS: escapes, and white space other than ' '.
const IRREGULAR = /[\\\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Where the groups of the common ACCESS shape lie in the last line accessBounds() accepted (reused:
 * no array per line): [client end, user start, user end, time start, time end, request start,
 * request end, bytes start, bytes end, referer start, referer end (-1: none), agent start, agent end].
 */
const AB = new Int32Array(13);

/**
 * The common case of ACCESS without the regex (the agent and `gwsec detect --file` parse every line):
 * the bounds of the same groups in AB, or false when the line is anything but the plain shape (then
 * ACCESS decides). test/parsers/loglines-fast.test.ts proves both agree.
 */
function accessBounds(l: string): boolean {
  // in printable ASCII the only irregular character is the backslash
  if (printableAscii(l) ? l.indexOf('\\') >= 0 : IRREGULAR.test(l)) return false;
  const s1 = l.indexOf(' ');
  const s2 = s1 > 0 ? l.indexOf(' ', s1 + 1) : -1;
  const s3 = s2 > s1 + 1 ? l.indexOf(' ', s2 + 1) : -1;
  if (s3 <= s2 + 1 || l.charCodeAt(s3 + 1) !== 91 /* [ */) return false;
  const e = l.indexOf(']', s3 + 2);
  if (e <= s3 + 2 || l.charCodeAt(e + 1) !== 32 || l.charCodeAt(e + 2) !== 34 /* " */) return false;
  const q = l.indexOf('"', e + 3);
  if (q < 0 || l.charCodeAt(q + 1) !== 32 || !isDigit(l.charCodeAt(q + 2)) || !isDigit(l.charCodeAt(q + 3)) || !isDigit(l.charCodeAt(q + 4)) || l.charCodeAt(q + 5) !== 32) return false;
  let b = q + 6;
  if (l.charCodeAt(b) === 45 /* - */) b++;
  else {
    while (isDigit(l.charCodeAt(b))) b++;
    if (b === q + 6) return false;
  }
  AB[0] = s1;
  AB[1] = s2 + 1;
  AB[2] = s3;
  AB[3] = s3 + 2;
  AB[4] = e;
  AB[5] = e + 3;
  AB[6] = q;
  AB[7] = q + 6;
  AB[8] = b;
  AB[9] = -1;
  AB[10] = -1;
  if (l.charCodeAt(b) === 32 && l.charCodeAt(b + 1) === 34) {
    const r = l.indexOf('"', b + 2);
    if (r >= 0 && l.charCodeAt(r + 1) === 32 && l.charCodeAt(r + 2) === 34) {
      const u = l.indexOf('"', r + 3);
      if (u >= 0) {
        AB[9] = b + 2;
        AB[10] = r;
        AB[11] = r + 3;
        AB[12] = u;
      }
    }
  }
  // The `]` the time ends at must be the first one after `[`: ACCESS's [^\]]+ cannot skip one.
  return true;
}

/** ACCESS's groups (index 0 the line) from the split above, or undefined when it defers to the regex. */
export function splitAccess(l: string): RegExpExecArray | string[] | undefined {
  if (!accessBounds(l)) return undefined;
  const q = AB[6]!;
  return [l, l.slice(0, AB[0]), l.slice(AB[1], AB[2]), l.slice(AB[3], AB[4]), l.slice(AB[5], q), l.slice(q + 2, q + 5), l.slice(AB[7], AB[8]), AB[9]! < 0 ? undefined : l.slice(AB[9], AB[10]), AB[9]! < 0 ? undefined : l.slice(AB[11], AB[12])] as string[];
}

/** "METHOD TARGET PROTOCOL" → method and target (see below); `a`/`b` the request's bounds in `l`. */
function request(l: string, a: number, b: number, p: ParsedLine): void {
  // The target runs to the last space before "HTTP/…", not to the second space: nginx before 1.21.1
  // and Apache without `HttpProtocolOptions Strict` accept a raw space in the URI, and
  // `?q=1 union select …` must not lose everything after its first space.
  const s1 = l.indexOf(' ', a);
  if (s1 < 0 || s1 >= b) {
    p.path = l.slice(a, b);
    return;
  }
  const s2 = l.lastIndexOf(' ', b - 1);
  const proto = s2 > s1 && l.startsWith('HTTP/', s2 + 1);
  p.method = l.slice(a, s1);
  p.path = proto ? l.slice(s1 + 1, s2) : l.slice(s1 + 1, b);
}

// A digit run this long is exact as a double either way; longer ones go through Number().
const EXACT_DIGITS = 15;

function parseAccess(l: string): ParsedLine | null {
  if (accessBounds(l)) {
    // The same fields as from ACCESS's groups below, without slicing the groups first.
    const q = AB[6]!;
    const b0 = AB[7]!;
    const b1 = AB[8]!;
    let bytes = 0;
    if (b1 - b0 > EXACT_DIGITS) bytes = Number(l.slice(b0, b1));
    else if (l.charCodeAt(b0) !== 45) for (let i = b0; i < b1; i++) bytes = bytes * 10 + l.charCodeAt(i) - 48;
    const userDash = AB[2]! - AB[1]! === 1 && l.charCodeAt(AB[1]!) === 45;
    const p: ParsedLine = {
      client: l.slice(0, AB[0]),
      time: l.slice(AB[3], AB[4]),
      method: undefined,
      path: undefined,
      status: (l.charCodeAt(q + 2) - 48) * 100 + (l.charCodeAt(q + 3) - 48) * 10 + (l.charCodeAt(q + 4) - 48),
      bytes,
      referer: AB[9]! < 0 ? undefined : l.slice(AB[9], AB[10]),
      userAgent: AB[9]! < 0 ? undefined : l.slice(AB[11], AB[12]),
      fields: userDash ? undefined : { user: l.slice(AB[1], AB[2]) },
    };
    request(l, AB[5]!, q, p);
    return p;
  }
  const m = ACCESS.exec(l);
  if (!m) return null;
  const r = m[4]!;
  const p: ParsedLine = {
    client: m[1],
    time: m[3],
    method: undefined,
    path: undefined,
    status: Number(m[5]),
    bytes: m[6] === '-' ? 0 : Number(m[6]),
    referer: m[7],
    userAgent: m[8],
    fields: m[2] !== '-' ? { user: m[2] } : undefined,
  };
  request(r, 0, r.length, p);
  return p;
}

function parseNginx(l: string): ParsedLine | null {
  const a = parseAccess(l);
  if (a) return a;
  const e = NGINX_ERROR.exec(l);
  if (!e) return null;
  const client = /, client: ([^,]+)/.exec(e[4]!)?.[1];
  return { time: e[1], level: e[2], pid: Number(e[3]), message: e[4], client };
}

function parseApache(l: string): ParsedLine | null {
  const a = parseAccess(l);
  if (a) return a;
  const e = APACHE_ERROR.exec(l);
  if (!e) return null;
  return { time: e[1], level: e[2], pid: e[3] ? Number(e[3]) : undefined, client: e[4]?.replace(/:\d+$/, ''), message: e[5] };
}

function parseSyslog(l: string): ParsedLine | null {
  const m = SYSLOG.exec(l);
  if (m) return { time: m[1], host: m[2], program: m[3], pid: m[4] ? Number(m[4]) : undefined, message: m[5] };
  const r = RFC5424.exec(l);
  if (!r) return null;
  const pid = Number(r[5]);
  return { time: r[2], host: r[3], program: r[4], pid: Number.isFinite(pid) ? pid : undefined, message: r[8] ?? '', fields: { pri: Number(r[1]) } };
}

const FAILED = /Failed (password|publickey|none|keyboard-interactive\/pam) for (invalid user )?(.*?) from (\S+)/s;
const ACCEPTED = /Accepted (\S+) for (\S+) from (\S+)/s;
const INVALID = /Invalid user (.*?) from (\S+)/s;
const PAM_FAIL = /authentication failure;.*?rhost=(\S*)(?:\s+user=(\S+))?/s;
const REPEATED = /message repeated (\d+) times: \[/s;

function parseAuth(l: string): ParsedLine | null {
  const p = parseSyslog(l);
  if (!p) return null;
  const msg = p.message ?? '';
  const rep = REPEATED.exec(msg);
  const repeated = rep ? Number(rep[1]) : undefined;
  let m: RegExpExecArray | null;
  if ((m = FAILED.exec(msg))) p.auth = { outcome: 'failed', method: m[1], user: m[3], from: m[4], repeated };
  else if ((m = ACCEPTED.exec(msg))) p.auth = { outcome: 'accepted', method: m[1], user: m[2], from: m[3] };
  else if ((m = INVALID.exec(msg))) p.auth = { outcome: 'invalid_user', user: m[1], from: m[2] };
  else if ((m = PAM_FAIL.exec(msg))) p.auth = { outcome: 'auth_failure', from: m[1] || undefined, user: m[2] };
  return p;
}

function parseJson(l: string): ParsedLine | null {
  try {
    const v: unknown = JSON.parse(l);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    return { time: s('time') ?? s('timestamp') ?? s('@timestamp'), level: s('level'), message: s('message') ?? s('msg'), fields: o };
  } catch {
    return null;
  }
}

export const parsers: Record<LogFormat, (line: string) => ParsedLine | null> = {
  nginx: (l) => parseNginx(strip(l)),
  apache: (l) => parseApache(strip(l)),
  syslog: (l) => parseSyslog(strip(l)),
  auth: (l) => parseAuth(strip(l)),
  json: (l) => parseJson(strip(l)),
  raw: (l) => ({ message: strip(l) }),
};
