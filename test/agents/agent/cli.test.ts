import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { TAMPERED_MARK } from '../../../agents/agent/export.js';
import { NODE_FLAGS, renderUnit, unitLaunch } from '../../../agents/agent/install.js';
import { renderEntry } from '../../../agents/agent/sources/journald.js';
import { gwsec } from '../../helpers/cli.js';
import { packageRoot } from '../../../src/util/paths.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { waitUntil } from '../../helpers/time.js';
import { startAgent } from '../../helpers/agent.js';

async function archiveOf(t: Pick<ExecutionContext, 'teardown'>, d: string, lines: Record<string, string[]>): Promise<string> {
  mkdirSync(join(d, 'logs'), { recursive: true });
  for (const [name, ls] of Object.entries(lines)) writeFileSync(join(d, 'logs', `${name}.log`), ls.map((l) => l + '\n').join(''));
  const cfgPath = writeConfig(d, {
    archive: { dir: join(d, 'archive') },
    sources: Object.keys(lines).map((name) => ({ type: 'file', name, path: join(d, 'logs', `${name}.log`), format: 'raw' })),
  });
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, loadConfig(cfgPath), { events: ev });
  const total = Object.values(lines).flat().length;
  await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= total, 2500);
  await agent.stop();
  return cfgPath;
}

