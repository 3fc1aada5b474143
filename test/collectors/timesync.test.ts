import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { timesync } from '../../src/collectors/timesync.js';

const host = (cmds: Record<string, { stdout: string; exitCode?: number }>) => FixtureTransport.fromMemory({ name: 'mem', files: {}, cmds });
const absent = { stdout: '', exitCode: 127 };

test('any synchronised source is enough (ntpd on CentOS 7, timedatectl unaware)', async (t) => {
  const { facts } = await collect(
    host({
      'timesync-timedatectl': { stdout: '     NTP enabled: no\nNTP synchronized: no\n' },
      'timesync-chronyc': absent,
      'timesync-ntpq': { stdout: '     remote           refid      st t when poll reach   delay   offset  jitter\n==============================================================================\n*202.112.29.82   .GPS.            1 u   33   64  377   32.611   -0.421   0.820\n' },
    }),
    [timesync],
  );
  t.like(facts.timesync, { synchronized: true, ntp_enabled: false });
});

test('chronyd installed but stopped is not synchronised', async (t) => {
  const { facts } = await collect(host({ 'timesync-timedatectl': absent, 'timesync-chronyc': { stdout: '506 Cannot talk to daemon\n', exitCode: 1 }, 'timesync-ntpq': absent }), [timesync]);
  t.like(facts.timesync, { synchronized: false });
});

test('no tool at all: the family is an error, not a fail', async (t) => {
  const { facts } = await collect(host({ 'timesync-timedatectl': absent, 'timesync-chronyc': absent, 'timesync-ntpq': absent }), [timesync]);
  t.like(facts.timesync, { error: { code: 'not_found' } });
});
