/**
 * The engine's per-rule memory bound in bytes (`max_bytes`, on top of `max_keys`) and the compact
 * keyed state behind it: a flood of random sources or of hostile 100 KB lines holds the rule's state
 * near its bound in the real V8 heap, the drops are reported as an overflow alert, and alerts keep
 * their counts, samples and references. Heap figures are measured after a forced GC.
 */
import test from 'ava';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DetectionEngine } from '../../src/detect/engine.js';
import { SAMPLE_MAX_CHARS, type DetectEvent } from '../../src/detect/event.js';
import { lineEvent } from '../../src/detect/lines.js';
import { loadRules, parseRule, type Rule } from '../../src/detect/load.js';
import { WORKER_LIMITS } from '../../agents/agent/detect/index.js';
import { MAX_BYTES_DEFAULT } from '../../src/detect/schema.js';
import { parseYaml } from '../../src/policy/yaml.js';
import type { GwsecError } from '../../src/model/errors.js';
import type { AlertChange } from '../../src/model/alert.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
};

function parse(text: string): { rule: Rule | null; errors: GwsecError[] } {
  const errors: GwsecError[] = [];
  return { rule: parseRule(parseYaml('t.yaml', text), errors), errors };
}
function rule(text: string): Rule {
  const p = parse(text);
  if (!p.rule) throw new Error(p.errors.map((e) => e.format()).join('\n'));
  return p.rule;
}
const HEAD = `title: { zh: 测试, en: test }\nseverity: high\narticle: "41"\ntechnique: T1595.003\nplaybook: webshell-intrusion\n`;
const scan = (extra = '') => rule(`id: scan\n${HEAD}source: web\nlogic: { kind: threshold, where: { field: status, eq: 404 }, key: client, count: 20, window: 60s }\n${extra}`);
const sqli = (extra = '') => rule(`id: sqli\n${HEAD}source: web\nlogic: { kind: match, where: { field: web.categories, contains: sqli } }\n${extra}`);

const clf = (sec: number) => `01/Jun/2026:10:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')} +0800`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const web = (sec: number, client: string, path: string, status: number, seq: number): DetectEvent => {
  const e = lineEvent('nginx', `${client} - - [${clf(sec)}] "GET ${path} HTTP/1.1" ${status} 153 "-" "Mozilla/5.0"`, { year: 2026, fallbackTime: 0, web: true })!;
  e.ref = { source: 'nginx', seq };
  return e;
};

test('max_bytes: default 2 MiB, sizes in KiB/MiB, bounds checked with the rule file location', (t) => {
  t.is(scan().max_bytes, MAX_BYTES_DEFAULT);
  t.is(MAX_BYTES_DEFAULT, 2 * 1048576);
  t.is(scan('max_bytes: 4MiB').max_bytes, 4 * 1048576);
  t.is(scan('max_bytes: 512KiB').max_bytes, 512 * 1024);
  t.is(scan('max_bytes: 100000').max_bytes, 100000);
  for (const bad of ['max_bytes: 1000', 'max_bytes: 1GiB', 'max_bytes: 300MiB', 'max_bytes: lots']) {
    const p = parse(`id: scan\n${HEAD}source: web\nlogic: { kind: threshold, where: { field: status, eq: 404 }, key: client, count: 20, window: 60s }\n${bad}\n`);
    t.is(p.rule, null, bad);
    t.true(p.errors.some((e) => e.location?.file === 't.yaml' && e.location.line === 9 && /max_bytes/.test(e.format())), `${bad}: ${p.errors.map((e) => e.format()).join('; ')}`);
  }
});

test('a flood of new 404 clients (each with a long line) stays within max_bytes in the real heap; the drops are an overflow alert', (t) => {
  const maxBytes = 256 * 1024;
  const engine = new DetectionEngine([scan(`max_bytes: ${maxBytes}`)], 'h');
  const over: AlertChange[] = [];
  const long = '/' + 'a'.repeat(2000);
  const before = heap();
  for (let i = 0; i < 20_000; i++) for (const c of engine.feed(web(i % 50, ip(i), `${long}?${i}`, 404, i + 1))) if (c.alert.kind === 'overflow') over[0] = c;
  const grown = heap() - before;
  const st = engine.stats();
  t.true(st.bytes.scan! <= maxBytes, `estimate ${st.bytes.scan}`);
  t.true(st.keys.scan! < 300, `${st.keys.scan} keys of ≤ 1 KiB samples`);
  // Without the byte bound (only max_keys = 10,000) these 2 KB lines held ~25 MB.
  t.true(grown < 4 * maxBytes, `heap grew ${grown} bytes`);
  t.is(over.length, 1);
  const o = over[0]!.alert;
  t.is(o.evidence.max_bytes, maxBytes);
  t.is(o.count, st.dropped.scan, 'the overflow alert counts every drop of live state');
  t.true(st.dropped.scan! > 19_000);
  t.regex(o.title.en, /memory bound \(10000 keys or 256 KiB\)/);
  t.regex(o.title.zh, /10000 个键或 256 KiB/);
  // A real scan among the flood is still caught: a fresh key holds its 20 hits.
  const got: AlertChange[] = [];
  for (let k = 0; k < 20; k++) engine.feed(web(55, '192.0.2.99', `/probe${k}`, 404, 30_000 + k), got);
  const hit = got.filter((c) => c.alert.kind === 'detection');
  t.is(hit.length, 1);
  t.is(hit[0]!.alert.count, 20);
  t.is(hit[0]!.alert.samples.length, 5);
  t.deepEqual(hit[0]!.alert.refs.map((r) => r.seq), Array.from({ length: 20 }, (_, k) => 30_000 + k));
});

