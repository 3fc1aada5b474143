import test from 'ava';
import { execStarts, parseIsActive, parseListTimers, parseSystemctlCat, unitOf } from '../../src/parsers/systemd.js';

// systemd 252 (Debian 12), LC_ALL=C.
const TIMERS = `NEXT                        LEFT          LAST                        PASSED       UNIT                         ACTIVATES
Wed 2026-11-25 06:00:00 CST 2h 0min left  Wed 2026-11-25 00:00:01 CST 3h 59min ago logrotate.timer              logrotate.service
Thu 2026-11-26 02:30:00 CST 22h left      Wed 2026-11-25 02:30:03 CST 1h 29min ago site-backup.timer            site-backup.service
-                           -             -                           -            fstrim.timer                 fstrim.service

3 timers listed.
`;

test('list-timers: unit, activated service and LAST cut at the header columns', (t) => {
  const rows = parseListTimers(TIMERS);
  t.deepEqual(rows, [
    { unit: 'logrotate.timer', activates: 'logrotate.service', last: 'Wed 2026-11-25 00:00:01 CST' },
    { unit: 'site-backup.timer', activates: 'site-backup.service', last: 'Wed 2026-11-25 02:30:03 CST' },
    { unit: 'fstrim.timer', activates: 'fstrim.service', last: null },
  ]);
});

const CAT = `# /etc/systemd/system/restic-backup.service
[Unit]
Description=restic backup of the web root

[Service]
Type=oneshot
EnvironmentFile=/etc/restic/env
ExecStart=/usr/bin/restic backup \\
    /var/www /etc/nginx
ExecStartPost=-/usr/bin/restic forget --keep-daily 30

# /etc/systemd/system/restic-backup.service.d/override.conf
[Service]
ExecStart=
ExecStart=-/usr/bin/restic backup --tag nightly /var/www

# /etc/systemd/system/restic-backup.timer
[Timer]
OnCalendar=*-*-* 03:00:00
`;

test('systemctl cat: fragments and drop-ins; an empty ExecStart= resets; continuation lines join', (t) => {
  const files = parseSystemctlCat(CAT);
  t.deepEqual(files.map((f) => f.path), [
    '/etc/systemd/system/restic-backup.service',
    '/etc/systemd/system/restic-backup.service.d/override.conf',
    '/etc/systemd/system/restic-backup.timer',
  ]);
  t.deepEqual(files[0].sections.Service.ExecStart, ['/usr/bin/restic backup /var/www /etc/nginx']);
  t.deepEqual(execStarts(files).get('restic-backup.service'), ['/usr/bin/restic backup --tag nightly /var/www']);
  t.deepEqual(files[2].sections.Timer.OnCalendar, ['*-*-* 03:00:00']);
  t.is(unitOf('/lib/systemd/system/x.service.d/10-a.conf'), 'x.service');
});

test('is-active: one state per unit, in order', (t) => {
  t.deepEqual(parseIsActive('active\ninactive\nfailed\n', ['rsyslog', 'syslog-ng', 'auditd', 'systemd-journald']), {
    rsyslog: 'active', 'syslog-ng': 'inactive', auditd: 'failed', 'systemd-journald': 'unknown',
  });
});
