import test from 'ava';
import { join } from 'node:path';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES } from '../report/helpers.js';
import { reportJson } from '../helpers/wire.js';

// Seen by a new user: on a host with no backups the evidence read "stale_after = null … listing.complete = true
// (expected eq false)". It must say in plain words that no backup was found.
test('a40-10-backup-recent on a host with no backup file says so in plain words (en and zh)', (t) => {
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--check', 'a40-10-backup-recent', '--format', 'json']);
  t.is(r.code, 1, r.stderr);
  const res = reportJson(r.stdout).results[0]!;
  t.is(res.status, 'fail');
  const first = res.evidence[0]!;
  t.is(first.fact, 'backup_status.recent.newest');
  t.is(first.actual, null);
  t.deepEqual(first.message, { en: 'no backup file was found in the backup directories (BACKUP_PATHS) — this host has no backup', zh: '在备份目录（BACKUP_PATHS）中没有找到任何备份文件，本机没有备份' });
  const listing = res.evidence.find((e) => e.fact === 'backup_status.recent.listing.complete')!;
  t.regex(listing.message?.en ?? '', /every backup directory was read/);
  const text = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--check', 'a40-10-backup-recent', '--lang', 'en']);
  t.regex(text.stdout.replace(/\s+/g, ' '), /no backup file was found in the backup directories/); // the text report wraps
});
