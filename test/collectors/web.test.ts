import test from 'ava';
import { SNIPPET_PRELUDE } from '../../src/collectors/script.js';

/** A snippet runs inside the collection script: with its scratch dir and helpers. */
const withPrelude = (script: string) => `T=$(mktemp -d)\n${SNIPPET_PRELUDE}\n${script}`;
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/collectors/run.js';
import { web, type WebFacts } from '../../src/collectors/web.js';
import { FixtureTransport, type FixtureSpec } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';

const CERT = readFileSync(join(packageRoot(), 'test/fixtures/hosts/centos7-web-neglected/files/etc/nginx/ssl/town.crt'), 'utf8');
const NGINX_V = 'nginx version: nginx/1.20.1\nbuilt with OpenSSL 3.0.7 1 Nov 2022\nconfigure arguments: --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --user=nginx\n';
const CONF = 'user nginx;\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n';
const SITE = [
  'server { listen 80; server_name www.example.gov.cn; return 301 https://$host$request_uri; }',
  'server {',
  '    listen 443 ssl; server_name www.example.gov.cn;',
  '    ssl_certificate /etc/nginx/ssl/www.crt; ssl_certificate_key /etc/nginx/ssl/www.key;',
  '    ssl_protocols TLSv1.2;',
  '    root /var/www/html;',
  '}',
].join('\n');
const WEBROOT = '# user nginx\nuid=991(nginx) gid=991(nginx) groups=991(nginx)\n# root /var/www/html\n775 root nginx /var/www/html\n644 root root /var/www/html/index.html\n';

function host(over: Partial<FixtureSpec> & { cmds?: FixtureSpec['cmds'] } = {}): FixtureTransport {
  return FixtureTransport.fromMemory({
    name: 'web-test',
    files: { '/etc/nginx/nginx.conf': CONF, '/etc/nginx/conf.d/www.conf': SITE, ...(over.files ?? {}) },
    cmds: {
      'web-nginx-V': { stdout: NGINX_V },
      'web-nginx-T': { stdout: `# configuration file /etc/nginx/nginx.conf:\n${CONF}\n# configuration file /etc/nginx/conf.d/www.conf:\n${SITE}\n` },
      'web-apache-v': { stdout: '', exitCode: 127 },
      'web-certs': { stdout: `==> /etc/nginx/ssl/www.crt <==\n${CERT}` },
      'web-webroot': { stdout: WEBROOT },
      'web-clock': { stdout: '2026-11-25T04:10:00Z\n' },
      ...(over.cmds ?? {}),
    },
    denied: over.denied ?? [],
  });
}

async function webFacts(tr: FixtureTransport): Promise<WebFacts & { error?: { code: string } }> {
  const r = await collect(tr, [web]);
  assertAllRecorded(tr);
  return r.facts.web as WebFacts & { error?: { code: string } };
}
function assertAllRecorded(tr: FixtureTransport): void {
  if (tr.unrecorded().length) throw new Error(`unrecorded: ${tr.unrecorded().join(', ')}`);
}

test('nginx -T path: sites, certificate summary with days left, web root writable through the group', async (t) => {
  const w = await webFacts(host());
  t.true(w.installed);
  t.deepEqual(w.servers_installed, ['nginx']);
  t.is(w.nginx!.config_source, 'nginx -T');
  t.is(w.sites.length, 2);
  t.is(w.tls_site_count, 1);
  t.deepEqual(w.sites[1]!.tls!.protocols, ['TLSv1.2']);
  t.like(w.certificates[0], { path: '/etc/nginx/ssl/www.crt', key_type: 'RSA', key_bits: 1024, sig_alg: 'sha1WithRSAEncryption', days_left: 19 });
  t.deepEqual(w.worker.users, ['nginx']);
  t.like(w.webroots[0], { path: '/var/www/html', writable_by_worker: true, writable_entries: ['/var/www/html'] });
  t.is(w.sm_probe.status, 'not_run');
  t.is(w.sm_probe.confirmed, null);
});

test('nginx -T refused without root: falls back to the files and records why', async (t) => {
  const err = 'nginx: [emerg] cannot load certificate key "/etc/nginx/ssl/www.key": BIO_new_file() failed (SSL: error:8000000D:system library::Permission denied)\nnginx: configuration file /etc/nginx/nginx.conf test failed\n';
  const w = await webFacts(host({ cmds: { 'web-nginx-T': { stdout: '', stderr: err, exitCode: 1 } } }));
  t.is(w.nginx!.config_source, 'files');
  t.regex(w.nginx!.effective_error!, /Permission denied/);
  t.is(w.sites.length, 2);
  t.true(w.sites[0]!.redirects_to_https);
});

