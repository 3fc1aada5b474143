import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../../src/collectors/run.js';
import { buildScript, parseSections } from '../../src/collectors/script.js';
import { sshd, type SshdFacts } from '../../src/collectors/sshd.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { LocalTransport } from '../../src/transport/local.js';
import { scaled } from '../helpers/time.js';

const DEBIAN_MAIN = 'Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n';
const PAM_SSHD = '@include common-auth\naccount    required     pam_nologin.so\n@include common-account\n@include common-session\n@include common-password\n';
const COMMON_AUTH = 'auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\n';
const STATUS = { stdout: 'OpenSSH_9.2\nrunning\n' };
const NOT_ROOT = { stdout: '', stderr: 'sshd: no hostkeys available -- exiting.\n', exitCode: 1 };

async function facts(files: Record<string, string>, cmds: Record<string, { stdout: string; stderr?: string; exitCode?: number }>, denied: string[] = []): Promise<SshdFacts> {
  const fx = FixtureTransport.fromMemory({ name: 'sshd-test', files, cmds, denied });
  const { facts: f } = await collect(fx, [sshd]);
  return f.sshd as SshdFacts;
}

test('sshd -T output is used when it runs (as root)', async (t) => {
  const dump = 'port 22\npermitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\npubkeyauthentication yes\nusepam yes\nclientaliveinterval 300\nclientalivecountmax 1\nauthenticationmethods any\nciphers aes256-ctr\nmacs hmac-sha2-256\nkexalgorithms curve25519-sha256\nhostkeyalgorithms ssh-ed25519\nlistenaddress 0.0.0.0:22\n';
  const f = await facts({ '/etc/ssh/sshd_config': 'PermitRootLogin yes\n' }, { 'sshd-T': { stdout: dump }, 'sshd-status': STATUS });
  t.is(f.source, 'sshd -T');
  t.is(f.effective?.permitrootlogin, 'no', 'the daemon\'s own answer wins over our reading of the files');
  t.true(f.config_valid);
  t.is(f.version, '9.2');
  t.true(f.running);
  t.is(f.client_alive_timeout_s, 300);
  t.deepEqual(f.auth?.usable_lists, ['publickey']);
  t.deepEqual(f.algorithms?.ciphers, ['aes256-ctr']);
});

test('as non-root, sshd -T refuses and the files are parsed, following Include', async (t) => {
  const f = await facts(
    { '/etc/ssh/sshd_config': DEBIAN_MAIN, '/etc/ssh/sshd_config.d/10-harden.conf': 'PermitRootLogin no\nPasswordAuthentication no\n', '/etc/pam.d/sshd': PAM_SSHD, '/etc/pam.d/common-auth': COMMON_AUTH },
    { 'sshd-T': NOT_ROOT, 'sshd-status': STATUS },
  );
  t.is(f.source, 'files');
  t.regex(f.sshd_t_error ?? '', /no hostkeys available/);
  t.true(f.config_valid);
  t.is(f.effective?.permitrootlogin, 'no');
  t.is(f.effective?.passwordauthentication, 'no');
  t.is(f.auth?.password_without_key, false);
  t.deepEqual(f.pam, { present: true, otp_modules: [], auth_modules: ['pam_unix.so', 'pam_deny.so', 'pam_permit.so'], missing_includes: ['/etc/pam.d/common-account', '/etc/pam.d/common-session', '/etc/pam.d/common-password'] });
});

test('a configuration sshd rejects is config_valid false with sshd\'s message', async (t) => {
  const f = await facts(
    { '/etc/ssh/sshd_config': DEBIAN_MAIN, '/etc/ssh/sshd_config.d/bad.conf': 'PermitRootLogin wrong_value\n' },
    { 'sshd-T': { stdout: '', stderr: '/etc/ssh/sshd_config.d/bad.conf line 1: unsupported option "wrong_value".\n', exitCode: 255 }, 'sshd-status': STATUS },
  );
  t.false(f.config_valid);
  t.is(f.config_error, '/etc/ssh/sshd_config.d/bad.conf line 1: unsupported option "wrong_value".');
});

test('the OTP module is found through @include and substack', async (t) => {
  const f = await facts(
    {
      '/etc/ssh/sshd_config': 'UsePAM yes\nKbdInteractiveAuthentication yes\nPasswordAuthentication no\nAuthenticationMethods publickey,keyboard-interactive\n',
      '/etc/pam.d/sshd': 'auth       substack     password-auth\naccount    include      password-auth\n',
      '/etc/pam.d/password-auth': 'auth        required      pam_env.so\n-auth       required      pam_oath.so usersfile=/etc/users.oath window=20\nauth        sufficient    pam_unix.so try_first_pass\n',
    },
    { 'sshd-T': { stdout: '', exitCode: 127 }, 'sshd-status': { stdout: '', exitCode: 127 } },
  );
  t.true(f.installed, 'a config without a findable binary still means an installed sshd');
  t.deepEqual(f.auth, { usable_lists: ['publickey,keyboard-interactive'], password_without_key: false, multi_factor: true, pam_prompt_in_every_list: true });
  t.deepEqual((f.pam as { otp_modules: string[] }).otp_modules, ['pam_oath.so']);
});

test('no sshd binary and no sshd_config: not installed', async (t) => {
  const f = await facts({}, { 'sshd-T': { stdout: '', exitCode: 127 }, 'sshd-status': { stdout: '', exitCode: 127 } });
  t.deepEqual(f, { installed: false });
});

test('unreadable sshd_config without sshd -T is an error, never a verdict', async (t) => {
  const fx = FixtureTransport.fromMemory({ name: 'rhel-nonroot', files: { '/etc/ssh/sshd_config': 'PermitRootLogin no\n' }, cmds: { 'sshd-T': NOT_ROOT, 'sshd-status': STATUS }, denied: ['/etc/ssh/sshd_config'] });
  const { facts: f } = await collect(fx, [sshd]);
  t.is((f.sshd as { error: { code: string } }).error.code, 'permission_denied');
});

test('the tree request\'s include pattern works in the real shell (sed -E, case-insensitive, = and comments)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-sshd-'));
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'main'), `  InClUdE d/*.conf # drop-ins\nInclude=${dir}/extra\nPermitRootLogin no\n`);
  writeFileSync(join(dir, 'd', 'b.conf'), 'PasswordAuthentication no\n');
  writeFileSync(join(dir, 'd', 'a.conf'), 'include nested\n'); // relative to the base (/etc/ssh), as sshd does
  writeFileSync(join(dir, 'nested'), 'X11Forwarding no\n');
  writeFileSync(join(dir, 'extra'), 'MaxAuthTries 3\n');
  const tree = sshd.requests.find((r) => r.kind === 'tree');
  if (tree?.kind !== 'tree') return t.fail('sshd requests a tree');
  const { script, marker } = buildScript([{ ...tree, path: join(dir, 'main'), base: dir }]);
  const r = await new LocalTransport().run(script, { timeoutMs: scaled(30_000) });
  const a = parseSections(r.stdout, marker);
  t.deepEqual(a.trees.get(join(dir, 'main')), [join(dir, 'main'), join(dir, 'd', 'a.conf'), join(dir, 'nested'), join(dir, 'd', 'b.conf'), join(dir, 'extra')]);
});
