import test from 'ava';
import { effectiveLockout } from '../../src/parsers/faillock.js';
import { resolvePamStack } from '../../src/parsers/pam.js';

const AUTH_DEBIAN = `auth        required      pam_faillock.so preauth
auth	[success=1 default=ignore]	pam_unix.so nullok
auth        [default=die]      pam_faillock.so authfail
auth        sufficient      pam_faillock.so authsucc
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`;

function auth(text: string) {
  return resolvePamStack(new Map([['/etc/pam.d/common-auth', text]]), '/etc/pam.d/common-auth').entries.filter((e) => e.type === 'auth');
}
const conf = (text: string) => ({ path: '/etc/security/faillock.conf', text });

test('built-in defaults deny=3, unlock_time=600', (t) => {
  t.like(effectiveLockout(auth(AUTH_DEBIAN), conf('# deny = 3\n# unlock_time = 600\n')), { module: 'pam_faillock', deny: 3, unlock_time: 600 });
  t.like(effectiveLockout(auth(AUTH_DEBIAN), null), { deny: 3, unlock_time: 600 });
});

test('faillock.conf values, "never" = 0', (t) => {
  const l = effectiveLockout(auth(AUTH_DEBIAN), conf('deny = 5\nunlock_time = never\n'));
  t.like(l, { deny: 5, unlock_time: 0 });
  t.is(l?.sources.deny, '/etc/security/faillock.conf:1');
});

test('arguments override faillock.conf; the most lenient deciding line is reported', (t) => {
  const text = AUTH_DEBIAN.replace('preauth', 'preauth deny=4 unlock_time=900').replace('authfail', 'authfail deny=6 unlock_time=120');
  const l = effectiveLockout(auth(text), conf('deny = 1\nunlock_time = 3600\n'));
  t.like(l, { deny: 6, unlock_time: 120 });
  t.is(l?.sources.deny, '/etc/pam.d/common-auth:3 (argument)');
});

test('without preauth or authfail pam_faillock locks nothing', (t) => {
  t.is(effectiveLockout(auth(AUTH_DEBIAN.replace(/.*authfail\n/, '')), conf('deny = 1\n')), null);
  t.is(effectiveLockout(auth('auth	[success=1 default=ignore]	pam_unix.so nullok\n'), conf('deny=1\n')), null);
});

test('pam_tally2: no deny= never locks, no unlock_time= is permanent', (t) => {
  t.like(effectiveLockout(auth('auth required pam_tally2.so deny=5 onerr=fail unlock_time=900\nauth sufficient pam_unix.so\n'), null), { module: 'pam_tally2', deny: 5, unlock_time: 900 });
  t.like(effectiveLockout(auth('auth required pam_tally2.so onerr=fail\n'), null), { deny: 0, unlock_time: 0 });
});
