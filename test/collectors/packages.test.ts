import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { DEB, dpkgStatusQuery, packages } from '../../src/collectors/packages.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';

const run = async (cmds: FixtureSpec['cmds']) => (await collect(FixtureTransport.fromMemory({ name: 'm', files: {}, cmds }), [packages])).facts.packages;

test('CentOS 7: upstream versions from the binaries, package versions from rpm', async (t) => {
  const f = await run({
    'packages-openssl': { stdout: 'OpenSSL 1.0.2k-fips  26 Jan 2017\n' },
    'packages-ssh': { stdout: 'OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017\n' },
    'packages-query': { stdout: '#rpm\nopenssl\t1:1.0.2k-19.el7\nopenssl-libs\t1:1.0.2k-19.el7\nopenssh\t(none):7.4p1-21.el7\nopenssh-server\t(none):7.4p1-21.el7\npackage openssh-clients is not installed\n' },
  });
  t.like(f, {
    manager: 'rpm',
    openssl: { installed: true, flavor: 'openssl', version: '1.0.2k', package: 'openssl-libs', package_version: '1:1.0.2k-19.el7' },
    openssh: { installed: true, version: '7.4p1', package: 'openssh-server', package_version: '7.4p1-21.el7', linked_openssl: 'OpenSSL 1.0.2k-fips  26 Jan 2017' },
  });
});

test('no openssl CLI: the library package still gives the version', async (t) => {
  const f = await run({
    'packages-openssl': { stdout: '', stderr: 'sh: 1: openssl: not found\n', exitCode: 127 },
    'packages-ssh': { stdout: '', exitCode: 127 },
    'packages-query': { stdout: '#dpkg\nlibssl3\t3.0.17-1~deb12u2\tii \n' },
  });
  t.like(f, { manager: 'dpkg', openssl: { installed: true, version: '3.0.17', raw: null, package: 'libssl3' }, openssh: { installed: false, version: null } });
});

test('the dpkg status reader prints what dpkg-query -W prints, on this machine and on odd states (dpkg-query --admindir)', (t) => {
  const fmt = '${Package}\t${Version}\t${db:Status-Abbrev}\n';
  const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
  const query = (admindir?: string) => {
    try {
      return execFileSync('dpkg-query', [...(admindir ? ['--admindir', admindir] : []), '-W', '-f', fmt, ...DEB], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      return (e as { stdout: string }).stdout; // exit 1 when some names are unknown: the rest is printed
    }
  };
  const awk = (status: string) => execFileSync('sh', ['-c', dpkgStatusQuery(`'${status}'`)], { encoding: 'utf8' });
  t.deepEqual(sorted(awk('/var/lib/dpkg/status')), sorted(query()));
  t.true(sorted(query()).some((l) => l.startsWith('openssh-server\t')), 'this machine has openssh-server (CI installs it)');

  const dir = mkdtempSync(join(tmpdir(), 'gwsec-dpkg-'));
  const entry = (pkg: string, status: string, version: string, arch = 'amd64') =>
    `Package: ${pkg}\nStatus: ${status}\nPriority: optional\nArchitecture: ${arch}\nVersion: ${version}\nDescription: test\n Package: not-a-field ${pkg}\n`;
  writeFileSync(join(dir, 'status'), [
    entry('openssl', 'install ok installed', '3.0.17-1~deb12u2'),
    entry('libssl3', 'install ok installed', '3.0.17-1~deb12u2', 'i386'),
    entry('libssl1.1', 'deinstall ok config-files', '1.1.1w-0+deb11u1'),
    entry('openssh-server', 'hold ok installed', '1:9.2p1-2+deb12u3'),
    entry('openssh-client', 'install reinstreq half-installed', '1:9.2p1-2+deb12u3'),
    entry('zlib1g', 'install ok installed', '1:1.2.13'),
  ].join('\n'));
  writeFileSync(join(dir, 'available'), '');
  mkdirSync(join(dir, 'info'));
  mkdirSync(join(dir, 'updates'));
  const theirs = sorted(query(dir));
  t.is(theirs.length, 5);
  t.deepEqual(sorted(awk(join(dir, 'status'))), theirs);
});
