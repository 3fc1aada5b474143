/** A Debian-like host's logging facts and a deriver environment, shared by the ops deriver tests. */
import type { LoggingFacts } from '../../src/collectors/logging.js';

export const env = (variables: Record<string, unknown> = {}) => ({
  variables: { BACKUP_PATHS: [], BACKUP_MAX_AGE_H: 26, BACKUP_SITE_PATHS: ['/var/www', '/var/lib/mysql'], ROLE_GROUPS: { editor: 'gw-editor' }, ...variables },
  geo: () => null,
  host: { name: 'h', roles: [], publicIps: [] },
});
export const logging = (over: Partial<LoggingFacts> = {}): LoggingFacts => ({
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
