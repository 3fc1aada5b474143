/**
 * The agent's periodic host snapshots against real things: processes the test starts (a shell run
 * as www-data, a shell under a parent named nginx), real TCP connections counted from /proc/net/tcp,
 * real name resolution (/etc/hosts in a mount namespace of its own, no network), a real HTTP server
 * probed while it answers, fails, hangs and is gone — each judged by the shipped rule it feeds, and
 * the whole path once inside a running agent.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '../../../agents/agent/config.js';
import { createEvents } from '../../../agents/agent/events.js';
import { readAlerts } from '../../../agents/agent/detect/store.js';
import { dnsBaselinePath } from '../../../agents/agent/detect/hostwatch.js';
import { lookupName, probeUrl, ProcessWalker, tcpSnapshot } from '../../../agents/agent/detect/host.js';
import { alertVars } from '../../../src/app/from-alert.js';
import { DetectionEngine } from '../../../src/detect/engine.js';
import { dnsEvent, netstatEvent, probeEvent, processEvents, procAddress, summariseTcp } from '../../../src/detect/host.js';
import type { DetectEvent } from '../../../src/detect/event.js';
import { loadRules } from '../../../src/detect/load.js';
import { runCase } from '../../../src/detect/tester.js';
import type { Alert } from '../../../src/model/alert.js';
import { GwsecError, GwsecErrorList } from '../../../src/model/errors.js';
import { gwsec } from '../../helpers/cli.js';
import { scaled, sleep, waitUntil } from '../../helpers/time.js';
import { rm, tmp, writeConfig } from './helpers.js';
import { startAgent } from '../../helpers/agent.js';

const RULES = loadRules(undefined, { cases: false }).rules;
const rule = (id: string) => RULES.find((r) => r.id === id)!;

function judge(id: string, evs: DetectEvent[]): Alert[] {
  const e = new DetectionEngine([rule(id)], 'test');
  const byId = new Map<string, Alert>();
  for (const ev of evs) for (const c of e.feed(ev)) byId.set(c.alert.id, c.alert);
  return [...byId.values()];
}

/** Started detached (own process group): stopped by its pid, with whatever it started. */
function startProc(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { detached: true, stdio: 'ignore' });
}
function stopProc(p: ChildProcess): void {
  try {
    process.kill(-p.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}
/** The pids of `root`'s descendants in a snapshot. */
function descendants(all: Map<number, { ppid: number }>, root: number): number[] {
  const out: number[] = [];
  for (const pid of all.keys()) {
    let q = all.get(pid);
    for (let depth = 0; q && depth < 16; depth++) {
      if (q.ppid === root) {
        out.push(pid);
        break;
      }
      q = all.get(q.ppid);
    }
  }
  return out;
}

const haveWwwData = /^www-data:[^:]*:33:/m.test(readFileSync('/etc/passwd', 'utf8'));

/** setpriv and the www-data account (uid 33) are there; else the test skips, or fails under CI. */
function canRunAsWwwData(t: ExecutionContext): boolean {
  if (haveWwwData && spawnSync('setpriv', ['--version']).status === 0) return true;
  if (process.env.CI) t.fail('setpriv and a www-data account are needed');
  else t.log('SKIP: setpriv or the www-data account is missing');
  t.pass();
  return false;
}

test('processes: a shell run as www-data and a shell under "nginx" fire; root\'s own shell does not; the next snapshot re-judges nothing', async (t) => {
  if (!canRunAsWwwData(t)) return;
  const d = tmp('host-proc');
  // A parent whose kernel name is "nginx" (a copy of dash): its child shell is what a webshell's command looks like.
  copyFileSync('/bin/dash', join(d, 'nginx'));
  const walker = new ProcessWalker();
  walker.snapshot(); // what runs already is not this test's business
  const asWeb = startProc('setpriv', ['--reuid=33', '--regid=33', '--clear-groups', '/bin/sh', '-c', 'sleep 60; :']);
  const underNginx = startProc(join(d, 'nginx'), ['-c', '/bin/sh -c "sleep 60; :"; :']);
  const asRoot = startProc('/bin/sh', ['-c', 'sleep 60; :']);
  try {
    let s = walker.snapshot();
    // Wait until each has its shell (setpriv execs into sh; "nginx" forks sh).
    const ready = () => s.all.get(asWeb.pid!)?.comm === 'sh' && descendants(s.all, underNginx.pid!).some((p) => s.all.get(p)?.comm === 'sh');
    t.true(await waitUntil(() => ((s = ready() ? s : walker.snapshot()), ready()), scaled(5000)), 'the test processes are up');
    // Everything since the baseline snapshot counts as new: judge the events the walker gave for them.
    const fresh = new Set([asWeb.pid!, underNginx.pid!, asRoot.pid!, ...descendants(s.all, underNginx.pid!), ...descendants(s.all, asWeb.pid!), ...descendants(s.all, asRoot.pid!)]);
    const evs = processEvents(s.all, fresh, s.users, Date.now());
    const alerts = judge('process-webserver-spawned-shell', evs);
    const pids = alerts.map((a) => a.evidence['proc.pid']);
    t.true(pids.includes(asWeb.pid!), `www-data's sh fired: ${JSON.stringify(alerts.map((a) => a.evidence))}`);
    const web = alerts.find((a) => a.evidence['proc.pid'] === asWeb.pid)!;
    t.is(web.evidence['proc.user'], 'www-data');
    t.is(web.evidence['proc.cmdline'], '/bin/sh -c sleep 60; :');
    const nginxChild = alerts.find((a) => String(a.groupKey).includes('nginx>sh'));
    t.truthy(nginxChild, `the shell under nginx fired: ${alerts.map((a) => a.groupKey).join(', ')}`);
    t.is(nginxChild!.playbook, 'webshell-intrusion');
    t.false(pids.includes(asRoot.pid!), "root's shell under the test runner is not a webshell");
    t.false(alerts.some((a) => /sleep$/.test(a.groupKey)), 'sleep is neither a shell nor a recon tool');
    // The walker itself saw them as new, and sees them no more on the next snapshot.
    const again = walker.snapshot();
    t.false(again.fresh.includes(asWeb.pid!));
    t.false(again.fresh.includes(underNginx.pid!));
  } finally {
    for (const p of [asWeb, underNginx, asRoot]) stopProc(p);
    rm(d);
  }
});

test('connections: 240 real connections from one address to a web port are counted per source and fire; closed, they do not', async (t) => {
  const srv = (await import('node:net')).createServer((s) => s.on('error', () => {}));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  const socks: Socket[] = [];
  try {
    for (let i = 0; i < 240; i++) socks.push(connect(port, '127.0.0.1').on('error', () => {}));
    await Promise.all(socks.map((s) => new Promise<void>((r) => (s.readyState === 'open' ? r() : s.once('connect', () => r())))));
    let sum = tcpSnapshot(new Set([port]));
    t.true(await waitUntil(() => ((sum = tcpSnapshot(new Set([port]))), sum.top[0]?.[1] === 240), scaled(5000)), JSON.stringify(sum.top));
    t.deepEqual(sum.top[0], ['127.0.0.1', 240], 'the server-side ends: remote 127.0.0.1, local port = the web port');
    t.is(sum.webConnections, 240);
    t.true((sum.byState.ESTABLISHED ?? 0) >= 480, 'both ends of every connection are in the table');
    const alerts = judge('network-connection-flood', [netstatEvent(sum, Date.now())]);
    t.is(alerts.length, 1);
    t.is(alerts[0]!.evidence['net.web_connections'], 240);
    t.deepEqual(alerts[0]!.evidence['net.top_sources'], ['127.0.0.1 240']);
    // The same address as a known proxy (a CDN's back-to-origin node, a unit's NAT): the web total, not one source.
    const viaProxy = tcpSnapshot(new Set([port]), '/proc', ['192.0.2.0/24', '127.0.0.0/8']);
    t.is(viaProxy.webConnections, 240);
    t.is(viaProxy.exempt, 240);
    t.false(viaProxy.top.some(([a]) => a === '127.0.0.1'));
    const ev = netstatEvent(viaProxy, Date.now());
    t.is(ev.fields['net.proxy_connections'], 240);
    t.is(judge('network-connection-flood', [ev]).length, 0, 'a known proxy is not a flooding source');
    t.is(judge('network-connection-flood', [netstatEvent(tcpSnapshot(new Set([port]), '/proc', ['::1/128', '10.0.0.0/8']), Date.now())]).length, 1, 'other proxies change nothing');
  } finally {
    for (const s of socks) s.destroy();
  }
  let after = tcpSnapshot(new Set([port]));
  t.true(await waitUntil(() => ((after = tcpSnapshot(new Set([port]))), after.webConnections === 0), scaled(5000)));
  t.is(judge('network-connection-flood', [netstatEvent(after, Date.now())]).length, 0);
  srv.close();
});

test('connections: the TCP table is parsed as the kernel writes it (IPv4, IPv6, IPv4-mapped, SYN_RECV) and bounded', (t) => {
  const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  // Lines in the kernel's format (net/ipv4/tcp_ipv4.c, get_openreq4 for SYN_RECV).
  const v4 = head + '   0: 0100007F:0050 0A00000A:D431 03 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000\n' + '   1: 0100007F:0050 0A00000A:D432 03 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000\n' + '   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0\n';
  const v6 = head + '   0: 00000000000000000000000001000000:01BB B80D0120000000000000000001000000:C001 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000\n' + '   1: 0000000000000000FFFF00000100007F:01BB 0000000000000000FFFF00000A00000A:C002 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000\n';
  const s = summariseTcp([v4, v6], new Set([80, 443]));
  t.is(s.total, 5);
  t.is(s.synRecv, 2);
  t.is(s.byState.LISTEN, 1);
  t.is(s.webConnections, 4);
  t.deepEqual(s.top, [['10.0.0.10', 3], ['2001:db8::1', 1]], 'the mapped address counts as the IPv4 client');
  // Bounded: sources beyond the bound count in the totals only; lines beyond the bound are counted as unread.
  const many = head + Array.from({ length: 30 }, (_, i) => `   ${i}: 0100007F:0050 ${(i + 1).toString(16).padStart(2, '0')}00000A:D431 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0\n`).join('');
  const b = summariseTcp([many], new Set([80]), { lines: 25, sources: 10 });
  t.is(b.total, 25);
  t.is(b.unread, 5);
  t.is(b.webConnections, 25);
  t.is(b.webSources, 10);
  t.is(procAddress('0100007F'), '127.0.0.1');
  t.is(procAddress('00000000000000000000000001000000'), '::1');
});

/** Resolve names with /etc/hosts replaced in a mount namespace of the child's own, and no network (no DNS can answer). */
function resolveIsolated(t: { log: (s: string) => void }, hosts: string, names: string[], d: string): Array<[string, { addresses: string[] } | { error: string }]> | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const mod = resolve(here, '../../../agents/agent/detect/host.js');
  const script = join(d, 'resolve.mjs');
  writeFileSync(script, `import { lookupName } from ${JSON.stringify(mod)};\nconst out = [];\nfor (const n of ${JSON.stringify(names)}) out.push([n, await lookupName(n, { timeoutMs: 5000 })]);\nconsole.log(JSON.stringify(out));\n`);
  const r = spawnSync('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', `mount --bind "$1" /etc/hosts && exec "$2" "$3"`, 'sh', hosts, process.execPath, script], { encoding: 'utf8', timeout: scaled(20000) });
  if (r.status !== 0) {
    t.log(`unshare failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout) as Array<[string, { addresses: string[] } | { error: string }]>;
}

test('dns: real resolution through /etc/hosts in a mount namespace: recorded, unchanged, changed (fires), failed (fires, never unchanged)', (t) => {
  const d = tmp('host-dns');
  const hosts = join(d, 'hosts');
  writeFileSync(hosts, '127.0.0.1 localhost\n192.0.2.10 www.example.gov.cn\n');
  const first = resolveIsolated(t, hosts, ['www.example.gov.cn'], d);
  if (!first) {
    if (process.env.CI) t.fail('unshare --net --mount is needed (root)');
    else t.log('SKIP: cannot make a mount namespace here');
    t.pass();
    rm(d);
    return;
  }
  t.deepEqual(first[0]![1], { addresses: ['192.0.2.10'] });
  const recorded = dnsEvent('www.example.gov.cn', undefined, first[0]![1], 1);
  t.is(recorded.fields['dns.status'], 'recorded');
  const baseline = ['192.0.2.10'];
  const same = resolveIsolated(t, hosts, ['www.example.gov.cn'], d)!;
  t.is(dnsEvent('www.example.gov.cn', baseline, same[0]![1], 2).fields['dns.status'], 'unchanged');
  // The name moves (a hijack or an unreported migration); another name is not in hosts and no DNS is reachable.
  writeFileSync(hosts, '127.0.0.1 localhost\n203.0.113.66 www.example.gov.cn\n');
  const moved = resolveIsolated(t, hosts, ['www.example.gov.cn', 'gone.example.gov.cn'], d)!;
  const changed = dnsEvent('www.example.gov.cn', baseline, moved[0]![1], 3);
  t.is(changed.fields['dns.status'], 'changed');
  t.deepEqual(changed.fields['dns.added'], ['203.0.113.66']);
  t.deepEqual(changed.fields['dns.removed'], ['192.0.2.10']);
  const failedLookup = moved[1]![1];
  t.true('error' in failedLookup, JSON.stringify(failedLookup));
  const failed = dnsEvent('gone.example.gov.cn', ['192.0.2.20'], failedLookup, 3, { failures: 3 });
  t.is(failed.fields['dns.status'], 'failed');
  t.truthy(failed.fields['dns.error']);
  const alerts = judge('site-dns-or-address-changed', [recorded, dnsEvent('www.example.gov.cn', baseline, same[0]![1], 2), changed, failed]);
  t.deepEqual(alerts.map((a) => `${a.groupKey} ${String(a.evidence['dns.status'])}`).sort(), ['gone.example.gov.cn failed', 'www.example.gov.cn changed']);
  t.is(alerts[0]!.playbook, 'migration-offline');
  rm(d);
});

/** A real HTTP server whose behaviour the test switches. */
async function siteServer(): Promise<{ srv: Server; port: number; mode: { v: 'ok' | '503' | 'hang' | 'loop' | '404' }; held: ServerResponse[] }> {
  const mode = { v: 'ok' as 'ok' | '503' | 'hang' | 'loop' | '404' };
  const held: ServerResponse[] = [];
  const srv = createServer((req, res) => {
    if (mode.v === 'hang') return void held.push(res);
    if (mode.v === 'loop') return void res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end();
    if (mode.v === '503') return void res.writeHead(503).end('maintenance');
    if (mode.v === '404') return void res.writeHead(404).end('no');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>' + 'x'.repeat(200_000) + '</html>');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { srv, port: (srv.address() as { port: number }).port, mode, held };
}

test('probe: a real server answering, failing (503), hanging (timeout), redirecting in a loop, gone (refused); three failures in a row fire, a recovery ends the episode', async (t) => {
  const { srv, port, mode, held } = await siteServer();
  const url = `http://127.0.0.1:${port}/`;
  const timeout = scaled(1500);
  const outcomes: string[] = [];
  const evs: DetectEvent[] = [];
  let time = Date.UTC(2026, 5, 1);
  const probe = async () => {
    const r = await probeUrl(url, timeout);
    outcomes.push(r.outcome);
    evs.push(probeEvent(r, (time += 60_000)));
    return r;
  };
  const ok = await probe();
  t.is(ok.status, 200, 'a body beyond the cap is not read to its end, the answer counts');
  mode.v = '503';
  t.is((await probe()).status, 503);
  mode.v = 'hang';
  const hung = await probe();
  t.true(hung.latencyMs >= timeout - 50 && hung.latencyMs < timeout + scaled(2000), `timed out after ${hung.latencyMs} ms`);
  mode.v = 'loop';
  t.regex((await probe()).error, /more than 3 redirects/);
  mode.v = 'ok';
  await probe(); // recovery
  mode.v = '404';
  t.is((await probe()).outcome, 'client_error');
  for (const r of held) r.destroy();
  await new Promise<void>((r) => srv.close(() => r()));
  srv.closeAllConnections();
  const gone = await probe();
  await probe();
  await probe();
  t.is(gone.error, 'ECONNREFUSED');
  t.deepEqual(outcomes, ['ok', 'http_error', 'timeout', 'redirects', 'ok', 'client_error', 'refused', 'refused', 'refused']);
  const alerts = judge('homepage-unreachable', evs);
  // 503, timeout, redirects: three in a row (an alert); ok ends it; 404 is an answer; refused ×3: a new alert.
  t.is(alerts.length, 2, JSON.stringify(alerts.map((a) => a.evidence)));
  t.is(alerts[0]!.count, 3);
  t.is(alerts[0]!.evidence['probe.outcome'], 'redirects');
  t.is(alerts[1]!.evidence['probe.error'], 'ECONNREFUSED');
  t.is(typeof alerts[1]!.evidence['probe.latency_ms'], 'number');
  t.is(alerts[1]!.groupKey, url);
  // `playbook run --from-alert` fills the ddos-outage playbook's site_url with the URL that failed.
  t.is(alertVars(alerts[1]!, new Date()).site_url, url);
});

test('the agent runs the snapshots it is configured for: an unreachable site and a www-data shell raise stored alerts', async (t) => {
  const d = tmp('host-agent');
  const log = join(d, 'auth.log');
  writeFileSync(log, '');
  const { srv, port } = await siteServer();
  await new Promise<void>((r) => srv.close(() => r())); // the site is down from the start
  const cfgPath = writeConfig(d, {
    archive: { dir: join(d, 'archive') },
    sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }],
    detections: { host: 'web-01', processes_interval_s: 1, connections_interval_s: 1, sites: [{ url: `http://127.0.0.1:${port}/`, names: ['localhost'] }], probe_interval_s: 1, probe_timeout_s: 1, dns_interval_s: 1 },
  });
  const cfg = loadConfig(cfgPath);
  const shell = haveWwwData ? startProc('setpriv', ['--reuid=33', '--regid=33', '--clear-groups', '/bin/sh', '-c', 'sleep 60; :']) : undefined;
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev });
  try {
    const has = (id: string) => readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === id);
    t.true(await waitUntil(() => has('homepage-unreachable'), scaled(15000)), 'three failed probes raise the alert');
    const a = readAlerts(cfg.detections.alerts_file).find((s) => s.alert.rule === 'homepage-unreachable')!.alert;
    t.is(a.evidence['probe.outcome'], 'refused');
    t.is(a.host, 'web-01');
    if (shell) t.true(await waitUntil(() => readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === 'process-webserver-spawned-shell' && s.alert.evidence['proc.pid'] === shell.pid), scaled(10000)), 'the www-data shell is found');
    // The names were resolved and recorded as the baseline (the host's own addresses too), and localhost did not move.
    const baseline = () => (existsSync(dnsBaselinePath(cfg)) ? (JSON.parse(readFileSync(dnsBaselinePath(cfg), 'utf8')) as { names: Record<string, { pool: string[] }> }).names : {});
    t.true(await waitUntil(() => baseline().localhost !== undefined && baseline()['@host'] !== undefined, scaled(5000)));
    t.true(baseline().localhost!.pool.includes('127.0.0.1'));
    await sleep(1500);
    t.false(readAlerts(cfg.detections.alerts_file).some((s) => s.alert.rule === 'site-dns-or-address-changed' && s.alert.groupKey === 'localhost'), 'localhost did not move');
  } finally {
    if (shell) stopProc(shell);
    await agent.stop();
  }
  t.is(ev.counters.DetectorError ?? 0, 0);
  // `agent baseline` accepts the names' addresses as they resolve now (a legitimate migration).
  writeFileSync(dnsBaselinePath(cfg), JSON.stringify({ version: 1, names: { localhost: ['192.0.2.99'] } }));
  const r = gwsec(['agent', 'baseline', '-c', cfgPath, '--lang', 'en']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /2 name\(s\)' addresses/);
  t.true((JSON.parse(readFileSync(dnsBaselinePath(cfg), 'utf8')) as { names: Record<string, { pool: string[] }> }).names.localhost!.pool.includes('127.0.0.1'), 'a version-1 baseline is read and re-recorded as a pool');
  rm(d);
});

