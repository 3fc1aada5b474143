/** The regex-free split of access lines gives exactly ACCESS's groups, or defers to it. */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ACCESS, splitAccess } from '../../src/parsers/loglines.js';

const DIR = '/work/shared/corpus/web-attacks';

function same(l: string): string | null {
  const f = splitAccess(l);
  if (f === undefined) return null;
  const m = ACCESS.exec(l);
  const a = m ? [...m].slice(1) : null;
  const b = f.slice(1);
  return JSON.stringify(a) === JSON.stringify(b) ? null : `${JSON.stringify(l)}: regex ${JSON.stringify(a)} split ${JSON.stringify(b)}`;
}

test('split and regex agree on the corpus and on mutations of it', (t) => {
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
  const bad: string[] = [];
  let split = 0;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = [' ', '"', '[', ']', '-', '\\', '\t', '0', 'x', '  ', '" "', '] [', '\u3000'];
  for (const l of base) {
    if (splitAccess(l)) split++;
    const d = same(l);
    if (d) bad.push(d);
    for (let k = 0; k < 6; k++) {
      const i = Math.floor(rand() * (l.length + 1));
      const m = rand() < 0.5 ? l.slice(0, i) + pieces[Math.floor(rand() * pieces.length)] + l.slice(i) : l.slice(0, i) + l.slice(i + 1 + Math.floor(rand() * 3));
      const e = same(m);
      if (e) bad.push(e);
    }
  }
  t.true(split > base.length / 2, `the split applies to ${split} of ${base.length}`);
  t.deepEqual(bad.slice(0, 5), []);
});
