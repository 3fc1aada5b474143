/**
 * The new_value (first-seen) logic: learning period, first-seen alerts per key@value, forgetting,
 * the per-key value bound, the rule's memory bounds under a flood, the snapshot across a restart,
 * and its lint errors; plus auth.admin / auth.from_net as the parsers' lines give them.
 */
import test from 'ava';
import { DetectionEngine } from '../../src/detect/engine.js';
import { addressNet, lineEvent, type LineContext } from '../../src/detect/lines.js';
import { parseRule, type Rule } from '../../src/detect/load.js';
import { parseYaml } from '../../src/policy/yaml.js';
import type { GwsecError } from '../../src/model/errors.js';
import type { Alert, AlertChange } from '../../src/model/alert.js';

const HEAD = `title: { zh: 测试, en: test }
severity: high
article: "41"
technique: T1078
playbook: account-compromise
source: auth
`;

function parse(text: string): { rule: Rule | null; errors: string[] } {
  const errors: GwsecError[] = [];
  const rule = parseRule(parseYaml('nv.yaml', text), errors);
  return { rule, errors: errors.map((e) => e.format()) };
}

const nv = (logic = '', extra = '') => {
  const r = parse(`id: nv\n${HEAD}logic:\n  kind: new_value\n  where: { all: [{ field: auth.outcome, eq: accepted }, { field: auth.admin, eq: "yes" }] }\n  key: auth.user\n  value: auth.from\n${logic}${extra}`);
  if (!r.rule) throw new Error(r.errors.join('\n'));
  return r.rule;
};

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 1, 0, 0);
const stamp = (ms: number) => {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]!;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${mon} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};
const login = (ms: number, user: string, from: string) => `${stamp(ms)} web sshd[7]: Accepted publickey for ${user} from ${from} port 50000 ssh2`;

function feed(engine: DetectionEngine, lines: string[], admins?: Set<string>): AlertChange[] {
  const out: AlertChange[] = [];
  const ctx: LineContext = { year: 2026, fallbackTime: 0, web: false, admins };
  for (const l of lines) engine.feed(lineEvent('auth', l, ctx)!, out);
  return out;
}
const fresh = (ch: AlertChange[]): Alert[] => ch.filter((c) => c.type === 'new' && c.alert.kind === 'detection').map((c) => c.alert);

test('learns for `learn` after its first event, then alerts each first-seen value once, grouped key@value', (t) => {
  const e = new DetectionEngine([nv('  learn: 2d\n', 'evidence: [auth.user, auth.from]\n')], 'h');
  t.deepEqual(fresh(feed(e, [login(T0, 'root', '10.0.0.1'), login(T0 + DAY, 'root', '10.0.0.2'), login(T0 + 2 * DAY - 1000, 'root', '10.0.0.3')])), []);
  const after = fresh(feed(e, [login(T0 + 3 * DAY, 'root', '10.0.0.1'), login(T0 + 3 * DAY + 60_000, 'root', '203.0.113.9'), login(T0 + 3 * DAY + 120_000, 'root', '203.0.113.9')]));
  t.deepEqual(after.map((a) => a.groupKey), ['root@203.0.113.9']);
  t.is(after[0]!.evidence['auth.from'], '203.0.113.9');
  t.is(after[0]!.evidence['auth.user'], 'root');
  t.is(after[0]!.count, 1, 'the second login from it is known, not a repeat of the alert');
});

test('learn: 0 alerts from the first value on; a value unseen for `forget` is new again', (t) => {
  const e = new DetectionEngine([nv('  learn: 0\n  forget: 10d\n')], 'h');
  t.deepEqual(fresh(feed(e, [login(T0, 'root', '10.0.0.1')])).map((a) => a.groupKey), ['root@10.0.0.1']);
  t.deepEqual(fresh(feed(e, [login(T0 + 9 * DAY, 'root', '10.0.0.1')])), []);
  t.deepEqual(fresh(feed(e, [login(T0 + 20 * DAY, 'root', '10.0.0.1')])).map((a) => a.groupKey), ['root@10.0.0.1']);
});

test('only administrators: root by default, others when the context names them; auth.from_net is the /24 or /64', (t) => {
  const e = new DetectionEngine([nv('  learn: 0\n')], 'h');
  t.deepEqual(fresh(feed(e, [login(T0, 'webadmin', '10.0.0.1')])), []);
  t.is(fresh(feed(e, [login(T0, 'webadmin', '10.0.0.1')], new Set(['root', 'webadmin']))).length, 1);
  const ev = lineEvent('auth', login(T0, 'root', '203.0.113.77'), { year: 2026, fallbackTime: 0, web: false })!;
  t.is(ev.fields['auth.admin'], 'yes');
  t.is(ev.fields['auth.from_net'], '203.0.113.0/24');
  t.is(addressNet('2001:db8::1'), '2001:db8:0:0::/64');
  t.is(addressNet('2001:0db8:00aa:0001:2:3:4:5'), '2001:db8:aa:1::/64');
  t.is(addressNet('::ffff:198.51.100.4'), '198.51.100.0/24');
  t.is(addressNet('host.example.com'), 'host.example.com');
});

