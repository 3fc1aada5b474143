/**
 * Log lines → engine events (src/detect/lines.ts) on the request shapes a web server really logs.
 */
import test from 'ava';
import { lineEvent, type LineContext } from '../../src/detect/lines.js';

const ctx = (): LineContext => ({ year: 2026, fallbackTime: 0, web: true });
const line = (request: string, ua = 'Mozilla/5.0') => `203.0.113.7 - - [01/Jun/2026:00:11:06 +0800] "${request}" 200 512 "-" "${ua}"`;

test('a raw space in the request target does not hide the rest of it from the web rules', (t) => {
  // nginx before 1.21.1 (CentOS 7's EPEL build) and Apache without `HttpProtocolOptions Strict`
  // accept a raw space in the URI and log the request line as sent.
  const cases: Array<[string, string, string]> = [
    ['GET /s?q=1 union select password from users-- HTTP/1.1', '/s?q=1 union select password from users--', 'sqli'],
    ['GET /s?q=x <script>alert(1)</script> HTTP/1.1', '/s?q=x <script>alert(1)</script>', 'xss'],
    ['GET /download?f=x /../../../etc/passwd HTTP/1.0', '/download?f=x /../../../etc/passwd', 'path_traversal'],
    ['GET /s?q=1 union select 1,2,3', '/s?q=1 union select 1,2,3', 'sqli'], // HTTP/0.9 style: no protocol
  ];
  for (const [request, target, category] of cases) {
    const ev = lineEvent('nginx', line(request), ctx());
    t.is(ev?.fields.target, target, request);
    t.true((ev?.fields['web.categories'] as string[]).includes(category), `${request}: ${JSON.stringify(ev?.fields['web.categories'])}`);
  }
});

test('the ordinary request line keeps method and target apart from the protocol', (t) => {
  const ev = lineEvent('nginx', line('GET /xxgk/index.html?page=2 HTTP/1.1'), ctx());
  t.is(ev?.fields.method, 'GET');
  t.is(ev?.fields.target, '/xxgk/index.html?page=2');
  t.is(ev?.fields['url.path'], '/xxgk/index.html');
  const bare = lineEvent('nginx', line('-'), ctx()); // nginx logs a closed connection's request as "-"
  t.is(bare?.fields.method, undefined);
  t.is(bare?.fields.target, '-');
});

test('Apache\'s \\" and \\\\ log escapes (also nginx escape=json) do not hide a quote from the SQL and shell judges', (t) => {
  // ap_escape_logitem() writes `"` as \" and `\` as \\; nginx's default escaping writes \x22 and \x5C.
  const cases: Array<[string, string]> = [
    ['GET /news.php?id=1\\" union select 1,2-- - HTTP/1.1', 'sqli'],
    ['GET /login?user=admin\\"-- HTTP/1.1', 'sqli'],
    ['GET /news.php?id=1\\" or \\"1\\"=\\"1 HTTP/1.1', 'sqli'],
    ['GET /f?x=..\\\\..\\\\..\\\\windows\\\\win.ini HTTP/1.1', 'path_traversal'],
  ];
  for (const format of ['apache', 'nginx'] as const) {
    for (const [request, category] of cases) {
      const ev = lineEvent(format, line(request), ctx());
      t.true((ev?.fields['web.categories'] as string[]).includes(category), `${format} ${request}: ${JSON.stringify(ev?.fields['web.categories'])}`);
      t.true((ev?.fields['web.transforms'] as string[]).includes('log-escape'), `${request}: ${JSON.stringify(ev?.fields['web.transforms'])}`);
    }
  }
  // the same request logged nginx's default way is judged the same
  const ev = lineEvent('nginx', line('GET /news.php?id=1\\x22 union select 1,2-- - HTTP/1.1'), ctx());
  t.true((ev?.fields['web.categories'] as string[]).includes('sqli'));
});
