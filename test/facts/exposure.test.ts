import test from 'ava';
import { allowedPortsFor, exposureDeriver } from '../../src/facts/exposure.js';
import { geoLookup } from '../../src/geo/index.js';
import type { DeriveEnv } from '../../src/collectors/types.js';

const addr = (ip: string, scope: string, iface = 'eth0') => ({ ip, prefix: 24, iface, family: ip.includes(':') ? 'inet6' : 'inet', scope });
const lst = (address: string, port: number, bind: string, process: string | null, proto = 'tcp') => ({ proto, address, port, process, pid: 1, bind, public: bind === 'global' || bind === 'unspecified' });
const env = (o: Partial<DeriveEnv['host']> & { variables?: Record<string, unknown> } = {}): DeriveEnv => ({
  variables: o.variables ?? {
    ALLOWED_PORTS: { default: ['22/tcp', '68/udp'], frontend: [80, '443'], backend: [] },
    DATASTORE_PORTS: { mysql: [3306], redis: [6379] },
  },
  geo: geoLookup(),
  host: { name: 'h', roles: o.roles ?? [], publicIps: o.publicIps ?? [] },
});

test('exposure: wildcards count as public only when the host has a public address', (t) => {
  const network = { addresses: [addr('172.16.0.10', 'private')], listeners: [lst('0.0.0.0', 6379, 'unspecified', 'redis-server'), lst('127.0.0.1', 3306, 'loopback', 'mysqld'), lst('0.0.0.0', 80, 'unspecified', 'nginx')] };
  const priv = exposureDeriver.derive({ network }, env({ roles: ['frontend'] })) as { public_listeners: unknown[]; has_public_address: boolean };
  t.false(priv.has_public_address);
  t.deepEqual(priv.public_listeners, []);
  const nat = exposureDeriver.derive({ network }, env({ roles: ['frontend'], publicIps: ['116.62.1.20'] })) as { public_listeners: Array<{ port: number; allowed: boolean; datastore: string | null; label: string }> };
  t.deepEqual(nat.public_listeners.map((l) => [l.port, l.allowed, l.datastore, l.label]), [
    [6379, false, 'redis', 'tcp 0.0.0.0:6379 (redis-server)'],
    [80, true, null, 'tcp 0.0.0.0:80 (nginx)'],
  ]);
});

test('exposure: 0.0.0.0 and :: of one service are one public listener; datastore by process name', (t) => {
  const network = { addresses: [addr('121.40.1.30', 'global')], listeners: [lst('0.0.0.0', 22, 'unspecified', 'sshd'), lst('::', 22, 'unspecified', 'sshd'), lst('121.40.1.30', 13306, 'global', 'mysqld')] };
  const e = exposureDeriver.derive({ network }, env({ roles: ['backend'] })) as { public_listeners: Array<{ port: number; allowed: boolean; datastore: string | null }>; interface_public_addresses: string[] };
  t.deepEqual(e.interface_public_addresses, ['121.40.1.30']);
  t.deepEqual(e.public_listeners.map((l) => [l.port, l.allowed, l.datastore]), [[22, true, null], [13306, false, 'mysql']]);
});

test('allowedPortsFor: union of default and roles, normalised', (t) => {
  t.deepEqual(allowedPortsFor(['frontend'], { default: ['22/tcp'], frontend: [443, '80'], backend: ['8443'] }), ['22/tcp', '443/tcp', '80/tcp']);
  t.deepEqual(allowedPortsFor([], undefined), []);
});