test('max_values per key: the least recently seen value is forgotten first', (t) => {
  const e = new DetectionEngine([nv('  learn: 1d\n  max_values: 3\n')], 'h');
  feed(e, [login(T0, 'root', 'a'), login(T0 + 1000, 'root', 'b'), login(T0 + 2000, 'root', 'c'), login(T0 + 3000, 'root', 'a'), login(T0 + 4000, 'root', 'd')]);
  // b was the least recently seen when d came: forgotten; a, c, d remain
  const after = fresh(feed(e, [login(T0 + 2 * DAY, 'root', 'a'), login(T0 + 2 * DAY, 'root', 'c'), login(T0 + 2 * DAY, 'root', 'd'), login(T0 + 2 * DAY, 'root', 'b')]));
  t.deepEqual(after.map((a) => a.groupKey), ['root@b']);
});

test('a flood of accounts and sources stays inside max_keys and max_bytes, the loss reported as overflow; long values are cut', (t) => {
  const r = nv('  learn: 0\n', 'max_keys: 50\nmax_bytes: 64KiB\n');
  const e = new DetectionEngine([r], 'h');
  const admins = new Set<string>();
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    admins.add(`u${i % 400}`);
    lines.push(login(T0 + i * 1000, `u${i % 400}`, `10.${(i >> 8) & 255}.${i & 255}.${'9'.repeat(i % 7 === 0 ? 2000 : 1)}`));
  }
  const ch = feed(e, lines, admins);
  const s = e.stats();
  t.true(s.keys.nv! <= 50 + 50, `${s.keys.nv} keys`);
  t.true(s.bytes.nv! <= 64 * 1024, `${s.bytes.nv} bytes`);
  t.true(ch.some((c) => c.alert.kind === 'overflow'), 'overflow reported');
  for (const c of ch) t.true(c.alert.groupKey.length <= 5 + 1 + 256);
});

test('the learned values, the learning start and open alerts survive a restart (snapshot/restore)', (t) => {
  const r = nv('  learn: 2d\n');
  const a = new DetectionEngine([r], 'h');
  feed(a, [login(T0, 'root', '10.0.0.1'), login(T0 + DAY, 'root', '10.0.0.2')]);
  const snap = JSON.parse(JSON.stringify(a.snapshot())) as unknown;
  const b = new DetectionEngine([r], 'h');
  t.is(b.restore(snap), 1);
  // Still learning (the period runs from the first event before the restart): silent.
  t.deepEqual(fresh(feed(b, [login(T0 + DAY + 3600_000, 'root', '10.0.0.3')])), []);
  // After it: learned sources are known, a new one alerts.
  const after = fresh(feed(b, [login(T0 + 3 * DAY, 'root', '10.0.0.1'), login(T0 + 3 * DAY, 'root', '10.0.0.3'), login(T0 + 3 * DAY, 'root', '198.51.100.1')]));
  t.deepEqual(after.map((x) => x.groupKey), ['root@198.51.100.1']);
  // Junk in place of values is skipped, never trusted.
  const bad = JSON.parse(JSON.stringify(b.snapshot())) as { rules: Record<string, { state: Array<[string, { values?: unknown }]> }> };
  bad.rules.nv!.state[0]![1].values = [1, 2];
  t.is(new DetectionEngine([r], 'h').restore(bad), 1, 'only the open alert came back');
});

test('lint: new_value needs key and value fields of its source; learn/forget are durations; located', (t) => {
  const bad = parse(`id: nv\n${HEAD}logic:\n  kind: new_value\n  where: { field: auth.outcome, eq: accepted }\n  key: auth.user\n  value: auth.form\n  learn: soon\n`);
  t.is(bad.rule, null);
  const text = bad.errors.join('\n');
  t.regex(text, /nv\.yaml:13:\d+: logic\.learn/);
  const bad2 = parse(`id: nv\n${HEAD}logic:\n  kind: new_value\n  where: { field: auth.outcome, eq: accepted }\n  key: auth.user\n  value: auth.form\n`);
  t.regex(bad2.errors.join('\n'), /nv\.yaml:12:\d+: logic\.value: unknown field 'auth\.form' for source auth/);
  const noValue = parse(`id: nv\n${HEAD}logic:\n  kind: new_value\n  where: { field: auth.outcome, eq: accepted }\n  key: auth.user\n`);
  t.regex(noValue.errors.join('\n'), /nv\.yaml:\d+:\d+: logic\.value/);
  const file = parse(`id: nv\n${HEAD.replace('source: auth', 'source: drift')}logic:\n  kind: new_value\n  where: { field: drift.kind, eq: port_added }\n  key: drift.item\n  value: drift.detail\n`);
  t.regex(file.errors.join('\n'), /logic kind 'new_value' does not read source drift/);
});
