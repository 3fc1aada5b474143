import test from 'ava';
import { inspectRequest, WEB_CATEGORIES, type WebCategory } from '../../../src/detect/web/index.js';

const cats = (target: string, userAgent?: string): WebCategory[] => inspectRequest({ target, userAgent }).findings.map((f) => f.category);

test('contract: every category is reachable and a plain request has no finding', (t) => {
  t.deepEqual(cats('/xxgk/zcwj/index.html?page=2'), []);
  t.deepEqual(cats("/news.php?id=1'%20or%20'1'='1"), ['sqli']);
  t.deepEqual(cats('/search?q=%3Csvg%2Fonload%3Dalert(1)%3E'), ['xss']);
  t.deepEqual(cats('/download.php?file=..%252f..%252f..%252fetc%252fpasswd'), ['path_traversal']);
  t.true(cats('/ping.php?ip=127.0.0.1%3Bcat%20/etc/passwd').includes('command_injection'));
  t.deepEqual(cats('/index.php?page=php://filter/convert.base64-encode/resource=index.php'), ['code_injection']);
  t.deepEqual(cats('/', 'sqlmap/1.10.6.60#dev (https://sqlmap.org)'), ['scanner']);
  t.is(WEB_CATEGORIES.length, 6);
});

test('transforms are recorded in order and the normalised form is decoded and folded', (t) => {
  const r = inspectRequest({ target: '/news.php?id=1%2527+UNION%2F**%2FSELECT+1,2' });
  t.true(r.transforms.includes('plus-space'));
  t.true(r.transforms.includes('percent-decode'));
  t.true(r.transforms.includes('percent-decode-nested'));
  t.true(r.transforms.includes('sql-comment'));
  t.is(r.normalised, "/news.php?id=1' union select 1,2");
});
