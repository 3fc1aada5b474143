import test from 'ava';
import { nftView, parseNftRuleset } from '../../src/parsers/nft.js';
import { iptablesView, parseIptablesS } from '../../src/parsers/iptables.js';
import { parseUfwStatus, ufwFromFiles } from '../../src/parsers/ufw.js';
import { firewalldView, parseFirewalld } from '../../src/parsers/firewalld.js';

const NFT_DROP = `table inet filter {
	set mgmt_v4 {
		type ipv4_addr
		flags interval
		elements = { 10.8.0.0/24, 10.9.0.0/24 }
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
		tcp dport { 80, 443 } accept
		ip saddr @mgmt_v4 tcp dport 22 ct state new accept
	}
}
`;

test('nft: policy drop and an ssh rule limited by a named set', (t) => {
  const v = nftView(parseNftRuleset(NFT_DROP));
  t.true(v.default_deny);
  t.deepEqual(v.ssh_rules.map((r) => r.sources), [['10.8.0.0/24', '10.9.0.0/24']]);
});

test('nft: policy accept ending in an unconditional counter drop is default deny', (t) => {
  const v = nftView(parseNftRuleset(`table ip filter {
	chain INPUT {
		type filter hook input priority filter; policy accept;
		tcp dport 22 accept
		counter packets 10 bytes 600 drop
	}
}
`));
  t.true(v.default_deny);
  t.deepEqual(v.ssh_rules.map((r) => r.sources), [null]);
});

test('nft: accept-all input chain and a nat-only ruleset are not default deny', (t) => {
  t.false(nftView(parseNftRuleset('table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tip saddr 10.0.0.0/8 tcp dport ssh accept\n\t}\n}\n')).default_deny);
  t.false(nftView(parseNftRuleset('table ip nat {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t}\n}\n')).default_deny);
  t.false(nftView(parseNftRuleset('')).default_deny);
});

test('iptables -S: policy DROP, source-limited ssh, multiport', (t) => {
  const v = iptablesView(parseIptablesS(`-P INPUT DROP
-P FORWARD DROP
-P OUTPUT ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -s 10.20.0.0/16 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
`));
  t.true(v.default_deny);
  t.deepEqual(v.ssh_rules.map((r) => r.sources), [['10.20.0.0/16']]);
});

test('iptables -S: ACCEPT policy, or an unconditional ACCEPT before the final DROP, is not default deny', (t) => {
  t.false(iptablesView(parseIptablesS('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n')).default_deny);
  t.false(iptablesView(parseIptablesS('-P INPUT DROP\n-A INPUT -j ACCEPT\n')).default_deny);
  t.true(iptablesView(parseIptablesS('-P INPUT ACCEPT\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n')).default_deny);
  const neg = iptablesView(parseIptablesS('-P INPUT DROP\n-A INPUT ! -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT\n'));
  t.deepEqual(neg.ssh_rules.map((r) => r.sources), [null]);
});

test('ufw status verbose: active, default deny, OpenSSH from anywhere', (t) => {
  const s = parseUfwStatus(`Status: active
Logging: on (low)
Default: deny (incoming), allow (outgoing), deny (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
22/tcp (OpenSSH)           ALLOW IN    Anywhere
80,443/tcp (Apache Full)   ALLOW IN    Anywhere
22/tcp                     ALLOW IN    10.8.0.0/24
80,443/tcp (Apache Full (v6)) ALLOW IN    Anywhere (v6)
`);
  t.true(s.active);
  t.true(s.view.default_deny);
  t.deepEqual(s.view.ssh_rules.map((r) => r.sources), [null, ['10.8.0.0/24']]);
});

test('ufw inactive is not default deny; config files are the non-root fallback', (t) => {
  t.false(parseUfwStatus('Status: inactive\n').view.default_deny);
  const f = ufwFromFiles('ENABLED=yes\nLOGLEVEL=low\n', 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\n', '*filter\n-A ufw-user-input -s 10.8.0.0/24 -p tcp --dport 22 -j ACCEPT\nCOMMIT\n');
  t.true(f.view.default_deny);
  t.deepEqual(f.view.ssh_rules.map((r) => r.sources), [['10.8.0.0/24']]);
  t.false(ufwFromFiles('ENABLED=no\n', 'DEFAULT_INPUT_POLICY="DROP"\n', null).view.default_deny);
});

const FIREWALLD = `state: running
default-zone: public
public (active)
  target: default
  icmp-block-inversion: no
  interfaces: eth0
  sources: 
  services: dhcpv6-client
  ports: 
  rich rules: 
	rule family="ipv4" source address="10.20.0.0/16" service name="ssh" accept
internal (active)
  target: default
  interfaces: 
  sources: 10.30.0.0/16
  services: ssh
  ports: 2222/tcp
  rich rules: 
`;

test('firewalld: running, targets default, ssh only from sources', (t) => {
  const st = parseFirewalld(FIREWALLD);
  t.true(st.running);
  t.is(st.default_zone, 'public');
  t.deepEqual(st.zones.map((z) => z.name), ['public', 'internal']);
  const v = firewalldView(st);
  t.true(v.default_deny);
  t.deepEqual(v.ssh_rules.map((r) => r.sources), [['10.20.0.0/16'], ['10.30.0.0/16']]);
});

test('firewalld: not running, or a trusted (ACCEPT) zone, is not default deny', (t) => {
  t.false(firewalldView(parseFirewalld('state: not running\n')).default_deny);
  const trusted = firewalldView(parseFirewalld('state: running\ndefault-zone: trusted\ntrusted (active)\n  target: ACCEPT\n  interfaces: eth0\n  services: \n'));
  t.false(trusted.default_deny);
  const open = firewalldView(parseFirewalld('state: running\ndefault-zone: public\npublic (active)\n  target: default\n  interfaces: eth0\n  services: ssh mysql\n'));
  t.deepEqual(open.ssh_rules.map((r) => r.sources), [null]);
});
