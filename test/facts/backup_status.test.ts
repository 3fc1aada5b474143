/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk derived families (unions with {error}) loosely; every value is still checked */
import test from 'ava';
import { backupStatus } from '../../src/facts/backup_status.js';
import type { BackupFacts, BackupJob } from '../../src/collectors/backup.js';

const env = (variables: Record<string, unknown> = {}) => ({
  variables: { BACKUP_PATHS: [], BACKUP_MAX_AGE_H: 26, BACKUP_SITE_PATHS: ['/var/www', '/var/lib/mysql'], ROLE_GROUPS: { editor: 'gw-editor' }, ...variables },
  geo: () => null,
  host: { name: 'h', roles: [], publicIps: [] },
});
const job = (over: Partial<BackupJob>): BackupJob => ({
  kind: 'cron', source: '/etc/cron.d/x', line: 1, schedule: '0 2 * * *', user: 'root', command: 'x', scripts: [], unreadable_scripts: [], last_run: null,
  tools: [], paths: [], destinations: [], encryption: [], sm4: false, ...over,
});
const dir = (path: string, newest: number | null, unreadable: string[] = []) => ({ path, exists: true, file_count: newest ? 1 : 0, newest: newest ? { path: `${path}/f`, mtime: newest, size: 1 } : null, unreadable });


test('backup_status: site jobs need a web root or a DB dump; offhost and encryption from any backup-tool job', (t) => {
  const b: BackupFacts = {
    jobs: [
      job({ tools: ['tar'], paths: ['/etc'], encryption: [] }),
      job({ tools: ['tar'], paths: ['/var/www/html', '/backup'], source: '/etc/cron.d/site' }),
      job({ tools: ['rsync'], paths: ['/backup'], destinations: ['bk@10.0.0.8:/srv/b/'] }),
      job({ tools: ['mysqldump'], encryption: ['openssl enc -sm4-cbc (SM4)'], sm4: true }),
    ],
    dirs: [dir('/var/backups', null), dir('/backup', 1795545067)],
    unreadable: [],
  };
  const s = backupStatus.derive({ backup: b }, env()) as any;
  t.is(s.schedule.found, true);
  t.deepEqual(s.schedule.jobs.map((j: any) => j.source), ['/etc/cron.d/site', '/etc/cron.d/x']);
  t.deepEqual(s.offhost.destinations, ['bk@10.0.0.8:/srv/b/']);
  t.like(s.encryption, { found: true, sm4: true });
  t.deepEqual(s.recent, { dirs: ['/var/backups', '/backup'], newest: { path: '/backup/f', mtime: '2026-11-24T18:31:07.000Z', size: 1 }, stale_after: '2026-11-25T20:31:07.000Z', listing: { complete: true } });
});

test('backup_status: not found behind something unreadable is an error; BACKUP_PATHS filters and must be listed', (t) => {
  const b: BackupFacts = { jobs: [job({ tools: [], command: '/usr/local/sbin/b.sh', unreadable_scripts: ['/usr/local/sbin/b.sh'] })], dirs: [dir('/var/backups', null, ['/var/backups/site']), dir('/backup', 1700000000)], unreadable: [] };
  const s = backupStatus.derive({ backup: b }, env()) as any;
  t.like(s.schedule, { error: { code: 'permission_denied' } });
  t.like(s.offhost, { error: { code: 'permission_denied' } });
  t.like(s.recent, { listing: { error: { code: 'permission_denied' } } });
  const only = backupStatus.derive({ backup: b }, env({ BACKUP_PATHS: ['/backup'] })) as any;
  t.deepEqual(only.recent.dirs, ['/backup']);
  t.deepEqual(only.recent.listing, { complete: true });
  t.like(backupStatus.derive({ backup: b }, env({ BACKUP_PATHS: ['/mnt/nas'] })) as any, { recent: { error: { code: 'not_found' } } });
  t.like(backupStatus.derive({ backup: { error: { code: 'timeout', message: 't' } } }, env()), { error: { code: 'timeout' } });
});
