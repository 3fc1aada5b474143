/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk derived families (unions with {error}) loosely; every value is still checked */
import test from 'ava';
import { logperms } from '../../src/facts/logperms.js';
import type { LoggingFacts } from '../../src/collectors/logging.js';

const env = (variables: Record<string, unknown> = {}) => ({
  variables: { BACKUP_PATHS: [], BACKUP_MAX_AGE_H: 26, BACKUP_SITE_PATHS: ['/var/www', '/var/lib/mysql'], ROLE_GROUPS: { editor: 'gw-editor' }, ...variables },
  geo: () => null,
  host: { name: 'h', roles: [], publicIps: [] },
});
const logging = (over: Partial<LoggingFacts> = {}): LoggingFacts => ({
  logrotate: { installed: true, rules: [
    { file: '/etc/logrotate.d/nginx', line: 1, patterns: ['/var/log/nginx/*.log'], rotate: 14, period: 'daily', maxage: null, size_triggered: false, retention_days: 14 },
    { file: '/etc/logrotate.d/rsyslog', line: 1, patterns: ['/var/log/syslog', '/var/log/auth.log'], rotate: 4, period: 'weekly', maxage: null, size_triggered: false, retention_days: 28 },
  ] },
  journald: { configured: true, storage: 'auto', max_retention_sec: null, system_max_use_bytes: null, journal_dir: true, persistent: true },
  services: { rsyslog: 'active', syslog_ng: 'inactive', auditd: 'active', journald: 'active' },
  files: [
    { path: '/var/log/nginx', mode: '775', owner: 'root', group: 'gw-editor' },
    { path: '/var/log/nginx/access.log', mode: '640', owner: 'www-data', group: 'adm' },
    { path: '/var/log/auth.log', mode: '640', owner: 'syslog', group: 'adm' },
    { path: '/var/log/syslog', mode: '666', owner: 'syslog', group: 'adm' },
  ],
  unreadable_files: [],
  ...over,
});
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
