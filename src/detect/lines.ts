/**
 * Log lines → engine events, using the agent's own line parsers (src/parsers/loglines.ts): no rule
 * re-parses what a parser already extracts. Pure: the year for classic syslog stamps (which have
 * none) is given by the caller, as is the time to use when a line has no readable stamp.
 */
import { parsers, type LogFormat, type ParsedLine } from '../parsers/loglines.js';
import type { DetectEvent } from './event.js';
import type { SourceType } from './fields.js';
import { webFieldsOf } from './webfields.js';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// 10/Oct/2000:13:55:36 -0700
const CLF = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/;
// Dec 10 06:55:46
const BSD = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)$/;

// Access-log stamps change every second but their minute rarely: the minute's epoch is cached, keyed
// by the stamp's first 17 characters and its zone (compared in place: no key string per line).
let clfMinute = '';
let clfZone = '';
let clfMinuteMs = NaN;

/** Epoch ms of a parsed line's stamp, NaN when it has none we can read. */
export function parseLogTime(s: string | undefined, year: number, notAfter = Infinity): number {
  if (!s) return NaN;
  // 10/Oct/2000:13:55:36 -0700: the minute (first 17 chars) and the zone decide all but the seconds.
  if (s.length === 26 && s.charCodeAt(2) === 47 /* / */ && s.charCodeAt(20) === 32 && clfMinute !== '' && s.startsWith(clfMinute) && s.endsWith(clfZone)) {
    const sec = (s.charCodeAt(18) - 48) * 10 + (s.charCodeAt(19) - 48);
    if (sec >= 0 && sec < 60) return clfMinuteMs + sec * 1000;
  }
  let m = CLF.exec(s);
  if (m) {
    const off = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
    const minute = Date.UTC(Number(m[3]), MONTHS[m[2]!] ?? 0, Number(m[1]), Number(m[4]), Number(m[5])) - off;
    clfMinute = s.slice(0, 17);
    clfZone = s.slice(20);
    clfMinuteMs = minute;
    return minute + Number(m[6]) * 1000;
  }
  m = BSD.exec(s);
  // Classic syslog carries local time without a year: a stamp more than a day after `notAfter`
  // (now, or the file's modification time) is from the year before (a December line read in January).
  if (m) {
    const at = (y: number) => new Date(y, MONTHS[m![1]!] ?? 0, Number(m![2]), Number(m![3]), Number(m![4]), Number(m![5])).getTime();
    const t = at(year);
    return t > notAfter + 86_400_000 ? at(year - 1) : t;
  }
  // nginx error log: 2024/01/02 03:04:05 (local time)
  const n = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(s);
  if (n) return new Date(Number(n[1]), Number(n[2]) - 1, Number(n[3]), Number(n[4]), Number(n[5]), Number(n[6])).getTime();
  return Date.parse(s);
}

/** Which rule source type a log format feeds. */
export function sourceTypeOf(format: LogFormat): SourceType | null {
  if (format === 'nginx' || format === 'apache') return 'web';
  if (format === 'auth' || format === 'syslog') return 'auth';
  return null;
}

export interface LineContext {
  /** Year for stamps without one (classic syslog). */
  year: number;
  /** Latest plausible time (now, or the file's mtime): a yearless stamp after it is last year's. */
  notAfter?: number;
  /** Time for a line without a readable stamp (the previous event's, or the read time). */
  fallbackTime: number;
  /** Compute web.* fields (only when some rule reads them). */
  web: boolean;
  /** The site the lines belong to (the agent's source name, the hunted file's name): web events' `site`. */
  site?: string;
  /** Administrator accounts (auth.admin): DEFAULT_ADMINS when not given. */
  admins?: ReadonlySet<string>;
}

/** Administrators when nothing else is known (offline hunting, cases): root. */
const DEFAULT_ADMINS: ReadonlySet<string> = new Set(['root']);

