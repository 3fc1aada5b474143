import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import type { Collector } from '../../src/collectors/types.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';
import { network } from '../../src/collectors/network.js';

const run = async (spec: Partial<FixtureSpec>, c: Collector[] = [network]) => (await collect(FixtureTransport.fromMemory({ name: 'm', files: {}, ...spec }), c)).facts;

test('network: addresses, listeners and the public flag', async (t) => {
  const f = await run({
    cmds: {
      'network-ip-addr': { stdout: '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n2: eth0    inet 121.40.1.30/24 brd 121.40.1.255 scope global eth0\\       valid_lft forever preferred_lft forever\n' },
      'network-ss': { stdout: 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\ntcp   LISTEN 0      151          *:3306          *:*    users:(("mysqld",pid=1240,fd=23))\ntcp   LISTEN 0      244  127.0.0.1:5432    0.0.0.0:*    users:(("postgres",pid=9,fd=7))\n' },
    },
  }, [network]);
  const n = f.network as { public_addresses: string[]; listeners: Array<{ port: number; public: boolean; process: string }> };
  t.deepEqual(n.public_addresses, ['121.40.1.30']);
  t.deepEqual(n.listeners.map((l) => [l.port, l.process, l.public]), [[3306, 'mysqld', true], [5432, 'postgres', false]]);
});

test('network: ss missing makes listeners an error but keeps addresses; both missing fails the family', async (t) => {
  const f = await run({ cmds: { 'network-ip-addr': { stdout: '2: eth0    inet 10.0.0.5/24 scope global eth0\n' }, 'network-ss': { stdout: '', stderr: 'sh: 1: ss: not found\n', exitCode: 127 } } }, [network]);
  t.like(f.network, { listeners: { error: { code: 'not_found' } }, public_addresses: [] });
  const g = await run({ cmds: { 'network-ip-addr': { stdout: '', exitCode: 127 }, 'network-ss': { stdout: '', exitCode: 127 } } }, [network]);
  t.like(g.network, { error: { code: 'not_found' } });
});
