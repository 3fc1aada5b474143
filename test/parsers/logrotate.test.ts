import test from 'ava';
import { parseLogrotate, retentionDays, ruleFor } from '../../src/parsers/logrotate.js';
import { globToRegex as globToRegExp } from '../../src/util/glob.js';

// Debian 12 stock /etc/logrotate.conf and logrotate.d/{rsyslog,nginx}.
const CONF = `# see "man logrotate" for details

# global options do not affect preceding include directives

# rotate log files weekly
weekly

# keep 4 weeks worth of backlogs
rotate 4

# create new (empty) log files after rotating old ones
create

#dateext

#compress

# packages drop log rotation information into this directory
include /etc/logrotate.d

# system-specific logs may also be configured here.
`;
const RSYSLOG = `/var/log/syslog
/var/log/mail.info
/var/log/auth.log
/var/log/messages
{
	rotate 4
	weekly
	missingok
	notifempty
	compress
	delaycompress
	sharedscripts
	postrotate
		/usr/lib/rsyslog/rsyslog-rotate
	endscript
}
`;
const NGINX = `/var/log/nginx/*.log {
	daily
	missingok
	rotate 190
	compress
	delaycompress
	notifempty
	create 0640 www-data adm
	sharedscripts
	prerotate
		if [ -d /etc/logrotate.d/httpd-prerotate ]; then \\
			run-parts /etc/logrotate.d/httpd-prerotate; \\
		fi \\
	endscript
	postrotate
		invoke-rc.d nginx rotate >/dev/null 2>&1
	endscript
}
`;

test('defaults apply to included files; each rule gets rotate × period days', (t) => {
  const rules = parseLogrotate({ path: '/etc/logrotate.conf', content: CONF }, [
    { path: '/etc/logrotate.d/rsyslog', content: RSYSLOG },
    { path: '/etc/logrotate.d/nginx', content: NGINX },
    { path: '/etc/logrotate.d/nginx.dpkg-old', content: '/var/log/nginx/*.log { daily\n rotate 1\n}\n' },
  ]);
  t.is(rules.length, 2);
  const nginx = ruleFor(rules, '/var/log/nginx/access.log')!;
  t.like(nginx, { file: '/etc/logrotate.d/nginx', line: 1, period: 'daily', rotate: 190, retention_days: 190 });
  const auth = ruleFor(rules, '/var/log/auth.log')!;
  t.like(auth, { file: '/etc/logrotate.d/rsyslog', line: 1, period: 'weekly', rotate: 4, retention_days: 28 });
  t.deepEqual(auth.patterns, ['/var/log/syslog', '/var/log/mail.info', '/var/log/auth.log', '/var/log/messages']);
  t.is(ruleFor(rules, '/var/log/secure'), undefined);
});

test('global settings before the include reach the included rule that sets nothing itself', (t) => {
  const rules = parseLogrotate({ path: '/etc/logrotate.conf', content: 'monthly\nrotate 6\ninclude /etc/logrotate.d\n' }, [
    { path: '/etc/logrotate.d/httpd', content: '/var/log/httpd/*log {\n    missingok\n    notifempty\n}\n' },
  ]);
  t.like(rules[0], { period: 'monthly', rotate: 6, retention_days: 180 });
});

test('retention: maxage caps, size-triggered counts one day per rotation, rotate -1 is unlimited', (t) => {
  t.is(retentionDays({ rotate: 52, period: 'weekly', maxage: 90, sizeTriggered: false }), 90);
  t.is(retentionDays({ rotate: 30, period: 'daily', maxage: null, sizeTriggered: true }), 30);
  t.is(retentionDays({ rotate: -1, period: 'weekly', maxage: null, sizeTriggered: false }), null);
  t.is(retentionDays({ rotate: -1, period: 'weekly', maxage: 200, sizeTriggered: false }), 200);
  t.is(retentionDays({ rotate: 0, period: 'daily', maxage: null, sizeTriggered: false }), 0);
});

test('globs and several patterns on one line, quoted', (t) => {
  const rules = parseLogrotate({ path: '/etc/logrotate.conf', content: '"/var/log/httpd/access_log" /var/log/httpd/*_log {\nweekly\nrotate 27\n}\n' }, []);
  t.is(ruleFor(rules, '/var/log/httpd/ssl_error_log')?.retention_days, 189);
  t.true(globToRegExp('/var/log/[ab]*.log').test('/var/log/a1.log'));
  t.false(globToRegExp('/var/log/*.log').test('/var/log/nginx/x.log'));
});
