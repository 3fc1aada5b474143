import test from 'ava';
import { clientAliveTimeout, summariseAuth } from '../../src/parsers/sshd-auth.js';

const stock = { pubkeyauthentication: 'yes', passwordauthentication: 'yes', kbdinteractiveauthentication: 'no', usepam: 'yes', hostbasedauthentication: 'no', gssapiauthentication: 'no', authenticationmethods: 'any' };

const rows: Array<{ name: string; eff: Record<string, string>; lists: string[]; pwNoKey: boolean; mfa: boolean; pamEvery: boolean }> = [
  { name: 'Debian stock: key or password', eff: stock, lists: ['publickey', 'password'], pwNoKey: true, mfa: false, pamEvery: false },
  { name: 'passwords off', eff: { ...stock, passwordauthentication: 'no' }, lists: ['publickey'], pwNoKey: false, mfa: false, pamEvery: false },
  { name: 'passwords off but keyboard-interactive through PAM asks for the password', eff: { ...stock, passwordauthentication: 'no', kbdinteractiveauthentication: 'yes' }, lists: ['publickey', 'keyboard-interactive'], pwNoKey: true, mfa: false, pamEvery: false },
  { name: 'keyboard-interactive without PAM has no device on Linux', eff: { ...stock, passwordauthentication: 'no', kbdinteractiveauthentication: 'yes', usepam: 'no' }, lists: ['publickey'], pwNoKey: false, mfa: false, pamEvery: false },
  { name: 'key then OTP', eff: { ...stock, passwordauthentication: 'no', kbdinteractiveauthentication: 'yes', authenticationmethods: 'publickey,keyboard-interactive' }, lists: ['publickey,keyboard-interactive'], pwNoKey: false, mfa: true, pamEvery: true },
  { name: 'key then password', eff: { ...stock, authenticationmethods: 'publickey,password' }, lists: ['publickey,password'], pwNoKey: false, mfa: true, pamEvery: false },
  { name: 'a list whose method is disabled cannot complete', eff: { ...stock, kbdinteractiveauthentication: 'no', authenticationmethods: 'publickey,keyboard-interactive:pam password' }, lists: ['password'], pwNoKey: true, mfa: false, pamEvery: false },
  { name: 'nothing enabled', eff: { ...stock, pubkeyauthentication: 'no', passwordauthentication: 'no' }, lists: [], pwNoKey: false, mfa: false, pamEvery: false },
];
for (const r of rows) {
  test(`auth summary: ${r.name}`, (t) => {
    const s = summariseAuth(r.eff);
    t.deepEqual(s.usable_lists, r.lists);
    t.is(s.password_without_key, r.pwNoKey);
    t.is(s.multi_factor, r.mfa);
    t.is(s.pam_prompt_in_every_list, r.pamEvery);
  });
}

test('client alive timeout: interval × count, 0 in either means never', (t) => {
  t.is(clientAliveTimeout({ clientaliveinterval: '300', clientalivecountmax: '1' }), 300);
  t.is(clientAliveTimeout({ clientaliveinterval: '300', clientalivecountmax: '3' }), 900);
  t.is(clientAliveTimeout({ clientaliveinterval: '0', clientalivecountmax: '3' }), null);
  t.is(clientAliveTimeout({ clientaliveinterval: '300', clientalivecountmax: '0' }), null);
});