test('install copies the program out of the checkout and writes a unit that runs it; ReadWritePaths are the configured archive, state and anchor paths; systemd-analyze verify accepts it', (t) => {
  const d = tmp('install');
  const conf = join(d, 'etc');
  const units = join(d, 'units');
  const prog = join(d, 'opt', 'gwsec');
  // A config pointing into the temp dir, so the writable paths exist here.
  mkdirSync(conf);
  writeFileSync(join(conf, 'agent.yaml'), `archive: { dir: ${d}/archive, anchors_file: ${d}/anchors/anchors.jsonl }\nretention_days: 365\nstate_dir: ${d}/state\nsources: [{ type: journald }]\n`);
  const r = gwsec(['agent', 'install', '--config-dir', conf, '--unit-dir', units, '--program-dir', prog]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /config kept/);
  t.regex(r.stdout, new RegExp(`program installed: ${prog}`));
  const unit = readFileSync(join(units, 'gwsec-agent.service'), 'utf8');
  for (const k of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only', 'MemoryMax=', 'Environment=MALLOC_ARENA_MAX=2']) t.true(unit.includes(k), k);
  t.true(unit.includes(`ReadWritePaths=${d}/archive ${d}/state ${d}/anchors\n`), unit);
  // Everything here lives under /tmp: a private /tmp would hide it from the service.
  t.true(unit.includes('PrivateTmp=no'));
  t.false(unit.includes('MemoryDenyWriteExecute'), 'V8 needs W+X pages');
  t.regex(unit, new RegExp(`ExecStart=\\S+node --max-old-space-size=96 --max-semi-space-size=1 --optimize-for-size ${prog}/bin/gwsec\\.js agent run -c ${conf}/agent\\.yaml`));
  t.false(unit.includes(packageRoot()), 'nothing points into the checkout');
  // The benchmark launches the agent from the unit text: what it reads back is what systemd runs.
  const launch = unitLaunch(unit);
  t.deepEqual(launch.argv.slice(1, 5), [...NODE_FLAGS, join(prog, 'bin', 'gwsec.js')]);
  t.deepEqual(launch.argv.slice(-4), ['agent', 'run', '-c', join(conf, 'agent.yaml')]);
  t.is(launch.env.MALLOC_ARENA_MAX, '2');
  // The installed copy runs on its own (its runtime node_modules came along), from any directory.
  const own = spawnSync(launch.argv[0]!, [join(prog, 'bin', 'gwsec.js'), 'agent', 'status', '-c', join(conf, 'agent.yaml')], { encoding: 'utf8', cwd: '/' });
  t.regex(own.stderr, /no status file/, own.stderr);
  t.true(existsSync(join(prog, 'node_modules', 'yaml', 'package.json')));
  t.false(existsSync(join(prog, 'node_modules', 'ava')), 'no dev dependencies');
  t.false(existsSync(join(prog, 'build', 'test')), 'no tests');
  const fresh = join(d, 'fresh');
  const r2 = gwsec(['agent', 'install', '--config-dir', fresh, '--unit-dir', units, '--program-dir', prog]);
  t.is(r2.code, 0, r2.stderr);
  t.regex(r2.stdout, /default config written/);
  t.regex(readFileSync(join(fresh, 'agent.yaml'), 'utf8'), /retention_days: 180/);
  const sa = spawnSync('systemd-analyze', ['verify', join(units, 'gwsec-agent.service')], { encoding: 'utf8' });
  if (sa.error) {
    if (process.env.CI) t.fail('systemd-analyze is required in CI (.ci/run installs systemd)');
    else t.log('SKIPPED systemd-analyze verify: systemd-analyze not installed');
  } else {
    // Only judge lines about our unit (the host's own units may have unrelated complaints).
    const ours = (sa.stderr + sa.stdout).split('\n').filter((l) => l.includes('gwsec-agent.service'));
    t.deepEqual(ours, [], ours.join('\n'));
  }
  t.true(renderUnit({ node: '/n', bin: '/b', config: '/c', writable: ['/a', '/a'] }).includes('ReadWritePaths=/a\n'));
  const prod = renderUnit({ node: '/usr/bin/node', bin: '/opt/gwsec/bin/gwsec.js', config: '/etc/gwsec/agent.yaml', writable: ['/var/lib/gwsec/archive', '/var/lib/gwsec/agent'] });
  t.true(prod.includes('PrivateTmp=yes') && prod.includes('ProtectHome=read-only'), 'full sandbox for the default layout');
  t.true(renderUnit({ node: '/usr/bin/node', bin: '/opt/gwsec/bin/gwsec.js', config: '/etc/gwsec/agent.yaml', writable: ['/var/tmp/archive'] }).includes('PrivateTmp=no'));
  rm(d);
});

test('status shows per-source cursors, lag, archive size and counters', async (t) => {
  const d = tmp('status');
  const cfg = await archiveOf(t, d, { web: ['a', 'b', 'c'], auth: ['x'] });
  writeFileSync(join(d, 'logs', 'web.log'), 'a\nb\nc\nnot yet archived\n');
  const r = gwsec(['agent', 'status', '-c', cfg]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /agent not running/);
  t.regex(r.stdout, /archive .*archive: \d+ files, [\d.]+ (B|KiB), head seq 4/);
  t.regex(r.stdout, /source web \(file\)/);
  t.regex(r.stdout, /web\.log {2}offset 6 of 6/);
  t.regex(r.stdout, /RecordsArchived 4/);
  const j = JSON.parse(gwsec(['agent', 'status', '-c', cfg, '--format', 'json']).stdout) as { schema_version: number; running: boolean; sources: Array<{ name: string }>; archive_bytes: number; archive: { head_seq: number } };
  t.false(j.running);
  t.deepEqual(j.sources.map((s) => s.name), ['web', 'auth', 'gwsec-alerts']); // alerts queued for the archive
  t.true(j.archive_bytes > 0);
  t.is(j.schema_version, 2, 'snake_case like the report schema');
  t.is(j.archive.head_seq, 4);
  rm(d);
});

test('verify: exit 0 when intact, 1 when a record is modified, naming the segment; the text states the assurance level as the JSON does', async (t) => {
  const d = tmp('verify');
  await archiveOf(t, d, { web: Array.from({ length: 200 }, (_, i) => `GET /page/${i} 200`) });
  const archive = join(d, 'archive');
  const ok = gwsec(['agent', 'verify', '--archive', archive]);
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  t.regex(ok.stdout, /^chain intact: 200 records \(seq 1–200\)/);
  t.regex(ok.stdout, /checked against keys stored in the archive's own meta\.json/);
  t.regex(ok.stdout, /assurance: chain and signatures intact; NOT anchored off-host — a full re-chain by root on this host cannot be excluded/);
  const zh = gwsec(['agent', 'verify', '--archive', archive, '--lang', 'zh']);
  t.regex(zh.stdout, /未与本机之外的锚点比对——不能排除本机 root 对整个归档重建哈希链/);
  const j = JSON.parse(gwsec(['agent', 'verify', '--archive', archive, '--format', 'json']).stdout) as { notes: string[]; assurance: string[] };
  t.true(j.notes.some((n) => /re-chain of the archive cannot be excluded/.test(n)));
  t.true(j.assurance.some((l) => /NOT anchored off-host/.test(l)));
  // With the anchors (kept outside the archive) and the public key: the stronger statement.
  const anchors = join(d, 'agent-state', 'anchors.jsonl');
  t.false(existsSync(join(archive, 'anchors.jsonl')), 'no anchors inside the archive');
  const strong = gwsec(['agent', 'verify', '--archive', archive, '--anchors', anchors, '--public-key', join(d, 'agent-state', 'agent-sm2.pub')]);
  t.is(strong.code, 0, strong.stdout);
  t.regex(strong.stdout, /valid against the given public key/);
  t.regex(strong.stdout, /anchors: consistent with \d+ anchor\(s\)/);
  t.notRegex(strong.stdout, /NOT anchored/);
  const seg = readdirSync(archive).find((f) => f.startsWith('seg-'))!;
  const buf = readFileSync(join(archive, seg));
  const at = buf.indexOf('GET /page/123 200');
  t.true(at > 0, 'the segment holds the line (uncompressed open segment)');
  buf.write('X', at + 5);
  writeFileSync(join(archive, seg), buf);
  const bad = gwsec(['agent', 'verify', '--archive', archive]);
  t.is(bad.code, 1);
  t.regex(bad.stdout, /archive TAMPERED OR DAMAGED/);
  t.true(bad.stdout.includes(seg), bad.stdout);
  // Export marks the lines of the damaged block and still exports the rest.
  const ex = gwsec(['agent', 'export', '--archive', archive, '--format', 'jsonl']);
  t.is(ex.code, 1);
  const recs = ex.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; line: string; intact: boolean });
  t.is(recs.length, 200);
  const marked = recs.filter((r) => !r.intact);
  t.true(marked.some((r) => r.line === 'GET /Xage/123 200'), 'the edited line is marked');
  t.true(marked.length < 200 || recs.length === marked.length, 'only the damaged block(s) are marked');
  t.regex(ex.stderr, /line\(s\) are in blocks whose hash or chain link does not verify/);
  const text = gwsec(['agent', 'export', '--archive', archive]);
  t.true(text.stdout.includes(`${TAMPERED_MARK}GET /Xage/123 200\n`));
  rm(d);
});