test('config: the snapshot keys are validated with located errors; off unless set', (t) => {
  const base = 'archive: { dir: /tmp/a }\nretention_days: 180\nsources: [{ type: file, path: /tmp/x.log, format: auth }]\n';
  const off = parseConfig('agent.yaml', base);
  t.is(off.detections.processes_interval_s, undefined);
  t.deepEqual(off.detections.sites, []);
  t.deepEqual(off.detections.web_ports, [80, 443]);
  const bad = (text: string) => {
    try {
      parseConfig('agent.yaml', base + text);
    } catch (e) {
      const errs = e instanceof GwsecErrorList ? e.errors : [e as GwsecError];
      return errs.map((x) => `${x.location?.line}: ${x.en}`);
    }
    return [];
  };
  t.regex(bad('detections:\n  sites:\n    - url: ftp://x/\n').join('\n'), /^6: .*sites\.0\.url.*http/m);
  t.regex(bad('detections:\n  sites:\n    - {}\n').join('\n'), /^6: .*give url .* or names/m);
  t.regex(bad('detections:\n  processes_interval_s: 0.1\n').join('\n'), /^5: .*processes_interval_s/m);
  t.regex(bad('detections:\n  web_ports: [80, 70000]\n').join('\n'), /^5: .*web_ports\.1/m);
});

