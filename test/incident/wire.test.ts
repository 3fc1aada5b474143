/**
 * Incident journals on disk: version 2 records are snake_case (like the report and facts schema)
 * and carry `schema_version`; journals written before (version 1, camelCase — the fixtures under
 * test/fixtures/wire-v1/incidents/ are a drill run and an opened-corrected-closed incident written
 * by gwsec on 2026-12-07, before this change) still load,
 * show, report and verify, and a version 1 incident continued today holds records of both versions.
 */
import test from 'ava';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { IncidentStore } from '../../src/incident/store.js';
import { eventFromWire, eventToWire, type IncidentEvent } from '../../src/incident/events.js';
import { openIncident } from '../../src/incident/lifecycle.js';
import { verifyIncident } from '../../src/incident/verify.js';
import { readRecords } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { packageRoot } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';
import { tempDir } from '../playbook/helpers.js';

const V1 = join(packageRoot(), 'test', 'fixtures', 'wire-v1', 'incidents');
const DRILL = 'DRILL-20261207-195939-d26b';
const OPENED = 'INC-20261207-195942-e3c6';
const CAMEL = /"(discoveredAt|occurredAt|exitCode|durationMs|submittedAt|plannedDays|openDeadlines|notBefore)"/;

async function rawLines(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readRecords(dir)) out.push(r.line);
  return out;
}

async function copyV1(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const root = await tempDir(t);
  await cp(V1, root, { recursive: true });
  return root;
}

test('the version 1 fixtures are what they claim: camelCase records, no schema_version', async (t) => {
  const lines = await rawLines(join(V1, DRILL, 'journal'));
  t.true(lines.length > 40);
  t.true(lines.some((l) => CAMEL.test(l)));
  t.false(lines.some((l) => l.includes('schema_version')));
});

test('a version 1 incident loads as it was written: discovery, commands, evidence, submissions, the finished playbook', async (t) => {
  const store = new IncidentStore(await copyV1(t));
  const s = await store.load(DRILL);
  t.regex(s.discoveredAt, /^2026-12-07T/);
  t.truthy(s.occurredAt);
  t.is(s.finished, 'success');
  t.true(s.evidence.length >= 3, `${s.evidence.length} evidence items`);
  t.deepEqual(s.submissions.map((x) => x.kind), ['initial', 'final']);
  t.true(s.submissions.every((x) => /^2026-/.test(x.submittedAt)));
  const results = [...s.steps.values()].flatMap((st) => [...st.commands.values()]).filter((c) => c !== 'started');
  t.true(results.length > 0 && results.every((c) => typeof (c as { exitCode: unknown }).exitCode === 'number'), 'exit codes read from exitCode');
  const opened = await store.load(OPENED);
  t.is(opened.corrections.length, 1);
  t.truthy(opened.closed);
  t.deepEqual((await verifyIncident(store, DRILL)).problems, []);
});

test('continuing a version 1 incident appends version 2 records; both read back and the chain still verifies', async (t) => {
  const root = await copyV1(t);
  const store = new IncidentStore(root);
  const before = await store.load(DRILL);
  const rep = gwsec(['incident', 'report', DRILL, '--incidents', root, '--kind', 'followup', '--lang', 'zh']);
  t.is(rep.code, 0, rep.stderr);
  const lines = await rawLines(store.journalDir(DRILL));
  const added = lines.slice(before.events.length);
  t.true(added.length >= 1);
  for (const l of added) {
    t.is(JSON.parse(l).schema_version, 2, l);
    t.false(CAMEL.test(l), l);
  }
  const after = await store.load(DRILL);
  t.true(after.reports.length > before.reports.length, 'the new report is journaled');
  t.true(after.reports.slice(before.reports.length).every((r) => r.kind === 'followup' && r.version === 2), 'version 2 of the Chinese follow-up: the version 1 records counted');
  t.is(after.discoveredAt, before.discoveredAt);
  t.is(gwsec(['incident', 'verify', DRILL, '--incidents', root]).code, 0);
  const tl = JSON.parse(gwsec(['incident', 'timeline', DRILL, '--incidents', root, '--format', 'json']).stdout) as Array<{ seq: number; event: Record<string, unknown> }>;
  const first = tl[0]!.event;
  t.truthy(first.discovered_at, 'timeline JSON in the version 2 spelling, whichever version wrote the record');
  t.is(first.discoveredAt, undefined);
  const show = JSON.parse(gwsec(['incident', 'show', DRILL, '--incidents', root, '--format', 'json']).stdout) as Record<string, unknown>;
  t.is(show.discovered_at, before.discoveredAt);
});

test('a new incident is written in version 2 only; data keys (vars, answers, titles) keep their own spelling', async (t) => {
  const store = new IncidentStore(await tempDir(t), 'alice', () => new Date('2025-11-03T06:30:00Z'));
  const s = await openIncident(store, { title: 't', types: ['web_defacement'], drill: false, site: { name: 'S', domains: [] }, operator: { unit: 'U', class: 'cii' }, tz: 'Asia/Shanghai', hosts: [], discovered: new Date('2025-11-03T06:00:00Z') });
  const lines = await rawLines(store.journalDir(s.id));
  t.true(lines.every((l) => JSON.parse(l).schema_version === 2));
  t.true(lines[0]!.includes('"discovered_at":"2025-11-03T06:00:00.000Z"'));
  t.false(lines.some((l) => CAMEL.test(l)));
  const e: IncidentEvent = { type: 'playbook.started', at: 'x', playbook: 'p', version: 1, sha256: 'h', vars: { siteUrl: 'u', durationMs: '1' }, mode: 'answers' };
  const wire = eventToWire(e);
  t.deepEqual(wire.vars, { siteUrl: 'u', durationMs: '1' }, 'variable names are data');
  t.deepEqual(eventFromWire(JSON.parse(JSON.stringify(wire)), 'x'), e);
  const done: IncidentEvent = { type: 'command.finished', at: 'x', step: 's', host: 'h', exitCode: 3, durationMs: 9, stdout: '', stderr: '', truncated: false };
  t.like(eventToWire(done), { exit_code: 3, duration_ms: 9 });
  t.deepEqual(eventFromWire(eventToWire(done), 'x'), done);
});

test('a record of a newer version is a clear error, not a silently different incident', (t) => {
  const e = t.throws(() => eventFromWire({ type: 'note', at: 'x', text: 'n', schema_version: 3 }, 'incident X record 7')) as GwsecError;
  t.is(e.code, 'incident_schema_version');
  t.regex(e.en, /record 7.*version 3.*upgrade/);
  t.regex(e.zh, /版本 3/);
});
