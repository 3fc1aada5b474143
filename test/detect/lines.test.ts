/**
 * Log lines → engine events (src/detect/lines.ts) on the request shapes a web server really logs.
 */
import test from 'ava';
import { lineEvent, parseLogTime, type LineContext } from '../../src/detect/lines.js';

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

test('access-log stamps: the cached minute answers as a fresh parse, across minutes, zones and bad seconds', (t) => {
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const fresh = (s: string) => {
    const m = /^(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s);
    if (!m) return NaN;
    const off = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
    return Date.UTC(Number(m[3]), M.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - off;
  };
  const stamps: string[] = [];
  for (const zone of ['+0800', '-0700', '+0000'])
    for (const min of ['13:55', '13:56', '00:00'])
      for (const sec of ['00', '07', '59', '60', '6x', ':0']) stamps.push(`10/Oct/2000:${min}:${sec} ${zone}`, `11/Oct/2000:${min}:${sec} ${zone}`);
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const order = [...stamps, ...stamps.map(() => stamps[Math.floor(rand() * stamps.length)]!)];
  // A stamp the CLF pattern rejects is read by the later formats (Date.parse): the cache must not change that.
  const bad = order.filter((s) => !Object.is(parseLogTime(s, 2000), Number.isNaN(fresh(s)) ? Date.parse(s) : fresh(s)));
  t.deepEqual(bad, []);
  t.is(order.length, 216);
});
