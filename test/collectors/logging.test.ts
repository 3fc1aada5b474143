import test from 'ava';
import { execFileSync } from 'node:child_process';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { logging, type LoggingFacts } from '../../src/collectors/logging.js';

const files = {
  '/etc/logrotate.conf': 'weekly\nrotate 4\ncreate\ndateext\ninclude /etc/logrotate.d\n',
  '/etc/logrotate.d/syslog': '/var/log/cron\n/var/log/messages\n/var/log/secure\n{\n    missingok\n    sharedscripts\n    postrotate\n        /usr/bin/systemctl kill -s HUP rsyslog.service >/dev/null 2>&1 || true\n    endscript\n}\n',
  '/etc/logrotate.d/nginx': '/var/log/nginx/*.log {\n    daily\n    rotate 190\n}\n',
  '/etc/systemd/journald.conf': '[Journal]\n#Storage=auto\n',
  '/etc/systemd/journald.conf.d/10-size.conf': '[Journal]\nSystemMaxUse=512M\n',
};
const stat = `755 root root /var/log/nginx
640 nginx root /var/log/nginx/access.log
stat: cannot statx '/var/log/httpd': No such file or directory
700 root root /var/log/audit
stat: cannot statx '/var/log/audit/audit.log': Permission denied
600 root root /var/log/secure
2755 root systemd-journal /var/log/journal
`;
const host = (cmds: Record<string, { stdout: string; exitCode?: number }> = {}, denied: string[] = []) =>
  FixtureTransport.fromMemory({
    name: 'mem',
    files,
    denied,
    cmds: { 'logging-services': { stdout: 'active\ninactive\nactive\nactive\n', exitCode: 3 }, 'logging-stat': { stdout: stat }, ...cmds },
  });

test('logrotate rules with retention, journald (auto + /var/log/journal = persistent), services, stat', async (t) => {
  const { facts } = await collect(host(), [logging]);
  const l = facts.logging as LoggingFacts;
  if ('error' in l.logrotate) return t.fail('logrotate should be readable');
  t.deepEqual(l.logrotate.rules.map((r) => [r.file, r.retention_days]), [['/etc/logrotate.d/nginx', 190], ['/etc/logrotate.d/syslog', 28]]);
  t.like(l.journald, { storage: 'auto', journal_dir: true, persistent: true, system_max_use_bytes: 512 * 1024 * 1024 });
  t.deepEqual(l.services, { rsyslog: 'active', syslog_ng: 'inactive', auditd: 'active', journald: 'active' });
  t.deepEqual(l.files.map((f) => f.path), ['/var/log/nginx', '/var/log/nginx/access.log', '/var/log/audit', '/var/log/secure']);
  t.deepEqual(l.unreadable_files, ['/var/log/audit/audit.log']);
});

test('an unreadable logrotate.d file is an error on logrotate only; no systemctl is an error on services only', async (t) => {
  const { facts } = await collect(host({ 'logging-services': { stdout: '', exitCode: 127 } }, ['/etc/logrotate.d/nginx']), [logging]);
  const l = facts.logging as LoggingFacts;
  t.like(l.logrotate, { error: { code: 'permission_denied' } });
  t.like(l.services, { error: { code: 'not_found' } });
  t.true(l.journald.persistent);
});

test('every snippet is valid POSIX sh', (t) => {
  for (const r of logging.requests) if (r.kind === 'cmd') t.notThrows(() => execFileSync('sh', ['-n', '-c', r.script]), r.name);
});
