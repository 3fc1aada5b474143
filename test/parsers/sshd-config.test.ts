import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleAlgorithms, convtime, parseSshdConfig, parseSshdT, tokenizeLine } from '../../src/parsers/sshd-config.js';
import { DEFAULT_MACS, KNOWN_MACS } from '../../src/parsers/sshd-defaults.js';
import { packageRoot } from '../../src/util/paths.js';

const MAIN = '/etc/ssh/sshd_config';
const parse = (files: Record<string, string>) => parseSshdConfig(Object.entries(files).map(([path, content]) => ({ path, content })));

// Every row's expectation was taken from `sshd -T -f FILE` of openssh-server 1:9.2p1 (Debian 12).
interface Row {
  name: string;
  files: Record<string, string>;
  effective?: Record<string, string>;
  error?: string; // substring of config_error; config_valid must be false
}
const rows: Row[] = [
  { name: 'empty config gives the compiled-in defaults', files: { [MAIN]: '' }, effective: { permitrootlogin: 'without-password', passwordauthentication: 'yes', permitemptypasswords: 'no', clientaliveinterval: '0', clientalivecountmax: '3', usepam: 'no', kbdinteractiveauthentication: 'yes', authenticationmethods: 'any', listenaddress: '[::]:22' } },
  { name: 'first value wins', files: { [MAIN]: 'PermitRootLogin no\nPermitRootLogin yes\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'keyword=value', files: { [MAIN]: 'PermitRootLogin=no\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'quoted argument', files: { [MAIN]: 'PermitRootLogin "no"\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'keywords and yes/no values are case-insensitive', files: { [MAIN]: 'pErMiTrOoTlOgIn NO\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'prohibit-password is printed as without-password', files: { [MAIN]: 'PermitRootLogin prohibit-password\n' }, effective: { permitrootlogin: 'without-password' } },
  { name: 'trailing comment and tabs', files: { [MAIN]: '  # x\n\tPermitRootLogin\tno # comment\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'ChallengeResponseAuthentication is an alias', files: { [MAIN]: 'ChallengeResponseAuthentication no\n' }, effective: { kbdinteractiveauthentication: 'no' } },
  { name: 'time values in seconds', files: { [MAIN]: 'ClientAliveInterval 1h30m\nClientAliveCountMax 0\n' }, effective: { clientaliveinterval: '5400', clientalivecountmax: '0' } },
  { name: 'Match block does not change the global value', files: { [MAIN]: 'Match User bob\n  PermitRootLogin yes\n' }, effective: { permitrootlogin: 'without-password' } },
  { name: 'Match all returns to the global section', files: { [MAIN]: 'Match User bob\nPermitRootLogin no\nMatch all\nPermitRootLogin yes\n' }, effective: { permitrootlogin: 'yes' } },
  {
    name: 'a Match inside an included file ends with that file',
    files: { [MAIN]: 'Include /etc/ssh/inc.conf\nPermitRootLogin yes\n', '/etc/ssh/inc.conf': 'Match User x\nX11Forwarding no\n' },
    effective: { permitrootlogin: 'yes' },
  },
  {
    name: 'Match all in a file included from a Match block stays inside the Match',
    files: { [MAIN]: 'Match Address 10.0.0.0/8\nInclude /etc/ssh/inc.conf\n', '/etc/ssh/inc.conf': 'PermitRootLogin yes\nMatch all\nPermitRootLogin no\n' },
    effective: { permitrootlogin: 'without-password' },
  },
  {
    name: 'drop-ins included first win over later main-file lines, in lexical order',
    files: { [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n', '/etc/ssh/sshd_config.d/20-b.conf': 'PermitRootLogin no\n', '/etc/ssh/sshd_config.d/10-a.conf': 'PermitRootLogin forced-commands-only\n', '/etc/ssh/sshd_config.d/nothing': 'PermitRootLogin yes\n' },
    effective: { permitrootlogin: 'forced-commands-only' },
  },
  {
    name: 'relative Include resolves against /etc/ssh, nested includes too',
    files: { [MAIN]: 'InCLude sshd_config.d/*.conf\n', '/etc/ssh/sshd_config.d/a.conf': 'include ../extra.conf\n', '/etc/extra.conf': 'ClientAliveInterval 123\n' },
    effective: { clientaliveinterval: '123' },
  },
  { name: 'Include of a missing file is not an error', files: { [MAIN]: 'Include /nonexistent/*.conf\nPermitRootLogin no\n' }, effective: { permitrootlogin: 'no' } },
  { name: 'algorithm list with + appends', files: { [MAIN]: 'Ciphers +aes128-cbc\n' }, effective: { ciphers: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-cbc' } },
  { name: 'algorithm list with - removes by pattern', files: { [MAIN]: 'MACs -hmac-sha1*,umac*\n' }, effective: { macs: 'hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512' } },
  { name: 'algorithm list with ^ prepends', files: { [MAIN]: 'KexAlgorithms ^diffie-hellman-group14-sha1\n' }, effective: { kexalgorithms: 'diffie-hellman-group14-sha1,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256' } },
  { name: 'duplicates and empty elements dropped', files: { [MAIN]: 'Ciphers aes256-ctr,,aes256-ctr\n' }, effective: { ciphers: 'aes256-ctr' } },
  { name: 'AllowUsers accumulates, one value per line', files: { [MAIN]: 'AllowUsers alice bob@10.0.0.0/8\nAllowUsers carol\n' }, effective: { allowusers: 'alice' } },
  { name: 'ListenAddress with and without a port', files: { [MAIN]: 'ListenAddress 10.1.2.3\nListenAddress 192.168.1.1:2222\nPort 22\nPort 2200\n' }, effective: { listenaddress: '10.1.2.3:22', port: '22' } },
  { name: 'invalid value', files: { [MAIN]: 'PermitRootLogin wrong_value\n' }, error: '/etc/ssh/sshd_config line 1: unsupported option "wrong_value".' },
  { name: 'invalid value after the winning one still breaks the file', files: { [MAIN]: 'PermitRootLogin no\nPermitRootLogin wrong_value\n' }, error: 'line 2: unsupported option' },
  { name: 'invalid value inside a Match block', files: { [MAIN]: 'Match User bob\nPermitRootLogin wrong\n' }, error: 'unsupported option "wrong"' },
  { name: 'invalid value in an included file', files: { [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\n', '/etc/ssh/sshd_config.d/bad.conf': 'PermitEmptyPasswords wrong_value\n' }, error: '/etc/ssh/sshd_config.d/bad.conf line 1' },
  { name: 'extra arguments', files: { [MAIN]: 'PermitRootLogin no extra\n' }, error: 'keyword PermitRootLogin extra arguments at end of line' },
  { name: 'missing argument', files: { [MAIN]: 'Ciphers \n' }, error: 'no argument after keyword "Ciphers"' },
  { name: 'bad integer', files: { [MAIN]: 'ClientAliveCountMax abc\n' }, error: 'ClientAliveCountMax integer value invalid.' },
  { name: 'negative integer', files: { [MAIN]: 'ClientAliveCountMax -1\n' }, error: 'ClientAliveCountMax integer value too small.' },
  { name: 'negative time', files: { [MAIN]: 'ClientAliveInterval -5\n' }, error: 'invalid time value.' },
  { name: 'cipher names are case-sensitive', files: { [MAIN]: 'Ciphers AES256-CTR\n' }, error: "Bad SSH2 cipher spec 'AES256-CTR'." },
  { name: 'cipher removed in OpenSSH 7.6', files: { [MAIN]: 'Ciphers aes128-ctr,rijndael-cbc@lysator.liu.se\n' }, error: 'Bad SSH2 cipher spec' },
  { name: 'backslashes are kept (argv_split escapes only quotes, \\ and space)', files: { [MAIN]: 'Ciphers aes128-ctr,rijndael-cbc@lysator\\.liu\\.se\n' }, error: 'Bad SSH2 cipher spec' },
  { name: 'unknown MAC', files: { [MAIN]: 'MACs hmac-sha2-512,blahblah\n' }, error: "Bad SSH2 mac spec 'hmac-sha2-512,blahblah'." },
  { name: 'global-only keyword inside Match', files: { [MAIN]: 'Match User bob\nCiphers aes128-ctr\n' }, error: "Directive 'Ciphers' is not allowed within a Match block" },
  { name: 'Subsystem defined twice', files: { [MAIN]: 'Subsystem sftp /a\nSubsystem sftp /b\n' }, error: "Subsystem 'sftp' already defined." },
  { name: 'bad AuthenticationMethods', files: { [MAIN]: 'AuthenticationMethods publickey,bogus\n' }, error: 'invalid AuthenticationMethods method list.' },
  { name: 'main file missing', files: {}, error: 'No such file or directory' },
];

for (const r of rows) {
  test(`sshd_config: ${r.name}`, (t) => {
    const got = parse(r.files);
    if (r.error !== undefined) {
      t.false(got.config_valid);
      t.true((got.config_error ?? '').includes(r.error), got.config_error);
    } else {
      t.true(got.config_valid, got.config_error);
      for (const [k, v] of Object.entries(r.effective ?? {})) t.is(got.effective[k], v, k);
    }
  });
}

test('sshd_config: multi-valued keywords and Match blocks are recorded', (t) => {
  const got = parse({
    [MAIN]: 'AllowUsers alice bob@10.0.0.0/8\nAllowUsers carol\nListenAddress 10.1.2.3\nPort 22\nPort 2200\nMatch Address *,!10.20.0.0/16\n\tDenyUsers *\n\tPermitRootLogin no\n',
  });
  t.deepEqual(got.multi.allowusers, ['alice', 'bob@10.0.0.0/8', 'carol']);
  t.deepEqual(got.multi.listenaddress, ['10.1.2.3:22', '10.1.2.3:2200']);
  t.deepEqual(got.match_blocks, [{ criteria: 'Address *,!10.20.0.0/16', file: MAIN, line: 6, settings: { denyusers: '*', permitrootlogin: 'no' } }]);
  t.is(got.effective.permitrootlogin, 'without-password');
});

test('sshd_config: unknown keywords are noted, not fatal (vendor builds add their own)', (t) => {
  const got = parse({ [MAIN]: 'VendorThing yes\nPermitRootLogin no\n' });
  t.true(got.config_valid);
  t.deepEqual(got.unknown_keywords, ['VendorThing']);
  t.is(got.effective.permitrootlogin, 'no');
});

test('tokenizeLine and convtime follow servconf.c / misc.c', (t) => {
  t.deepEqual(tokenizeLine('  AcceptEnv LANG LC_*  # locale'), { keyword: 'AcceptEnv', args: ['LANG', 'LC_*'] });
  t.deepEqual(tokenizeLine('Banner = "/etc/issue net"'), { keyword: 'Banner', args: ['/etc/issue net'] });
  t.is(tokenizeLine('# PermitRootLogin no'), null);
  t.is(convtime('2m'), 120);
  t.is(convtime('1w1d'), 691200);
  t.is(convtime('5x'), null);
  t.deepEqual(assembleAlgorithms('-*', DEFAULT_MACS, KNOWN_MACS), []);
});

test('parseSshdT reads the real `sshd -T` format, keeping repeated keywords', (t) => {
  const text = readFileSync(join(packageRoot(), 'test/fixtures/hosts/debian12-web-hardened/cmd/sshd-T.txt'), 'utf8');
  const d = parseSshdT(text);
  t.is(d.effective.permitrootlogin, 'no');
  t.is(d.effective.authenticationmethods, 'publickey,keyboard-interactive');
  t.deepEqual(d.multi.allowusers, ['deploy@10.10.0.0/24', 'ops@10.10.0.0/24']);
  t.deepEqual(d.multi.acceptenv, ['LANG', 'LC_*']);
  t.deepEqual(d.multi.hostkey, ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key']);
  t.deepEqual(d.algorithms.macs, ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com']);
  t.is(d.effective.subsystem, 'sftp /usr/lib/openssh/sftp-server');
});

test('file parsing agrees with sshd -T on the recorded hardened host', (t) => {
  const host = join(packageRoot(), 'test/fixtures/hosts/debian12-web-hardened');
  const files = ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/10-gwsec-hardening.conf'].map((p) => ({ path: p, content: readFileSync(join(host, 'files', p), 'utf8') }));
  const fromFiles = parseSshdConfig(files);
  const fromDump = parseSshdT(readFileSync(join(host, 'cmd/sshd-T.txt'), 'utf8'));
  for (const k of ['permitrootlogin', 'passwordauthentication', 'kbdinteractiveauthentication', 'usepam', 'permitemptypasswords', 'clientaliveinterval', 'clientalivecountmax', 'authenticationmethods', 'ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'x11forwarding', 'maxauthtries']) {
    t.is(fromFiles.effective[k], fromDump.effective[k], k);
  }
  t.deepEqual(fromFiles.multi.allowusers, fromDump.multi.allowusers);
  t.deepEqual(fromFiles.multi.listenaddress, fromDump.multi.listenaddress);
});
