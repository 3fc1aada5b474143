import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { NODE_FLAGS, renderUnit, unitLaunch } from '../../../agents/agent/install.js';
import { runAgent } from '../../../agents/agent/runner.js';
import { renderEntry } from '../../../agents/agent/sources/journald.js';
import { gwsec } from '../../helpers/cli.js';
import { packageRoot } from '../../../src/util/paths.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { waitUntil } from '../../helpers/time.js';

async function archiveOf(d: string, lines: Record<string, string[]>): Promise<string> {
  mkdirSync(join(d, 'logs'), { recursive: true });
  for (const [name, ls] of Object.entries(lines)) writeFileSync(join(d, 'logs', `${name}.log`), ls.map((l) => l + '\n').join(''));
  const cfgPath = writeConfig(d, {
    archive: { dir: join(d, 'archive') },
    sources: Object.keys(lines).map((name) => ({ type: 'file', name, path: join(d, 'logs', `${name}.log`), format: 'raw' })),
  });
  const ev = createEvents({ silent: true });
  const ac = new AbortController();
  const run = runAgent(loadConfig(cfgPath), { signal: ac.signal, events: ev });
  const total = Object.values(lines).flat().length;
  await waitUntil(() => (ev.counters.RecordsArchived ?? 0) >= total, 2500);
  ac.abort();
  await run;
  return cfgPath;
}

