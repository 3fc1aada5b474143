/** The regex-free split of access lines gives exactly ACCESS's groups, or defers to it. */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ACCESS, parsers, splitAccess, type ParsedLine } from '../../src/parsers/loglines.js';

const DIR = '/work/shared/corpus/web-attacks';

function same(l: string): string | null {
  const f = splitAccess(l);
  if (f === undefined) return null;
  const m = ACCESS.exec(l);
  const a = m ? [...m].slice(1) : null;
  const b = f.slice(1);
  return JSON.stringify(a) === JSON.stringify(b) ? null : `${JSON.stringify(l)}: regex ${JSON.stringify(a)} split ${JSON.stringify(b)}`;
}

/** The corpus lines and mutations of them (a seeded generator: the same lines on every run). */
function lines(t: { fail: (m: string) => void }): string[] {
  const base = [
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "ref" "ua"',
    '1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /a b c" 404 - "-" "-"',
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "" 400 0',
    '::1 - - [x] "GET / HTTP/1.1" 200 12abc "r"',
  ];
  if (existsSync(`${DIR}/attacks.log`)) {
    base.push(...readFileSync(`${DIR}/attacks.log`, 'utf8').split('\n'));
    base.push(...gunzipSync(readFileSync(`${DIR}/benign.log.gz`)).toString('utf8').split('\n').slice(0, 5000));
  } else if (process.env.CI) t.fail(`${DIR} is missing`);
  const out: string[] = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = [' ', '"', '[', ']', '-', '\\', '\t', '0', 'x', '  ', '" "', '] [', '\u3000', '9999999999999999999', '007'];
  for (const l of base) {
    out.push(l);
    for (let k = 0; k < 6; k++) {
      const i = Math.floor(rand() * (l.length + 1));
      out.push(rand() < 0.5 ? l.slice(0, i) + pieces[Math.floor(rand() * pieces.length)] + l.slice(i) : l.slice(0, i) + l.slice(i + 1 + Math.floor(rand() * 3)));
    }
  }
  return out;
}

test('split and regex agree on the corpus and on mutations of it', (t) => {
  const all = lines(t);
  const bad: string[] = [];
  let split = 0;
  for (const l of all) {
    if (splitAccess(l)) split++;
    const d = same(l);
    if (d) bad.push(d);
  }
  t.true(split > all.length / 2, `the split applies to ${split} of ${all.length}`);
  t.deepEqual(bad.slice(0, 5), []);
});

/** The access-line parse as it was before it read the split's bounds in place (from ACCESS's groups). */
function reference(l: string): ParsedLine | null {
  const m = ACCESS.exec(l);
  if (!m) return null;
  const r = m[4]!;
  const s1 = r.indexOf(' ');
  const s2 = s1 < 0 ? -1 : r.lastIndexOf(' ');
  const proto = s2 > s1 && r.startsWith('HTTP/', s2 + 1);
  return {
    client: m[1],
    time: m[3],
    method: s1 < 0 ? undefined : r.slice(0, s1),
    path: s1 < 0 ? r : proto ? r.slice(s1 + 1, s2) : r.slice(s1 + 1),
    status: Number(m[5]),
    bytes: m[6] === '-' ? 0 : Number(m[6]),
    referer: m[7],
    userAgent: m[8],
    fields: m[2] !== '-' ? { user: m[2] } : undefined,
  };
}

test('the access parse (status and bytes read from the digits, no group strings) gives the fields the groups gave', (t) => {
  const all = lines(t);
  all.push('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 12345678901234567890123 "r" "u"', '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 0009 "r" "u"', '1.2.3.4 - - [t] "GET  HTTP/1.1" 200 1', '1.2.3.4 - - [t] "GET" 200 1', '1.2.3.4 - - [t] "GET /a HTTP/" 200 1', '1.2.3.4 - - [t] "GET /a HTTP" 200 1');
  const bad: string[] = [];
  for (const l of all) {
    // parsers.nginx strips a trailing CR and falls back to the error-log shape: compare what ACCESS matches
    if (l.endsWith('\r') || !ACCESS.exec(l)) continue;
    const a = JSON.stringify(parsers.nginx(l));
    const b = JSON.stringify(reference(l));
    if (a !== b) bad.push(`${JSON.stringify(l)}: ${a} ≠ ${b}`);
  }
  t.deepEqual(bad.slice(0, 5), []);
});
