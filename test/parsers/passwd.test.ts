import test from 'ava';
import { isLoginShell, parsePasswd } from '../../src/parsers/passwd.js';
import { parseGroup } from '../../src/parsers/group.js';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
halt:x:7:0:halt:/sbin:/sbin/halt
kiosk::1003:1003::/home/kiosk:/bin/bash
old:abJnggxhB/yWI:1004:1004:Old Box,,,:/home/old:
+@netadmins::::::
broken:x:notanumber:1::/:/bin/sh
`;

test('passwd entries without GECOS, password field classified', (t) => {
  const rows = parsePasswd(PASSWD);
  t.deepEqual(
    rows.map((r) => r.name),
    ['root', 'daemon', 'sync', 'ftp', 'halt', 'kiosk', 'old'],
  );
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  t.like(by.root, { uid: 0, gid: 0, shell: '/bin/bash', pw: 'shadow' });
  t.like(by.kiosk, { pw: 'empty' });
  t.like(by.old, { pw: 'hash', pwHashAlg: 'des', shell: '' });
  t.false(JSON.stringify(rows).includes('FTP User'), 'GECOS is dropped');
});

test('login shells', (t) => {
  for (const s of ['/bin/bash', '/bin/sh', '/usr/bin/zsh', '']) t.true(isLoginShell(s), s);
  for (const s of ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false', '/bin/sync', '/sbin/halt', '/sbin/shutdown']) t.false(isLoginShell(s), s);
});

test('group members', (t) => {
  const g = parseGroup('root:x:0:\nsudo:x:27:admin,zhangwei\nusers:x:100:admin\nwheel:x:10: alice , bob\n');
  t.deepEqual(g[1], { name: 'sudo', gid: 27, members: ['admin', 'zhangwei'] });
  t.deepEqual(g[0].members, []);
  t.deepEqual(g[3].members, ['alice', 'bob']);
});
