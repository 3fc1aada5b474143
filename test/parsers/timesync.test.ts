import test from 'ava';
import { parseChronycTracking, parseNtpqPeers, parseTimedatectl } from '../../src/parsers/timesync.js';

test('timedatectl show (systemd ≥ 239)', (t) => {
  t.like(parseTimedatectl('NTP=yes\nNTPSynchronized=yes\n'), { synchronized: true, ntp_enabled: true });
  t.like(parseTimedatectl('NTP=no\nNTPSynchronized=no\n'), { synchronized: false, ntp_enabled: false });
});

test('timedatectl status on CentOS 7 (systemd 219)', (t) => {
  const out = `      Local time: Wed 2026-11-25 12:00:00 CST
  Universal time: Wed 2026-11-25 04:00:00 UTC
        RTC time: Wed 2026-11-25 04:00:00
       Time zone: Asia/Shanghai (CST, +0800)
     NTP enabled: no
NTP synchronized: no
 RTC in local TZ: no
      DST active: n/a
`;
  t.like(parseTimedatectl(out), { synchronized: false, ntp_enabled: false });
  t.like(parseTimedatectl('System clock synchronized: yes\n              NTP service: active\n'), { synchronized: true, ntp_enabled: true });
});

test('chronyc tracking', (t) => {
  const ok = `Reference ID    : CA6B3F4E (202.107.63.78)
Stratum         : 3
Ref time (UTC)  : Wed Nov 25 03:58:12 2026
System time     : 0.000012345 seconds fast of NTP time
Leap status     : Normal
`;
  t.true(parseChronycTracking(ok).synchronized);
  t.false(parseChronycTracking(ok.replace('Normal', 'Not synchronised')).synchronized);
  t.is(parseChronycTracking('506 Cannot talk to daemon\n').synchronized, null);
});

test('ntpq -pn: * marks the system peer', (t) => {
  const head = '     remote           refid      st t when poll reach   delay   offset  jitter\n==============================================================================\n';
  t.true(parseNtpqPeers(head + '*202.112.29.82   .GPS.            1 u   33   64  377   32.611   -0.421   0.820\n+119.28.183.184  100.122.36.196   2 u   30   64  377   38.402    1.234   1.112\n').synchronized);
  t.false(parseNtpqPeers(head + ' 202.112.29.82   .INIT.          16 u    -   64    0    0.000    0.000   0.000\n').synchronized);
  t.is(parseNtpqPeers('ntpq: read: Connection refused\n').synchronized, null);
});
