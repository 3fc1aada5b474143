/**
 * Hostile inputs: long, binary, invalid UTF-8, NULs, ANSI escapes, and shapes built to make a
 * careless scanner quadratic. inspectRequest never throws, finishes in bounded time, and its
 * evidence never carries a raw control character.
 */
import test from 'ava';
import { escapeEvidence } from '../../../src/detect/web/evidence.js';
import { inspectRequest } from '../../../src/detect/web/index.js';
import { scaled } from '../../helpers/time.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const K64 = 64 * 1024;
const rep = (s: string, len = K64): string => s.repeat(Math.ceil(len / s.length)).slice(0, len);

const SHAPES: Record<string, string> = {
  'plain 64 KiB': '/search?q=' + rep('a'),
  'percent run': '/x?q=' + rep('%25'),
  'nested percent': '/x?q=' + rep('%%32%65'),
  'overlong run': '/x?q=' + rep('%c0%ae%c0%af'),
  'invalid utf-8': '/x?q=' + rep('%ff%fe%80'),
  'entities without semicolons': '/x?q=' + rep('&#0000060'),
  'unterminated tags': '/x?q=' + rep("<a b='"),
  'open template braces': '/x?q=' + rep('{{'),
  'quotes': '/x?q=' + rep("'"),
  'double quotes and spaces': '/x?q=' + rep('" '),
  'separators': '/x?q=' + rep(';'),
  'pipes and words': '/x?q=' + rep('|a'),
  'dots': '/x?q=' + rep('.'),
  'dot-dot-slash': '/x?q=' + rep('../'),
  'backslashes': '/x?q=' + rep('\\'),
  'sql comments': '/x?q=' + rep('/*'),
  'dashes': '/x?q=' + rep('-'),
  'parens': '/x?q=' + rep('('),
  'NULs': '/x?q=' + rep('%00'),
  'ANSI escapes': '/x?q=' + rep('\x1b[2J\x1b]0;x\x07'),
  'raw control bytes': '/x' + rep('\x00\x01\x1b\x7f'),
  'many params': '/x?' + rep('a=1&'),
  'many path segments': rep('/a%2f'),
  'lone surrogates': '/x?q=' + rep('\ud800'),
  'bidi overrides': '/x?q=' + rep('\u202e'),
};

for (const [name, target] of Object.entries(SHAPES)) {
  test(`hostile input never throws and stays bounded: ${name}`, (t) => {
    const t0 = performance.now();
    const r = inspectRequest({ target, userAgent: target.slice(0, 2048), referer: target.slice(0, 100) });
    const ms = performance.now() - t0;
    // one cold call (JIT not warm, other tests running): a loose bound; the warm bound is below
    t.true(ms <= scaled(1500), `${name}: ${ms.toFixed(1)} ms for ${target.length} chars`);
    for (const f of r.findings) {
      t.false(CONTROL.test(f.evidence), `raw control character in evidence: ${JSON.stringify(f.evidence)}`);
      t.true(f.evidence.length <= 400, 'evidence is short');
    }
    t.true(Array.isArray(r.transforms));
    t.false(CONTROL.test(r.normalised.replace(/[\u202a-\u202e\u2066-\u2069]/g, '')), 'no raw control character in the normalised text');
  });
}

test('64 KiB of adversarial text is inspected in ≤ 50 ms (best of 12, scaled: the cost of the code, not of the load)', (t) => {
  const worst = ['/x?q=' + rep("<a b='"), '/x?q=' + rep('%c0%ae%c0%af'), '/x?q=' + rep(';'), '/x?q=' + rep("'")];
  for (const target of worst) {
    inspectRequest({ target }); // warm
    const times: number[] = [];
    for (let k = 0; k < 12; k++) {
      const t0 = performance.now();
      inspectRequest({ target });
      times.push(performance.now() - t0);
    }
    const best = Math.min(...times);
    t.true(best <= scaled(50), `${JSON.stringify(target.slice(0, 12))}: best ${best.toFixed(1)} ms`);
  }
});

test('256 KiB of each adversarial shape stays far from quadratic time', (t) => {
  // linear here is ~40 ms on an idle core; a quadratic scan of 256 KiB would take minutes
  for (const unit of ["<a b='", "'", ';', '{{', '../', '%25', '" ', '<a b="<a b=x']) {
    const target = '/x?q=' + rep(unit, 256 * 1024);
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      inspectRequest({ target });
      times.push(performance.now() - t0);
    }
    const best = Math.min(...times);
    t.true(best <= scaled(600), `${unit}: 256 KiB best of 3 ${best.toFixed(1)} ms`);
  }
});

test('evidence escaping: control characters, ESC, DEL, C1, bidi and backslash are escaped; length bounded', (t) => {
  t.is(escapeEvidence('a\x1b[31mb\x00c\x7f\u0085\u202ed\\'), 'a\\x1b[31mb\\x00c\\x7f\\x85\\u202ed\\\\');
  const long = escapeEvidence('x'.repeat(1000));
  t.true(long.length <= 121);
  t.true(long.endsWith('…'));
});

test('an attack wrapped in ANSI escapes and NULs is still found and its evidence is clean', (t) => {
  const r = inspectRequest({ target: "/news.php?id=1'%20or%20'1'='1%1b[2J%00%07" });
  t.true(r.findings.some((f) => f.category === 'sqli'));
  t.true(r.transforms.includes('null-byte'));
  t.true(r.transforms.includes('control-char'));
  for (const f of r.findings) t.false(CONTROL.test(f.evidence));
});