test('configuration unreadable and nginx -T refused: the whole family is an error', async (t) => {
  const w = await webFacts(host({ cmds: { 'web-nginx-T': { stdout: '', stderr: 'nginx: [alert] could not open error log file', exitCode: 1 } }, denied: ['/etc/nginx/nginx.conf'] }));
  t.is(w.error?.code, 'permission_denied');
});

test('no web server installed', async (t) => {
  const w = await webFacts(host({ files: {}, cmds: { 'web-nginx-V': { stdout: '', exitCode: 127 }, 'web-nginx-T': { stdout: '', exitCode: 127 }, 'web-certs': { stdout: '' }, 'web-webroot': { stdout: '' } } }));
  t.false(w.installed);
  t.deepEqual(w.sites, []);
  t.is(w.tls_site_count, 0);
});

test('Apache on Debian layout: envvars resolve the worker user', async (t) => {
  const tr = FixtureTransport.fromMemory({
    name: 'apache-test',
    files: {
      '/etc/apache2/apache2.conf': 'User ${APACHE_RUN_USER}\nIncludeOptional sites-enabled/*.conf\n',
      '/etc/apache2/envvars': 'export APACHE_RUN_USER=www-data\n',
      '/etc/apache2/sites-enabled/a.conf': '<VirtualHost *:80>\n  DocumentRoot /var/www/html\n</VirtualHost>\n',
    },
    cmds: {
      'web-nginx-V': { stdout: '', exitCode: 127 },
      'web-nginx-T': { stdout: '', exitCode: 127 },
      'web-apache-v': { stdout: 'Server version: Apache/2.4.57 (Debian)\nOpenSSL 3.0.11 19 Sep 2023 (Library: OpenSSL 3.0.11 19 Sep 2023)\n' },
      'web-certs': { stdout: '' },
      'web-webroot': { stdout: '# user www-data\nuid=33(www-data) gid=33(www-data) groups=33(www-data)\n# root /var/www/html\n755 root root /var/www/html\n' },
      'web-clock': { stdout: '2026-11-25T04:10:00Z\n' },
    },
  });
  const w = await webFacts(tr);
  t.deepEqual(w.servers_installed, ['apache']);
  t.is(w.apache!.version, '2.4.57');
  t.is(w.apache!.openssl, '3.0.11');
  t.deepEqual(w.worker.users, ['www-data']);
  t.true(w.sites[0]!.access_log_off);
  t.like(w.webroots[0], { writable_by_worker: false });
});

test('requests never name a private key; the certs snippet prints only CERTIFICATE blocks', (t) => {
  for (const r of web.requests) t.notRegex(JSON.stringify(r), /certificate_key|CertificateKeyFile|\.key\b/);
  // Run the real snippet with a stub `nginx` whose dump names a combined cert+key file.
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-web-'));
  try {
    const pem = join(dir, 'combined.pem');
    writeFileSync(pem, `${CERT}-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n`);
    writeFileSync(join(dir, 'nginx'), `#!/bin/sh\ncat <<'X'\n# configuration file /etc/nginx/nginx.conf:\nhttp { server { listen 443 ssl;\n  ssl_certificate "${pem}";\n  ssl_certificate_key ${pem};\n  location /x { alias ${dir}/; }\n} }\nX\n`);
    chmodSync(join(dir, 'nginx'), 0o755);
    const script = web.requests.find((r) => r.kind === 'cmd' && r.name === 'web-certs') as { script: string };
    const out = execFileSync('sh', ['-c', withPrelude(script.script)], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
    t.true(out.startsWith(`==> ${pem} <==\n-----BEGIN CERTIFICATE-----`));
    t.false(out.includes('PRIVATE KEY'));
    t.is(out.split('==>').length, 2, 'the key directive is not a certificate directive');
    const roots = web.requests.find((r) => r.kind === 'cmd' && r.name === 'web-webroot') as { script: string };
    const rootsOut = execFileSync('sh', ['-c', withPrelude(roots.script)], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
    t.regex(rootsOut, new RegExp(`^# root ${dir}$`, 'm'));
    t.regex(rootsOut, /^\d{3,4} \S+ \S+ .*combined\.pem$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
