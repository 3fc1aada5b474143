/**
 * The generated pack function (src/detect/pack.ts) against the rules' own closures (compileWhere):
 * the same answer for every operator over edge values of every type, for nested and shared
 * conditions, for every shipped rule's condition on every line of every rule's cases, the whole
 * web-attack corpus and the Loghub OpenSSH log; and an engine using the pack raises exactly the
 * alerts of one that does not.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { compileWhere } from '../../src/detect/conditions.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import type { DetectEvent, FieldValue } from '../../src/detect/event.js';
import type { SourceType } from '../../src/detect/fields.js';
import { lineEvent } from '../../src/detect/lines.js';
import { loadRules, type Rule } from '../../src/detect/load.js';
import { caseEvents } from '../../src/detect/tester.js';
import { compilePack, packSource } from '../../src/detect/pack.js';
import type { AlertChange } from '../../src/model/alert.js';

const WEB = '/work/shared/corpus/web-attacks';
const SSH = '/work/shared/corpus/logs/loghub__OpenSSH_2k.log';

const ev = (fields: Record<string, FieldValue>): DetectEvent => ({ type: 'web', time: 0, fields });

/** Pack bit i vs closure i on one event; the differences, described. */
function compare(conds: unknown[], events: DetectEvent[], label: (e: DetectEvent) => string): string[] {
  const pack = compilePack(conds);
  const closures = conds.map((c) => compileWhere(c));
  const out = new Uint8Array(conds.length);
  const diffs: string[] = [];
  for (const e of events) {
    const n = pack(e.fields, out);
    let ones = 0;
    closures.forEach((p, i) => {
      const want = p(e);
      if (want) ones++;
      if ((out[i] === 1) !== want) diffs.push(`${JSON.stringify(conds[i])} on ${label(e)}: pack ${out[i]}, closure ${String(want)}`);
    });
    if (n !== ones) diffs.push(`count ${n} ≠ ${ones} on ${label(e)}`);
  }
  return diffs;
}

const VALUES: FieldValue[] = [undefined, '', 'x', 'X', 'a\0b', '\0', '200', '0200', '2e2', ' 200', '-0', '0', 'NaN', 'Infinity', 'sqli', 'abc', '/a/b.php', '"); throw 1; ("', 200, 206, 0, -0, -1, 0.5, 2e2, 1e21, NaN, Infinity, -Infinity, [], ['sqli'], ['x', 'sqli'], ['200'], ['\0']];
const OPERANDS: Record<string, unknown[]> = {
  eq: ['x', '200', 200, 0, '0', '-0', 'NaN', NaN, '', '\0', '"); throw 1; ("'],
  ne: ['x', '200', 200, 0, 'NaN', NaN, ''],
  in: [['x'], [200, 206], ['200', '206'], ['0200', '2e2', ' 200', 200], [0], ['-0'], ['NaN'], [NaN], ['Infinity', 'x', 'y', 'z', 'w', 'v'], [1, 2, 3, 4, 5, 200], ['\0', 'x'], ['a', 'b', 'c', 'd', 'e', 'sqli']],
  not_in: [['x'], [200], ['\0'], ['\0', 'x', 'y', 'z', 'w', 'v'], ['NaN'], [0, 'x']],
  contains: ['sqli', 'x', '', '\0', 200],
  matches: ['^x$', 'sql', '^2', '\\.php$', '^$', 'NaN'],
  prefix: ['x', '2', '', '/a', '-'],
  gt: [0, 199, -1, 0.5, Infinity, -Infinity, NaN],
  ge: [0, 200],
  lt: [0, 201, Infinity],
  le: [0, -0, 200],
  exists: [true, false],
};

test('every operator answers as its closure on edge values of every type (numbers, numeric strings, NaN, -0, lists, NUL, quotes)', (t) => {
  const conds: unknown[] = [];
  for (const [op, vs] of Object.entries(OPERANDS)) for (const v of vs) conds.push({ field: 'f', [op]: v });
  const events = [...VALUES.map((v) => ev({ f: v })), ev({})];
  t.deepEqual(compare(conds, events, (e) => JSON.stringify(e.fields.f) ?? 'missing'), []);
  t.true(conds.length > 60);
});

test('all / any / not, nested, with conditions two rules share (evaluated once), over every truth assignment', (t) => {
  const a = { field: 'a', matches: '^y' };
  const b = { field: 'b', in: ['y'] };
  const c = { field: 'c', eq: 'y' };
  const d = { field: 'd', matches: 'y$' };
  const conds = [
    { all: [a, { any: [b, { not: d }] }, { not: c }] },
    { any: [{ all: [d, b] }, { not: { any: [a, c] } }] },
    { all: [a, b, c, d] },
    { any: [a, b, c, d] },
    { not: a },
    a,
    { all: [{ not: { not: b } }, a] },
  ];
  const events: DetectEvent[] = [];
  for (let m = 0; m < 16; m++) events.push(ev({ a: m & 1 ? 'y' : 'n', b: m & 2 ? 'y' : 'n', c: m & 4 ? 'y' : 'n', d: m & 8 ? 'y' : 'n' }));
  t.deepEqual(compare(conds, events, (e) => JSON.stringify(e.fields)), []);
  const { source } = packSource(conds);
  t.regex(source, /let s0 = -1;/, 'a condition used by several rules is computed once');
});

