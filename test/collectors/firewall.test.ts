import test from 'ava';
import { collect } from '../../src/collectors/run.js';
import { firewall } from '../../src/collectors/firewall.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';

const absent = { stdout: '', stderr: 'sh: 1: x: not found\n', exitCode: 127 };
const run = async (cmds: FixtureSpec['cmds'], files: Record<string, string> = {}, denied: string[] = []) =>
  (await collect(FixtureTransport.fromMemory({ name: 'm', files, denied, cmds: { 'firewall-nft': absent, 'firewall-iptables': absent, 'firewall-firewalld': absent, 'firewall-ufw': absent, ...cmds } }), [firewall])).facts.firewall;

test('nftables default deny with ssh from the management set', async (t) => {
  const f = await run({ 'firewall-nft': { stdout: 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tip saddr 10.8.0.0/24 tcp dport 22 accept\n\t}\n}\n' } });
  t.like(f, { default_deny_inbound: true, deny_by: ['nftables'], ssh_source_restricted: true, ssh_sources: ['10.8.0.0/24'] });
});

test('non-root: nft refused and nothing else conclusive -> permission_denied with the real message', async (t) => {
  const f = await run({ 'firewall-nft': { stdout: '', stderr: 'netlink: Error: cache initialization failed: Operation not permitted\n', exitCode: 1 } });
  t.like(f, { error: { code: 'permission_denied' } });
  t.regex((f as { error: { message: string } }).error.message, /Operation not permitted/);
});

test('non-root: a refused nft does not matter when firewalld already shows default deny', async (t) => {
  const f = await run({
    'firewall-nft': { stdout: '', stderr: 'netlink: Error: cache initialization failed: Operation not permitted\n', exitCode: 1 },
    'firewall-firewalld': { stdout: 'state: running\ndefault-zone: public\npublic (active)\n  target: default\n  interfaces: eth0\n  services: ssh\n' },
  });
  t.like(f, { default_deny_inbound: true, deny_by: ['firewalld'], ssh_source_restricted: false, backends: { nftables: { installed: true, readable: false } } });
});

test('no firewall: firewalld stopped and iptables all ACCEPT', async (t) => {
  const f = await run({ 'firewall-iptables': { stdout: '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n' }, 'firewall-firewalld': { stdout: 'state: not running\n' } });
  t.like(f, { default_deny_inbound: false, deny_by: [], ssh_source_restricted: false, backends: { firewalld: { installed: true, active: false } } });
});

test('ufw without root falls back to its configuration files', async (t) => {
  const f = await run(
    { 'firewall-ufw': { stdout: '', stderr: 'ERROR: You need to be root to run this script\n', exitCode: 1 } },
    { '/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/default/ufw': 'DEFAULT_INPUT_POLICY="DROP"\n', '/etc/ufw/user.rules': '' },
    ['/etc/ufw/user.rules'],
  );
  t.like(f, { default_deny_inbound: true, deny_by: ['ufw'], ssh_source_restricted: false });
});
