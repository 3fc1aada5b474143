/**
 * Every crash or stall fuzzing found, as a named case that stays (issue 19). Each says what the input
 * was, what went wrong, and asserts the fixed behaviour.
 */
import test from 'ava';
import { parsers } from '../../src/parsers/loglines.js';
import { analyseJobText, redactCommand } from '../../src/parsers/backup.js';
import { parseNginxFiles } from '../../src/parsers/nginx.js';
import { assembleAlgorithms, convtime, parseSshdT } from '../../src/parsers/sshd-config.js';
import { globToRegex } from '../../src/util/glob.js';
import { timeOnInput } from './timing.js';

test('nginx: 20,000 nested `{` gave "Maximum call stack size exceeded"; now a located warning', (t) => {
  const r = parseNginxFiles(new Map([['/etc/nginx/nginx.conf', 'http {\n' + 'a {'.repeat(20_000)]]), '/etc/nginx/nginx.conf', '/etc/nginx');
  t.true(r.warnings.some((w) => w.startsWith('/etc/nginx/nginx.conf:') && w.includes('nested deeper than')), r.warnings.slice(0, 3).join('\n'));
});

test('sshd -T: a `constructor` line made `multi[kw].push is not a function`; now an ordinary keyword', (t) => {
  const r = parseSshdT('constructor a\nconstructor b\n__proto__ x\nport 22\n');
  t.deepEqual(r.multi.constructor, ['a', 'b']);
  t.is(r.effective.port, '22');
  t.is(({} as Record<string, unknown>).constructor, Object, 'Object.prototype untouched');
});

test('globs: `[z-a]` and a 64 KiB glob threw SyntaxError from new RegExp; now they match nothing', (t) => {
  t.false(globToRegex('/etc/ssh/sshd_config.d/[z-a]*.conf').test('/etc/ssh/sshd_config.d/b.conf'));
  t.false(globToRegex('/etc/' + '*'.repeat(65_536)).test('/etc/x'));
  t.true(globToRegex('/etc/ssh/sshd_config.d/[a-c]*.conf').test('/etc/ssh/sshd_config.d/b.conf'), 'valid classes still work');
});

test('backup: a line of 32,768 `$(` took 8.6 s (each `$(` rescanned the line); now linear', (t) => {
  let r: ReturnType<typeof analyseJobText> | undefined;
  const timing = timeOnInput(() => (r = analyseJobText('tar czf /backup/x.tgz ' + '$('.repeat(32_768))));
  t.deepEqual(r?.tools, ['tar']);
  t.true(timing.ms <= timing.budget, timing.describe);
});

test('agent auth/syslog: a U+2028 in a user name hid a failed login from detection; now parsed', (t) => {
  const line = 'Jun 14 15:16:01 web1 sshd[4242]: Failed password for invalid user ro\u2028ot from 203.0.113.9 port 22 ssh2';
  t.like(parsers.auth(line), { host: 'web1', program: 'sshd', pid: 4242, auth: { outcome: 'failed', user: 'ro\u2028ot', from: '203.0.113.9' } });
  t.like(parsers.nginx('203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /a\u2029b HTTP/1.1" 404 0 "-" "x"'), { status: 404, path: '/a\u2029b' });
});

test('sshd convtime: `^(\\d+[smhdw]?)+$` backtracked exponentially on 40 digits and an x (found by recheck); now unambiguous', (t) => {
  const timing = timeOnInput(() => t.is(convtime('1'.repeat(40) + 'x'), null));
  t.true(timing.ms <= timing.budget, timing.describe);
  t.is(convtime('1h30m'), 5400);
  t.is(convtime('1h30'), 3630);
  t.is(convtime('90'), 90);
});

test('sshd `-name*` removals: a pattern with many stars was a RegExp that backtracked polynomially; now a linear matcher', (t) => {
  const timing = timeOnInput(() => assembleAlgorithms('-' + '*a'.repeat(40) + '*b', ['a'.repeat(60) + 'c'], new Set(['a'.repeat(60) + 'c'])));
  t.true(timing.ms <= timing.budget, timing.describe);
  t.deepEqual(assembleAlgorithms('-aes*-cbc', ['aes128-cbc', 'aes128-ctr'], new Set(['aes128-cbc', 'aes128-ctr'])), ['aes128-ctr']);
});

test('backup redactCommand: a 64 KiB line of PASSPASS… took ~1 s (quadratic secret patterns; npm run fuzz, seed 42); now a bounded prefix', (t) => {
  const line = 'mysqldump --password=hunter2secret ' + 'PASS'.repeat(16_384);
  let out = '';
  const timing = timeOnInput(() => (out = redactCommand(line)));
  t.true(timing.ms <= timing.budget, timing.describe);
  t.false(out.includes('hunter2secret'));
  t.true(out.endsWith('…'));
  t.is(redactCommand('x --password=' + 's'.repeat(3000)).includes('sss'), false, 'a secret crossing the cut is still redacted');
});
