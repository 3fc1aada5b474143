import test from 'ava';
import { parseNginxFiles, parseNginxV, splitNginxDump, tokenizeNginx, globToRegExp } from '../../src/parsers/nginx.js';
import { buildNginxSites } from '../../src/parsers/nginx-sites.js';

test('tokenizer: comments, quotes, escapes kept for regexes, ${var}, line numbers', (t) => {
  const toks = tokenizeNginx('user www-data; # worker\nlocation ~ \\.php$ {\n  return 301 "https://$host${uri}";\n}\n');
  t.deepEqual(
    toks.map((x) => x.text),
    ['user', 'www-data', ';', 'location', '~', '\\.php$', '{', 'return', '301', 'https://$host${uri}', ';', '}'],
  );
  t.is(toks.find((x) => x.text === 'return')!.line, 3);
  t.is(tokenizeNginx("log_format main '$remote_addr \\'x\\'';")[2]!.text, "$remote_addr 'x'");
});

test('nginx -T output splits into files and splices includes in place', (t) => {
  const dump = [
    '# configuration file /etc/nginx/nginx.conf:',
    'user nginx;',
    'http {',
    '    include /etc/nginx/conf.d/*.conf;',
    '}',
    '',
    '# configuration file /etc/nginx/conf.d/a.conf:',
    'server { listen 80; server_name a.example.gov.cn; }',
    '',
    '# configuration file /etc/nginx/conf.d/b.conf:',
    'server { listen 443 ssl; server_name b.example.gov.cn; }',
    '',
  ].join('\n');
  const split = splitNginxDump(dump)!;
  t.is(split.root, '/etc/nginx/nginx.conf');
  t.deepEqual([...split.files.keys()], ['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/a.conf', '/etc/nginx/conf.d/b.conf']);
  const parsed = parseNginxFiles(split.files, split.root, '/etc/nginx');
  const http = parsed.directives.find((d) => d.name === 'http')!;
  const servers = http.block!.filter((d) => d.name === 'server');
  t.deepEqual(servers.map((s) => s.file), ['/etc/nginx/conf.d/a.conf', '/etc/nginx/conf.d/b.conf']);
  t.deepEqual(parsed.warnings, []);
  t.is(splitNginxDump('nginx: [emerg] cannot load certificate key'), null);
});

test('relative includes resolve against the prefix; a missing plain include is a warning', (t) => {
  const files = new Map([
    ['/usr/local/nginx/conf/nginx.conf', 'http { include mime.types; include conf.d/*.conf; include missing.conf; }'],
    ['/usr/local/nginx/conf/mime.types', 'types { text/html html; }'],
    ['/usr/local/nginx/conf/conf.d/x.conf', 'server { listen 8443 ssl; }'],
  ]);
  const r = parseNginxFiles(files, '/usr/local/nginx/conf/nginx.conf', '/usr/local/nginx/conf');
  t.deepEqual(r.files, ['/usr/local/nginx/conf/nginx.conf', '/usr/local/nginx/conf/mime.types', '/usr/local/nginx/conf/conf.d/x.conf']);
  t.is(r.warnings.length, 1);
  t.regex(r.warnings[0]!, /missing\.conf was not read/);
});

test('unbalanced braces are reported, not thrown', (t) => {
  const r = parseNginxFiles(new Map([['/etc/nginx/nginx.conf', 'http { server { listen 80;\n']]), '/etc/nginx/nginx.conf', '/etc/nginx');
  t.true(r.warnings.some((w) => /unexpected end of file/.test(w)));
});

test('globToRegExp matches one path level per star', (t) => {
  t.true(globToRegExp('/etc/nginx/sites-enabled/*').test('/etc/nginx/sites-enabled/default'));
  t.false(globToRegExp('/etc/nginx/conf.d/*.conf').test('/etc/nginx/conf.d/sub/x.conf'));
});

const vCases: Array<[string, string, Partial<ReturnType<typeof parseNginxV>>]> = [
  [
    'CentOS 7 EPEL',
    'nginx version: nginx/1.16.1\nbuilt by gcc 4.8.5 20150623 (Red Hat 4.8.5-39) (GCC) \nbuilt with OpenSSL 1.0.2k-fips  26 Jan 2017\nTLS SNI support enabled\nconfigure arguments: --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --user=nginx --group=nginx --with-http_ssl_module',
    { version: '1.16.1', flavour: 'nginx', openssl: '1.0.2k-fips', tongsuo: false, conf_path: '/etc/nginx/nginx.conf', user: 'nginx' },
  ],
  [
    'Tengine with the Tongsuo NTLS module',
    "Tengine version: Tengine/3.1.0\nnginx version: nginx/1.24.0\nbuilt with OpenSSL 3.0.3 15 Mar 2022\nconfigure arguments: --prefix=/usr/local/nginx --add-module=modules/ngx_tongsuo_ntls --with-openssl=../Tongsuo-8.4.0 --with-openssl-opt='--api=1.1.1 enable-ntls'",
    { version: '1.24.0', flavour: 'tengine', openssl: '3.0.3', tongsuo: true, ntls_module: true, prefix: '/usr/local/nginx' },
  ],
];
for (const [name, text, want] of vCases) {
  test(`nginx -V: ${name}`, (t) => {
    t.like(parseNginxV(text), want);
  });
}

