import test from 'ava';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyArchive } from '../../src/journal/index.js';
import { gradeEvents, openIncident, submitReport } from '../../src/incident/lifecycle.js';
import { IncidentStore } from '../../src/incident/store.js';
import { verifyIncident } from '../../src/incident/verify.js';
import { writeReport } from '../../src/incident/report.js';
import { sm3 } from '../../src/crypto/index.js';
import { tempDir } from '../playbook/helpers.js';

const base = {
  title: '门户网站首页被篡改', types: ['web_defacement'], drill: false, site: { name: '某州人民政府门户网站', domains: ['www.example.gov.cn'] },
  operator: { unit: '某州人民政府办公室', class: 'other' as const, contact: '张三' }, tz: 'Asia/Shanghai', hosts: [],
};

function clock(iso: string) {
  let t = Date.parse(iso);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

test('each report run writes a new numbered version (md + html from one state), never overwriting; hashes and the journal head are journaled', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), '值班员甲', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  const w1 = await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md', 'html'], now: c.now() });
  t.is(w1.version, 1);
  const v1 = await readFile(w1.files[0]!, 'utf8');
  t.regex(v1, /\| 报告版本 \| 第 1 版 \|/);
  t.regex(v1, /\| 影响范围及危害 \| 待查明 \|/);
  // The state moves on; the next run is version 2 and version 1 stays byte for byte.
  await store.append(id, { type: 'field.set', field: 'impact', value: '首页被篡改约 40 分钟' });
  c.advance(60000);
  const w2 = await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md', 'html'], now: c.now() });
  t.is(w2.version, 2);
  t.deepEqual((await readdir(store.reportsDir(id))).sort(), ['initial-v1.zh.html', 'initial-v1.zh.md', 'initial-v2.zh.html', 'initial-v2.zh.md']);
  t.is(await readFile(w1.files[0]!, 'utf8'), v1);
  t.regex(w2.texts[0]!, /首页被篡改约 40 分钟/);
  t.regex(w2.texts[1]!, /首页被篡改约 40 分钟/, 'the html of a version says what its md says');
  const s = await store.load(id);
  const v2md = s.reports.find((r) => r.file === 'initial-v2.zh.md')!;
  t.is(v2md.sm3, sm3(Buffer.from(w2.texts[0]!)).toString('hex'));
  // The journal head in the report is the real SM3 chain head at writing time.
  const head = v2md.head!;
  t.regex(head.hash, /^[0-9a-f]{64}$/);
  t.true(w2.texts[0]!.includes(`| 日志链头（SM3） | 第 ${head.seq} 条记录，SM3 ${head.hash} |`));
  const rec = s.events.find((e) => e.seq === head.seq)!;
  t.is(rec.event.type, 'field.set');
  t.is((await verifyArchive(store.journalDir(id))).records, s.events.length);
  t.deepEqual((await verifyIncident(store, id)).problems, []);
});

test('incident verify detects a changed old version, a deleted version and an unrecorded report file', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), 'alice', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md'], now: c.now() });
  await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md'], now: c.now() });
  const v1 = join(store.reportsDir(id), 'initial-v1.zh.md');
  await writeFile(v1, (await readFile(v1, 'utf8')).replace('待查明', '已查明'));
  await writeFile(join(store.reportsDir(id), 'initial-v3.zh.md'), 'planted\n');
  await rm(join(store.reportsDir(id), 'initial-v2.zh.md'));
  const r = await verifyIncident(store, id);
  t.false(r.ok);
  t.deepEqual(r.problems.map((p) => p.detail).sort(), [
    'reports/initial-v1.zh.md differs from the hash journaled when it was written',
    'reports/initial-v2.zh.md is missing',
    'reports/initial-v3.zh.md was never recorded in the journal',
  ]);
  // A planted next-version file is never overwritten by the next write: it is refused, loudly.
  await t.throwsAsync(writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md'], now: c.now() }), { message: /initial-v3\.zh\.md exists but was never journaled/ });
  t.is(await readFile(join(store.reportsDir(id), 'initial-v3.zh.md'), 'utf8'), 'planted\n');
});

test('writing a report does not complete a deadline; submitting it (who, to whom, when, how) does, with the rule\'s recipients', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), '值班员甲', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  await store.transact(id, (st) => gradeEvents(st, 'larger', {}));
  await t.throwsAsync(submitReport(store, id, { kind: 'initial', via: '书面报告' }), { message: /no initial report yet/ });
  await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md', 'html'], now: c.now() });
  let s = await store.load(id);
  t.falsy(s.deadlines.get('initial_report')!.closedAt, 'written is not submitted');
  t.false(s.events.some((e) => e.event.type === 'deadline.closed'));
  await t.throwsAsync(submitReport(store, id, { kind: 'initial', via: ' ' }), { message: /how the report was submitted/ });
  c.advance(10 * 60000);
  const r = await submitReport(store, id, { kind: 'initial', via: '书面报告并电话报告', reference: '州政办〔2025〕1号', at: new Date('2025-11-03T06:35:00Z') });
  s = r.state;
  t.is(r.version, 1);
  t.deepEqual(r.to, ['provincial_cac', 'cac', 'supervisor']);
  const sub = s.submissions[0]!;
  t.deepEqual([sub.kind, sub.version, sub.by, sub.via, sub.reference, sub.submittedAt], ['initial', 1, '值班员甲', '书面报告并电话报告', '州政办〔2025〕1号', '2025-11-03T06:35:00.000Z']);
  t.deepEqual(sub.files.sort(), ['initial-v1.zh.html', 'initial-v1.zh.md']);
  t.truthy(s.deadlines.get('initial_report')!.closedAt);
  // The submitted version stays verifiable; a later version does not change what was submitted.
  await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md'], now: c.now() });
  t.deepEqual((await verifyIncident(store, id)).problems, []);
  await t.throwsAsync(submitReport(store, id, { kind: 'initial', version: 7, via: 'x' }), { message: /no initial report version 7/ });
});

test('a provisional initial-report clock submitted before grading counts as met (the 较大 clock)', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), 'alice', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  await writeReport(store, id, { kind: 'initial', lang: 'zh', formats: ['md'], now: c.now() });
  const { state } = await submitReport(store, id, { kind: 'initial', via: '电话' });
  const d = state.deadlines.get('initial_report')!;
  t.false(d.provisional);
  t.truthy(d.closedAt);
});

test('--kind shutdown is refused for an incident with no emergency shutdown', async (t) => {
  const c = clock('2025-11-03T06:30:00Z');
  const store = new IncidentStore(await tempDir(t), 'alice', c.now);
  const { id } = await openIncident(store, { ...base, discovered: new Date('2025-11-03T06:00:00Z') });
  await t.throwsAsync(writeReport(store, id, { kind: 'shutdown', lang: 'zh', formats: ['md'], now: c.now() }), { message: /records no emergency shutdown/ });
  t.deepEqual(await readdir(store.reportsDir(id)), []);
  await store.append(id, { type: 'offline.started', kind: 'emergency', site: base.site.name });
  const w = await writeReport(store, id, { kind: 'shutdown', lang: 'zh', formats: ['md'], now: c.now() });
  t.regex(w.texts[0]!, /# 政府网站紧急关停书面报告：门户网站首页被篡改/);
  t.regex(w.texts[0]!, /\| 紧急关停 \| 2025-11-03 14:30:00 \(UTC\+08:00\) → 尚未恢复 \|/);
});
