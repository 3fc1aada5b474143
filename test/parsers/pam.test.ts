import test from 'ava';
import { pamArgs, parsePamFile, resolvePamStack } from '../../src/parsers/pam.js';

// Debian 12 sshd service (abridged, real lines) and RHEL 9 authselect stacks.
const DEBIAN_SSHD = `# PAM configuration for the Secure Shell service
@include common-auth
account    required     pam_nologin.so
@include common-account
session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close
@include common-password
`;
const COMMON_AUTH = `auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`;
const COMMON_ACCOUNT = 'account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so \naccount	requisite			pam_deny.so\n';
const RHEL_SSHD = `#%PAM-1.0
auth       substack     password-auth
auth       include      postlogin
account    required     pam_sepermit.so
account    include      password-auth
password   include      password-auth
`;
const PASSWORD_AUTH = `auth        required                                     pam_env.so
auth        required                                     pam_faillock.so preauth silent
auth        sufficient                                   pam_unix.so nullok
auth        [default=die]                                pam_faillock.so authfail
auth        required                                     pam_deny.so
account     required                                     pam_unix.so
password    requisite                                    pam_pwquality.so local_users_only
password    sufficient                                   pam_unix.so sha512 shadow nullok use_authtok
-session    optional                                     pam_systemd.so
`;

test('lines, bracket controls, optional modules', (t) => {
  const l = parsePamFile(PASSWORD_AUTH + 'session [success=ok ignore=ignore default=bad] /usr/lib64/security/pam_selinux.so close \\\n  open\n', '/etc/pam.d/password-auth');
  const entries = l.flatMap((x) => (x.kind === 'entry' ? [x.entry] : []));
  t.is(entries.length, 10);
  t.like(entries[3], { type: 'auth', control: '[default=die]', module: 'pam_faillock.so', args: ['authfail'], line: 4 });
  t.like(entries[8], { type: 'session', optional: true, module: 'pam_systemd.so' });
  t.like(entries[9], { control: '[success=ok ignore=ignore default=bad]', module: 'pam_selinux.so', args: ['close', 'open'] });
});

test('Debian @include pulls every type in place', (t) => {
  const files = new Map([
    ['/etc/pam.d/sshd', DEBIAN_SSHD],
    ['/etc/pam.d/common-auth', COMMON_AUTH],
    ['/etc/pam.d/common-account', COMMON_ACCOUNT],
  ]);
  const r = resolvePamStack(files, '/etc/pam.d/sshd');
  t.deepEqual(
    r.entries.map((e) => `${e.type} ${e.module}`),
    ['auth pam_unix.so', 'auth pam_deny.so', 'auth pam_permit.so', 'account pam_nologin.so', 'account pam_unix.so', 'account pam_deny.so', 'session pam_selinux.so'],
  );
  t.deepEqual(r.missing, ['/etc/pam.d/common-password']);
});

test('RHEL include/substack take only lines of their type', (t) => {
  const files = new Map([
    ['/etc/pam.d/sshd', RHEL_SSHD],
    ['/etc/pam.d/password-auth', PASSWORD_AUTH],
    ['/etc/pam.d/postlogin', 'session optional pam_lastlog.so silent\n'],
  ]);
  const r = resolvePamStack(files, '/etc/pam.d/sshd');
  const auth = r.entries.filter((e) => e.type === 'auth').map((e) => e.module);
  t.deepEqual(auth, ['pam_env.so', 'pam_faillock.so', 'pam_unix.so', 'pam_faillock.so', 'pam_deny.so']);
  t.false(r.entries.some((e) => e.module === 'pam_lastlog.so'), 'postlogin has no auth lines');
  t.deepEqual(
    r.entries.filter((e) => e.type === 'password').map((e) => e.module),
    ['pam_pwquality.so', 'pam_unix.so'],
  );
});

test('include loops terminate', (t) => {
  const files = new Map([
    ['/etc/pam.d/a', '@include b\nauth required pam_a.so\n'],
    ['/etc/pam.d/b', '@include a\nauth required pam_b.so\n'],
  ]);
  const r = resolvePamStack(files, '/etc/pam.d/a');
  t.true(r.entries.some((e) => e.module === 'pam_a.so'));
});

test('module arguments', (t) => {
  t.deepEqual(pamArgs(['preauth', 'deny=5', 'unlock_time=900', 'deny=4']), { preauth: '', deny: '4', unlock_time: '900' });
});
