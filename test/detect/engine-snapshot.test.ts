/**
 * The engine's keyed state survives a restart through snapshot()/restore() (the agent keeps it in
 * its state dir): a brute force spanning the restart is counted whole, an open alert keeps taking
 * repeats instead of opening a second one, and the snapshot stays bounded.
 */
import test from 'ava';
import { DetectionEngine, SNAPSHOT_MAX_BYTES } from '../../src/detect/engine.js';
import { lineEvent } from '../../src/detect/lines.js';
import { parseRule, type Rule } from '../../src/detect/load.js';
import { parseYaml } from '../../src/policy/yaml.js';
import type { GwsecError } from '../../src/model/errors.js';
import type { AlertChange } from '../../src/model/alert.js';

function rule(text: string): Rule {
  const errors: GwsecError[] = [];
  const r = parseRule(parseYaml('t.yaml', text), errors);
  if (!r) throw new Error(errors.map((e) => e.format()).join('\n'));
  return r;
}
const HEAD = `title: { zh: 测试, en: test }\nseverity: high\narticle: "41"\ntechnique: T1110\nplaybook: account-compromise\n`;
const brute = (extra = '') => rule(`id: brute\n${HEAD}source: auth\nlogic: { kind: threshold, where: { field: auth.outcome, eq: failed }, key: auth.from, count: 8, window: 120s }\n${extra}`);
const seq = () =>
  rule(`id: seq\n${HEAD}source: auth\nlogic:\n  kind: sequence\n  key: auth.from\n  window: 30m\n  first: { count: 3, where: { field: auth.outcome, eq: failed } }\n  then: { where: { field: auth.outcome, eq: accepted } }\n`);
const at = (sec: number) => `Jun  1 10:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
const fail = (sec: number, ip: string) => `${at(sec)} h sshd[1]: Failed password for root from ${ip} port 1 ssh2`;
const ok = (sec: number, ip: string) => `${at(sec)} h sshd[1]: Accepted password for web from ${ip} port 1 ssh2`;

function feed(engine: DetectionEngine, lines: string[], firstSeq = 1): AlertChange[] {
  const out: AlertChange[] = [];
  lines.forEach((l, i) => {
    const e = lineEvent('auth', l, { year: 2026, fallbackTime: 0, web: false })!;
    e.ref = { source: 'auth', seq: firstSeq + i };
    engine.feed(e, out);
  });
  return out;
}

/** A restart: the snapshot goes through JSON (as it does through the state file). */
const restart = (from: DetectionEngine, rules: Rule[]) => {
  const next = new DetectionEngine(rules, 'h');
  next.restore(JSON.parse(JSON.stringify(from.snapshot())));
  return next;
};

test('a brute force spanning a restart is counted whole (5 failures before, 3 after)', (t) => {
  const rules = [brute(), seq()];
  const a = new DetectionEngine(rules, 'h');
  t.is(feed(a, [0, 5, 10, 15, 20].map((s) => fail(s, '203.0.113.9'))).length, 0);
  // Without the snapshot the three after the restart are not enough (what the old agent did):
  t.is(feed(new DetectionEngine(rules, 'h'), [25, 30, 35].map((s) => fail(s, '203.0.113.9'))).length, 0);
  const b = restart(a, rules);
  const after = feed(b, [25, 30, 35].map((s) => fail(s, '203.0.113.9')), 6);
  const brutes = after.filter((c) => c.alert.rule === 'brute');
  t.is(brutes.length, 1);
  const alert = brutes[0]!.alert;
  t.is(alert.count, 8);
  t.deepEqual(alert.refs.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8], 'references reach the lines read before the restart');
  t.is(alert.samples.length, 5);
  t.regex(alert.samples[0]!, /10:00:00 .*Failed password/);
  // …and the sequence rule (failures before, success after) fires too.
  const c = restart(b, rules);
  t.is(feed(c, [ok(60, '203.0.113.9')], 9).filter((x) => x.alert.rule === 'seq' && x.type === 'new').length, 1);
});

test('an alert open before a restart takes the repeats after it (same id, count raised)', (t) => {
  const rules = [brute()];
  const a = new DetectionEngine(rules, 'h');
  const first = feed(a, Array.from({ length: 8 }, (_, i) => fail(i, '198.51.100.4')));
  const id = first.find((c) => c.type === 'new')!.alert.id;
  const b = restart(a, rules);
  const more = feed(b, [10, 11].map((s) => fail(s, '198.51.100.4')), 9);
  t.true(more.length > 0);
  t.true(more.every((c) => c.type === 'update' && c.alert.id === id));
  t.is(more[more.length - 1]!.alert.count, 10);
});

test('the snapshot keeps only live entries, within max_keys and the byte bound; junk is ignored', (t) => {
  const rules = [brute('max_keys: 300')];
  const a = new DetectionEngine(rules, 'h');
  // a flood of random sources, each with one long line, then time moves on past the window for most
  feed(a, Array.from({ length: 1000 }, (_, i) => fail(i % 60, `10.0.${i >> 8}.${i & 255}`) + ' x'.repeat(2000)));
  const snap = a.snapshot();
  t.true(snap.rules.brute!.state.length <= 300);
  t.true(JSON.stringify(snap).length <= SNAPSHOT_MAX_BYTES * 1.1);
  const small = a.snapshot(64 * 1024);
  t.true(JSON.stringify(small).length <= 64 * 1024 * 1.2, `${JSON.stringify(small).length}`);
  t.true(small.rules.brute!.state.length > 0, 'the newest entries are kept first');
  // an hour later only live entries remain
  feed(a, [fail(3599, '192.0.2.1')]);
  t.is(a.snapshot().rules.brute!.state.length, 1);
  // restoring into a tighter rule holds max_keys; garbage restores nothing and throws nothing
  const b = new DetectionEngine([brute('max_keys: 10')], 'h');
  t.true(b.restore(JSON.parse(JSON.stringify(snap))) <= 10);
  t.true(b.stats().keys.brute! <= 10);
  for (const junk of [null, 1, 'x', { version: 2 }, { version: 1, rules: { brute: { state: [[1, 2], ['k', { times: 'x' }]], open: [['k', { alert: {} }]] } } }]) t.is(new DetectionEngine(rules, 'h').restore(junk), 0);
});
