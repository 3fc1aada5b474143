import { t } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector, FileContent } from './types.js';
import { parseLogrotate, type LogrotateRule } from '../parsers/logrotate.js';
import { parseJournaldConf, type JournaldSettings } from '../parsers/journald.js';
import { parseIsActive } from '../parsers/systemd.js';
import { ALL_UNIT_STATES, LOG_SERVICES } from './unit-states.js';
import { parseStatLines, type StatEntry } from '../parsers/log-stat.js';

/**
 * Logging and log retention on the host: logrotate rules (with the days each guarantees), journald
 * storage and limits, whether rsyslog / syslog-ng / auditd run, and ownership and mode of the web,
 * audit and auth logs (for retention coverage and for who may write them).
 */
export const LOG_PATHS = [
  '/var/log/nginx', '/var/log/nginx/*.log', '/var/log/httpd', '/var/log/httpd/*log', '/var/log/apache2', '/var/log/apache2/*.log',
  '/var/log/audit', '/var/log/audit/audit.log', '/var/log/auth.log', '/var/log/secure', '/var/log/syslog', '/var/log/messages', '/var/log/journal',
];

export interface LoggingFacts {
  logrotate: { installed: boolean; rules: Array<Omit<LogrotateRule, 'sizeTriggered'> & { size_triggered: boolean }> } | { error: { code: string; message: string } };
  journald: JournaldSettings & { configured: boolean; journal_dir: boolean; persistent: boolean };
  services: { rsyslog: string; syslog_ng: string; auditd: string; journald: string } | { error: { code: string; message: string } };
  files: StatEntry[];
  unreadable_files: string[];
}

const ruleSchema = t.obj({
  file: t.str, line: t.num, patterns: t.arr(t.str), rotate: t.num, period: t.nullable(t.str), maxage: t.nullable(t.num),
  size_triggered: t.bool, retention_days: t.nullable(t.num),
});

export const logging: Collector<LoggingFacts> = {
  id: 'logging',
  description: 'logrotate rules and guaranteed retention, journald storage, syslog/auditd state, log file ownership and modes',
  schema: t.obj({
    logrotate: t.obj({ installed: t.bool, rules: t.arr(ruleSchema) }),
    journald: t.obj({
      configured: t.bool, storage: t.str, max_retention_sec: t.nullable(t.num), system_max_use_bytes: t.nullable(t.num), journal_dir: t.bool, persistent: t.bool,
    }),
    services: t.obj({ rsyslog: t.str, syslog_ng: t.str, auditd: t.str, journald: t.str }),
    files: t.arr(t.obj({ path: t.str, mode: t.str, owner: t.str, group: t.str })),
    unreadable_files: t.arr(t.str),
  }),
  requests: [
    { kind: 'file', path: '/etc/logrotate.conf' },
    { kind: 'glob', pattern: '/etc/logrotate.d/*' },
    { kind: 'file', path: '/etc/systemd/journald.conf' },
    { kind: 'glob', pattern: '/usr/lib/systemd/journald.conf.d/*.conf' },
    { kind: 'glob', pattern: '/etc/systemd/journald.conf.d/*.conf' },
    // one systemctl for these and the agent's unit (unit-states.ts): the first four lines are these
    { kind: 'cmd', name: 'logging-services', script: ALL_UNIT_STATES, selfTimed: true },
    // Unmatched globs stay literal and stat says "No such file": those are simply absent paths.
    { kind: 'cmd', name: 'logging-stat', script: `gw_to stat -c '%a %U %G %n' -- ${LOG_PATHS.join(' ')} 2>&1 | head -n 300`, selfTimed: true },
  ],
  parse(out) {
    const stat = parseStatLines(out.cmd('logging-stat').stdout);
    const journalDir = stat.entries.some((e) => e.path === '/var/log/journal');
    return {
      logrotate: readLogrotate(),
      journald: readJournald(),
      services: readServices(),
      files: stat.entries.filter((e) => e.path !== '/var/log/journal'),
      unreadable_files: stat.denied,
    };

    function readLogrotate(): LoggingFacts['logrotate'] {
      try {
        const main = out.text('/etc/logrotate.conf');
        if (main === null) return { installed: false, rules: [] };
        const rules = parseLogrotate({ path: '/etc/logrotate.conf', content: main }, out.glob('/etc/logrotate.d/*'));
        return { installed: true, rules: rules.map(({ sizeTriggered, ...r }) => ({ ...r, size_triggered: sizeTriggered })) };
      } catch (e) {
        if (e instanceof CollectError) return { error: { code: e.code, message: e.message } };
        throw e;
      }
    }

    function readJournald(): LoggingFacts['journald'] {
      const main = out.text('/etc/systemd/journald.conf');
      const files: FileContent[] = [
        ...(main === null ? [] : [{ path: '/etc/systemd/journald.conf', content: main, truncated: false }]),
        ...out.glob('/usr/lib/systemd/journald.conf.d/*.conf'),
        ...out.glob('/etc/systemd/journald.conf.d/*.conf'),
      ];
      const s = parseJournaldConf(files);
      // Storage=auto writes to /var/log/journal only when that directory exists.
      const persistent = s.storage === 'persistent' || (s.storage === 'auto' && journalDir);
      return { ...s, configured: main !== null, journal_dir: journalDir, persistent };
    }

    function readServices(): LoggingFacts['services'] {
      const r = out.cmdIfPresent('logging-services');
      if (r === null) return { error: { code: 'not_found', message: 'systemctl is not installed: service states unknown' } };
      const st = parseIsActive(r.stdout, [...LOG_SERVICES]);
      return { rsyslog: st.rsyslog, syslog_ng: st['syslog-ng'], auditd: st.auditd, journald: st['systemd-journald'] };
    }
  },
};
