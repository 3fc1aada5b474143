import test from 'ava';
import { parseApacheFiles, parseApacheV, parseEnvvars, splitApacheArgs } from '../../src/parsers/apache.js';
import { buildApacheSites } from '../../src/parsers/apache-sites.js';

const A = '/etc/apache2';
const files = new Map<string, string>([
  [`${A}/envvars`, 'unset HOME\nexport APACHE_RUN_USER=www-data\nexport APACHE_RUN_GROUP=www-data\nexport APACHE_LOG_DIR=/var/log/apache2$SUFFIX\n'],
  [
    `${A}/apache2.conf`,
    [
      'User ${APACHE_RUN_USER}',
      'Group ${APACHE_RUN_GROUP}',
      'IncludeOptional mods-enabled/*.conf',
      'Include ports.conf',
      '<Directory /var/www/>',
      '\tRequire all granted',
      '</Directory>',
      'LogFormat "%h %l %u %t \\"%r\\" %>s %O" common',
      'IncludeOptional sites-enabled/*.conf',
    ].join('\n'),
  ],
  [`${A}/ports.conf`, 'Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n'],
  [`${A}/mods-enabled/ssl.conf`, '<IfModule mod_ssl.c>\n\tSSLCipherSuite HIGH:!aNULL\n\tSSLProtocol all -SSLv3\n</IfModule>\n'],
  [
    `${A}/sites-enabled/000-default.conf`,
    '<VirtualHost *:80>\n\tServerName www.example.gov.cn\n\tDocumentRoot /var/www/html\n\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n\tRedirect permanent / https://www.example.gov.cn/\n</VirtualHost>\n',
  ],
  [
    `${A}/sites-enabled/ssl.conf`,
    [
      '<IfModule mod_ssl.c>',
      '  <VirtualHost _default_:443>',
      '    ServerName www.example.gov.cn',
      '    DocumentRoot /var/www/html',
      '    SSLEngine on',
      '    SSLCertificateFile /etc/ssl/certs/www.pem',
      '    SSLCertificateKeyFile /etc/ssl/private/www.key',
      '    Alias /phpmyadmin /usr/share/phpmyadmin',
      '    <Directory /usr/share/phpmyadmin>',
      '      Require ip 10.8.0.0/16',
      '    </Directory>',
      '    <Location /server-status>',
      '      Require all denied',
      '    </Location>',
      '  </VirtualHost>',
      '</IfModule>',
    ].join('\n'),
  ],
]);

test('Apache tree: includes spliced, IfModule transparent, envvars substituted', (t) => {
  const vars = parseEnvvars(files.get(`${A}/envvars`)!);
  t.is(vars.APACHE_RUN_USER, 'www-data');
  const r = parseApacheFiles(files, `${A}/apache2.conf`, A, vars);
  t.deepEqual(r.warnings, []);
  t.true(r.files.includes(`${A}/sites-enabled/ssl.conf`));
  const m = buildApacheSites(r.nodes, { openssl: '3.0.2', serverRoot: A });
  t.is(m.user, 'www-data');
  const [plain, tls] = m.sites;
  t.true(plain!.redirects_to_https);
  t.false(plain!.access_log_off);
  t.deepEqual(tls!.listens, [{ address: '*', port: 443, ssl: true, loopback: false }]);
  t.deepEqual(tls!.tls!.protocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], 'global SSLProtocol all -SSLv3 is inherited');
  t.deepEqual(tls!.tls!.weak_ciphers, []);
  t.deepEqual(tls!.tls!.certificates, ['/etc/ssl/certs/www.pem']);
  t.true(tls!.access_log_off, 'no CustomLog in this vhost nor in the main server');
  const pma = tls!.locations.find((l) => l.path === '/phpmyadmin')!;
  t.deepEqual(pma.allow, ['10.8.0.0/16']);
  t.true(pma.deny_all);
  t.true(tls!.locations.find((l) => l.path === '/server-status')!.blocked);
});

test('Apache arg splitting and -v', (t) => {
  t.deepEqual(splitApacheArgs('"%h %l" combined \'x y\''), ['%h %l', 'combined', 'x y']);
  t.is(parseApacheV('Server version: Apache/2.4.52 (Ubuntu)\nServer built:   2024-07-17T18:57:26\n'), '2.4.52');
  t.is(parseApacheV('httpd: command not found'), null);
});

test('Apache main server without VirtualHost becomes one site from Listen', (t) => {
  const r = parseApacheFiles(new Map([['/etc/httpd/conf/httpd.conf', 'Listen 8080\nUser apache\nDocumentRoot "/var/www/html"\nCustomLog "logs/access_log" combined\n']]), '/etc/httpd/conf/httpd.conf', '/etc/httpd');
  const m = buildApacheSites(r.nodes, { openssl: null, serverRoot: '/etc/httpd' });
  t.is(m.sites.length, 1);
  t.deepEqual(m.sites[0]!.listens, [{ address: '*', port: 8080, ssl: false, loopback: false }]);
  t.deepEqual(m.sites[0]!.roots, ['/var/www/html']);
  t.is(m.user, 'apache');
});
