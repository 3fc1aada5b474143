import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import type { Collector } from '../../src/collectors/types.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';
import { os } from '../../src/collectors/os.js';

const run = async (spec: Partial<FixtureSpec>, c: Collector[] = [os]) => (await collect(FixtureTransport.fromMemory({ name: 'm', files: {}, ...spec }), c)).facts;

test('os: openEuler from /etc/os-release plus uname', async (t) => {
  const f = await run({
    files: { '/etc/os-release': 'NAME="openEuler"\nVERSION="22.03 (LTS-SP4)"\nID="openEuler"\nVERSION_ID="22.03"\nPRETTY_NAME="openEuler 22.03 (LTS-SP4)"\n' },
    cmds: { 'os-uname': { stdout: 'Linux admin-01 5.10.0-216.0.0.115.oe2203sp4.aarch64 aarch64\n' }, 'network-ip-addr': { stdout: '' }, 'network-ss': { stdout: '' } },
  }, [os]);
  t.like(f.os, { kernel: 'linux', id: 'openeuler', family: 'rhel', release_key: 'openeuler:22.03', version: '22.03 (LTS-SP4)', arch: 'aarch64', hostname: 'admin-01' });
});

test('os: /usr/lib/os-release fallback; neither file is an error', async (t) => {
  const cmds = { 'os-uname': { stdout: 'Linux h 6.1.0 x86_64\n' } };
  t.like((await run({ files: { '/usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\n' }, cmds }, [os])).os, { release_key: 'debian:12' });
  t.like((await run({ cmds }, [os])).os, { error: { code: 'not_found' } });
});

