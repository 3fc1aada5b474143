/**
 * The agent's line formats read what web attackers write (request lines, user agents, referers) and
 * what any local program logs. Every format: no exception and bounded time on hostile lines; where a
 * format is a serialisation, a round trip recovers the fields.
 */
import { fc, testProp } from '@fast-check/ava';
import { FORMATS } from '../../agents/agent/config.js';
import { parsers } from '../../src/parsers/loglines.js';
import { lineEvent } from '../../src/detect/lines.js';
import { arbitraries } from './arbitraries.js';
import { BIG_INPUT_BYTES, BIG_INPUT_MS, BIG_RUNS, params } from './budget.js';
import { timeOnInput } from './timing.js';

const WEB_TOKENS = ['GET /index.php?id=1%27%20OR%201=1-- HTTP/1.1', '"-"', '200', '404', '[10/Oct/2000:13:55:36 -0700]', '\\"', '\\x22', 'Mozilla/5.0 (X11)', '<script>alert(1)</script>', '../../etc/passwd', 'sshd[123]:', 'Failed password for root from 1.2.3.4 port 22 ssh2', 'Invalid user', 'message repeated 5 times:', '<34>1 2003-10-11T22:14:15.003Z', '{"msg":', '[error]', '[client 1.2.3.4]'];

for (const format of FORMATS) {
  const parse = parsers[format];
  testProp(`${format}: a hostile line raises no exception`, [arbitraries.line(WEB_TOKENS)], (t, line) => {
    parse(line);
    t.pass();
  }, params());
  testProp(`${format}: the detection event built from a hostile line raises no exception`, [arbitraries.line(WEB_TOKENS)], (t, line) => {
    lineEvent(format, line, { year: 2026, fallbackTime: 0, web: true });
    t.pass();
  }, params());
  testProp(`${format}: a 64 KiB hostile line parsed and turned into a detection event in ≤ ${BIG_INPUT_MS} ms`, [arbitraries.big(BIG_INPUT_BYTES, WEB_TOKENS)], (t, text) => {
    const line = text.replace(/[\r\n]/g, ' ');
    lineEvent(format, line.slice(0, 4096), { year: 2026, fallbackTime: 0, web: true }); // warm-up: JIT compilation is not the parser's cost
    const r = timeOnInput(() => lineEvent(format, line, { year: 2026, fallbackTime: 0, web: true }));
    t.true(r.ms <= r.budget, `${line.length} characters: ${r.describe}`);
  }, params({ numRuns: BIG_RUNS }));
}

const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-/:%?=&'.split('')), minLength: 1, maxLength: 20 });
/** Quoted-field content as web servers escape it: no raw `"` or `\`. */
const quoted = fc.string({ unit: fc.oneof(fc.constantFrom(...'abc XYZ();/.,+-_=*'.split('')), fc.constantFrom('中', 'é', '\\"', '\\\\', '\\x1b')), maxLength: 40 });

// The target may hold raw spaces (nginx < 1.21.1 and lenient Apache accept them): it runs to the protocol.
const target = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
const protocol = fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0');

testProp('nginx/apache access lines: formatting fields and parsing them back is the identity', [word, word, target, fc.constantFrom('GET', 'POST', 'HEAD', 'PROPFIND'), protocol, fc.integer({ min: 100, max: 599 }), fc.nat(), quoted, quoted], (t, client, user, path, method, proto, status, bytes, referer, ua) => {
  const time = '10/Oct/2000:13:55:36 -0700';
  const line = `${client} - ${user} [${time}] "${method} /${path} ${proto}" ${status} ${bytes} "${referer}" "${ua}"`;
  for (const f of ['nginx', 'apache'] as const) {
    const p = parsers[f](line);
    t.like(p, { client, time, method, path: `/${path}`, status, bytes, referer, userAgent: ua }, `${f}: ${line}`);
    t.is(parsers[f](line + '\r')?.userAgent, ua, 'a CRLF line end is not part of the last field');
  }
}, params());

testProp('syslog lines: formatting fields and parsing them back is the identity', [word.filter((w) => !w.includes(':')), fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/), fc.nat({ max: 4194304 }), arbitraries.line(WEB_TOKENS).map((m) => m.replace(/[\r\n]/g, ' '))], (t, host, program, pid, message) => {
  const line = `Jun 14 15:16:01 ${host} ${program}[${pid}]: ${message}`;
  const p = parsers.syslog(line);
  t.like(p, { time: 'Jun 14 15:16:01', host, program, pid }, line);
  t.is(p?.message?.trim(), message.trim());
}, params());

testProp('json lines: any JSON object round-trips into fields', [fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 })], (t, obj) => {
  const line = JSON.stringify(obj);
  t.deepEqual(parsers.json(line)?.fields, JSON.parse(line));
}, params());

testProp('raw lines keep the whole line but a trailing CR', [fc.string({ unit: 'binary' })], (t, s) => {
  t.is(parsers.raw(s + '\r')?.message, s);
}, params());
