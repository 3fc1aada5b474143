import test from 'ava';
import { parseInventory, selectHosts } from '../../src/inventory/load.js';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';

const INV = `site: { name: 示例政府网站, domains: [www.example.gov.cn] }
operator: { unit: 某市政务服务数据管理局, class: state_organ }
defaults: { user: audit, port: 22, sudo: password, vars: { PASS_MAX_DAYS: 90 } }
roles:
  frontend: { vars: { CERT_MIN_DAYS: 45 } }
  backend: {}
attestations: { dengbao: { level: 3, last_assessment: "2026-03-18" } }
hosts:
  - { name: web-01, address: 10.0.0.11, roles: [frontend], tags: [web, dmz], public_ip: 223.5.5.10 }
  - { name: web-02, address: 10.0.0.12, roles: [frontend], tags: [web], vars: { CERT_MIN_DAYS: 60 } }
  - { name: admin-01, address: 10.0.1.5, port: 2222, user: ops, roles: [backend], tags: [mgmt], sudo: nopasswd, proxy_jump: web-01 }
`;

test('defaults, role and host variables merge (host wins); attestations inherit', (t) => {
  const inv = parseInventory('inv.yaml', INV);
  const [w1, w2, a1] = inv.hosts;
  t.like(w1, { address: '10.0.0.11', port: 22, user: 'audit', sudo: 'password', publicIps: ['223.5.5.10'] });
  t.deepEqual(w1!.vars, { PASS_MAX_DAYS: 90, CERT_MIN_DAYS: 45 });
  t.deepEqual(w2!.vars, { PASS_MAX_DAYS: 90, CERT_MIN_DAYS: 60 });
  t.like(a1, { port: 2222, user: 'ops', sudo: 'nopasswd', proxyJump: 'web-01' });
  t.deepEqual(a1!.attestations, { dengbao: { level: 3, last_assessment: '2026-03-18' } });
  t.is(inv.operator.class, 'state_organ');
});

test('--hosts globs, --tags and --shard select hosts', (t) => {
  const hosts = parseInventory('inv.yaml', INV).hosts;
  t.deepEqual(selectHosts(hosts, { hosts: ['web-*'] }).map((h) => h.name), ['web-01', 'web-02']);
  t.deepEqual(selectHosts(hosts, { tags: ['mgmt', 'dmz'] }).map((h) => h.name), ['web-01', 'admin-01']);
  const shards = [1, 2].map((i) => selectHosts(hosts, { shard: `${i}/2` }).map((h) => h.name));
  t.deepEqual(shards.flat().sort(), hosts.map((h) => h.name).sort());
  t.is(new Set(shards.flat()).size, 3);
  t.throws(() => selectHosts(hosts, { shard: '3/2' }), { message: /--shard takes i\/n/ });
});

function problems(text: string): string[] {
  try {
    parseInventory('inv.yaml', text);
  } catch (e) {
    if (e instanceof GwsecErrorList) return e.errors.map((x) => x.format());
    if (e instanceof GwsecError) return [e.format()];
    throw e;
  }
  return [];
}

test('bad inventories are refused with file:line', (t) => {
  t.regex(problems(INV.replace('class: state_organ', 'class: ministry'))[0]!, /inv\.yaml:2:\d+: operator\.class: Invalid option/);
  t.regex(problems(INV.replace('name: web-02', 'name: web-01')).join('\n'), /inv\.yaml:10:\d+: duplicate host name 'web-01'/);
  t.regex(problems(INV.replace('port: 2222', 'port: 70000')).join('\n'), /inv\.yaml:11:\d+: hosts\.2\.port/);
  t.regex(problems(INV + '  - { name: x, adress: 1.2.3.4 }\n').join('\n'), /inv\.yaml:12:\d+: .*adress/i);
  t.regex(problems('site: [\n')[0]!, /inv\.yaml:\d+:\d+: YAML syntax/);
});
