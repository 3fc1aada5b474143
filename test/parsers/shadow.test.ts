import test from 'ava';
import { classifyPassword, hashAlgOf, parseShadow } from '../../src/parsers/shadow.js';

// Real shadow lines: Debian 12 (yescrypt), CentOS 7 (sha512, "!!"), openEuler (sm3), legacy hashes.
const SHADOW = `root:$y$j9T$dbxRQj9VGco2yx9BnTgzU1$XFTj1WHLXPV75AMCBgrkYPoCPUuutlX5PQ9xg2vDQt8:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
systemd-network:!*:19700::::::
sshd:!:19700::::::
apache:!!:19000::::::
webmaster:$1$Zx8pQ2aB$2nTqZ1vY0kLmN3oP4qR5s/:18000:0:99999:7:::
legacy:abJnggxhB/yWI:18000:0:99999:7:::
bsd:_J9..rasmBYk8r9AiWNc:18000::::::
ops:$sm3$3vQh1mZL$Yc0o9Qw2B8kO1nXcR4sP7tU6vW5xY3zA1bC2dE3fG4h:19500:1:90:7:::
locked6:!$6$rounds=5000$salt$hash:19000:0:99999:7:::
empty::19000:0:99999:7:::
`;

test('password status and algorithm per account, no hash kept', (t) => {
  const rows = parseShadow(SHADOW);
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  t.like(by.root, { password: 'set', hashAlg: 'yescrypt', lastChange: 19700, maxDays: 99999, warnDays: 7 });
  t.like(by.daemon, { password: 'locked', hashAlg: null });
  t.like(by['systemd-network'], { password: 'locked', hashAlg: null });
  t.like(by.apache, { password: 'locked', hashAlg: null });
  t.like(by.webmaster, { password: 'set', hashAlg: 'md5' });
  t.like(by.legacy, { password: 'set', hashAlg: 'des' });
  t.like(by.bsd, { password: 'set', hashAlg: 'bsdi' });
  t.like(by.ops, { password: 'set', hashAlg: 'sm3', minDays: 1, maxDays: 90 });
  t.like(by.locked6, { password: 'locked', hashAlg: 'sha512' });
  t.like(by.empty, { password: 'empty', hashAlg: null });
  t.false(JSON.stringify(rows).includes('$y$'), 'no hash material in the parse result');
});

test('hash prefixes from crypt(5)', (t) => {
  const table: Array<[string, ReturnType<typeof hashAlgOf>]> = [
    ['$6$abc$def', 'sha512'],
    ['$5$abc$def', 'sha256'],
    ['$2b$12$abcdefghijklmnopqrstuu', 'bcrypt'],
    ['$2y$10$x', 'bcrypt'],
    ['$sm3y$j9T$salt$hash', 'sm3y'],
    ['$gy$j9T$salt$hash', 'gost'],
    ['$7$CU..../....salt$hash', 'unknown'],
    ['$md5,rounds=5000$salt$', 'md5'],
    ['*', null],
    ['x', null],
  ];
  for (const [h, alg] of table) t.is(hashAlgOf(h), alg, h);
});

test('a field that crypt() can never produce matches no password (locked)', (t) => {
  t.deepEqual(classifyPassword('NP'), { status: 'locked', hashAlg: null });
  t.deepEqual(classifyPassword(''), { status: 'empty', hashAlg: null });
});
