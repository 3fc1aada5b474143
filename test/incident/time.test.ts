import test from 'ava';
import { addWorkingDays, formatDuration, formatInZone, fromWallClock, parseDuration, parseTime, wallClock, zoneOffsetMinutes } from '../../src/incident/time.js';
import { REPORT_HOURS, initialReportDeadline } from '../../src/incident/clock.js';

const SH = 'Asia/Shanghai';
const UR = 'Asia/Urumqi';

test('zone offsets: Beijing time is UTC+8, Urumqi local practice UTC+6', (t) => {
  const d = new Date('2025-11-03T00:00:00Z');
  t.is(zoneOffsetMinutes(d, SH), 480);
  t.is(zoneOffsetMinutes(d, UR), 360);
});

test('a wall-clock time typed in either zone is the instant it names', (t) => {
  const now = new Date('2025-11-03T12:00:00Z');
  t.is(parseTime('2025-11-03 14:05', SH, now).toISOString(), '2025-11-03T06:05:00.000Z');
  t.is(parseTime('2025-11-03 14:05', UR, now).toISOString(), '2025-11-03T08:05:00.000Z');
  t.is(parseTime('2025-11-03T14:05:00+08:00', UR, now).toISOString(), '2025-11-03T06:05:00.000Z');
  t.is(parseTime('-15m', SH, now).toISOString(), '2025-11-03T11:45:00.000Z');
  t.is(parseTime('now', SH, now).getTime(), now.getTime());
  t.throws(() => parseTime('yesterday-ish', SH, now), { message: /cannot read the time/ });
  t.throws(() => parseTime('2025-13-01 10:00', SH, now));
});

test('deadline arithmetic crosses midnight in absolute time; each zone shows its own date', (t) => {
  // Discovered 22:30 Beijing time (= 20:30 in Urumqi): a 4 h deadline falls after midnight in Beijing only.
  const discovered = parseTime('2025-11-03 22:30', SH, new Date('2025-11-04T00:00:00Z'));
  const d = initialReportDeadline(discovered, 'other');
  t.is(d.due, '2025-11-03T18:30:00.000Z');
  t.is(formatInZone(new Date(d.due!), SH, { short: true }), '2025-11-04 02:30');
  t.is(formatInZone(new Date(d.due!), UR, { short: true }), '2025-11-04 00:30');
  // CII 1 h from 23:40 Urumqi local (= 01:40 next day in Beijing).
  const late = parseTime('2025-12-31 23:40', UR, new Date('2026-01-01T00:00:00Z'));
  const cii = initialReportDeadline(late, 'cii');
  t.is(formatInZone(new Date(cii.due!), UR, { short: true }), '2026-01-01 00:40');
  t.is(formatInZone(new Date(cii.due!), SH, { short: true }), '2026-01-01 02:40');
  t.is(formatInZone(new Date(cii.due!), SH), '2026-01-01 02:40:00 (UTC+08:00)');
  // The same instant entered in both zones gives the same deadline.
  const a = initialReportDeadline(parseTime('2025-11-03 10:00', SH, late), 'state_organ');
  const b = initialReportDeadline(parseTime('2025-11-03 08:00', UR, late), 'state_organ');
  t.is(a.due, b.due);
  t.deepEqual(REPORT_HOURS, { cii: 1, state_organ: 2, other: 4 });
});

test('working days skip the weekend, counted on the zone’s calendar', (t) => {
  // Friday 2025-11-07 17:00 Beijing → 3 working days → Wednesday 2025-11-12 17:00.
  const fri = fromWallClock({ year: 2025, month: 11, day: 7, hour: 17, minute: 0, second: 0 }, SH);
  t.is(formatInZone(addWorkingDays(fri, 3, SH), SH, { short: true }), '2025-11-12 17:00');
  // Friday 23:30 in Urumqi is already Saturday 01:30 in Beijing: the calendar differs by zone.
  const friLate = fromWallClock({ year: 2025, month: 11, day: 7, hour: 23, minute: 30, second: 0 }, UR);
  t.is(wallClock(friLate, SH).weekday, 6);
  t.is(formatInZone(addWorkingDays(friLate, 1, UR), UR, { short: true }), '2025-11-10 23:30');
  t.is(formatInZone(addWorkingDays(friLate, 1, SH), SH, { short: true }), '2025-11-10 01:30');
});

test('durations parse and print in both languages', (t) => {
  t.is(parseDuration('90s'), 90000);
  t.is(parseDuration('2h'), 7200000);
  t.is(parseDuration('30d'), 30 * 86400000);
  t.is(parseDuration('soon'), undefined);
  t.is(formatDuration(3 * 3600000 + 5 * 60000, 'en'), '3 h 05 min');
  t.is(formatDuration(-(42 * 60000 + 7000), 'zh'), '42分07秒');
  t.is(formatDuration(2 * 86400000 + 4 * 3600000, 'zh'), '2天4小时');
});
