import test from 'ava';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sm3 } from '../../src/crypto/index.js';
import { closeIncident, correctDiscovery, gradeEvents, openIncident, recordMissed } from '../../src/incident/lifecycle.js';
import { IncidentStore, incidentsRoot } from '../../src/incident/store.js';
import { verifyIncident } from '../../src/incident/verify.js';
import { readRecords } from '../../src/journal/index.js';
import { tempDir } from '../playbook/helpers.js';

const base = {
  title: 'test', types: ['web_defacement'], drill: false, site: { name: 'S', domains: [] }, operator: { unit: 'U', class: 'cii' as const }, tz: 'Asia/Shanghai', hosts: [],
};

function clock(start: string) {
  let now = new Date(start);
  return { now: () => now, set: (iso: string) => void (now = new Date(iso)) };
}

test('incidents root: --incidents, else $GWSEC_INCIDENTS, else ./incidents', (t) => {
  t.is(incidentsRoot('/x/y', { GWSEC_INCIDENTS: '/a' }), '/x/y');
  t.is(incidentsRoot(undefined, { GWSEC_INCIDENTS: '/a' }), '/a');
  t.is(incidentsRoot(undefined, {}), join(process.cwd(), 'incidents'));
});

test('each event is one journal record (source = type, line = canonical JSON); the clock starts at discovery', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), 'alice', c.now);
  const s = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  t.regex(s.id, /^INC-20251103-143000-[0-9a-f]{4}$/);
  const recs = [];
  for await (const r of readRecords(store.journalDir(s.id))) recs.push(r);
  t.deepEqual(recs.map((r) => r.source), ['incident.opened', 'deadline.opened']);
  t.is(JSON.parse(recs[0]!.line).by, 'alice');
  const keys = Object.keys(JSON.parse(recs[0]!.line));
  t.deepEqual(keys, [...keys].sort());
  const d = s.deadlines.get('initial_report')!;
  t.true(d.provisional);
  t.is(d.due, '2025-11-03T07:00:00.000Z');
});

test('discovery time changes only by a journaled correction, and the clock moves with it; grade 一般 cancels, 重大 escalates', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), 'alice', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  let s = await store.transact(id, (st) => gradeEvents(st, 'major', {}));
  t.false(s.deadlines.get('initial_report')!.provisional);
  t.is(s.deadlines.get('escalation')!.due, '2025-11-03T07:00:00.000Z');
  s = await correctDiscovery(store, id, new Date('2025-11-03T05:40:00Z'), 'log shows earlier alert');
  t.is(s.discoveredAt, '2025-11-03T05:40:00.000Z');
  t.is(s.deadlines.get('initial_report')!.due, '2025-11-03T06:40:00.000Z');
  t.is(s.corrections[0]!.from, '2025-11-03T14:00:00+08:00', 'journaled in local time with its offset');
  t.is(s.corrections[0]!.to, '2025-11-03T13:40:00+08:00');
  t.is(s.corrections[0]!.by, 'alice');
  await t.throwsAsync(correctDiscovery(store, id, new Date(), ' '), { message: /needs a reason/ });
  s = await store.transact(id, (st) => gradeEvents(st, 'general', {}));
  t.truthy(s.deadlines.get('initial_report')!.cancelledAt);
  t.truthy(s.deadlines.get('escalation')!.cancelledAt);
});