test('rules: a streak on a log source, a count missing, an unknown snapshot field: located errors; a case event with an unknown field fails its case', (t) => {
  const d = tmp('host-lint');
  const rule = (body: string) => `id: x\ntitle: { zh: 测试, en: test }\nseverity: high\narticle: "41"\ntechnique: T1499\nplaybook: ddos-outage\n${body}`;
  const cases = 'fire:\n  - name: a\n    events: [{ url: "http://a/", outcome: refused }]\nno_fire:\n  - name: b\n    events: [{ url: "http://a/", outcome: ok }]\n';
  const lint = (body: string) => {
    rm(d);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'x.yaml'), rule(body));
    writeFileSync(join(d, 'x.cases.yaml'), cases);
    try {
      loadRules(d);
      return [];
    } catch (e) {
      return (e instanceof GwsecErrorList ? e.errors : [e as GwsecError]).map((x) => `${x.location?.line}: ${x.en}`);
    }
  };
  t.regex(lint('source: web\nlogic:\n  kind: streak\n  where: { field: status, ge: 500 }\n  count: 3\n').join('\n'), /^9: .*streak.*does not read source web/m);
  t.regex(lint('source: probe\nlogic:\n  kind: streak\n  where: { field: probe.outcome, ne: ok }\n').join('\n'), /count/);
  t.regex(lint('source: netstat\nlogic:\n  kind: match\n  where: { field: net.syn_recvd, ge: 5 }\n').join('\n'), /^10: .*unknown field 'net\.syn_recvd'/m);
  t.deepEqual(lint('source: probe\nlogic:\n  kind: streak\n  where: { field: probe.outcome, ne: ok }\n  count: 1\n'), []);
  const set = loadRules(d);
  const bad = runCase(set.rules[0]!, { name: 'typo', events: [{ url: 'http://a/', outcom: 'refused' }] }, 'fire');
  t.false(bad.ok);
  t.regex(bad.problem, /unknown field 'outcom' for a probe event/);
  rm(d);
});

