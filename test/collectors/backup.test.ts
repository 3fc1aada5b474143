import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../src/transport/local.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { backup, type BackupFacts } from '../../src/collectors/backup.js';

const TIMERS = `NEXT                        LEFT     LAST                        PASSED       UNIT               ACTIVATES
Thu 2026-11-26 03:00:00 CST 14h left Wed 2026-11-25 03:00:04 CST 8h ago       db-backup.timer    db-backup.service
Thu 2026-11-26 00:00:00 CST 12h left Wed 2026-11-25 00:00:01 CST 11h ago      logrotate.timer    logrotate.service

2 timers listed.
`;
const UNITS = `# /etc/systemd/system/db-backup.service
[Service]
Type=oneshot
User=backup
ExecStart=/usr/local/bin/db-backup.sh

# /etc/systemd/system/db-backup.timer
[Timer]
OnCalendar=*-*-* 03:00:00

# /lib/systemd/system/logrotate.service
[Service]
ExecStart=/usr/sbin/logrotate /etc/logrotate.conf
`;
const DB_SCRIPT = `#!/bin/sh
pg_dump -Fc portal > /srv/backup/pg/portal-$(date +%F).dump
age -r age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs -o /srv/backup/pg/portal.age /srv/backup/pg/portal-$(date +%F).dump
rclone copy /srv/backup/pg cos-gz:gov-portal-backup/pg
`;

function host(over: { cmds?: Record<string, { stdout: string; exitCode?: number }>; files?: Record<string, string>; denied?: string[] } = {}) {
  return FixtureTransport.fromMemory({
    name: 'mem',
    files: {
      '/etc/crontab': 'SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n',
      '/etc/cron.d/site': 'MAILTO=""\n30 2 * * * root tar czf /backup/www-$(date +\\%F).tgz /var/www && gpg --batch -e -r ops@example.gov.cn /backup/www-$(date +\\%F).tgz\n',
      '/var/spool/cron/crontabs/web': '15 1 * * * mysqldump -uweb -pS3cret portal > /home/web/db.sql\n',
      '/etc/cron.daily/dpkg': '#!/bin/sh\nif [ -d /run/systemd/system ]; then\n    exit 0\nfi\n/usr/libexec/dpkg/dpkg-db-backup\n',
      '/etc/cron.daily/backup.dpkg-old': '#!/bin/sh\nrsync -a /var/www/ bk:/x/\n',
      ...over.files,
    },
    denied: over.denied,
    cmds: {
      'backup-cron-access': { stdout: 'readable /var/spool/cron/crontabs\nreadable /var/spool/cron\n' },
      'backup-timers': { stdout: TIMERS },
      'backup-timer-units': { stdout: UNITS },
      'backup-scripts': { stdout: `==> /usr/local/bin/db-backup.sh <==\n${DB_SCRIPT}\n` },
      'backup-newest': { stdout: '== /var/backups\ncount 0\n== /backup\n1795545067.1000000000 104857600 /backup/www-2026-11-25.tgz.gpg\ncount 12\n== /srv/backup/pg\n1795548000.2000000000 2097152 /srv/backup/pg/portal.age\ncount 3\n' },
      ...over.cmds,
    },
  });
}

test('cron lines, user crontabs, cron.daily scripts and timer services become jobs, with the called script read', async (t) => {
  const { facts } = await collect(host(), [backup]);
  const b = facts.backup as BackupFacts;
  const bySource = Object.fromEntries(b.jobs.map((j) => [j.source + (j.line ? ':' + j.line : ''), j]));
  t.deepEqual(Object.keys(bySource).sort(), ['/etc/cron.d/site:2', '/etc/cron.daily/dpkg', '/etc/crontab:2', '/var/spool/cron/crontabs/web:1', 'db-backup.timer', 'logrotate.timer']);
  t.like(bySource['/etc/cron.d/site:2'], { tools: ['tar'], encryption: ['gpg'], destinations: [] });
  t.like(bySource['/var/spool/cron/crontabs/web:1'], { user: 'web', tools: ['mysqldump'] });
  t.false(bySource['/var/spool/cron/crontabs/web:1'].command.includes('S3cret'), 'passwords are redacted');
  const timer = bySource['db-backup.timer'];
  t.like(timer, { user: 'backup', schedule: '*-*-* 03:00:00', last_run: 'Wed 2026-11-25 03:00:04 CST', scripts: ['/usr/local/bin/db-backup.sh'] });
  t.deepEqual(timer.tools, ['pg_dump', 'rclone']);
  t.deepEqual(timer.destinations, ['cos-gz:gov-portal-backup/pg']);
  t.deepEqual(timer.encryption, ['age']);
  t.deepEqual(bySource['/etc/cron.daily/dpkg'].tools, []);
  t.deepEqual(b.unreadable, []);
  t.deepEqual(b.dirs.map((d) => [d.path, d.exists, d.newest?.mtime ?? null]), [['/var/backups', true, null], ['/backup', true, 1795545067], ['/srv/backup/pg', true, 1795548000]]);
});