test('missed deadlines are recorded once, shown at close, and never dropped', async (t) => {
  const c = clock('2025-11-03T06:10:00Z');
  const store = new IncidentStore(await tempDir(t), 'bob', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  await store.transact(id, (st) => gradeEvents(st, 'larger', {}));
  c.set('2025-11-03T07:05:00Z');
  let s = await recordMissed(store, id);
  t.is(s.deadlines.get('initial_report')!.missedAt, '2025-11-03T07:05:00.000Z');
  s = await recordMissed(store, id);
  t.is(s.events.filter((e) => e.event.type === 'deadline.missed').length, 1);
  s = await closeIncident(store, id, 'done');
  const closed = s.events.at(-1)!.event;
  t.is(closed.type, 'incident.closed');
  t.deepEqual(closed.type === 'incident.closed' && closed.openDeadlines, ['initial_report', 'final_report']);
  await t.throwsAsync(closeIncident(store, id, 'again'), { message: /already closed/ });
});

test('evidence: SM3 + SHA-256 at collection; custody on access and export; verify catches edits to evidence, reports and the journal', async (t) => {
  const dir = await tempDir(t);
  const store = new IncidentStore(join(dir, 'inc'), 'carol');
  const { id } = await openIncident(store, { ...base, discovered: new Date(Date.now() - 60000) });
  const ev = await store.addEvidence(id, { name: 'ps.txt', content: Buffer.from('pid 1 init\n'), kind: 'processes' });
  t.is(ev.sha256, createHash('sha256').update('pid 1 init\n').digest('hex'));
  t.is(ev.sm3, sm3('pid 1 init\n').toString('hex'));
  t.regex(ev.sm3, /^[0-9a-f]{64}$/);
  t.is((await store.accessEvidence(id, ev.item)).content.toString(), 'pid 1 init\n');
  const exported = await store.exportEvidence(id, join(dir, 'out'));
  t.true(exported[0]!.intact);
  let s = await store.load(id);
  t.deepEqual(s.evidence[0]!.custody.map((c) => c.action), ['collected', 'accessed', 'exported']);
  t.is(s.evidence[0]!.custody[2]!.to, join(dir, 'out', ev.file));
  t.true((await verifyIncident(store, id)).ok);

  // An edited evidence file.
  const evFile = join(store.evidenceDir(id), ev.file);
  await writeFile(evFile, 'pid 1 systemd\n');
  let v = await verifyIncident(store, id);
  t.false(v.ok);
  t.deepEqual(v.problems.map((p) => p.kind), ['evidence_modified']);
  const acc = await store.accessEvidence(id, ev.item);
  t.false(acc.intact);
  s = await store.load(id);
  t.false(s.evidence[0]!.custody.at(-1)!.intact);
  await writeFile(evFile, 'pid 1 init\n');
  // A file slipped into evidence/ that the journal never recorded.
  await writeFile(join(store.evidenceDir(id), 'E0099-planted.txt'), 'x');
  v = await verifyIncident(store, id);
  t.deepEqual(v.problems.map((p) => p.kind), ['evidence_unrecorded']);
});

test('verify catches one edited byte in a journal line', async (t) => {
  const store = new IncidentStore(await tempDir(t), 'dave');
  const { id } = await openIncident(store, { ...base, title: 'original title', discovered: new Date(Date.now() - 60000) });
  await store.append(id, { type: 'note', text: 'first responder arrived' });
  t.true((await verifyIncident(store, id)).ok);
  const jd = store.journalDir(id);
  const seg = (await readdir(jd)).find((n) => n.startsWith('seg-'))!;
  const bytes = await readFile(join(jd, seg));
  const at = bytes.indexOf(Buffer.from('first responder'));
  t.true(at > 0);
  bytes[at] = 'F'.charCodeAt(0);
  await writeFile(join(jd, seg), bytes);
  const v = await verifyIncident(store, id);
  t.false(v.ok);
  t.true(v.problems.some((p) => p.kind === 'journal'), JSON.stringify(v.problems));
});

test('verify catches a record appended outside the journal API (a forged tail)', async (t) => {
  const store = new IncidentStore(await tempDir(t), 'erin');
  const { id } = await openIncident(store, { ...base, discovered: new Date(Date.now() - 60000) });
  const jd = store.journalDir(id);
  const seg = (await readdir(jd)).find((n) => n.startsWith('seg-'))!;
  await appendFile(join(jd, seg), '{"type":"incident.closed","summary":"nothing happened"}\n');
  const v = await verifyIncident(store, id);
  t.false(v.ok);
  t.deepEqual(v.problems.map((p) => p.kind), ['journal_tail']);
});
