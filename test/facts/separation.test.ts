import test from 'ava';
import { fleetSeparation } from '../../src/facts/separation.js';

const addr = (ip: string, scope: string, iface = 'eth0') => ({ ip, prefix: 24, iface, family: ip.includes(':') ? 'inet6' : 'inet', scope });
const id = (machine_id: string | null, product_uuid: string | null = null) => ({ identity: { machine_id, product_uuid } });

test('fleet separation: dual roles, shared public address, unknown addresses', (t) => {
  const net = (ip: string, scope = 'global') => ({ network: { addresses: [addr(ip, scope)] } });
  t.deepEqual(
    fleetSeparation([
      { name: 'web', roles: ['frontend'], public_ips: ['116.62.1.20'], facts: { ...net('172.16.0.5', 'private'), ...id('a1') } },
      { name: 'adm', roles: ['backend'], facts: { ...net('172.16.0.5', 'private'), ...id('b2') } },
    ]),
    { frontends: ['web'], backends: ['adm'], dual_role_hosts: [], same_machines: [], shared_addresses: [], unknown_hosts: [], unidentified_hosts: [] },
  );
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], public_ips: ['116.62.1.20'], facts: {} }, { name: 'adm', roles: ['backend'], facts: net('116.62.1.20') }]), {
    shared_addresses: [{ address: '116.62.1.20', frontends: ['web'], backends: ['adm'] }],
  });
  t.like(fleetSeparation([{ name: 'both', roles: ['frontend', 'backend'], facts: net('10.0.0.1', 'private') }]), { dual_role_hosts: ['both'] });
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], facts: { ...net('1.2.3.4'), ...id('a1') } }, { name: 'adm', roles: ['backend'], facts: { network: { error: { code: 'timeout', message: 't' } }, ...id('b2') } }]), {
    error: { code: 'not_found', message: 'network addresses unknown for adm' },
  });
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], facts: {} }]), { frontends: ['web'], backends: [], dual_role_hosts: [], shared_addresses: [] });
  t.like(fleetSeparation([{ name: 'web', roles: [], facts: {} }]), { frontends: null, backends: null });
});

test('fleet separation: one machine by machine-id, SSH host key or product_uuid, with what matched', (t) => {
  const priv = { network: { addresses: [addr('10.0.0.5', 'private')] } };
  const s = fleetSeparation([
    { name: 'www', roles: ['frontend'], host_key: 'SHA256:k1', facts: { ...priv, ...id('m1', 'u1') } },
    { name: 'cms', roles: ['backend'], host_key: 'SHA256:k1', facts: { ...priv, ...id('m1', 'u9') } },
    { name: 'api', roles: ['frontend'], host_key: 'SHA256:k3', facts: { ...priv, ...id('m3', 'u3') } },
    { name: 'db', roles: ['backend'], host_key: 'SHA256:k4', facts: { ...priv, ...id('m4', 'u3') } },
    { name: 'lone', roles: ['backend'], host_key: 'SHA256:k5', facts: { ...priv, ...id('m5') } },
  ]);
  t.like(s, {
    same_machines: [
      { hosts: ['api', 'db'], frontends: ['api'], backends: ['db'], matched: [{ identifier: 'product_uuid', value: 'u3', hosts: ['api', 'db'] }] },
      {
        hosts: ['cms', 'www'],
        matched: [
          { identifier: 'machine_id', value: 'm1', hosts: ['cms', 'www'] },
          { identifier: 'ssh_host_key', value: 'SHA256:k1', hosts: ['cms', 'www'] },
        ],
      },
    ],
  });
  // two front ends on one machine do not break 40(五)
  t.like(fleetSeparation([{ name: 'a', roles: ['frontend'], facts: { ...priv, ...id('m1') } }, { name: 'b', roles: ['frontend'], facts: { ...priv, ...id('m1') } }]), { same_machines: [] });
  // a role host with no identifier could be any other machine: error, naming it
  t.like(fleetSeparation([{ name: 'web', roles: ['frontend'], facts: { ...priv, ...id('m1') } }, { name: 'adm', roles: ['backend'], facts: { ...priv, ...id(null) } }]), {
    error: { message: 'no machine identifier (machine-id, SSH host key, product_uuid) readable for adm' },
  });
});