/** The network a source address belongs to: a.b.c.0/24, the first four IPv6 groups /64; else the address. */
export function addressNet(a: string): string {
  if (a.includes(':')) {
    if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) return addressNet(a.slice(7));
    const [head = '', tail] = a.split('%')[0]!.split('::');
    const h = head ? head.split(':') : [];
    const t = tail === undefined ? [] : tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...new Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
    if (groups.length !== 8 || !groups.every((x) => /^[0-9a-f]{1,4}$/i.test(x))) return a;
    return `${groups.slice(0, 4).map((x) => x.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
  }
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) ? `${a.slice(0, a.lastIndexOf('.'))}.0/24` : a;
}

/** The path without the query, percent-decoded once, lower-cased (url.path). */
function urlPath(target: string): string {
  const qm = target.indexOf('?');
  const h = target.indexOf('#');
  const q = h >= 0 && (qm < 0 || h < qm) ? h : qm;
  let p = q >= 0 ? target.slice(0, q) : target;
  if (p.includes('%')) {
    try {
      p = decodeURIComponent(p);
    } catch {
      /* keep it as logged */
    }
  }
  return p.toLowerCase();
}

/** Lower-case extension of the path's last segment, '' when none (a leading dot is no extension). */
function urlExt(p: string): string {
  const dot = p.lastIndexOf('.');
  return dot > p.lastIndexOf('/') + 1 ? p.slice(dot + 1) : '';
}

export function webEvent(p: ParsedLine, line: string, ctx: LineContext): DetectEvent | null {
  if (p.status === undefined) return null; // an error-log line, not a request
  const time = parseLogTime(p.time, ctx.year, ctx.notAfter);
  const target = p.path ?? '';
  const path = urlPath(target);
  // One object literal per shape (with or without the inspection's fields): no property added later.
  let fields: DetectEvent['fields'];
  if (ctx.web) {
    const w = webFieldsOf(p.method, target, p.userAgent, p.referer);
    fields = {
      client: p.client,
      method: p.method,
      target,
      'url.path': path,
      'url.ext': urlExt(path),
      status: p.status,
      bytes: p.bytes,
      referer: p.referer,
      user_agent: p.userAgent,
      site: ctx.site ?? '',
      'web.categories': w.categories,
      'web.transforms': w.transforms,
      'web.evidence': w.evidence,
    };
  } else fields = { client: p.client, method: p.method, target, 'url.path': path, 'url.ext': urlExt(path), status: p.status, bytes: p.bytes, referer: p.referer, user_agent: p.userAgent, site: ctx.site ?? '' };
  return { type: 'web', time: Number.isFinite(time) ? time : ctx.fallbackTime, fields, line };
}

export function authEvent(p: ParsedLine, line: string, ctx: LineContext): DetectEvent {
  const time = parseLogTime(p.time, ctx.year, ctx.notAfter);
  const a = p.auth;
  return {
    type: 'auth',
    time: Number.isFinite(time) ? time : ctx.fallbackTime,
    fields: {
      program: p.program,
      message: p.message,
      'auth.outcome': a?.outcome,
      'auth.method': a?.method,
      'auth.user': a?.user,
      'auth.from': a?.from,
      'auth.attempts': a ? (a.repeated ?? 1) : undefined,
      'auth.from_net': a?.from === undefined ? undefined : addressNet(a.from),
      'auth.admin': a?.user === undefined ? undefined : (ctx.admins ?? DEFAULT_ADMINS).has(a.user) ? 'yes' : 'no',
    },
    line,
  };
}

/** One line of a source in `format` → an event, or null (not a format rules read, or unparsable). */
export function lineEvent(format: LogFormat, line: string, ctx: LineContext): DetectEvent | null {
  const type = sourceTypeOf(format);
  if (type === 'web') {
    const p = parsers[format](line);
    return p ? webEvent(p, line, ctx) : null;
  }
  if (type === 'auth') {
    const p = parsers.auth(line); // syslog lines (journald too) get the auth fields as well
    return p ? authEvent(p, line, ctx) : null;
  }
  return null;
}
