import test from 'ava';
import { geoDeriver } from '../../src/facts/geo.js';
import { geoLookup } from '../../src/geo/index.js';
import type { DeriveEnv } from '../../src/collectors/types.js';

const addr = (ip: string, scope: string, iface = 'eth0') => ({ ip, prefix: 24, iface, family: ip.includes(':') ? 'inet6' : 'inet', scope });
const env = (o: Partial<DeriveEnv['host']> & { variables?: Record<string, unknown> } = {}): DeriveEnv => ({
  variables: o.variables ?? {
    ALLOWED_PORTS: { default: ['22/tcp', '68/udp'], frontend: [80, '443'], backend: [] },
    DATASTORE_PORTS: { mysql: [3306], redis: [6379] },
  },
  geo: geoLookup(),
  host: { name: 'h', roles: o.roles ?? [], publicIps: o.publicIps ?? [] },
});

test('geo: NIC addresses and the declared NAT address, private ones skipped', (t) => {
  const facts = { network: { addresses: [addr('127.0.0.1', 'loopback', 'lo'), addr('172.16.0.10', 'private'), addr('2600:3c01::f03c:91ff:fe18:bb2f', 'global')] } };
  const g = geoDeriver.derive(facts, env({ publicIps: ['::ffff:223.5.5.10', '10.1.1.1'] }));
  t.deepEqual(g, {
    addresses: [
      { ip: '2600:3c01::f03c:91ff:fe18:bb2f', source: 'interface', iface: 'eth0', country: 'US' },
      { ip: '223.5.5.10', source: 'declared', iface: null, country: 'CN' },
    ],
    public_address_count: 2,
  });
});

test('geo: a network error propagates', (t) => {
  t.like(geoDeriver.derive({ network: { error: { code: 'timeout', message: 'x' } } }, env()), { error: { code: 'timeout' } });
  t.like(geoDeriver.derive({ network: { addresses: { error: { code: 'not_found', message: 'ip' } }, listeners: [] } }, env()), { error: { code: 'not_found' } });
});