test('rule text never becomes code: strings are JSON literals, regexes and sets are objects passed in', (t) => {
  const evil = '"); globalThis.__packPwned = 1; ("';
  const { source } = packSource([{ field: 'f', eq: evil }, { field: 'f', in: [evil, 'a', 'b', 'c', 'd'] }, { field: 'f', contains: evil }, { field: 'f', prefix: evil }]);
  t.true(source.includes(JSON.stringify(evil)));
  t.false(source.split(JSON.stringify(evil)).join('').includes('__packPwned'), 'the value only ever appears quoted');
  const p = compilePack([{ field: 'f', eq: evil }]);
  const out = new Uint8Array(1);
  t.is(p({ f: evil }, out), 1);
  t.is(p({ f: 'x' }, out), 0);
  t.is((globalThis as Record<string, unknown>).__packPwned, undefined);
});

/** Every event of every rule's cases, the web-attack corpus and the Loghub SSH log, by source type. */
function corpus(rules: Rule[]): Map<SourceType, DetectEvent[]> {
  const set = loadRules(undefined, { cases: true });
  const by = new Map<SourceType, DetectEvent[]>();
  const add = (e: DetectEvent | null) => {
    if (!e) return;
    if (!by.has(e.type)) by.set(e.type, []);
    by.get(e.type)!.push(e);
  };
  for (const r of rules) {
    const cs = set.cases.get(r.id);
    if (cs) for (const c of [...cs.data.fire, ...cs.data.no_fire]) caseEvents(r, c).forEach(add);
  }
  const ctx = { year: 2026, fallbackTime: 0, web: true };
  if (existsSync(`${WEB}/attacks.log`)) {
    for (const l of readFileSync(`${WEB}/attacks.log`, 'utf8').split('\n')) add(lineEvent('nginx', l, ctx));
    for (const l of gunzipSync(readFileSync(`${WEB}/benign.log.gz`)).toString('utf8').split('\n')) add(lineEvent('nginx', l, ctx));
  } else if (process.env.CI) throw new Error(`${WEB} is missing`);
  if (existsSync(SSH)) for (const l of readFileSync(SSH, 'utf8').split('\n')) add(lineEvent('auth', l, ctx));
  else if (process.env.CI) throw new Error(`${SSH} is missing`);
  return by;
}

const conditionsOf = (rules: Rule[]) => rules.flatMap((r) => (r.logic.kind === 'sequence' ? [r.logic.first.where, r.logic.then.where] : [r.logic.where]));

test('the shipped pack: every condition of every rule answers as its closure on every case line, the web-attack corpus and Loghub', (t) => {
  const rules = loadRules().rules;
  const by = corpus(rules);
  let events = 0;
  for (const [type, evs] of by) {
    const conds = conditionsOf(rules.filter((r) => r.source === type));
    t.deepEqual(compare(conds, evs, (e) => e.line ?? JSON.stringify(e.fields)), [], type);
    events += evs.length;
  }
  t.true(events > (existsSync(`${WEB}/attacks.log`) ? 22_000 : 100), `only ${events} events`);
});

test('an engine using the pack raises and updates exactly the alerts of one using the closures', (t) => {
  const rules = loadRules().rules;
  const by = corpus(rules);
  const run = (pack: boolean) => {
    const engine = new DetectionEngine(rules, 'h', { pack });
    const changes: AlertChange[] = [];
    let seq = 0;
    for (const evs of by.values())
      for (const e of evs) {
        // one stream per type, in order; each event a fresh copy with its own reference
        engine.feed({ ...e, ref: { source: e.type, seq: ++seq } }, changes);
      }
    return { changes: JSON.stringify(changes.map((c) => [c.type, c.alert.id, c.alert.count])), stats: engine.stats() };
  };
  const a = run(true);
  const b = run(false);
  t.is(a.changes, b.changes);
  t.deepEqual(a.stats, b.stats);
  t.true(JSON.parse(a.changes).length > 10, 'the corpus raises alerts at all');
});

test('a pack that throws falls back to the closures, which count the error per rule as before', (t) => {
  const rules = loadRules().rules.filter((r) => r.source === 'web');
  const hostile = ev(
    new Proxy({} as Record<string, FieldValue>, {
      get(_, k) {
        if (k === 'status') throw new Error('hostile getter');
        return undefined;
      },
    }),
  );
  const a = new DetectionEngine(rules, 'h');
  const b = new DetectionEngine(rules, 'h', { pack: false });
  a.feed(hostile);
  b.feed(hostile);
  t.deepEqual(a.stats(), b.stats());
  t.true(a.stats().errors > 0);
});