test('export: text, jsonl and json formats, -o FILE, --from/--to by archive receive time with an explicit zone', async (t) => {
  const d = tmp('export');
  const before = Date.now();
  await archiveOf(t, d, { web: ['w1', 'w2'], auth: ['a1 Failed password for root from 1.2.3.4'] });
  const archive = join(d, 'archive');
  const all = gwsec(['agent', 'export', '--archive', archive]);
  t.is(all.code, 0, all.stderr);
  t.deepEqual(all.stdout.split('\n').filter(Boolean).sort(), ['a1 Failed password for root from 1.2.3.4', 'w1', 'w2']);
  t.regex(all.stderr, /# gwsec agent export: 3 line\(s\), seq 1\.\.3; filter: none \(by archive receive time, UTC\)/);
  t.regex(all.stderr, /# chain intact: 3 records/);
  const auth = gwsec(['agent', 'export', '--archive', archive, '--source', 'auth']);
  t.is(auth.stdout, 'a1 Failed password for root from 1.2.3.4\n');
  const future = gwsec(['agent', 'export', '--archive', archive, '--from', '2999-01-01T00:00:00Z']);
  t.is(future.stdout, '');
  t.regex(future.stderr, /0 line\(s\)/);
  const badTime = gwsec(['agent', 'export', '--archive', archive, '--to', 'yesterday-ish']);
  t.is(badTime.code, 2);
  t.regex(badTime.stderr, /--to yesterday-ish: not a time/);
  // A wall-clock time without offset is read in --tz: the same instant written two ways selects the same.
  const w = new Date(before - 60000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const inUrumqi = new Date(w.getTime() + 6 * 3600000);
  const local = `${inUrumqi.getUTCFullYear()}-${pad(inUrumqi.getUTCMonth() + 1)}-${pad(inUrumqi.getUTCDate())} ${pad(inUrumqi.getUTCHours())}:${pad(inUrumqi.getUTCMinutes())}`;
  const z = gwsec(['agent', 'export', '--archive', archive, '--from', local, '--tz', 'Asia/Urumqi', '--format', 'jsonl']);
  t.is(z.stdout.trim().split('\n').length, 3, z.stderr);
  const zLater = gwsec(['agent', 'export', '--archive', archive, '--to', local, '--tz', 'Asia/Urumqi']);
  t.is(zLater.stdout, '', 'nothing was received before that minute');
  const rel = gwsec(['agent', 'export', '--archive', archive, '--from', '-1h', '--format', 'jsonl']);
  const rec = JSON.parse(rel.stdout.split('\n')[0]!) as { seq: number; time: string; source: string; line: string; intact: boolean };
  t.deepEqual(Object.keys(rec), ['seq', 'time', 'source', 'line', 'intact']);
  t.true(rec.intact);
  const out = join(d, 'export.json');
  const j = gwsec(['agent', 'export', '--archive', archive, '--format', 'json', '-o', out]);
  t.is(j.code, 0, j.stderr);
  t.is(j.stdout, '');
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { records: number; tampered_records: number; verification: { ok: boolean; assurance: string[] }; lines: unknown[]; filter: { time: string } };
  t.is(doc.records, 3);
  t.is(doc.tampered_records, 0);
  t.true(doc.verification.ok);
  t.regex(doc.filter.time, /archive receive time/);
  t.is(doc.lines.length, 3);
  t.regex(j.stderr, /written to /);
  rm(d);
});

test('journald: entries render as syslog lines; without journalctl the source reports itself unavailable and others run on', async (t) => {
  t.is(
    renderEntry({ __REALTIME_TIMESTAMP: '1700000000123456', _HOSTNAME: 'web1', SYSLOG_IDENTIFIER: 'sshd', _PID: '812', MESSAGE: 'Failed password for root from 1.2.3.4 port 22 ssh2' }),
    '2023-11-14T22:13:20.123Z web1 sshd[812]: Failed password for root from 1.2.3.4 port 22 ssh2',
  );
  t.is(renderEntry({ MESSAGE: [104, 105], _COMM: 'x' }), '- - x: hi');
  t.is(renderEntry({ _COMM: 'x' }), null);
  const d = tmp('journald');
  mkdirSync(join(d, 'logs'));
  writeFileSync(join(d, 'logs', 'a.log'), 'still archived\n');
  const cfg = loadConfig(
    writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'journald', journalctl: '/nonexistent/journalctl' }, { type: 'file', name: 'a', path: join(d, 'logs', 'a.log'), format: 'raw' }] }),
  );
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev });
  // the agent's start (rules read in a worker) takes seconds on a loaded machine: 15 s (waitUntil scales it), not 2 s
  t.true(await waitUntil(() => Boolean(ev.counters.RecordsArchived), 15_000), 'the file source archived its line');
  await agent.stop();
  t.is(ev.counters.SourceUnavailable, 1);
  t.is(ev.counters.RecordsArchived, 1);
  rm(d);
});
