import test from 'ava';
import { compareDpkg, compareRpm, parseOpensslVersion, parsePackageQuery, parseSshVersion, upstreamOf } from '../../src/parsers/versions.js';

test('openssl version lines', (t) => {
  t.like(parseOpensslVersion('OpenSSL 1.0.2k-fips  26 Jan 2017\n'), { flavor: 'openssl', version: '1.0.2k' });
  t.like(parseOpensslVersion('OpenSSL 3.0.17 1 Jul 2025 (Library: OpenSSL 3.0.17 1 Jul 2025)\n'), { flavor: 'openssl', version: '3.0.17' });
  t.like(parseOpensslVersion('Tongsuo 8.4.0 (Library: Tongsuo 8.4.0)\n'), { flavor: 'tongsuo', version: '8.4.0' });
  t.is(parseOpensslVersion('sh: 1: openssl: not found\n'), null);
});

test('ssh -V lines', (t) => {
  t.like(parseSshVersion('OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.17 1 Jul 2025\n'), { version: '9.2p1', vendor_suffix: 'Debian-2+deb12u6', linked_openssl: 'OpenSSL 3.0.17 1 Jul 2025' });
  t.like(parseSshVersion('OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017\n'), { version: '7.4p1', vendor_suffix: null });
  t.is(parseSshVersion(''), null);
});

test('package query: dpkg keeps only installed (ii), rpm drops (none) epochs and missing packages', (t) => {
  const d = parsePackageQuery('#dpkg\nlibssl1.1\t\tun \nlibssl3\t3.0.17-1~deb12u2\tii \nopenssh-server\t1:9.2p1-2+deb12u6\tii \n');
  t.is(d.manager, 'dpkg');
  t.deepEqual(d.packages, [
    { name: 'libssl3', version: '3.0.17-1~deb12u2', upstream: '3.0.17' },
    { name: 'openssh-server', version: '1:9.2p1-2+deb12u6', upstream: '9.2p1' },
  ]);
  const r = parsePackageQuery('#rpm\nopenssl-libs\t1:1.0.2k-19.el7\npackage openssh is not installed\nopenssh-server\t(none):7.4p1-21.el7\n');
  t.deepEqual(r.packages.map((p) => [p.name, p.version, p.upstream]), [
    ['openssl-libs', '1:1.0.2k-19.el7', '1.0.2k'],
    ['openssh-server', '7.4p1-21.el7', '7.4p1'],
  ]);
  t.is(upstreamOf('3.0.2-0ubuntu1.19'), '3.0.2');
});

test('dpkg ordering (deb-version)', (t) => {
  t.is(compareDpkg('3.0.2-0ubuntu1.19', '3.0.2-0ubuntu1.7'), 1);
  t.is(compareDpkg('1:8.9p1-3ubuntu0.10', '1:8.9p1-3ubuntu0.6'), 1);
  t.is(compareDpkg('1:9.2p1-2+deb12u3', '1:9.2p1-2+deb12u6'), -1);
  t.is(compareDpkg('1.0~rc1-1', '1.0-1'), -1);
  t.is(compareDpkg('1:1.0-1', '2.0-1'), 1);
  t.is(compareDpkg('1.0-1', '1.0-1'), 0);
});

test('rpm ordering (rpmvercmp)', (t) => {
  t.is(compareRpm('1:1.0.2k-19.el7', '1:1.0.2k-25.el7_9'), -1);
  t.is(compareRpm('8.7p1-43.el9', '8.7p1-38.el9_4.1'), 1);
  t.is(compareRpm('1:3.0.1-43.el9_0', '1:3.0.1-43.el9_0'), 0);
  t.is(compareRpm('1.0-1.el9', '1.0-1.el9~beta'), 1);
  t.is(compareRpm('2:1.0-1', '1:9.0-1'), 1);
});