test('install writes a hardened unit and a default config (kept when present); systemd-analyze verify accepts it', (t) => {
  const d = tmp('install');
  const conf = join(d, 'etc');
  const units = join(d, 'units');
  // A config pointing into the temp dir, so the writable paths exist here.
  mkdirSync(conf);
  writeFileSync(join(conf, 'agent.yaml'), `archive: { dir: ${d}/archive }\nretention_days: 365\nstate_dir: ${d}/state\nsources: [{ type: journald }]\n`);
  const r = gwsec(['agent', 'install', '--config-dir', conf, '--unit-dir', units]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /config kept/);
  const unit = readFileSync(join(units, 'gwsec-agent.service'), 'utf8');
  for (const k of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=read-only', 'PrivateTmp=yes', 'MemoryMax=', 'Environment=MALLOC_ARENA_MAX=2']) t.true(unit.includes(k), k);
  t.true(unit.includes(`ReadWritePaths=${d}/archive ${d}/state`));
  t.false(unit.includes('MemoryDenyWriteExecute'), 'V8 needs W+X pages');
  t.regex(unit, new RegExp(`ExecStart=\\S+node --max-old-space-size=96 --max-semi-space-size=1 --optimize-for-size \\S+/bin/gwsec\\.js agent run -c ${conf}/agent\\.yaml`));
  // The benchmark launches the agent from the unit text: what it reads back is what systemd runs.
  const launch = unitLaunch(unit);
  t.deepEqual(launch.argv.slice(1, 5), [...NODE_FLAGS, join(packageRoot(), 'bin', 'gwsec.js')]);
  t.deepEqual(launch.argv.slice(-4), ['agent', 'run', '-c', join(conf, 'agent.yaml')]);
  t.is(launch.env.MALLOC_ARENA_MAX, '2');
  const fresh = join(d, 'fresh');
  const r2 = gwsec(['agent', 'install', '--config-dir', fresh, '--unit-dir', units]);
  t.is(r2.code, 0, r2.stderr);
  t.regex(r2.stdout, /default config written/);
  t.regex(readFileSync(join(fresh, 'agent.yaml'), 'utf8'), /retention_days: 180/);
  const sa = spawnSync('systemd-analyze', ['verify', join(units, 'gwsec-agent.service')], { encoding: 'utf8' });
  if (sa.error) t.log('systemd-analyze not installed: unit checked by content only');
  else {
    // Only judge lines about our unit (the host's own units may have unrelated complaints).
    const ours = (sa.stderr + sa.stdout).split('\n').filter((l) => l.includes('gwsec-agent.service'));
    t.deepEqual(ours, [], ours.join('\n'));
  }
  t.true(renderUnit({ node: '/n', bin: '/b', config: '/c', writable: ['/a', '/a'] }).includes('ReadWritePaths=/a\n'));
  rm(d);
});

test('status shows per-source cursors, lag, archive size and counters', async (t) => {
  const d = tmp('status');
  const cfg = await archiveOf(d, { web: ['a', 'b', 'c'], auth: ['x'] });
  writeFileSync(join(d, 'logs', 'web.log'), 'a\nb\nc\nnot yet archived\n');
  const r = gwsec(['agent', 'status', '-c', cfg]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /agent not running/);
  t.regex(r.stdout, /archive .*archive: \d+ files, [\d.]+ (B|KiB), head seq 4/);
  t.regex(r.stdout, /source web \(file\)/);
  t.regex(r.stdout, /web\.log {2}offset 6 of 6/);
  t.regex(r.stdout, /RecordsArchived 4/);
  const j = JSON.parse(gwsec(['agent', 'status', '-c', cfg, '--format', 'json']).stdout) as { running: boolean; sources: Array<{ name: string }>; archiveBytes: number };
  t.false(j.running);
  t.deepEqual(j.sources.map((s) => s.name), ['web', 'auth', 'gwsec-alerts']); // alerts queued for the archive
  t.true(j.archiveBytes > 0);
  rm(d);
});

test('verify: exit 0 when intact, 1 when a record is modified, naming the segment', async (t) => {
  const d = tmp('verify');
  await archiveOf(d, { web: Array.from({ length: 200 }, (_, i) => `GET /page/${i} 200`) });
  const archive = join(d, 'archive');
  const ok = gwsec(['agent', 'verify', '--archive', archive]);
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  t.regex(ok.stdout, /archive intact: 200 records/);
  const seg = readdirSync(archive).find((f) => f.startsWith('seg-'))!;
  const buf = readFileSync(join(archive, seg));
  const at = buf.indexOf('GET /page/123 200');
  t.true(at > 0, 'the segment holds the line (uncompressed open segment)');
  buf.write('X', at + 5);
  writeFileSync(join(archive, seg), buf);
  const bad = gwsec(['agent', 'verify', '--archive', archive]);
  t.is(bad.code, 1);
  t.regex(bad.stdout, /archive TAMPERED/);
  t.true(bad.stdout.includes(seg), bad.stdout);
  rm(d);
});

test('export prints the original lines, filtered by source and time, with a verification statement', async (t) => {
  const d = tmp('export');
  await archiveOf(d, { web: ['w1', 'w2'], auth: ['a1 Failed password for root from 1.2.3.4'] });
  const archive = join(d, 'archive');
  const all = gwsec(['agent', 'export', '--archive', archive]);
  t.is(all.code, 0, all.stderr);
  t.deepEqual(all.stdout.split('\n').filter(Boolean).sort(), ['a1 Failed password for root from 1.2.3.4', 'w1', 'w2']);
  t.regex(all.stderr, /# gwsec agent export: 3 line\(s\), seq 1\.\.3; filter: none/);
  t.regex(all.stderr, /# verification: the archive is intact \(3 records/);
  const auth = gwsec(['agent', 'export', '--archive', archive, '--source', 'auth']);
  t.is(auth.stdout, 'a1 Failed password for root from 1.2.3.4\n');
  const future = gwsec(['agent', 'export', '--archive', archive, '--from', '2999-01-01T00:00:00Z']);
  t.is(future.stdout, '');
  t.regex(future.stderr, /0 line\(s\)/);
  const badTime = gwsec(['agent', 'export', '--archive', archive, '--to', 'yesterday-ish']);
  t.is(badTime.code, 2);
  t.regex(badTime.stderr, /--to yesterday-ish: not a date/);
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
  const ac = new AbortController();
  const run = runAgent(cfg, { signal: ac.signal, events: ev });
  await waitUntil(() => Boolean(ev.counters.RecordsArchived), 2000);
  ac.abort();
  await run;
  t.is(ev.counters.SourceUnavailable, 1);
  t.is(ev.counters.RecordsArchived, 1);
  rm(d);
});
