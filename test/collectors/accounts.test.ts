import test from 'ava';
import { accounts } from '../../src/collectors/accounts.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

const files = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nadmin:x:1000:1000:admin,,,:/home/admin:/bin/bash\nkiosk::1003:1003::/home/kiosk:/bin/bash\n',
  '/etc/group': 'root:x:0:\nsudo:x:27:admin\nadmin:x:1000:\nkiosk:x:1003:\n',
  '/etc/shadow': 'root:$y$j9T$dbxRQj9VGco2yx9BnTgzU1$XFTj1WHLXPV75AMCBgrkYPoCPUuutlX5PQ9xg2vDQt8:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nadmin:$1$Zx8pQ2aB$2nTqZ1vY0kLmN3oP4qR5s/:19700:0:99999:7:::\n',
};

test('users with password state, hash algorithm and groups; never the hash', async (t) => {
  const { facts, sources } = await collect(FixtureTransport.fromMemory({ name: 'm', files }), [accounts]);
  const a = facts.accounts as Awaited<ReturnType<typeof accounts.parse>>;
  const by = Object.fromEntries(a.users.map((u) => [u.name, u]));
  t.like(by.root, { uid: 0, password: 'set', hash_alg: 'yescrypt', login_shell: true, groups: ['root'] });
  t.like(by.daemon, { password: 'locked', login_shell: false });
  t.like(by.admin, { password: 'set', hash_alg: 'md5' });
  t.deepEqual(by.admin!.groups, ['admin', 'sudo']);
  t.like(by.kiosk, { password: 'empty' }, 'empty field in /etc/passwd itself');
  t.deepEqual(a.hash_algs, ['md5', 'yescrypt']);
  t.deepEqual(a.shadow, { present: true });
  t.false(JSON.stringify(facts).includes('$y$'));
  t.true(sources.accounts!.includes('file: /etc/shadow'));
});

test('unreadable shadow: users from passwd, password state unknown', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files, denied: ['/etc/shadow'] }), [accounts]);
  const a = facts.accounts as Awaited<ReturnType<typeof accounts.parse>>;
  t.is(a.users.length, 4);
  t.like(a.shadow, { error: { code: 'permission_denied' } });
  t.is(a.users.find((u) => u.name === 'root')!.password, null);
  t.is(a.users.find((u) => u.name === 'kiosk')!.password, 'empty', 'still known from /etc/passwd');
  t.is(a.hash_algs, null);
});

test('no /etc/passwd is a family error', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files: {} }), [accounts]);
  t.like(facts.accounts, { error: { code: 'not_found' } });
});