function sites(conf: string, version: string | null = '1.24.0', openssl: string | null = '3.0.7') {
  const r = parseNginxFiles(new Map([['/etc/nginx/nginx.conf', conf]]), '/etc/nginx/nginx.conf', '/etc/nginx');
  return buildNginxSites(r.directives, { version, openssl, prefix: '/etc/nginx' });
}

test('sites: listens, redirect, TLS inheritance from http, defaults noted', (t) => {
  const m = sites(`
    user www-data;
    http {
      ssl_protocols TLSv1.2 TLSv1.3;
      access_log /var/log/nginx/access.log;
      server { listen 80; listen [::]:80; server_name www.example.gov.cn; return 301 https://$host$request_uri; }
      server {
        listen 443 ssl http2; listen 127.0.0.1:8443 ssl;
        server_name www.example.gov.cn;
        ssl_certificate ssl/www.crt;
        root /var/www/html;
        location /static/ { alias /srv/static/; access_log off; }
      }
      server { listen 8443 ssl; ssl_protocols TLSv1 TLSv1.2; ssl_ciphers DEFAULT; access_log off; }
    }`, '1.16.1', '1.0.2k');
  t.is(m.user, 'www-data');
  const [plain, tls, old] = m.sites;
  t.deepEqual(plain!.listens, [{ address: '*', port: 80, ssl: false, loopback: false }, { address: '[::]', port: 80, ssl: false, loopback: false }]);
  t.true(plain!.plain_public);
  t.true(plain!.redirects_to_https);
  t.is(plain!.tls, null);
  t.deepEqual(tls!.tls!.protocols, ['TLSv1.2', 'TLSv1.3']);
  t.is(tls!.tls!.ciphers_source, 'default'); // HIGH:!aNULL:!MD5
  t.deepEqual(tls!.tls!.weak_ciphers, []);
  t.deepEqual(tls!.tls!.certificates, ['/etc/nginx/ssl/www.crt']);
  t.true(tls!.listens[1]!.loopback);
  t.false(tls!.access_log_off, 'a location-level access_log off does not count');
  t.deepEqual(tls!.roots, ['/var/www/html', '/srv/static']);
  t.deepEqual(old!.tls!.protocols, ['TLSv1', 'TLSv1.2']);
  t.deepEqual(old!.tls!.weak_ciphers, ['3DES', 'MD5', 'RC4']);
  t.true(old!.access_log_off);
});

test('sites: nginx default protocols when ssl_protocols is absent', (t) => {
  const s = sites('http { server { listen 443 ssl; } }', '1.20.1').sites[0]!;
  t.is(s.tls!.protocols_source, 'default');
  t.deepEqual(s.tls!.protocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
});

test('sites: Tongsuo NTLS and RFC 8998 mark SM as configured', (t) => {
  const m = sites(`http {
    server { listen 443 ssl; enable_ntls on; ssl_sign_certificate s.crt; ssl_enc_certificate /x/e.crt; }
    server { listen 443 ssl; enable_ntls on; ssl_sign_certificate s.crt; }
    server { listen 443 ssl; ssl_protocols TLSv1.2 TLSv1.3; ssl_conf_command Ciphersuites TLS_SM4_GCM_SM3:TLS_AES_128_GCM_SHA256; }
    server { listen 443 ssl; ssl_protocols TLSv1.2; ssl_conf_command Ciphersuites TLS_SM4_GCM_SM3; }
  }`);
  t.deepEqual(
    m.sites.map((s) => s.tls!.sm_configured),
    [true, false, true, false],
  );
  t.is(m.sites[0]!.tls!.sign_certificate, '/etc/nginx/s.crt');
  t.deepEqual(m.sites[2]!.tls!.rfc8998_suites, ['TLS_SM4_GCM_SM3']);
});

test('sites: allow/deny inherit into locations unless redefined; blocked admin locations', (t) => {
  const s = sites(`http { server {
    listen 443 ssl; ssl_verify_client on;
    allow 10.8.0.0/16; deny all;
    location /admin/ { proxy_pass http://127.0.0.1:8080; }
    location /manage { allow 192.168.1.0/24; allow 10.8.1.0/24; deny all; }
    location ^~ /phpmyadmin { return 404; }
    location ~* ^/(wp-admin|dede) { deny all; }
    location / { location /admin2 { } }
  } }`).sites[0]!;
  const by = Object.fromEntries(s.locations.map((l) => [l.path, l]));
  t.deepEqual(by['/admin/']!.allow, ['10.8.0.0/16']);
  t.true(by['/admin/']!.deny_all);
  t.false(by['/admin/']!.blocked);
  t.true(by['/admin/']!.client_cert_required);
  t.deepEqual(by['/manage']!.allow, ['192.168.1.0/24', '10.8.1.0/24']);
  t.true(by['/phpmyadmin']!.blocked);
  t.is(by['^/(wp-admin|dede)']!.modifier, '~*');
  t.true(by['^/(wp-admin|dede)']!.blocked);
  t.truthy(by['/admin2'], 'nested locations are walked');
});

test('sites: server without listen defaults to *:80; legacy `ssl on` turns listens TLS', (t) => {
  const m = sites('http { server { server_name a; } server { listen 443; ssl on; } }');
  t.deepEqual(m.sites[0]!.listens, [{ address: '*', port: 80, ssl: false, loopback: false }]);
  t.true(m.sites[1]!.listens[0]!.ssl);
});
