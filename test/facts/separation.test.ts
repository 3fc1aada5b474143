import test from 'ava';
import { fleetSeparation } from '../../src/facts/separation.js';

const addr = (ip: string, scope: string, iface = 'eth0') => ({ ip, prefix: 24, iface, family: ip.includes(':') ? 'inet6' : 'inet', scope });

test('fleet separation: dual roles, shared public address, unknown addresses', (t) => {
  const net = (ip: string, scope = 'global') => ({ network: { addresses: [addr(ip, scope)] } });
  t.deepEqual(fleetSeparation([{ name: 'web', roles: ['frontend'], publicIps: ['116.62.1.20'], facts: net('172.16.0.5', 'private') }, { name: 'adm', roles: ['backend'], facts: net('172.16.0.5', 'private') }]), {
    dual_role_hosts: [],
    shared_addresses: [],
    unknown_hosts: [],
  });
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], publicIps: ['116.62.1.20'], facts: {} }, { name: 'adm', roles: ['backend'], facts: net('116.62.1.20') }]), {
    shared_addresses: [{ address: '116.62.1.20', frontends: ['web'], backends: ['adm'] }],
  });
  t.like(fleetSeparation([{ name: 'both', roles: ['frontend', 'backend'], facts: net('10.0.0.1', 'private') }]), { dual_role_hosts: ['both'] });
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], facts: net('1.2.3.4') }, { name: 'adm', roles: ['backend'], facts: { network: { error: { code: 'timeout', message: 't' } } } }]), { error: { code: 'not_found' } });
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], facts: {} }]), { dual_role_hosts: [], shared_addresses: [] });
});
