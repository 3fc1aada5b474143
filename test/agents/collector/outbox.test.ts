/** The agent's outbox on real files: durable across reopen, acked items gone, bounded with a recorded gap. */
import test from 'ava';
import { readdirSync, statSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Outbox, type LeasedItem } from '../../../agents/agent/outbox.js';
import type { GapPayload } from '../../../src/protocol/index.js';
import { tmp } from './helpers.js';

const item = (i: number, pad = 200) => ({ id: `a${i}`, kind: 'alerts' as const, body: { n: i, pad: 'x'.repeat(pad) } });
const diskBytes = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('out-')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

test('items survive a reopen until acked; acked items are not handed out again; duplicates by id are ignored', (t) => {
  const dir = tmp('outbox');
  const ob = Outbox.open(dir, { maxBytes: 1 << 20 });
  t.is(ob.add([item(1), item(2), item(3), item(1)]), 3);
  t.deepEqual(ob.lease(2).map((i) => i.id), ['a1', 'a2']);
  ob.ack(['a1']);
  ob.close();
  // A crash mid-append leaves a torn line: ignored (that item was never acknowledged to anyone).
  const seg = readdirSync(dir).find((f) => f.startsWith('out-'))!;
  appendFileSync(join(dir, seg), '{"id":"a9","kind":"al');
  const re = Outbox.open(dir, { maxBytes: 1 << 20 });
  t.deepEqual(re.lease(10).map((i) => i.id), ['a2', 'a3']);
  t.deepEqual(re.lease(10), []);
  re.unlease();
  t.deepEqual(re.lease(10).map((i) => i.id), ['a2', 'a3']);
  t.is(re.stats.items, 2);
  re.ack(['a2', 'a3']);
  t.is(re.stats.items, 0);
  re.close();
  t.is(Outbox.open(dir, { maxBytes: 1 << 20 }).stats.items, 0);
});

test('the bound holds on disk; what does not fit opens a gap, recorded locally and queued once there is room', (t) => {
  const dir = tmp('bound');
  const max = 64 * 1024;
  const gaps: Array<[string, GapPayload]> = [];
  let clock = Date.parse('2026-12-01T08:00:00Z');
  const ob = Outbox.open(dir, { maxBytes: max, now: () => new Date((clock += 1000)), onGap: (e, g) => gaps.push([e, g]) });
  let kept = 0;
  for (let i = 0; i < 1000; i++) {
    kept += ob.add([item(i)]);
    t.true(diskBytes(dir) <= max, `disk ${diskBytes(dir)} > ${max} after item ${i}`);
  }
  t.true(kept > 100 && kept < 1000, `kept ${kept}`);
  t.is(gaps.length, 1);
  t.is(gaps[0]![0], 'opened');
  t.true(ob.stats.gapOpen);
  // A restart does not forget the open gap.
  ob.close();
  const re = Outbox.open(dir, { maxBytes: max, now: () => new Date((clock += 1000)), onGap: (e, g) => gaps.push([e, g]) });
  t.true(re.stats.gapOpen);
  t.is(re.add([item(5000)]), 0);
  // The collector acks everything: room again, and the gap is queued behind what was already there.
  const seen: LeasedItem[] = [];
  for (;;) {
    const l = re.lease(100);
    if (!l.length) break;
    seen.push(...l);
    re.ack(l.map((i) => i.id));
  }
  t.is(seen.filter((i) => i.kind === 'gap').length, 1);
  t.is(seen.at(-1)!.kind, 'gap');
  t.is(seen.length, kept + 1);
  re.add([item(6000)]);
  t.deepEqual(re.lease(10).map((i) => i.id), ['a6000']);
  const g = JSON.parse(seen.at(-1)!.json.toString()) as GapPayload;
  t.is(g.dropped.alerts, 1000 - kept + 1);
  t.true(Date.parse(g.to) > Date.parse(g.from));
  t.deepEqual(re.gaps().map((x) => x.id), [g.id]);
  t.is(gaps.at(-1)![0], 'queued');
  t.true(diskBytes(dir) <= max);
});

test('an item is handed out as the JSON of its body, the same after a reopen (also from a line written in another key order)', (t) => {
  const dir = tmp('outbox-json');
  const body = { n: 1, title: { zh: '网页篡改', en: 'defacement' }, s: 'a"b\\c' };
  const ob = Outbox.open(dir, { maxBytes: 1 << 20 });
  ob.add([{ id: 'a1', kind: 'alerts', body }, { id: 'a2', kind: 'alerts', json: JSON.stringify({ ...body, n: 2 }) }]);
  t.deepEqual(ob.lease(10).map((i) => i.json.toString()), [JSON.stringify(body), JSON.stringify({ ...body, n: 2 })]);
  ob.close();
  const seg = readdirSync(dir).find((f) => f.startsWith('out-'))!;
  appendFileSync(join(dir, seg), JSON.stringify({ kind: 'alerts', body: { ...body, n: 3 }, id: 'a3' }) + '\n');
  const re = Outbox.open(dir, { maxBytes: 1 << 20 });
  t.deepEqual(re.lease(10).map((i) => JSON.parse(i.json.toString()) as unknown), [body, { ...body, n: 2 }, { ...body, n: 3 }]);
  re.unlease();
  t.deepEqual(re.lease(10).map((i) => i.json.toString()), [JSON.stringify(body), JSON.stringify({ ...body, n: 2 }), JSON.stringify({ ...body, n: 3 })]);
  re.close();
});
