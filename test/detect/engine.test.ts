import test from 'ava';
import { DetectionEngine, alertId } from '../../src/detect/engine.js';
import { escapeLine, isHostile, type DetectEvent } from '../../src/detect/event.js';
import { lineEvent } from '../../src/detect/lines.js';
import { parseRule, type Rule } from '../../src/detect/load.js';
import { parseYaml } from '../../src/policy/yaml.js';
import type { GwsecError } from '../../src/model/errors.js';
import type { Alert, AlertChange } from '../../src/model/alert.js';

function rule(text: string): Rule {
  const errors: GwsecError[] = [];
  const r = parseRule(parseYaml('t.yaml', text), errors);
  if (!r) throw new Error(errors.map((e) => e.format()).join('\n'));
  return r;
}

const HEAD = `title: { zh: 测试, en: test }
severity: high
article: "41"
technique: T1110
playbook: account-compromise
`;
const brute = (extra = '') =>
  rule(`id: brute\n${HEAD}source: auth
logic: { kind: threshold, where: { field: auth.outcome, eq: failed }, key: auth.from, count: 3, window: 60s }
${extra}`);

const fail = (sec: number, ip: string) => `Jun  1 10:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')} h sshd[1]: Failed password for root from ${ip} port 1 ssh2`;
const ev = (line: string): DetectEvent => lineEvent('auth', line, { year: 2026, fallbackTime: 0, web: true })!;

function run(rules: Rule[], lines: string[], host = 'h'): { alerts: Map<string, Alert>; changes: AlertChange[]; engine: DetectionEngine } {
  const engine = new DetectionEngine(rules, host);
  const changes: AlertChange[] = [];
  lines.forEach((l, i) => {
    const e = lineEvent('auth', l, { year: 2026, fallbackTime: 0, web: true });
    if (!e) return; // not a syslog line at all (the hostile ones): nothing for a rule
    e.ref = { source: 'auth', seq: i + 1 };
    engine.feed(e, changes);
  });
  const alerts = new Map(changes.map((c) => [c.alert.id, c.alert]));
  return { alerts, changes, engine };
}

test('threshold: the count is reached inside a sliding window, not across it', (t) => {
  const r = run([brute()], [fail(0, 'a'), fail(30, 'a'), fail(61, 'a'), fail(62, 'a')]);
  // 0,30 then 61: 0 is out of [1,61]; 30,61,62 are within 60 s: fires at 62.
  t.is(r.alerts.size, 1);
  const a = [...r.alerts.values()][0]!;
  t.is(a.count, 3);
  t.is(a.groupKey, 'a');
  t.deepEqual(a.refs.map((x) => x.seq), [2, 3, 4]);
  t.is(a.samples.length, 3);
  t.is(run([brute()], [fail(0, 'a'), fail(30, 'a'), fail(91, 'a')]).alerts.size, 0);
});

test('repeats inside the suppression window raise the count; after it, a new alert with a new id', (t) => {
  const lines = [0, 1, 2, 3, 4, 5, 6].map((s) => fail(s, 'b'));
  const r = run([brute('suppress: 5m')], [...lines, fail(200, 'b'), fail(200 + 301, 'b'), fail(502, 'b'), fail(503, 'b')]);
  const as = [...r.alerts.values()];
  t.is(as.length, 2);
  t.is(as[0]!.count, 8);
  t.is(as[0]!.samples.length, 5);
  t.is(as[1]!.count, 3);
  t.not(as[0]!.id, as[1]!.id);
  t.true(r.changes.filter((c) => c.type === 'update').length >= 5);
});

test('alert ids are stable: the same input gives the same ids, a different host key another', (t) => {
  const lines = [0, 1, 2, 10, 11, 12].map((s, i) => fail(s, i < 3 ? 'x' : 'y'));
  const one = [...run([brute()], lines).alerts.keys()];
  const two = [...run([brute()], lines).alerts.keys()];
  t.deepEqual(one, two);
  t.is(one.length, 2);
  t.is(one[0], alertId('brute', 'x', ev(lines[0]!).time));
});

test('sequence: failures then success from the same key within the window', (t) => {
  const seq = rule(`id: seq\n${HEAD}source: auth
logic:
  kind: sequence
  key: auth.from
  window: 5m
  first: { count: 2, where: { field: auth.outcome, eq: failed } }
  then: { where: { field: auth.outcome, eq: accepted } }
`);
  const ok = (sec: number, ip: string) => fail(sec, ip).replace('Failed', 'Accepted');
  t.is(run([seq], [fail(0, 'p'), fail(5, 'p'), ok(10, 'p')]).alerts.size, 1);
  t.is(run([seq], [fail(0, 'p'), ok(10, 'p')]).alerts.size, 0, 'one failure is below count');
  t.is(run([seq], [fail(0, 'p'), fail(5, 'p'), ok(10, 'q')]).alerts.size, 0, 'another source');
  t.is(run([seq], [fail(0, 'p'), fail(5, 'p'), ok(400, 'p')]).alerts.size, 0, 'outside the window');
  t.is(run([seq], [ok(0, 'p'), fail(5, 'p'), fail(6, 'p')]).alerts.size, 0, 'success first');
});

