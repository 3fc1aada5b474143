import test from 'ava';
import { cidrWithin, matchesAdminPath, webAdminDeriver, type WebAdminFacts } from '../../src/facts/web-admin.js';
import type { WebLocation, WebSite } from '../../src/parsers/tls.js';

const cidr: Array<[string, string, boolean]> = [
  ['10.8.1.0/24', '10.8.0.0/16', true],
  ['10.8.0.5', '10.8.0.0/16', true],
  ['10.9.0.0/16', '10.8.0.0/16', false],
  ['10.0.0.0/8', '10.8.0.0/16', false], // wider than the VPN range
  ['all', '10.8.0.0/16', false],
  ['2001:db8:1::/48', '2001:db8::/32', true],
  ['2001:db9::1', '2001:db8::/32', false],
  ['10.8.0.1', '2001:db8::/32', false],
];
for (const [inner, outer, want] of cidr) test(`cidrWithin(${inner}, ${outer}) = ${want}`, (t) => t.is(cidrWithin(inner, outer), want));

const ADMIN = ['/admin', '/phpmyadmin', '/wp-admin', '/dede'];
const loc = (path: string, modifier = '', alias: string | null = null): Pick<WebLocation, 'path' | 'modifier' | 'alias'> => ({ path, modifier, alias });
const paths: Array<[ReturnType<typeof loc>, string | null]> = [
  [loc('/admin'), '/admin'],
  [loc('/Admin/'), '/admin'],
  [loc('/admin/users'), '/admin'],
  [loc('/administrator'), null], // not /admin/…
  [loc('/'), null],
  [loc('/pma', '', '/usr/share/phpMyAdmin/'), '/phpmyadmin'],
  [loc('^/(wp-admin|dede)', '~*'), '/wp-admin'],
  [loc('\\.php$', '~'), null],
  [loc('/phpMyAdmin', 'Alias', '/usr/share/phpmyadmin'), '/phpmyadmin'],
];
for (const [l, want] of paths) test(`admin path match ${l.modifier} ${l.path} -> ${want}`, (t) => t.is(matchesAdminPath(l, ADMIN), want));

function site(over: Partial<WebSite>): WebSite {
  return {
    server: 'nginx', server_names: ['www.example.gov.cn'], listens: [{ address: '*', port: 443, ssl: true, loopback: false }], tls: null,
    plain_public: false, redirects_to_https: false, refuses_plain: false, access_log_off: false, client_cert_required: false,
    allow: [], deny_all: false, locations: [], roots: [], file: '/etc/nginx/conf.d/x.conf', line: 1, ...over,
  };
}
function location(path: string, over: Partial<WebLocation> = {}): WebLocation {
  return { path, modifier: '', alias: null, allow: [], deny_all: false, blocked: false, client_cert_required: false, file: '/etc/nginx/conf.d/x.conf', line: 9, ...over };
}
const env = (roles: string[], variables: Record<string, unknown> = {}) => ({
  variables: { ADMIN_PATHS: ADMIN, ADMIN_PORTS: [8080, 8888], VPN_CIDRS: ['10.8.0.0/16'], ...variables },
  geo: () => null,
  host: { name: 'h', roles, publicIps: [] },
});

test('front end: open admin locations and public admin ports are exposures; blocked and loopback ones are not', (t) => {
  const sites = [
    site({ locations: [location('/admin'), location('/phpmyadmin', { blocked: true }), location('/')] }),
    site({ listens: [{ address: '*', port: 8888, ssl: false, loopback: false }] }),
    site({ listens: [{ address: '127.0.0.1', port: 8080, ssl: false, loopback: true }], locations: [location('/admin')] }),
  ];
  const f = webAdminDeriver.derive({ web: { installed: true, sites } }, env(['frontend'])) as WebAdminFacts;
  t.deepEqual(f.exposures.map((e) => `${e.kind}:${e.value}`), ['location:/admin', 'port:*:8888']);
  t.deepEqual(f.admin_endpoints.map((e) => `${e.path}:${e.protected}`), ['/admin:false', '/:false', '/:true', '/admin:true']);
});

test('back end: every serving site is an admin endpoint; redirect-only listeners are not', (t) => {
  const sites = [
    site({ tls: null, listens: [{ address: '*', port: 80, ssl: false, loopback: false }], plain_public: true, redirects_to_https: true }),
    site({ client_cert_required: true, locations: [location('/admin/', { client_cert_required: true, allow: ['10.10.0.0/16'], deny_all: true })] }),
    site({ listens: [{ address: '*', port: 8080, ssl: false, loopback: false }], allow: ['10.8.2.0/24'], deny_all: true }),
    site({ listens: [{ address: '*', port: 9000, ssl: false, loopback: false }], allow: ['192.168.0.0/16'], deny_all: true }),
  ];
  const f = webAdminDeriver.derive({ web: { installed: true, sites } }, env(['backend'])) as WebAdminFacts;
  t.deepEqual(
    f.admin_endpoints.map((e) => [e.site, e.path, e.reason, e.client_cert_required, e.vpn_restricted, e.protected]),
    [
      ['www.example.gov.cn:443', '/', 'backend_site', true, false, true],
      ['www.example.gov.cn:443', '/admin/', 'admin_path', true, false, true],
      ['www.example.gov.cn:8080', '/', 'backend_site', false, true, true],
      ['www.example.gov.cn:9000', '/', 'backend_site', false, false, false], // allow-list outside VPN_CIDRS
    ],
  );
});

test('VPN restriction needs VPN_CIDRS configured', (t) => {
  const sites = [site({ locations: [location('/admin', { allow: ['10.8.0.0/24'], deny_all: true })] })];
  const none = webAdminDeriver.derive({ web: { installed: true, sites } }, env(['frontend'], { VPN_CIDRS: [] })) as WebAdminFacts;
  t.false(none.admin_endpoints[0]!.protected);
});

test('a web collection error propagates', (t) => {
  const err = { error: { code: 'permission_denied', message: 'x' } };
  t.deepEqual(webAdminDeriver.derive({ web: err }, env(['frontend'])), err);
});
