import test from 'ava';
import { parseIpAddr } from '../../src/parsers/ip-addr.js';
import { parseSs } from '../../src/parsers/ss.js';

test('ip -o addr: scopes by address, not by the kernel word', (t) => {
  const a = parseIpAddr(`1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
2: eth0    inet 172.16.0.10/20 metric 100 brd 172.16.15.255 scope global dynamic eth0\\       valid_lft 86000sec preferred_lft 86000sec
2: eth0    inet6 2600:3c01::f03c:91ff:fe18:bb2f/64 scope global dynamic mngtmpaddr noprefixroute \\       valid_lft 5002sec preferred_lft 1402sec
2: eth0    inet6 fe80::f03c:91ff:fe18:bb2f/64 scope link \\       valid_lft forever preferred_lft forever
5: eth0.100@eth0    inet 45.33.32.156/24 brd 45.33.32.255 scope global eth0.100\\       valid_lft forever preferred_lft forever
`);
  t.deepEqual(
    a.map((x) => [x.iface, x.ip, x.prefix, x.family, x.scope]),
    [
      ['lo', '127.0.0.1', 8, 'inet', 'loopback'],
      ['lo', '::1', 128, 'inet6', 'loopback'],
      ['eth0', '172.16.0.10', 20, 'inet', 'private'],
      ['eth0', '2600:3c01::f03c:91ff:fe18:bb2f', 64, 'inet6', 'global'],
      ['eth0', 'fe80::f03c:91ff:fe18:bb2f', 64, 'inet6', 'link_local'],
      ['eth0.100', '45.33.32.156', 24, 'inet', 'global'],
    ],
  );
});

test('ss -ltunp, modern iproute2 with header and processes', (t) => {
  const l = parseSs(`Netid State  Recv-Q Send-Q  Local Address:Port  Peer Address:PortProcess
udp   UNCONN 0      0       127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=598,fd=13))
tcp   LISTEN 0      511                 *:443              *:*    users:(("apache2",pid=1033,fd=6),("apache2",pid=1032,fd=6))
tcp   LISTEN 0      128              [::]:22            [::]:*    users:(("sshd",pid=812,fd=4))
tcp   LISTEN 0      151     [::ffff:127.0.0.1]:3306     *:*    users:(("mysqld",pid=1240,fd=23))
udp   UNCONN 0      0      [fe80::1%eth0]:546          [::]:*
`);
  t.deepEqual(
    l.map((x) => [x.proto, x.address, x.port, x.process, x.pid, x.bind]),
    [
      ['udp', '127.0.0.53', 53, 'systemd-resolve', 598, 'loopback'],
      ['tcp', '*', 443, 'apache2', 1033, 'unspecified'],
      ['tcp', '::', 22, 'sshd', 812, 'unspecified'],
      ['tcp', '127.0.0.1', 3306, 'mysqld', 1240, 'loopback'],
      ['udp', 'fe80::1', 546, null, null, 'link_local'],
    ],
  );
});

test('ss on CentOS 7 (iproute 4.11): "*" wildcard, no Netid with -t only', (t) => {
  const l = parseSs(`State      Recv-Q Send-Q Local Address:Port               Peer Address:Port
LISTEN     0      128          *:22                       *:*                   users:(("sshd",pid=1093,fd=3))
LISTEN     0      100    127.0.0.1:25                       *:*
LISTEN     0      128       [::]:22                    [::]:*
LISTEN     0      128    121.40.1.30:6379                    *:*
`);
  t.deepEqual(
    l.map((x) => [x.proto, x.address, x.port, x.bind]),
    [
      ['tcp', '*', 22, 'unspecified'],
      ['tcp', '127.0.0.1', 25, 'loopback'],
      ['tcp', '::', 22, 'unspecified'],
      ['tcp', '121.40.1.30', 6379, 'global'],
    ],
  );
});

test('ss: garbage and other socket kinds are skipped, never thrown on', (t) => {
  t.deepEqual(parseSs('\u0000\u0001garbage\nu_str LISTEN 0 4096 /run/x.sock 123 * 0\nraw UNCONN 0 0 *:ipv6-icmp *:*\n'), []);
});
