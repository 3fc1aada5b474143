/** Alert times for a terminal: wall-clock time in one zone (Beijing time by default) with its offset. */
import type { AlertTimes } from '../detect/format.js';
import { formatInZone, OFFICIAL_TZ } from '../incident/time.js';

/** `2026-06-01 10:00:00 .. 2026-06-01 10:05:00 (UTC+08:00)`; an unknown zone is a usage error (exit 2). */
export function alertTimesIn(tz: string = OFFICIAL_TZ): AlertTimes {
  formatInZone(new Date(0), tz); // checks the zone before any output
  return (first, last) => {
    const a = formatInZone(new Date(first), tz);
    const b = formatInZone(new Date(last), tz);
    return `${a.slice(0, a.lastIndexOf(' ('))} .. ${b}`; // the zone once, after the second time
  };
}
