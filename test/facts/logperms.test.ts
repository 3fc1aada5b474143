/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk derived families (unions with {error}) loosely; every value is still checked */
import test from 'ava';
import { logperms } from '../../src/facts/logperms.js';
import { env, logging } from './ops-fixtures.js';

test('logperms: editors through group membership, primary group and o+w', (t) => {
  const accounts = {
    users: [
      { name: 'liuyang', uid: 1001, gid: 1001, groups: ['liuyang', 'gw-editor'] },
      { name: 'wangfang', uid: 1002, gid: 1500, groups: ['gw-editor'] },
      { name: 'ops', uid: 1003, gid: 1003, groups: ['ops', 'adm'] },
    ],
    groups: [{ name: 'gw-editor', gid: 1500, members: ['liuyang'] }, { name: 'adm', gid: 4, members: ['ops'] }],
  };
  const p = logperms.derive({ logging: logging({ unreadable_files: ['/var/log/audit/audit.log'] }), accounts }, env()) as any;
  t.deepEqual(p.editors, ['liuyang', 'wangfang']);
  const by = Object.fromEntries(p.paths.map((x: any) => [x.path, x]));
  t.deepEqual(by['/var/log/nginx'].writable_by, ['liuyang', 'wangfang']);
  t.false(by['/var/log/nginx/access.log'].editor_writable);
  t.like(by['/var/log/syslog'], { world_writable: true, editor_writable: true });
  t.like(by['/var/log/audit/audit.log'], { error: { code: 'permission_denied' } });
  t.like(logperms.derive({ logging: logging(), accounts: { error: { code: 'permission_denied', message: 'x' } } }, env()), { error: { code: 'permission_denied' } });
  t.deepEqual((logperms.derive({ logging: logging(), accounts }, env({ ROLE_GROUPS: {} })) as any).editors, []);
});
