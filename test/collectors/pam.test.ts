import test from 'ava';
import { pam } from '../../src/collectors/pam.js';
import { collect } from '../../src/collectors/run.js';
import { FixtureTransport } from '../../src/transport/fixture.js';

type PamFacts = Awaited<ReturnType<typeof pam.parse>>;
const run = async (files: Record<string, string>) => (await collect(FixtureTransport.fromMemory({ name: 'm', files }), [pam])).facts.pam as PamFacts;

const DEBIAN_AUTH_FAILLOCK = `auth        required      pam_faillock.so preauth
auth	[success=1 default=ignore]	pam_unix.so nullok
auth        [default=die]      pam_faillock.so authfail
auth        sufficient      pam_faillock.so authsucc
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`;

test('Debian layout: pwquality from drop-in and main file, faillock from faillock.conf', async (t) => {
  const f = await run({
    '/etc/pam.d/common-auth': DEBIAN_AUTH_FAILLOCK,
    '/etc/pam.d/common-password': 'password	requisite			pam_pwquality.so retry=3\npassword	[success=1 default=ignore]	pam_unix.so obscure use_authtok try_first_pass yescrypt\n',
    '/etc/security/pwquality.conf': 'minlen = 12\n',
    '/etc/security/pwquality.conf.d/10-classes.conf': 'minclass = 3\nminlen = 6\n',
    '/etc/security/faillock.conf': 'deny = 5\nunlock_time = 900\n',
  });
  t.is(f.layout, 'debian');
  t.like(f.password_quality, { module: 'pam_pwquality', minlen: 12, minclass: 3, enforced: true, stack: 'common-password' });
  t.like(f.lockout, { module: 'pam_faillock', deny: 5, unlock_time: 900, stack: 'common-auth' });
  t.true(f.pwquality_conf_present);
  t.deepEqual(f.stacks['common-auth']![0], 'auth required pam_faillock.so');
});

test('stock Debian: no quality module, no lockout', async (t) => {
  const f = await run({ '/etc/pam.d/common-auth': 'auth	[success=1 default=ignore]	pam_unix.so nullok\n', '/etc/pam.d/common-password': 'password	[success=1 default=ignore]	pam_unix.so obscure yescrypt\n' });
  t.is(f.password_quality, null);
  t.is(f.lockout, null);
});

test('RHEL layout: the weaker of system-auth and password-auth is reported', async (t) => {
  const stack = (minlen: number, deny: number) =>
    `auth required pam_faillock.so preauth silent deny=${deny}\nauth sufficient pam_unix.so\nauth [default=die] pam_faillock.so authfail deny=${deny}\npassword requisite pam_pwquality.so minlen=${minlen} minclass=3\n`;
  const f = await run({ '/etc/pam.d/system-auth': stack(12, 3), '/etc/pam.d/password-auth': stack(9, 6) });
  t.is(f.layout, 'rhel');
  t.like(f.password_quality, { minlen: 9, stack: 'password-auth' });
  t.like(f.lockout, { deny: 6, stack: 'password-auth' });
  const g = await run({ '/etc/pam.d/system-auth': stack(12, 3), '/etc/pam.d/password-auth': 'auth sufficient pam_unix.so\n' });
  t.is(g.lockout, null, 'sshd (password-auth) has no lockout');
  t.is(g.password_quality, null);
});

test('no PAM configuration at all is an error', async (t) => {
  const { facts } = await collect(FixtureTransport.fromMemory({ name: 'm', files: {} }), [pam]);
  t.like(facts.pam, { error: { code: 'not_found' } });
});