test('memory bound: a flood of random sources keeps state at max_keys and the overflow is itself an alert', (t) => {
  const r = brute('max_keys: 100');
  const engine = new DetectionEngine([r], 'h');
  const changes: AlertChange[] = [];
  for (let i = 0; i < 5000; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    engine.feed(ev(fail(i % 50, ip)), changes);
  }
  const st = engine.stats();
  t.true(st.keys.brute! <= 100, `keys ${st.keys.brute}`);
  t.is(st.dropped.brute, 4900);
  const over = changes.filter((c) => c.alert.kind === 'overflow');
  t.true(over.length > 0);
  const o = over[over.length - 1]!.alert;
  t.is(o.rule, 'brute');
  t.is(o.count, 4900, 'one overflow alert per suppression window, counting the drops');
  t.is(o.evidence.max_keys, 100);
  // A real brute force among the flood is still caught (its key is fresh).
  const after = engine.feed(ev(fail(51, 'z')));
  t.is(after.filter((c) => c.alert.kind === 'detection').length, 0);
  engine.feed(ev(fail(52, 'z')));
  t.is(engine.feed(ev(fail(53, 'z'))).filter((c) => c.alert.kind === 'detection').length, 1);
});

test('stale keys are dropped without an overflow report', (t) => {
  const engine = new DetectionEngine([brute('max_keys: 10')], 'h');
  const changes: AlertChange[] = [];
  for (let i = 0; i < 50; i++) engine.feed(ev(fail(i * 70, `ip${i}`)), changes);
  t.true(engine.stats().keys.brute! <= 10);
  t.is(changes.filter((c) => c.alert.kind === 'overflow').length, 0);
});

test('hostile lines never crash a rule and samples are escaped', (t) => {
  const hostile = [
    'x'.repeat(100 * 1024),
    '\u0000\u0001\u0002binary\u00ff\ufffd\ufffd',
    fail(1, 'h').replace('root', 'ro\u001b[31mot\u001b]0;pwned\u0007'),
    fail(2, 'h').replace('root', '\u202eevil'),
    fail(3, 'h') + '\u0000'.repeat(1000),
    '\ud800 lone surrogate',
  ];
  const r = run([brute()], [...hostile, ...hostile.map((l) => l)]);
  t.is(r.engine.stats().errors, 0);
  const a = [...r.alerts.values()];
  t.is(a.length, 1);
  for (const s of a[0]!.samples) {
    // eslint-disable-next-line no-control-regex -- no control character may survive
    t.false(/[\u0000-\u001f\u007f-\u009f\u202e]/.test(s), s);
    t.true(s.length < 1100, String(s.length));
  }
  t.true(a[0]!.samples.some((s) => s.includes('\\x1b[31m')), JSON.stringify(a[0]!.samples));
  t.deepEqual(hostile.map((l) => isHostile(l)), hostile.map(() => true));
  t.false(isHostile(fail(1, 'ok')));
  t.is(escapeLine('a\u001bb\u0000c\u2066'), 'a\\x1bb\\x00c\\u2066');
});

test('match rules over web fields, grouped by client, with the inspection transforms in evidence', (t) => {
  const r = rule(`id: w\n${HEAD}source: web
logic: { kind: match, where: { field: web.categories, contains: sqli } }
`);
  const engine = new DetectionEngine([r], 'h');
  const line = `203.0.113.1 - - [01/Jun/2026:10:00:00 +0800] "GET /a.php?id=1%2527%2520UNION%2520SELECT%25201,2-- HTTP/1.1" 200 5 "-" "curl/8"`;
  const out = engine.feed(lineEvent('nginx', line, { year: 2026, fallbackTime: 0, web: true })!);
  t.is(out.length, 1);
  const a = out[0]!.alert;
  t.is(a.groupKey, '203.0.113.1');
  t.true((a.evidence['web.transforms'] as string[]).length >= 2);
  t.is(a.firstSeen, '2026-06-01T02:00:00.000Z');
});

test('expired keys are swept as new ones come: memory follows the live state, not max_keys', (t) => {
  const engine = new DetectionEngine([brute('max_keys: 10000')], 'h');
  const changes: AlertChange[] = [];
  // one failure per source, a new source every 30 s, for ~4 hours: only the last 60 s are live
  const p2 = (n: number) => String(n).padStart(2, '0');
  for (let i = 0; i < 500; i++) {
    const s = i * 30;
    engine.feed(ev(`Jun  1 ${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)} h sshd[1]: Failed password for root from 198.51.100.${i % 250}-${i} port 1 ssh2`), changes);
  }
  t.true(engine.stats().keys.brute! <= 8, `keys ${engine.stats().keys.brute}`);
  t.is(changes.filter((c) => c.alert.kind === 'overflow').length, 0);
  t.is(engine.stats().dropped.brute, 0);
});
