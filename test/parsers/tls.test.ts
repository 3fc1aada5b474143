import test from 'ava';
import { apacheProtocols, evaluateCipherString, nginxDefaultProtocols, nginxProtocols, rfc8998Suites, versionCmp } from '../../src/parsers/tls.js';

test('versionCmp orders OpenSSL letter releases', (t) => {
  t.true(versionCmp('1.0.2k', '1.0.2i') > 0);
  t.true(versionCmp('1.0.2k-fips', '1.1.0') < 0);
  t.true(versionCmp('3.0.3', '1.1.1') > 0);
  t.is(versionCmp('1.23.4', '1.23.4'), 0);
});

const cipherCases: Array<[string, string | null, string[]]> = [
  // nginx's own default: clean on every version (3DES is MEDIUM from 1.0.2i)
  ['HIGH:!aNULL:!MD5', '1.0.2k-fips', []],
  ['HIGH:!aNULL:!MD5', '3.0.7', []],
  // before 1.0.2i 3DES was still HIGH (SWEET32)
  ['HIGH:!aNULL:!MD5', '1.0.1e', ['3DES']],
  // DEFAULT: weak on 1.0.x, clean on 1.1+ (RC4/3DES compiled out, aNULL excluded)
  ['DEFAULT', '1.0.2k', ['3DES', 'MD5', 'RC4']],
  ['DEFAULT', '3.0.2', []],
  ['DEFAULT', null, ['3DES', 'MD5', 'RC4']], // unknown version: assume the legacy 1.0.2k universe
  // ALL keeps the anonymous suites everywhere
  ['ALL', '3.0.2', ['aNULL']],
  ['ALL:!aNULL', '3.0.2', []],
  // the classic Apache-era string on CentOS 7
  ['ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP', '1.0.2k-fips', ['3DES', 'DES', 'MD5', 'RC4', 'aNULL']],
  // ! is permanent, - can be re-added
  ['ALL:!RC4:RC4-SHA:!aNULL:!3DES:!DES:!MD5', '1.0.2k', []],
  ['ALL:-RC4:RC4:!aNULL:!3DES:!DES:!MD5', '1.0.2k', ['RC4']],
  // explicit lists, including names not in the table
  ['ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA', '1.0.2k', ['3DES']],
  ['ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-SEED-SHA:EDH-RSA-DES-CBC3-SHA', '1.0.2k', ['3DES']],
  ['ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305', '3.0.2', []],
  ['EECDH+AESGCM:EDH+AESGCM', '1.1.1k', []],
  ['aRSA+RC4', '1.0.2k', ['MD5', 'RC4']], // RC4-MD5 comes along,
  ['eNULL', '3.0.2', ['MD5', 'NULL']], // NULL-MD5,
  ['EXPORT', '1.0.1e', ['DES', 'EXPORT', 'MD5', 'RC4']],
  ['EXPORT', '1.0.2k', []], // compiled out from 1.0.2g,
  // SECLEVEL=2 drops RC4 even when asked for
  ['RC4-SHA:AES128-GCM-SHA256:@SECLEVEL=2', '1.0.2k', []],
  // Tongsuo TLCP suites are strong
  ['ECC-SM2-SM4-GCM-SM3:ECDHE-SM2-SM4-CBC-SM3', '3.0.3', []],
];

for (const [str, ver, weak] of cipherCases) {
  test(`cipher string ${str} on OpenSSL ${ver ?? 'unknown'} -> [${weak.join(',')}]`, (t) => {
    t.deepEqual(evaluateCipherString(str, ver).weak, weak);
  });
}

test('evaluation names the weak suites for evidence and detects SM suites', (t) => {
  const e = evaluateCipherString('DEFAULT', '1.0.2k');
  t.true(e.weak_suites.includes('RC4-SHA'));
  t.false(e.sm);
  t.true(evaluateCipherString('ECC-SM2-SM4-GCM-SM3', '3.0.3').sm);
});

test('nginx default protocols depend on the version', (t) => {
  t.deepEqual(nginxDefaultProtocols('1.6.2'), ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
  t.deepEqual(nginxDefaultProtocols('1.16.1'), ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
  t.deepEqual(nginxDefaultProtocols('1.24.0'), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  t.deepEqual(nginxDefaultProtocols(null), ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
  t.deepEqual(nginxProtocols(['TLSv1.2', 'TLSv1.3', 'bogus']), ['TLSv1.2', 'TLSv1.3']);
});

test('Apache SSLProtocol arithmetic', (t) => {
  t.deepEqual(apacheProtocols(['all', '-SSLv3'], '3.0.2'), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  t.deepEqual(apacheProtocols(['all', '-SSLv3', '-TLSv1', '-TLSv1.1'], '3.0.2'), ['TLSv1.2', 'TLSv1.3']);
  t.deepEqual(apacheProtocols(['-all', '+TLSv1.2', '+TLSv1.3'], '3.0.2'), ['TLSv1.2', 'TLSv1.3']);
  t.deepEqual(apacheProtocols(['all'], '1.0.1e'), ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2']);
});

test('RFC 8998 suites are picked out of a TLS 1.3 ciphersuite list', (t) => {
  t.deepEqual(rfc8998Suites('TLS_SM4_GCM_SM3:TLS_AES_128_GCM_SHA256:tls_sm4_ccm_sm3'), ['TLS_SM4_GCM_SM3', 'TLS_SM4_CCM_SM3']);
  t.deepEqual(rfc8998Suites('TLS_AES_256_GCM_SHA384'), []);
});
