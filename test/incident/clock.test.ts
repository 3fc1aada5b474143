import test from 'ava';
import {
  checkOfflineStart, countdownLines, deadlineFor, deadlineStatus, initialReportDeadline, newlyMissed, type DeadlineState,
} from '../../src/incident/clock.js';
import { GRADING_QUESTIONS, gradeFromAnswers } from '../../src/incident/grading.js';

const at = (iso: string) => new Date(iso);

test('initial report deadline by operator class: CII 1 h, state organs 2 h, others 4 h from discovery', (t) => {
  const disc = at('2025-11-03T06:00:00Z');
  t.is(initialReportDeadline(disc, 'cii').due, '2025-11-03T07:00:00.000Z');
  t.is(initialReportDeadline(disc, 'state_organ').due, '2025-11-03T08:00:00.000Z');
  t.is(initialReportDeadline(disc, 'other').due, '2025-11-03T10:00:00.000Z');
  t.regex(initialReportDeadline(disc, 'cii').basis.zh, /报送保护工作部门、公安机关、同级网信部门、上级主管单位/);
  t.regex(initialReportDeadline(disc, 'other').basis.zh, /报送属地省级网信部门、同级网信部门、上级主管单位/);
  t.regex(initialReportDeadline(disc, 'state_organ').basis.zh, /报送本部门网信工作机构、同级网信部门、上级主管单位/);
});

test('grading: the highest grade any yes implies; none is 一般', (t) => {
  t.is(gradeFromAnswers({}), 'general');
  t.is(gradeFromAnswers({ 'municipal-portal-or-personal-data': true }), 'larger');
  t.is(gradeFromAnswers({ 'municipal-portal-or-personal-data': true, 'provincial-portal-or-important-data': true }), 'major');
  t.is(gradeFromAnswers({ 'national-scale': true }), 'especially_major');
  t.true(GRADING_QUESTIONS.every((q) => q.text.zh && q.text.en));
});

test('status: open, overdue, met, late; a miss is reported once, provisional ones never', (t) => {
  const d: DeadlineState = { ...initialReportDeadline(at('2025-11-03T06:00:00Z'), 'cii'), openedAt: '2025-11-03T06:00:00Z' };
  t.is(deadlineStatus(d, at('2025-11-03T06:59:00Z')), 'open');
  t.is(deadlineStatus(d, at('2025-11-03T07:00:01Z')), 'overdue');
  t.deepEqual(newlyMissed([d], at('2025-11-03T07:00:01Z')).map((x) => x.id), ['initial_report']);
  t.deepEqual(newlyMissed([{ ...d, missedAt: '2025-11-03T07:01:00Z' }], at('2025-11-03T08:00:00Z')), []);
  t.deepEqual(newlyMissed([{ ...d, provisional: true }], at('2025-11-03T08:00:00Z')), []);
  t.is(deadlineStatus({ ...d, closedAt: '2025-11-03T06:30:00Z' }, at('2025-11-03T09:00:00Z')), 'met');
  t.is(deadlineStatus({ ...d, closedAt: '2025-11-03T07:30:00Z' }, at('2025-11-03T09:00:00Z')), 'late');
});

test('countdown lines show time left and overdue, in the zone asked', (t) => {
  const d: DeadlineState = { ...initialReportDeadline(at('2025-11-03T06:00:00Z'), 'other'), openedAt: '' };
  const [zh] = countdownLines([d], at('2025-11-03T07:15:00Z'), 'Asia/Shanghai', 'zh');
  t.regex(zh!, /剩余 2小时45分.*截止 2025-11-03 18:00/);
  const [en] = countdownLines([d], at('2025-11-03T10:30:00Z'), 'Asia/Urumqi', 'en');
  t.regex(en!, /OVERDUE by 30 min.*due 2025-11-03 16:00/);
  t.deepEqual(countdownLines([{ ...d, closedAt: '2025-11-03T08:00:00Z' }], at('2025-11-03T09:00:00Z'), 'Asia/Shanghai', 'en'), []);
});

test('Art. 10: temporary offline needs approval and both notices, ≤ 30 days, once a year per site across incidents', (t) => {
  const base = { kind: 'temporary' as const, site: 'A', start: at('2025-11-03T02:00:00Z'), incident: 'INC-2', history: [] };
  t.deepEqual(checkOfflineStart({ ...base, approved: true, notices: new Set(['site', 'portal']), plannedDays: 30 }), []);
  const rules = (p: ReturnType<typeof checkOfflineStart>) => p.map((x) => x.rule).sort();
  t.deepEqual(rules(checkOfflineStart({ ...base, approved: false, notices: new Set(['site']), plannedDays: 31 })), ['art10-offline-30-days', 'art10-offline-approval', 'art10-offline-notice']);
  const earlier = [{ incident: 'INC-1', site: 'A', kind: 'temporary' as const, start: '2025-03-01T00:00:00Z' }];
  t.deepEqual(rules(checkOfflineStart({ ...base, approved: true, notices: new Set(['site', 'portal']), history: earlier })), ['art10-offline-once-a-year']);
  // Another site, last year (in Beijing time: 2024-12-31 23:30 +08), or an emergency shutdown do not count.
  const other = [
    { incident: 'INC-1', site: 'B', kind: 'temporary' as const, start: '2025-03-01T00:00:00Z' },
    { incident: 'INC-0', site: 'A', kind: 'temporary' as const, start: '2024-12-31T15:30:00Z' },
    { incident: 'INC-3', site: 'A', kind: 'emergency' as const, start: '2025-05-01T00:00:00Z' },
  ];
  t.deepEqual(checkOfflineStart({ ...base, approved: true, notices: new Set(['site', 'portal']), history: other }), []);
  // 2024-12-31T16:30Z is already 2025-01-01 in Beijing: it counts for 2025.
  t.is(checkOfflineStart({ ...base, approved: true, notices: new Set(['site', 'portal']), history: [{ ...other[1]!, start: '2024-12-31T16:30:00Z' }] }).length, 1);
  t.deepEqual(rules(checkOfflineStart({ ...base, kind: 'migration', approved: true, notices: new Set() })), ['art10-migration-notice']);
});

test('regulation clocks: offline 30 d, notices kept ≥ 30 d (not-before), public reply 3 working days, repost 12 h', (t) => {
  const from = at('2025-11-07T09:00:00Z'); // Friday 17:00 Beijing
  t.is(deadlineFor('offline_max', from).due, '2025-12-07T09:00:00.000Z');
  const keep: DeadlineState = { ...deadlineFor('notice_keep', from), openedAt: '' };
  t.true(keep.notBefore);
  t.is(deadlineStatus(keep, at('2025-11-20T00:00:00Z')), 'waiting');
  t.is(deadlineStatus({ ...keep, closedAt: '2025-11-20T00:00:00Z' }, at('2025-11-21T00:00:00Z')), 'late');
  t.is(deadlineStatus(keep, at('2025-12-08T00:00:00Z')), 'met');
  t.is(deadlineFor('public_reply', from).due, '2025-11-12T09:00:00.000Z');
  t.is(deadlineFor('repost', from).due, '2025-11-07T21:00:00.000Z');
  t.is(deadlineFor('shutdown_written_report', from).due, undefined);
});