test('a hostile 100 KB line held in keyed state costs its 1 KiB sample, not the line', (t) => {
  const engine = new DetectionEngine([scan('max_bytes: 64MiB')], 'h');
  const before = heap();
  for (let i = 0; i < 200; i++) engine.feed(web(1, ip(i), `/${String(i).padStart(5, '0')}${'x'.repeat(100 * 1024)}`, 404, i + 1));
  const grown = heap() - before;
  t.is(engine.stats().keys.scan, 200);
  // The old state kept each whole line (20 MB here): a cut sample must not pin it.
  t.true(grown < 200 * 4 * SAMPLE_MAX_CHARS, `heap grew ${grown} bytes for 200 keys`);
  const snap = engine.snapshot();
  const sample = snap.rules.scan!.state[0]![1].hits[0]!.sample!;
  t.true(sample.length <= SAMPLE_MAX_CHARS + 20 && /…\(\d+ chars\)$/.test(sample), sample.slice(-40));
});

test('the byte estimate follows the measured heap of a one-hit-per-key flood (within 2x)', (t) => {
  const engine = new DetectionEngine([scan('max_bytes: 64MiB')], 'h');
  const before = heap();
  for (let i = 0; i < 5000; i++) engine.feed(web(i % 50, ip(i), `/zwgk/tzgg/2013/t${i}_${i}.html?page=1`, 404, i + 1));
  const grown = heap() - before;
  const est = engine.stats().bytes.scan!;
  t.is(engine.stats().keys.scan, 5000);
  t.true(est >= grown / 2 && est <= grown * 2, `estimate ${est}, measured ${grown}`);
  // compact: well under the ~1.3 KB a key the old layout took for lines of this length
  t.true(grown / 5000 < 900, `${(grown / 5000).toFixed(0)} bytes a key`);
});

test('open alerts count against max_bytes too: a flood of SQL injection from random clients stays bounded', (t) => {
  const maxBytes = 128 * 1024;
  const engine = new DetectionEngine([sqli(`max_bytes: ${maxBytes}`)], 'h');
  const out: AlertChange[] = [];
  for (let i = 0; i < 3000; i++) engine.feed(web(i % 60, ip(i), `/news.php?id=1%27%20UNION%20SELECT%20password%20FROM%20users--${i}`, 200, i + 1), out);
  const st = engine.stats();
  t.is(out.filter((c) => c.type === 'new' && c.alert.kind === 'detection').length, 3000, 'every attacker is still alerted');
  t.true(st.bytes.sqli! <= maxBytes, `${st.bytes.sqli}`);
  t.true(st.keys.sqli! < 3000);
  // dropping an open alert loses no detection (a repeat opens a new alert), so it is no overflow
  t.is(out.filter((c) => c.alert.kind === 'overflow').length, 0);
});

test('restore holds a snapshot to a tighter max_bytes, and an old snapshot with an oversized sample is cut', (t) => {
  const big = new DetectionEngine([scan('max_bytes: 64MiB')], 'h');
  for (let i = 0; i < 2000; i++) big.feed(web(i % 50, ip(i), `/p${i}`, 404, i + 1));
  const snap = JSON.parse(JSON.stringify(big.snapshot())) as unknown;
  const small = new DetectionEngine([scan('max_bytes: 64KiB')], 'h');
  const n = small.restore(snap);
  t.true(small.stats().bytes.scan! <= 64 * 1024);
  t.is(n, small.stats().keys.scan, 'the count says what was kept');
  t.true(n > 0 && n < 2000);
  // A version-1 snapshot as the old engine wrote it (hits as { time, sample, ref }), hand-edited to a huge sample.
  const t0 = Date.parse('2026-06-01T02:00:00Z');
  const old = {
    version: 1,
    latest: t0 + 10_000,
    rules: {
      scan: {
        state: [['203.0.113.5', { times: Array.from({ length: 19 }, (_, k) => t0 + k * 100), hits: Array.from({ length: 19 }, (_, k) => ({ time: t0 + k * 100, sample: k === 0 ? 'y'.repeat(50_000) : `line ${k}`, ref: { source: 'nginx', seq: 100 + k } })), last: t0 + 1800 }]],
        open: [],
        dropped: 0,
      },
    },
  };
  const e = new DetectionEngine([scan()], 'h');
  t.is(e.restore(old), 1);
  const out = e.feed(web(2, '203.0.113.5', '/last', 404, 200));
  const a = out.find((c) => c.type === 'new')!.alert;
  t.is(a.count, 20, 'the restored 19 hits and this one');
  t.is(a.refs.length, 20);
  t.is(a.refs[0]!.seq, 100);
  t.true(a.samples[0]!.length <= SAMPLE_MAX_CHARS + 20, 'an untrusted sample is cut again');
  t.is(a.samples[1], 'line 1');
});

test('the shipped pack at its bounds fits the detection worker heap: the sum of max_bytes leaves 8 MiB of its old space (the idle worker holds ~5 MB)', (t) => {
  const rules = loadRules(undefined, { cases: false }).rules;
  const sum = rules.reduce((n, r) => n + r.max_bytes, 0);
  t.true(rules.length >= 19);
  t.true(sum <= (WORKER_LIMITS.maxOldGenerationSizeMb - 8) * 1048576, `${rules.length} rules, ${(sum / 1048576).toFixed(1)} MiB against a ${WORKER_LIMITS.maxOldGenerationSizeMb} MB heap`);
});
