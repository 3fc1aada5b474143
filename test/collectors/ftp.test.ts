import test from 'ava';
import { ftp } from '../../src/collectors/ftp.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

const host = (stdout: string, files: Record<string, string>) => FixtureTransport.fromMemory({ name: 'm', files, cmds: { 'ftp-binaries': { stdout } } });

test('no FTP daemon installed', async (t) => {
  const { facts } = await collect(host('', { '/etc/vsftpd.conf': 'anonymous_enable=YES\n' }), [ftp]);
  t.deepEqual(facts.ftp, { installed: false, servers: [] });
});

test('CentOS 7 vsftpd with the stock anonymous_enable=YES, and proftpd', async (t) => {
  const { facts } = await collect(
    host('/usr/sbin/vsftpd\n/usr/sbin/proftpd\n', {
      '/etc/vsftpd/vsftpd.conf': '# Allow anonymous FTP? (Beware - allowed by default if you comment this out).\nanonymous_enable=YES\n',
      '/etc/proftpd.conf': 'ServerName "ProFTPD server"\n',
    }),
    [ftp],
  );
  t.like(facts.ftp, {
    installed: true,
    servers: [
      { name: 'vsftpd', config: '/etc/vsftpd/vsftpd.conf', anonymous: true, source: '/etc/vsftpd/vsftpd.conf:2' },
      { name: 'proftpd', config: '/etc/proftpd.conf', anonymous: false },
    ],
  });
});

test('an unrecorded probe makes the family an error', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files: {} }), [ftp]);
  t.like(facts.ftp, { error: { code: 'not_recorded' } });
});
