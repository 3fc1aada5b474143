/**
 * Compiled conditions (src/detect/conditions.ts): all/any evaluate their children cheapest first
 * (issue 20) without changing any result, and `in` looks a number field up as a number with the
 * same answers as comparing String(value).
 */
import test from 'ava';
import { cheapestFirst, compileWhere, conditionCost } from '../../src/detect/conditions.js';
import type { DetectEvent } from '../../src/detect/event.js';

/** An event whose field reads are recorded in order. */
function spied(fields: Record<string, string | number | undefined>): { ev: DetectEvent; reads: string[] } {
  const reads: string[] = [];
  const f: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    Object.defineProperty(f, k, {
      enumerable: true,
      get() {
        reads.push(k);
        return v;
      },
    });
  return { ev: { type: 'web', time: 0, fields: f as DetectEvent['fields'], line: '' }, reads };
}

test('a regex in all/any runs only when the cheaper conditions written after it did not decide', (t) => {
  const all = compileWhere({ all: [{ field: 'url.path', matches: 'x' }, { field: 'status', in: [200] }] });
  const a = spied({ 'url.path': '/x', status: 404 });
  t.false(all(a.ev));
  t.deepEqual(a.reads, ['status'], 'all: the set lookup fails first, the regex never reads url.path');
  const any = compileWhere({ any: [{ field: 'url.path', matches: 'x' }, { field: 'url.ext', eq: 'sql' }] });
  const b = spied({ 'url.path': '/a.sql', 'url.ext': 'sql' });
  t.true(any(b.ev));
  t.deepEqual(b.reads, ['url.ext'], 'any: the equality decides, the regex never runs');
  const c = spied({ 'url.path': '/x.html', 'url.ext': 'html' });
  t.true(any(c.ev));
  t.deepEqual(c.reads, ['url.ext', 'url.path'], 'the regex still runs when it has to');
});

test('cheapestFirst is stable and puts regexes (and combinators holding them) last', (t) => {
  const r = { field: 'p', matches: 'a' };
  const s1 = { field: 's', in: [1] };
  const s2 = { field: 'e', eq: 'x' };
  const nested = { all: [s1, r] };
  t.deepEqual(cheapestFirst([r, s1, nested, s2]), [s1, s2, r, nested]);
  t.is(conditionCost({ not: r }), conditionCost(r));
  t.true(conditionCost(nested) > conditionCost(r));
});

test('reordering never changes a result: every all/any/not of four conditions over every truth assignment', (t) => {
  // Conditions true or false by field value; the "expensive" one is a regex.
  const atoms = [
    (v: boolean) => ({ field: 'a', matches: v ? '^y' : '^n' }),
    (v: boolean) => ({ field: 'b', in: v ? ['y'] : ['n'] }),
    (v: boolean) => ({ field: 'c', eq: v ? 'y' : 'n' }),
    (v: boolean) => ({ field: 'd', matches: v ? 'y$' : 'n$' }),
  ];
  const ev: DetectEvent = { type: 'web', time: 0, fields: { a: 'y', b: 'y', c: 'y', d: 'y' }, line: '' };
  let checked = 0;
  for (let m = 0; m < 16; m++) {
    const bits = [0, 1, 2, 3].map((i) => (m & (1 << i)) !== 0);
    const conds = atoms.map((a, i) => a(bits[i]!));
    const [x, y, z, w] = bits as [boolean, boolean, boolean, boolean];
    t.is(compileWhere({ all: conds })(ev), x && y && z && w, `all ${m}`);
    t.is(compileWhere({ any: conds })(ev), x || y || z || w, `any ${m}`);
    t.is(compileWhere({ all: [conds[0], { any: [conds[1], { not: conds[3] }] }, { not: conds[2] }] })(ev), x && (y || !w) && !z, `nested ${m}`);
    t.is(compileWhere({ any: [{ all: [conds[3], conds[1]] }, { not: { any: [conds[0], conds[2]] } }] })(ev), (w && y) || !(x || z), `nested2 ${m}`);
    checked++;
  }
  t.is(checked, 16);
});

test("`in` on a number field answers as String(value) in the list did: 200 matches 200 and '200', not '0200' or '2e2'", (t) => {
  const ev = (status: number | string | undefined): DetectEvent => ({ type: 'web', time: 0, fields: { status }, line: '' });
  const p = compileWhere({ field: 'status', in: [200, '206', '0200', '2e2', ' 301'] });
  const old = (x: number | string | undefined) => x !== undefined && ['200', '206', '0200', '2e2', ' 301'].includes(String(x));
  for (const x of [200, 206, 0, -0, 2e2, 301, 0.5, NaN, Infinity, '200', '206', '0200', '2e2', ' 301', '301', 'x', undefined]) t.is(p(ev(x)), old(x), String(x));
  const q = compileWhere({ field: 'status', not_in: [200] });
  t.false(q(ev(200)));
  t.true(q(ev(404)));
  t.false(q(ev(undefined)));
  const nan = compileWhere({ field: 'n', in: ['NaN', '0'] });
  t.true(nan({ type: 'web', time: 0, fields: { n: NaN }, line: '' }));
  t.true(nan({ type: 'web', time: 0, fields: { n: -0 }, line: '' }));
});
