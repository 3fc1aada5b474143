/**
 * The agent's status.json: version 2 on disk is snake_case with `schema_version` (like the report and
 * facts schema); a version 1 file (camelCase, written by gwsec before this change — the fixture under
 * test/fixtures/wire-v1/agent-state/ is one, from a real agent run) still reads, for `gwsec agent
 * status` and for the audit's agent_status collector.
 */
import test from 'ava';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatus, statusFromWire, statusToWire, writeStatus } from '../../../agents/agent/status.js';
import { agentStatus, AGENT_STATUS_FILE } from '../../../src/collectors/agent_status.js';
import { collect } from '../../../src/collectors/run.js';
import { GwsecError } from '../../../src/model/errors.js';
import { FixtureTransport } from '../../../src/transport/fixture.js';
import { packageRoot } from '../../../src/util/paths.js';
import { gwsec } from '../../helpers/cli.js';

const V1 = join(packageRoot(), 'test', 'fixtures', 'wire-v1', 'agent-state');
const v1Text = readFileSync(join(V1, 'status.json'), 'utf8');

function stateCopy(t: { teardown(f: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'gwsec-status-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  cpSync(join(V1, 'status.json'), join(d, 'status.json'));
  return d;
}

test('the fixture is version 1: camelCase, no schema_version', (t) => {
  const j = JSON.parse(v1Text) as Record<string, unknown>;
  t.is(j.schema_version, undefined);
  t.truthy(j.startedAt && (j.archive as { headSeq?: number }).headSeq !== undefined);
});

test('version 1 reads as written; version 2 is written snake_case and reads back to the same status', (t) => {
  const d = stateCopy(t);
  const s = readStatus(d);
  t.deepEqual(s, JSON.parse(v1Text));
  writeStatus(d, s);
  const raw = readFileSync(join(d, 'status.json'), 'utf8');
  const j = JSON.parse(raw) as Record<string, unknown> & { archive: Record<string, unknown>; archive_check: Record<string, unknown>; counters: Record<string, number> };
  t.is(j.schema_version, 2);
  t.deepEqual(Object.keys(j.archive).sort(), ['dir', 'head_hash', 'head_seq']);
  t.truthy(j.started_at && j.updated_at && j.archive_check.started_at);
  t.is(j.disk_pressure, false);
  t.is(j.counters.FileLinesRead, 1, 'counter names are event names, kept');
  t.notRegex(raw.replace(/"[A-Za-z.]+": \d+/g, ''), /"[a-z]+[A-Z]\w*":/, 'no camelCase key outside the counters');
  t.deepEqual(readStatus(d), s);
  t.deepEqual(statusFromWire(statusToWire(s), 'x'), s);
});

test('gwsec agent status reads a version 1 file left by the previous agent (text and JSON)', (t) => {
  const d = stateCopy(t);
  const cfg = join(d, 'agent.yaml');
  writeFileSync(cfg, `archive:\n  dir: ${join(d, 'archive')}\nretention_days: 180\nstate_dir: ${d}\nsources:\n  - { type: file, path: ${join(d, 'web.log')}, format: raw }\n`);
  const txt = gwsec(['agent', 'status', '-c', cfg, '--lang', 'en']);
  t.is(txt.code, 0, txt.stderr);
  t.regex(txt.stdout, /head seq 1/);
  t.regex(txt.stdout, /archive check at start: ok \(1 records/);
  const j = JSON.parse(gwsec(['agent', 'status', '-c', cfg, '--format', 'json']).stdout) as Record<string, unknown>;
  t.is(j.schema_version, 2);
  t.is((j.archive as { head_seq: number }).head_seq, 1);
  t.is(j.started_at, JSON.parse(v1Text).startedAt);
});

test('a status.json of an unknown version is a located error (exit 2)', (t) => {
  const d = stateCopy(t);
  writeFileSync(join(d, 'status.json'), JSON.stringify({ schema_version: 9 }));
  const e = t.throws(() => readStatus(d)) as GwsecError;
  t.is(e.code, 'agent_status_version');
  t.is(e.location?.file, join(d, 'status.json'));
});

test('the audit collector reads the last checkpoint from either version', async (t) => {
  const d = stateCopy(t);
  writeStatus(d, readStatus(d));
  const v2Text = readFileSync(join(d, 'status.json'), 'utf8');
  const want = JSON.parse(v1Text).last_checkpoint_at as string;
  for (const text of [v1Text, v2Text]) {
    const f = (await collect(FixtureTransport.fromMemory({ name: 'h', files: { [AGENT_STATUS_FILE]: text }, cmds: { 'agent_status-active': { stdout: 'active\n' }, 'agent_status-processes': { stdout: 'node\n' } } }), [agentStatus])).facts.agent_status as { gwsec: { status: { last_checkpoint: string } } };
    t.is(f.gwsec.status.last_checkpoint, want);
  }
});
