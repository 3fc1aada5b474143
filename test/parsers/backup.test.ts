import test from 'ava';
import { analyseJobText, parseNewest, parseScriptDump, redactCommand, stripCreds } from '../../src/parsers/backup.js';

const SCRIPT = `#!/bin/sh
# Nightly site backup: archive, encrypt with SM4, ship to the backup host.
set -eu
DEST=/var/backups/site
STAMP=$(date +%F)
tar czf "$DEST/www-$STAMP.tar.gz" -C / var/www /etc/nginx
mysqldump --single-transaction --all-databases -pS3cret | gzip > "$DEST/db-$STAMP.sql.gz"
for f in "$DEST"/*-"$STAMP".*gz; do
  openssl enc -sm4-cbc -pbkdf2 -salt -pass file:/root/.backup.pass -in "$f" -out "$f.enc" && rm -f "$f"
done
rsync -a -e "ssh -i /root/.ssh/backup_ed25519" "$DEST/" backup@10.10.8.20:/srv/backup/web01/
find "$DEST" -name '*.enc' -mtime +30 -delete
`;

test('a realistic script: tools, paths, off-host destination, SM4 encryption', (t) => {
  const a = analyseJobText(SCRIPT);
  t.deepEqual(a.tools, ['mysqldump', 'rsync', 'tar']);
  t.true(a.paths.includes('/var/backups/site'));
  t.true(a.paths.includes('/etc/nginx'));
  t.deepEqual(a.destinations, ['backup@10.10.8.20:/srv/backup/web01/']);
  t.deepEqual(a.encryption, ['openssl enc -sm4-cbc (SM4)']);
  t.true(a.sm4);
});

test('destinations: object storage, restic and borg repos, rclone remotes; not chown user:group or local paths', (t) => {
  const d = (s: string) => analyseJobText(s).destinations;
  t.deepEqual(d('ossutil64 cp -r /var/backups/site/ oss://gov-backup/web01/ -u'), ['oss://gov-backup/web01/']);
  t.deepEqual(d('aws s3 sync /backup s3://bucket/www --sse AES256'), ['s3://bucket/www']);
  t.deepEqual(d('restic -r sftp:backup@10.0.0.9:/srv/restic backup /var/www'), ['sftp:backup@10.0.0.9:/srv/restic']);
  t.deepEqual(d('export RESTIC_REPOSITORY=s3:oss-cn-hangzhou.aliyuncs.com/gov-restic\nrestic backup /var/www'), ['s3:oss-cn-hangzhou.aliyuncs.com/gov-restic']);
  t.deepEqual(d('BORG_REPO=ssh://borg@bk01.example.gov.cn/./web01 borg create ::{now} /var/www'), ['ssh://borg@bk01.example.gov.cn/./web01']);
  t.deepEqual(d('rclone sync /var/backups/site cos-bj:gov-backup/web01'), ['cos-bj:gov-backup/web01']);
  t.deepEqual(d('chown www-data:www-data /var/www -R\nrsync -a /var/www/ /backup/www/'), []);
  t.deepEqual(d('rsync -a /var/www/ localhost:/backup/'), []);
  t.deepEqual(d('scp /backup/x.tgz bk01:/data/'), ['bk01:/data/']);
  t.deepEqual(d('duplicity /var/www file:///backup/dup'), []);
});

test('encryption methods, and their absence', (t) => {
  const e = (s: string) => analyseJobText(s).encryption;
  t.deepEqual(e('tar cz /var/www | gpg --batch -e -r backup@gov.cn -o /backup/www.tgz.gpg'), ['gpg']);
  t.deepEqual(e('tar cz /var/www | openssl enc -aes-256-cbc -pbkdf2 -pass file:/root/p > x'), ['openssl enc -aes-256-cbc']);
  t.deepEqual(e('gmssl sm4 -encrypt -key_file k -in a -out b'), ['gmssl sm4 (SM4)']);
  t.deepEqual(e('7z a -pS3cret -mhe=on /backup/www.7z /var/www'), ['7z -p (AES-256)']);
  t.deepEqual(e('borg create --stats ::{now} /var/www'), ['borg (repository encryption)']);
  t.deepEqual(e('restic backup /var/www'), ['restic (AES-256 repository)']);
  t.deepEqual(e('tar czf /backup/www.tgz /var/www\ngpg --import /root/key.asc'), []);
  t.deepEqual(e('openssl enc -d -sm4-cbc -in x -out y'), []);
  t.deepEqual(e('# gpg -e -r someone was removed\ntar czf /backup/www.tgz /var/www'), []);
  t.is(analyseJobText('openssl sm4-cbc -in a -out b -k x').sm4, true);
});

test('tar -C DIR members and openssl behind a variable (Tongsuo builds)', (t) => {
  const a = analyseJobText('OPENSSL=/opt/tongsuo/bin/openssl\ntar czf "$D/www.tgz" -C / var/www usr/local/nginx/conf\n"$OPENSSL" enc -sm4-cbc -pbkdf2 -in a -out a.enc');
  t.true(a.paths.includes('/var/www'));
  t.true(a.paths.includes('/usr/local/nginx/conf'));
  t.deepEqual(a.encryption, ['openssl enc -sm4-cbc (SM4)']);
  t.deepEqual(analyseJobText('tar czf /b/x.tgz -C /srv/www/cms uploads | tee log').paths, ['/b/x.tgz', '/srv/www/cms', '/srv/www/cms/uploads']);
});

test('tool names match words, not substrings', (t) => {
  t.deepEqual(analyseJobText('/usr/bin/tar czf /x.tgz /var/www').tools, ['tar']);
  t.deepEqual(analyseJobText('start-stop-daemon --start gzip-helper').tools, []);
  t.deepEqual(analyseJobText('/usr/libexec/dpkg/dpkg-db-backup').tools, []);
});

test('secrets never survive into facts', (t) => {
  const r = redactCommand('mysqldump -uroot -pS3cret --all-databases | openssl enc -sm4-cbc -k Hunter2 > x; RESTIC_PASSWORD=abc restic backup; lftp ftp://u:pw@h/');
  t.false(/S3cret|Hunter2|abc |pw@/.test(r), r);
  t.true(r.includes('-p***'));
  t.is(stripCreds('sftp://bk:pa55@10.0.0.9/srv'), 'sftp://bk@10.0.0.9/srv');
});

test('script dump and newest-file listing', (t) => {
  const dump = parseScriptDump('==> /usr/local/sbin/a.sh <==\n#!/bin/sh\ntar c /var/www\n\n==> /root/b.sh <==\necho hi\n');
  t.deepEqual([...dump.keys()], ['/usr/local/sbin/a.sh', '/root/b.sh']);
  t.true(dump.get('/usr/local/sbin/a.sh')!.includes('tar c /var/www'));
  const dirs = parseNewest(`== /var/backups
find: '/var/backups/site': Permission denied
1795831200.5123456780 40960 /var/backups/old/www.tar.gz
count 3
== /backup
absent
`);
  t.deepEqual(dirs, [
    { path: '/var/backups', exists: true, file_count: 3, newest: { path: '/var/backups/old/www.tar.gz', mtime: 1795831200, size: 40960 }, unreadable: ['/var/backups/site'] },
    { path: '/backup', exists: false, file_count: 0, newest: null, unreadable: [] },
  ]);
});
