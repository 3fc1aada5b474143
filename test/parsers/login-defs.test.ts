import test from 'ava';
import { loginDefsNumber, parseLoginDefs } from '../../src/parsers/login-defs.js';

test('last occurrence wins, comments ignored (shadow-utils getdef.c)', (t) => {
  const d = parseLoginDefs('#PASS_MAX_DAYS 30\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n# PASS_WARN_AGE 14\nPASS_WARN_AGE\t7\nPASS_MAX_DAYS        60\nENCRYPT_METHOD SHA512\n');
  t.is(d.settings.PASS_MAX_DAYS, '60');
  t.is(d.lines.PASS_MAX_DAYS, 6);
  t.is(d.settings.PASS_WARN_AGE, '7');
  t.is(d.settings.ENCRYPT_METHOD, 'SHA512');
  t.false('#PASS_MAX_DAYS' in d.settings);
});

test('numbers as strtol(…, 0) reads them', (t) => {
  t.is(loginDefsNumber('90'), 90);
  t.is(loginDefsNumber('-1'), -1);
  t.is(loginDefsNumber('0x10'), 16);
  t.is(loginDefsNumber('010'), 8);
  t.is(loginDefsNumber('ninety'), null);
  t.is(loginDefsNumber(undefined), null);
});
