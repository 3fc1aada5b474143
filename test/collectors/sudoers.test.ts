import test from 'ava';
import { sudoers } from '../../src/collectors/sudoers.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

type F = Awaited<ReturnType<typeof sudoers.parse>>;
const MAIN = 'Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n';

test('main file plus the included drop-ins (not README or dotted names)', async (t) => {
  const { facts } = await collect(
    FixtureTransport.fromMemory({
      name: 'm',
      files: {
        '/etc/sudoers': MAIN,
        '/etc/sudoers.d/90-deploy': 'deploy ALL=(ALL) NOPASSWD: ALL\n',
        '/etc/sudoers.d/README': '# As of Debian version 1.7.2p1-1, the default /etc/sudoers file created on\n',
        '/etc/sudoers.d/old.bak': 'guest ALL=(ALL) NOPASSWD: ALL\n',
      },
    }),
    [sudoers],
  );
  const f = facts.sudoers as F;
  t.true(f.present);
  t.deepEqual(f.files, ['/etc/sudoers', '/etc/sudoers.d/90-deploy', '/etc/sudoers.d/README']);
  t.true(f.grants.some((g) => g.principal === 'deploy' && g.nopasswd && g.all_commands && g.file === '/etc/sudoers.d/90-deploy'));
  t.false(f.grants.some((g) => g.principal === 'guest'));
});

test('without an includedir the drop-ins are not read', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files: { '/etc/sudoers': 'root ALL=(ALL) ALL\n', '/etc/sudoers.d/x': 'bob ALL=(ALL) NOPASSWD: ALL\n' } }), [sudoers]);
  t.deepEqual((facts.sudoers as F).grants.map((g) => g.principal), ['root']);
});

test('sudo not installed / sudoers unreadable', async (t) => {
  const none = await collect(FixtureTransport.fromMemory({ name: 'm', files: {} }), [sudoers]);
  t.like(none.facts.sudoers, { present: false, grants: [] });
  const denied = await collect(FixtureTransport.fromMemory({ name: 'm', files: { '/etc/sudoers': MAIN }, denied: ['/etc/sudoers', '/etc/sudoers.d/*'] }), [sudoers]);
  t.like(denied.facts.sudoers, { error: { code: 'permission_denied' } });
});