/**
 * A small authoritative DNS server over real UDP (RFC 1035 wire format): A records from `zone`,
 * NXDOMAIN for other names, silence when `mute` is set. The agent's resolver (c-ares) asks it.
 */
async function dnsServer(zone: Map<string, string[]>, state: { mute: boolean }): Promise<{ port: number; close: () => void }> {
  const { createSocket } = await import('node:dgram');
  const sock = createSocket('udp4');
  sock.on('message', (q, from) => {
    if (state.mute || q.length < 17) return;
    // The question: labels from offset 12, then QTYPE and QCLASS.
    const labels: string[] = [];
    let at = 12;
    while (q[at]! > 0 && at < q.length) {
      labels.push(q.subarray(at + 1, at + 1 + q[at]!).toString('latin1'));
      at += q[at]! + 1;
    }
    const qEnd = at + 5;
    const qtype = q.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    const addrs = zone.get(name);
    const answers = qtype === 1 && addrs ? addrs : [];
    const head = Buffer.alloc(12);
    q.copy(head, 0, 0, 2); // id
    head.writeUInt16BE(0x8400 | (q.readUInt16BE(2) & 0x0100) | (addrs ? 0 : 3), 2); // QR, AA, RD copied, NXDOMAIN when unknown
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((a) => {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      rr.writeUInt16BE(1, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(4, 10);
      a.split('.').forEach((x, i) => rr.writeUInt8(Number(x), 12 + i));
      return rr;
    });
    sock.send(Buffer.concat([head, q.subarray(12, qEnd), ...rrs]), from.port, from.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, close: () => sock.close() };
}

test('dns: the resolvers path against a real DNS server the test runs: answer, changed answer, NXDOMAIN and silence are told apart', async (t) => {
  const zone = new Map([['www.example.gov.cn', ['192.0.2.10']]]);
  const state = { mute: false };
  const srv = await dnsServer(zone, state);
  const resolvers = [`127.0.0.1:${srv.port}`];
  try {
    const first = await lookupName('www.example.gov.cn', { resolvers, timeoutMs: scaled(3000) });
    t.deepEqual(first, { addresses: ['192.0.2.10'] });
    zone.set('www.example.gov.cn', ['203.0.113.66', '203.0.113.67']);
    const moved = await lookupName('www.example.gov.cn', { resolvers, timeoutMs: scaled(3000) });
    t.deepEqual(dnsEvent('www.example.gov.cn', ['192.0.2.10'], moved, 1).fields['dns.added'], ['203.0.113.66', '203.0.113.67']);
    const nx = await lookupName('nope.example.gov.cn', { resolvers, timeoutMs: scaled(3000) });
    t.deepEqual(nx, { error: 'ENOTFOUND' });
    state.mute = true;
    const t0 = performance.now();
    const silent = await lookupName('www.example.gov.cn', { resolvers, timeoutMs: scaled(1500) });
    t.true(performance.now() - t0 < scaled(1500) + scaled(1000), 'the time limit holds');
    t.true('error' in silent && /TIMEOUT/i.test(silent.error), JSON.stringify(silent));
    t.is(dnsEvent('www.example.gov.cn', ['192.0.2.10'], silent, 2).fields['dns.status'], 'failed', 'no answer is a failure, never "unchanged"');
  } finally {
    srv.close();
  }
});

test('site-dns-or-address-changed in the real agent against a real DNS server: a CDN pool rotating and a pool being learned stay quiet; an address outside the pool and a name that stays dead fire', async (t) => {
  const zone = new Map([
    ['cdn.example.gov.cn', ['192.0.2.10']],
    ['new.example.gov.cn', ['198.51.100.1']],
  ]);
  const srv = await dnsServer(zone, { mute: false });
  const d = tmp('host-dns-pool');
  const log = join(d, 'auth.log');
  writeFileSync(log, '');
  const names = ['cdn.example.gov.cn', 'new.example.gov.cn', 'gone.example.gov.cn'];
  const cfgPath = writeConfig(d, {
    archive: { dir: join(d, 'archive') },
    sources: [{ type: 'file', name: 'auth', path: log, format: 'auth' }],
    detections: { host: 'web-01', sites: [{ names }], dns_interval_s: 1, dns_learn_s: 3600, resolvers: [`127.0.0.1:${srv.port}`] },
  });
  const cfg = loadConfig(cfgPath);
  mkdirSync(cfg.state_dir, { recursive: true });
  // cdn's pool was learned long ago (three addresses); new.example.gov.cn is recorded by this agent and still being learned.
  writeFileSync(dnsBaselinePath(cfg), JSON.stringify({ version: 2, names: { 'cdn.example.gov.cn': { pool: ['192.0.2.10', '192.0.2.11', '192.0.2.12'], since: 0 } } }));
  const rotate = ['192.0.2.10', '192.0.2.11', '192.0.2.12'];
  let i = 0;
  const timer = setInterval(() => {
    i++;
    zone.set('cdn.example.gov.cn', [rotate[i % 3]!]);
    zone.set('new.example.gov.cn', [i % 2 ? '198.51.100.2' : '198.51.100.1']);
  }, 300);
  const ev = createEvents({ silent: true });
  const agent = startAgent(t, cfg, { events: ev });
  const alerts = () => readAlerts(cfg.detections.alerts_file).map((s) => s.alert).filter((a) => a.rule === 'site-dns-or-address-changed');
  try {
    const pool = () => (JSON.parse(readFileSync(dnsBaselinePath(cfg), 'utf8')) as { names: Record<string, { pool: string[] }> }).names['new.example.gov.cn']?.pool ?? [];
    t.true(await waitUntil(() => pool().length === 2, scaled(15000)), 'the pool of the rotating name is learned');
    t.true(await waitUntil(() => alerts().some((a) => a.groupKey === 'gone.example.gov.cn'), scaled(15000)), 'a name that stays dead fires');
    const gone = alerts().find((a) => a.groupKey === 'gone.example.gov.cn')!;
    t.true(Number(gone.evidence['dns.failures']) >= 3, JSON.stringify(gone.evidence));
    t.deepEqual(alerts().filter((a) => a.groupKey !== 'gone.example.gov.cn'), [], 'rotations within the pool and a pool being learned raise nothing');
    clearInterval(timer);
    zone.set('cdn.example.gov.cn', ['203.0.113.66']);
    t.true(await waitUntil(() => alerts().some((a) => a.groupKey === 'cdn.example.gov.cn'), scaled(10000)), 'an address outside the pool fires');
    t.deepEqual(alerts().find((a) => a.groupKey === 'cdn.example.gov.cn')!.evidence['dns.added'], ['203.0.113.66']);
  } finally {
    clearInterval(timer);
    await agent.stop();
    srv.close();
  }
  t.is(ev.counters.DetectorError ?? 0, 0);
  rm(d);
});

test('probe: an https site with an internal CA — an error without its CA, ok with sites[].ca_file; a redirect from http to it is followed; ca_file only for https (located)', async (t) => {
  const { createCa, issueServerCert } = await import('../../../agents/collector/ca.js');
  const { createServer: createHttpsServer } = await import('node:https');
  const ca = createCa('gov-cloud-internal');
  const cert = issueServerCert(ca, ['localhost', '127.0.0.1']);
  const tls = createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => res.end('<p>首页</p>'));
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
  const tport = (tls.address() as { port: number }).port;
  const plain = createServer((_req, res) => {
    res.writeHead(301, { location: `https://127.0.0.1:${tport}/` });
    res.end();
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
  const pport = (plain.address() as { port: number }).port;
  const d = tmp('host-probe-ca');
  try {
    const url = `https://127.0.0.1:${tport}/`;
    const untrusted = await probeUrl(url, scaled(5000));
    t.is(untrusted.outcome, 'error');
    t.regex(untrusted.error, /UNABLE_TO_VERIFY|SELF_SIGNED|CERT/, untrusted.error);
    t.is((await probeUrl(url, scaled(5000), { ca: ca.certPem })).outcome, 'ok');
    const redirected = await probeUrl(`http://127.0.0.1:${pport}/`, scaled(5000), { ca: ca.certPem });
    t.deepEqual([redirected.outcome, redirected.status], ['ok', 200]);
    // In the config: relative to the config file, and refused for a plain http url.
    writeFileSync(join(d, 'ca.pem'), ca.certPem);
    const base = `archive: { dir: ${join(d, 'a')} }\nretention_days: 180\nsources: [{ type: file, path: /tmp/x.log, format: auth }]\n`;
    writeFileSync(join(d, 'agent.yaml'), `${base}detections:\n  sites:\n    - { url: "${url}", ca_file: ca.pem }\n`);
    t.is(loadConfig(join(d, 'agent.yaml')).detections.sites[0]!.ca_file, join(d, 'ca.pem'));
    const e = t.throws(() => parseConfig('agent.yaml', `${base}detections:\n  sites:\n    - { url: "http://x.example.gov.cn/", ca_file: ca.pem }\n`));
    const err = e as GwsecError;
    t.regex(err.en, /sites\.0\.ca_file: only for an https/);
    t.is(err.location?.line, 6);
  } finally {
    tls.close();
    plain.close();
    rm(d);
  }
});

test('processes: www-data\'s crontab job under root\'s cron is quiet; a www-data shell under a www-data binary named "cron", or hidden behind a sendmail command line, fires', async (t) => {
  if (!canRunAsWwwData(t)) return;
  const d = tmp('host-proc-cron');
  // Kernel name "cron" (a copy of dash), as Debian's cron child that runs a crontab line as its account.
  copyFileSync('/bin/dash', join(d, 'cron'));
  const walker = new ProcessWalker();
  walker.snapshot();
  const sh = '/bin/sh -c "sleep 60; :"; :';
  const rootCron = startProc(join(d, 'cron'), ['-c', `setpriv --reuid=33 --regid=33 --clear-groups ${sh}`]);
  const fakeCron = startProc('setpriv', ['--reuid=33', '--regid=33', '--clear-groups', join(d, 'cron'), '-c', `${sh}`]);
  const mailer = startProc('setpriv', ['--reuid=33', '--regid=33', '--clear-groups', '/bin/sh', '-c', '/usr/sbin/sendmail -t -i;sleep 60']);
  try {
    let s = walker.snapshot();
    const shellUnder = (root: number) => descendants(s.all, root).filter((p) => s.all.get(p)?.comm === 'sh');
    const ready = () => shellUnder(rootCron.pid!).length > 0 && shellUnder(fakeCron.pid!).length > 0 && s.all.get(mailer.pid!)?.comm === 'sh';
    t.true(await waitUntil(() => ((s = ready() ? s : walker.snapshot()), ready()), scaled(5000)), 'the test processes are up');
    const fresh = new Set([rootCron.pid!, fakeCron.pid!, mailer.pid!, ...descendants(s.all, rootCron.pid!), ...descendants(s.all, fakeCron.pid!), ...descendants(s.all, mailer.pid!)]);
    const alerts = judge('process-webserver-spawned-shell', processEvents(s.all, fresh, s.users, Date.now()));
    const pids = alerts.map((a) => a.evidence['proc.pid']);
    for (const p of shellUnder(rootCron.pid!)) t.false(pids.includes(p), `www-data's cron job is not a webshell: ${JSON.stringify(alerts.map((a) => a.evidence))}`);
    t.true(shellUnder(fakeCron.pid!).some((p) => pids.includes(p)), 'a www-data "cron" is not root\'s cron');
    t.true(pids.includes(mailer.pid!), 'a command hidden behind sendmail fires');
  } finally {
    for (const p of [rootCron, fakeCron, mailer]) stopProc(p);
    rm(d);
  }
});

test('config: detections.known_proxies takes addresses and CIDRs (IPv4 and IPv6); anything else is a located error', (t) => {
  const base = 'archive: { dir: /tmp/a }\nretention_days: 180\nsources: [{ type: file, path: /tmp/x.log, format: auth }]\n';
  t.deepEqual(parseConfig('agent.yaml', `${base}detections:\n  known_proxies: [203.0.113.0/24, 198.51.100.7, "2001:db8::/32"]\n`).detections.known_proxies, ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32']);
  t.deepEqual(parseConfig('agent.yaml', base).detections.known_proxies, []);
  const e = t.throws(() => parseConfig('agent.yaml', `${base}detections:\n  known_proxies: [203.0.113.0/24, 10.0.0.0/33]\n`)) as GwsecError;
  t.regex(e.en, /known_proxies\.1: "10\.0\.0\.0\/33" is not an IP address or CIDR/);
  t.is(e.location?.line, 5);
});
