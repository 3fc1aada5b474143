/**
 * Time for the regulatory clock. Arithmetic is always in absolute time (ms since the epoch);
 * zones matter only for display, for reading a wall-clock time a responder types, and for
 * calendar questions (working days, "once a year"). Official time is Beijing time (Asia/Shanghai,
 * UTC+8); Xinjiang's local practice (Asia/Urumqi, UTC+6) is a display choice, never a different clock.
 */
import { GwsecError } from '../model/errors.js';

export const OFFICIAL_TZ = 'Asia/Shanghai';

const partsCache = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
      });
    } catch {
      throw new GwsecError('usage_error', { en: `unknown time zone '${tz}' (e.g. Asia/Shanghai, Asia/Urumqi)`, zh: `未知时区“${tz}”（例如 Asia/Shanghai、Asia/Urumqi）` });
    }
    partsCache.set(tz, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function wallClock(d: Date, tz: string): WallClock {
  const p: Record<string, string> = {};
  for (const part of fmt(tz).formatToParts(d)) p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: WEEKDAYS.indexOf(p.weekday ?? ''),
  };
}

/** The zone's offset from UTC at that instant, in minutes (Shanghai +480, Urumqi +360). */
export function zoneOffsetMinutes(d: Date, tz: string): number {
  const w = wallClock(d, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetLabel(min: number): string {
  const s = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `UTC${s}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** `2025-11-03 14:05:00 (UTC+08:00)`; `short` drops seconds and the zone. */
export function formatInZone(d: Date, tz: string, o: { short?: boolean } = {}): string {
  const w = wallClock(d, tz);
  const base = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
  if (o.short) return base;
  return `${base}:${pad(w.second)} (${offsetLabel(zoneOffsetMinutes(d, tz))})`;
}

/** ISO 8601 in local time with its offset (`2025-11-03T14:05:00+08:00`): what a person reads in a journal. */
export function isoInZone(d: Date, tz: string): string {
  const w = wallClock(d, tz);
  const min = zoneOffsetMinutes(d, tz);
  const a = Math.abs(min);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${min < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** A wall-clock time in `tz` to an instant (no DST in China, but converge anyway). */
export function fromWallClock(w: Omit<WallClock, 'weekday'>, tz: string): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let t = naive - zoneOffsetMinutes(new Date(naive), tz) * 60000;
  t = naive - zoneOffsetMinutes(new Date(t), tz) * 60000;
  return new Date(t);
}

/**
 * Reads a time a responder gives: ISO 8601 with a zone (`2025-11-03T06:05:00Z`, `…+08:00`),
 * a wall-clock time in `tz` (`2025-11-03 14:05[:00]`), `now`, or relative to now (`-15m`, `-2h`, `-1d`).
 */
export function parseTime(text: string, tz: string, now: Date): Date {
  const s = text.trim();
  if (s === 'now') return new Date(now);
  const rel = /^-(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/.exec(s);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!]!);
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s) && /^\d{4}-\d{2}-\d{2}[T ]\d/.test(s)) {
    const t = Date.parse(s.replace(' ', 'T'));
    if (!Number.isNaN(t)) return new Date(t);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const w = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) };
    if (w.month >= 1 && w.month <= 12 && w.day >= 1 && w.day <= 31 && w.hour < 24 && w.minute < 60 && w.second < 60) return fromWallClock(w, tz);
  }
  throw new GwsecError('usage_error', {
    en: `cannot read the time '${text}': give e.g. "2025-11-03 14:05" (in ${tz}), an ISO time with a zone, "now" or "-15m"`,
    zh: `无法识别时间“${text}”：请写成如 "2025-11-03 14:05"（${tz} 时间）、带时区的 ISO 时间、"now" 或 "-15m"`,
  });
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000 };

/** Durations in playbooks: `90s`, `10m`, `2h`, `30d`, or a number of seconds. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return v >= 0 ? v * 1000 : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/.exec(v.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** `3 h 05 min`, `42 min`, `2 d 4 h`; sign dropped (the caller says "left" or "overdue"). */
export function formatDuration(ms: number, lang: 'zh' | 'en'): string {
  const a = Math.abs(ms);
  const d = Math.floor(a / 86400000);
  const h = Math.floor((a % 86400000) / 3600000);
  const m = Math.floor((a % 3600000) / 60000);
  const s = Math.floor((a % 60000) / 1000);
  const U = lang === 'zh' ? { d: '天', h: '小时', m: '分', s: '秒' } : { d: ' d', h: ' h', m: ' min', s: ' s' };
  const sep = lang === 'zh' ? '' : ' ';
  if (d > 0) return `${d}${U.d}${sep}${h}${U.h}`;
  if (h > 0) return `${h}${U.h}${sep}${pad(m)}${U.m}`;
  if (m > 0) return `${m}${U.m}${sep}${pad(s)}${U.s}`;
  return `${s}${U.s}`;
}

/**
 * `n` working days (Monday–Friday in `tz`) after `start`, at the same wall-clock time. Public
 * holidays and make-up working days (调休) are not known to gwsec: the result is the plain-calendar
 * bound, and the docs say so.
 */
export function addWorkingDays(start: Date, n: number, tz: string): Date {
  const w = wallClock(start, tz);
  let day = Date.UTC(w.year, w.month - 1, w.day);
  let left = n;
  while (left > 0) {
    day += 86400000;
    const wd = new Date(day).getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  const d = new Date(day);
  return fromWallClock({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: w.hour, minute: w.minute, second: w.second }, tz);
}

/** The calendar year of an instant in `tz` (Art. 10 "once a year" counts in official time). */
export const yearIn = (d: Date, tz: string): number => wallClock(d, tz).year;
