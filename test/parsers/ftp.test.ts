import test from 'ava';
import { proftpdAnonymous, pureFtpdAnonymous, vsftpdAnonymous } from '../../src/parsers/ftp.js';

test('vsftpd: default YES, last line wins, no spaces allowed', (t) => {
  t.deepEqual(vsftpdAnonymous('listen=NO\nlisten_ipv6=YES\n', '/etc/vsftpd.conf'), { anonymous: true, source: 'default (anonymous_enable=YES)' });
  t.deepEqual(vsftpdAnonymous('# Allow anonymous FTP? (Beware - allowed by default if you comment this out).\nanonymous_enable=YES\n', '/etc/vsftpd/vsftpd.conf'), {
    anonymous: true,
    source: '/etc/vsftpd/vsftpd.conf:2',
  });
  t.false(vsftpdAnonymous('anonymous_enable=YES\nanonymous_enable=NO\n', '/etc/vsftpd.conf').anonymous);
  t.true(vsftpdAnonymous('anonymous_enable = NO\n', '/etc/vsftpd.conf').anonymous, 'a line vsftpd rejects sets nothing');
});

test('proftpd: only an active <Anonymous> block counts', (t) => {
  const debian = '# A basic anonymous configuration, no upload directories.\n\n# <Anonymous ~ftp>\n#   User\t\t\t\tftp\n# </Anonymous>\n';
  t.false(proftpdAnonymous([{ path: '/etc/proftpd/proftpd.conf', text: debian }]).anonymous);
  t.deepEqual(proftpdAnonymous([{ path: '/etc/proftpd/proftpd.conf', text: debian }, { path: '/etc/proftpd/conf.d/anon.conf', text: '<Anonymous ~ftp>\n  User ftp\n</Anonymous>\n' }]), {
    anonymous: true,
    source: '/etc/proftpd/conf.d/anon.conf:1',
  });
});

test('pure-ftpd: Debian flag file, RHEL conf line, default allows anonymous', (t) => {
  t.false(pureFtpdAnonymous(null, { path: '/etc/pure-ftpd/conf/NoAnonymous', text: 'yes\n' }).anonymous);
  t.true(pureFtpdAnonymous(null, { path: '/etc/pure-ftpd/conf/NoAnonymous', text: 'no\n' }).anonymous);
  t.false(pureFtpdAnonymous({ path: '/etc/pure-ftpd/pure-ftpd.conf', text: '# Disallow anonymous connections. Only accept authenticated users.\nNoAnonymous                 yes\n' }, null).anonymous);
  t.true(pureFtpdAnonymous(null, null).anonymous);
});
