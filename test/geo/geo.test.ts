import test from 'ava';
import { classifyAddress, geoipCountryProvider, geoLookup, normaliseIp, staticProvider, chainProviders } from '../../src/geo/index.js';

// Real addresses with well-known registrations (GeoLite2 data shipped in geoip-country).
const geo = geoLookup();

const cases: Array<[string, string | null, string]> = [
  ['223.5.5.5', 'CN', 'AliDNS, Hangzhou'],
  ['114.114.114.114', 'CN', '114DNS'],
  ['121.40.1.30', 'CN', 'Alibaba Cloud Hangzhou'],
  ['61.244.0.1', 'HK', 'Hong Kong'],
  ['203.198.7.66', 'HK', 'PCCW Hong Kong'],
  ['168.95.1.1', 'TW', 'HiNet DNS, Taiwan'],
  ['202.175.3.3', 'MO', 'CTM, Macao'],
  ['45.33.32.156', 'US', 'Linode Fremont'],
  ['8.8.8.8', 'US', 'Google'],
  ['2400:3200::1', 'CN', 'AliDNS IPv6'],
  ['240e::1', 'CN', 'China Telecom IPv6'],
  ['2001:da8::1', 'CN', 'CERNET IPv6'],
  ['2600:3c01::f03c:91ff:fe18:bb2f', 'US', 'Linode IPv6'],
  ['::ffff:223.5.5.5', 'CN', 'IPv4-mapped IPv6'],
  ['::FFFF:45.33.32.156', 'US', 'IPv4-mapped, upper case'],
  ['[2400:3200::1]', 'CN', 'bracketed'],
  ['10.0.0.1', null, 'private: no country'],
  ['fd00::1', null, 'ULA: no country'],
  ['127.0.0.1', null, 'loopback'],
  ['not-an-ip', null, 'garbage'],
];

for (const [ip, cc, why] of cases) {
  test(`geo ${ip} -> ${cc} (${why})`, (t) => {
    t.is(geo(ip), cc);
  });
}

test('provider id names the data package and its version', (t) => {
  t.regex(geoipCountryProvider().id, /^geoip-country@\d+\.\d+\./);
});

test('normaliseIp unwraps mapped IPv4, drops zones and compresses IPv6', (t) => {
  t.is(normaliseIp('::ffff:1.2.3.4'), '1.2.3.4');
  t.is(normaliseIp('fe80::1%eth0'), 'fe80::1');
  t.is(normaliseIp('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  t.is(normaliseIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  t.is(normaliseIp('0:0:0:0:0:0:0:0'), '::');
  t.is(normaliseIp('1.2.3.256'), null);
});

test('classifyAddress', (t) => {
  t.is(classifyAddress('172.16.8.20'), 'private');
  t.is(classifyAddress('100.64.1.1'), 'cgnat');
  t.is(classifyAddress('169.254.169.254'), 'link_local');
  t.is(classifyAddress('0.0.0.0'), 'unspecified');
  t.is(classifyAddress('::'), 'unspecified');
  t.is(classifyAddress('::1'), 'loopback');
  t.is(classifyAddress('fe80::216:3eff:fe0a:10'), 'link_local');
  t.is(classifyAddress('fd12:3456::1'), 'ula');
  t.is(classifyAddress('192.0.2.2'), 'reserved');
  t.is(classifyAddress('2001:db8::1'), 'reserved');
  t.is(classifyAddress('116.62.1.20'), 'global');
  t.is(classifyAddress('2600:3c01::1'), 'global');
});

test('a pluggable provider: static table first, package data as fallback', (t) => {
  const lookup = geoLookup(chainProviders(staticProvider({ '45.33.32.156': 'cn' }), geoipCountryProvider()));
  t.is(lookup('::ffff:45.33.32.156'), 'CN');
  t.is(lookup('61.244.0.1'), 'HK');
});