test('what could not be read is remembered: a root-only spool and an unreadable script', async (t) => {
  const { facts } = await collect(
    host({
      cmds: {
        'backup-cron-access': { stdout: 'unreadable /var/spool/cron/crontabs\nreadable /var/spool/cron\n' },
        'backup-scripts': { stdout: '==! /usr/local/bin/db-backup.sh unreadable\n' },
      },
      denied: ['/etc/cron.d/*'],
    }),
    [backup],
  );
  const b = facts.backup as BackupFacts;
  t.deepEqual(b.unreadable.sort(), ['/etc/cron.d/*', '/var/spool/cron/crontabs']);
  t.deepEqual(b.jobs.find((j) => j.source === 'db-backup.timer')?.unreadable_scripts, ['/usr/local/bin/db-backup.sh']);
});

test('no systemd: timers are skipped, cron still read', async (t) => {
  const { facts } = await collect(host({ cmds: { 'backup-timers': { stdout: '', exitCode: 127 }, 'backup-timer-units': { stdout: '', exitCode: 127 } } }), [backup]);
  const b = facts.backup as BackupFacts;
  t.false(b.jobs.some((j) => j.kind === 'timer'));
  t.true(b.jobs.some((j) => j.kind === 'cron'));
});

test('every snippet is valid POSIX sh', (t) => {
  for (const r of backup.requests) if (r.kind === 'cmd') t.notThrows(() => execFileSync('sh', ['-n', '-c', r.script]), r.name);
});

test('real shell: jobs and the scripts they call name backup dirs; one find reports each dir\'s newest file and count', async (t) => {
  // In a private mount namespace (unshare) with a tmpfs on /etc/cron.d, so the machine's cron stays untouched.
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-bk-'));
  mkdirSync(join(dir, 'site-backup', 'daily'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'db-bak'));
  writeFileSync(join(dir, 'site-backup', 'old.tgz'), 'x');
  writeFileSync(join(dir, 'site-backup', 'daily', 'new.tgz'), 'xyz');
  utimesSync(join(dir, 'site-backup', 'old.tgz'), 1_700_000_000, 1_700_000_000);
  utimesSync(join(dir, 'site-backup', 'daily', 'new.tgz'), 1_760_000_000, 1_760_000_000);
  writeFileSync(join(dir, 'bin', 'dump.sh'), `#!/bin/sh\npg_dump portal > ${dir}/db-bak/portal.sql\n`, { mode: 0o755 });
  const cron = `30 2 * * * root tar czf ${dir}/site-backup/www.tgz /var/www\n15 1 * * * root ${dir}/bin/dump.sh\n`;
  mkdirSync(join(dir, 'site-backup', 'private'), { mode: 0o700 });
  chmodSync(dir, 0o755);
  // as an unprivileged auditor: find cannot enter the private dir, and says so
  const inNs = (as: string) => ({
    id: 'local:ns',
    run: (script: string) =>
      new LocalTransport().run(`exec unshare --mount --propagation private /bin/sh -c 'mount -t tmpfs gwsec-test /etc/cron.d && printf "%s" "$0" >/etc/cron.d/gwsec-test && exec ${as} /bin/sh -s' '${cron}' <<'GWSEC_EOF'\n${script}\nGWSEC_EOF\n`),
    close: async () => {},
  });
  const nobody = (await collect(inNs('setpriv --reuid=65534 --regid=65534 --clear-groups'), [backup])).facts.backup as BackupFacts;
  t.deepEqual(nobody.dirs.find((d) => d.path === join(dir, 'site-backup'))?.unreadable, [join(dir, 'site-backup', 'private')]);
  const c = await collect(inNs(''), [backup]);
  const f = c.facts.backup as BackupFacts;
  const byPath = new Map(f.dirs.map((d) => [d.path, d]));
  t.deepEqual(byPath.get(join(dir, 'site-backup')), { path: join(dir, 'site-backup'), exists: true, file_count: 2, newest: { path: join(dir, 'site-backup', 'daily', 'new.tgz'), mtime: 1_760_000_000, size: 3 }, unreadable: [] });
  // named only inside the script the job calls
  t.like(byPath.get(join(dir, 'db-bak')), { exists: true, file_count: 0, newest: null });
  t.like(byPath.get('/backups'), { exists: false, file_count: 0 });
  t.true(f.jobs.some((j) => j.scripts.includes(join(dir, 'bin', 'dump.sh')) && j.tools.includes('pg_dump')));
});
