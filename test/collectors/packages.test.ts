import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { packages } from '../../src/collectors/packages.js';
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
