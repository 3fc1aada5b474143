import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitPemCertificates, summariseCertificate } from '../../src/parsers/cert.js';
import { certFact, parseCertBundle } from '../../src/parsers/cert-bundle.js';

// Real certificates made with the openssl CLI at test time (keys stay in a temp dir and are deleted).
const dir = mkdtempSync(join(tmpdir(), 'gwsec-cert-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}
function selfSigned(name: string, keyArgs: string[], extra: string[] = []): string {
  openssl(['req', '-x509', '-new', '-nodes', ...keyArgs, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/C=CN/O=Test/CN=${name}.example.gov.cn`, ...extra]);
  return readFileSync(join(dir, `${name}.crt`), 'utf8');
}

test('RSA-1024 with SHA-1, 20 days', (t) => {
  const s = summariseCertificate(selfSigned('weak', ['-newkey', 'rsa:1024', '-sha1', '-days', '20']));
  t.like(s, { key_type: 'RSA', key_bits: 1024, sig_alg: 'sha1WithRSAEncryption', self_signed: true, subject: 'C=CN, O=Test, CN=weak.example.gov.cn' });
  t.regex(s.sha256_fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('EC P-384 with SHA-384', (t) => {
  const s = summariseCertificate(selfSigned('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384', '-days', '365']));
  t.like(s, { key_type: 'EC', key_bits: 384, curve: 'P-384', sig_alg: 'ecdsa-with-SHA384' });
});

test('SM2 with SM3 (read through X509Certificate + ASN.1)', (t) => {
  openssl(['ecparam', '-name', 'SM2', '-genkey', '-out', 'sm2.key']);
  openssl(['req', '-x509', '-new', '-key', 'sm2.key', '-sm3', '-sigopt', 'distid:1234567812345678', '-out', 'sm2.crt', '-days', '730', '-subj', '/C=CN/O=Test/CN=sm2.example.gov.cn']);
  const s = summariseCertificate(readFileSync(join(dir, 'sm2.crt'), 'utf8'));
  t.like(s, { key_type: 'SM2', key_bits: 256, curve: 'SM2', sig_alg: 'SM2-with-SM3' });
});

test('bundle: leaf first, chain length, absent and unreadable files, days_left from the host clock', (t) => {
  const leaf = selfSigned('leaf', ['-newkey', 'rsa:2048', '-sha256', '-days', '90']);
  const ca = selfSigned('ca', ['-newkey', 'rsa:2048', '-sha256', '-days', '3650']);
  const text = `==> /etc/nginx/ssl/www.crt <==\n${leaf}${ca}==> /etc/nginx/ssl/old.crt <==\n!! absent\n==> /etc/nginx/ssl/root-only.crt <==\n!! unreadable\n==> /etc/nginx/ssl/empty.crt <==\n`;
  const b = parseCertBundle(text);
  t.is(b.size, 4);
  const now = new Date().toISOString();
  const f = certFact('/etc/nginx/ssl/www.crt', 'server', b.get('/etc/nginx/ssl/www.crt'), now);
  t.is(f.chain_length, 2);
  t.is(f.subject, 'C=CN, O=Test, CN=leaf.example.gov.cn');
  t.true(f.days_left === 89 || f.days_left === 90);
  t.is(certFact('/etc/nginx/ssl/www.crt', 'server', b.get('/etc/nginx/ssl/www.crt'), null).days_left, null);
  t.is(certFact('/etc/nginx/ssl/old.crt', 'server', b.get('/etc/nginx/ssl/old.crt'), now).error?.code, 'not_found');
  t.is(certFact('/etc/nginx/ssl/root-only.crt', 'server', b.get('/etc/nginx/ssl/root-only.crt'), now).error?.code, 'permission_denied');
  t.is(certFact('/etc/nginx/ssl/empty.crt', 'server', b.get('/etc/nginx/ssl/empty.crt'), now).error?.code, 'parse_error');
  t.is(certFact('/nowhere.crt', 'server', undefined, now).error?.code, 'not_recorded');
  t.is(splitPemCertificates(leaf + ca).length, 2);
});

test('garbage between PEM markers is a parse error, not a crash', (t) => {
  const f = certFact('/x.crt', 'server', { path: '/x.crt', certs: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] }, null);
  t.is(f.error?.code, 'parse_error');
});
