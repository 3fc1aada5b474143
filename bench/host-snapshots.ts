/**
 * The CPU the agent's periodic host snapshots cost (agents/agent/detect/host.ts): a process walk
 * and a TCP-table count, on this machine's /proc with extra processes and connections the bench
 * starts. Baselines in the same run: a naive full walk (every process's stat, status, cmdline and
 * exe read every time, as `ps -ef` does) for the processes, and the bare read of /proc/net/tcp{,6}
 * (the kernel's share, which no parser avoids) for the connections. Prints CPU ms per snapshot and
 * what the snapshots cost in % of one core at the documented intervals. Then the whole agent, started
 * as its systemd unit runs it, twice side by side for GWSEC_BENCH_AGENT_S (120) seconds: snapshots
 * off and on at those intervals (CPU from /proc/PID/stat after a warm-up).
 *
 *     flock /work/.bench.lock npm run bench -- host-snapshots
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeUrl, ProcessWalker, tcpSnapshot } from '../agents/agent/detect/host.js';
import { netstatEvent, processEvents } from '../src/detect/host.js';
import { spawnAsUnit, stop } from './agent.js';
import { median } from './stats.js';
import { knob } from './smoke.js';

/** The intervals docs/DETECTIONS.md suggests. */
const PROC_INTERVAL_S = 10;
const CONN_INTERVAL_S = 30;
const PROBE_INTERVAL_S = 60;

const cpuMs = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

function naiveWalk(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const dir = join('/proc', name);
    try {
      readFileSync(join(dir, 'stat'), 'latin1');
      readFileSync(join(dir, 'status'), 'latin1');
      readFileSync(join(dir, 'cmdline'), 'latin1');
      try {
        readlinkSync(join(dir, 'exe'));
      } catch {
        // kernel thread
      }
      n++;
    } catch {
      // exited
    }
  }
  return n;
}

export async function run(): Promise<void> {
  const nProcs = knob('GWSEC_BENCH_PROCS', 400, 10);
  const nConns = knob('GWSEC_BENCH_CONNS', 2000, 50);
  const rounds = knob('GWSEC_BENCH_ROUNDS', 40, 3);
  const kids: ChildProcess[] = [];
  const socks: Socket[] = [];
  const srv = createServer((s) => s.on('error', () => {}));
  try {
    for (let i = 0; i < nProcs; i++) kids.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    for (let i = 0; i < nConns; i++) socks.push(connect(port, '127.0.0.1').on('error', () => {}));
    await Promise.all(socks.map((s) => new Promise<void>((r) => (s.readyState === 'open' ? r() : s.once('connect', () => r()).once('error', () => r())))));
    const ports = new Set([port, 80, 443]);

    const walker = new ProcessWalker();
    let procs = 0;
    const first = cpuMs(() => {
      const s = walker.snapshot();
      procs = s.all.size;
      processEvents(s.all, s.fresh, s.users, 0);
    });
    const inc: number[] = [];
    const full: number[] = [];
    const tcp: number[] = [];
    const bare: number[] = [];
    let lines = 0;
    for (let i = 0; i < rounds; i++) {
      inc.push(
        cpuMs(() => {
          const s = walker.snapshot();
          processEvents(s.all, s.fresh, s.users, 0);
        }),
      );
      full.push(cpuMs(() => naiveWalk()));
      tcp.push(
        cpuMs(() => {
          const t = tcpSnapshot(ports);
          lines = t.total;
          netstatEvent(t, 0);
        }),
      );
      bare.push(cpuMs(() => ['tcp', 'tcp6'].forEach((f) => readFileSync(`/proc/net/${f}`, 'latin1'))));
    }
    // One probe of a local page (the CPU of the request, not the network's time).
    const web = httpServer((_q, r) => r.end('<html>ok</html>'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    const probes: number[] = [];
    for (let i = 0; i < Math.min(rounds, 10); i++) {
      const c0 = process.cpuUsage();
      await probeUrl(`http://127.0.0.1:${(web.address() as { port: number }).port}/`, 5000);
      const c = process.cpuUsage(c0);
      probes.push((c.user + c.system) / 1000);
    }

    const agents = await agentCpu(`http://127.0.0.1:${(web.address() as { port: number }).port}/`);
    const [mi, mf, mt, mb, mp] = [inc, full, tcp, bare, probes].map(median) as [number, number, number, number, number];
    const pct = (mi / (PROC_INTERVAL_S * 1000) + mt / (CONN_INTERVAL_S * 1000) + mp / (PROBE_INTERVAL_S * 1000)) * 100;
    const f = (x: number) => x.toFixed(2);
    console.log(`load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${procs} processes (${nProcs} started by the bench), ${lines} TCP table lines (${nConns} connections started), medians of ${rounds} rounds`);
    console.log(`process snapshot: first (all new) ${f(first)} ms CPU, then ${f(mi)} ms; naive full walk ${f(mf)} ms; full / incremental = ${f(mf / Math.max(mi, 0.001))}x`);
    console.log(`tcp snapshot: ${f(mt)} ms CPU; bare read of /proc/net/tcp{,6} ${f(mb)} ms; snapshot / bare read = ${f(mt / Math.max(mb, 0.001))}x`);
    console.log(`probe: ${f(mp)} ms CPU per GET`);
    console.log(`agent as its unit, ${agents.seconds} s side by side: snapshots off ${agents.off.toFixed(3)} %, on ${agents.on.toFixed(3)} % of one core (${agents.baselines} baseline name(s) recorded by the one with snapshots on)`);
    web.close();
    console.log(`at processes ${PROC_INTERVAL_S} s, connections ${CONN_INTERVAL_S} s, one probe per ${PROBE_INTERVAL_S} s: ${pct.toFixed(3)} % of one core`);
  } finally {
    for (const s of socks) s.destroy();
    srv.close();
    for (const k of kids) k.kill('SIGKILL');
  }
}

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

/** Two agents on idle logs, one with every snapshot on: their CPU over the same window. */
async function agentCpu(url: string): Promise<{ seconds: number; off: number; on: number; baselines: number }> {
  const seconds = knob('GWSEC_BENCH_AGENT_S', 120, 3);
  const warm = knob('GWSEC_BENCH_AGENT_WARM_S', 15, 2);
  const dirs: string[] = [];
  const start = (snapshots: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), `gwsec-bench-host-${snapshots ? 'on' : 'off'}-`));
    dirs.push(dir);
    writeFileSync(join(dir, 'access.log'), '');
    const detections = snapshots ? { processes_interval_s: PROC_INTERVAL_S, connections_interval_s: CONN_INTERVAL_S, sites: [{ url, names: ['localhost'] }], probe_interval_s: PROBE_INTERVAL_S, dns_interval_s: 300 } : {};
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(cfg, JSON.stringify({ archive: { dir: join(dir, 'archive') }, state_dir: join(dir, 'state'), retention_days: 180, checkpoint_interval_s: 300, sources: [{ type: 'file', name: 'nginx', path: join(dir, 'access.log'), format: 'nginx' }], detections }));
    return { dir, child: spawnAsUnit(cfg) };
  };
  const off = start(false);
  const on = start(true);
  try {
    await new Promise((r) => setTimeout(r, warm * 1000));
    const c0 = [cpuSeconds(off.child.pid!), cpuSeconds(on.child.pid!)];
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const c1 = [cpuSeconds(off.child.pid!), cpuSeconds(on.child.pid!)];
    const base = join(on.dir, 'state', 'dns-baseline.json');
    const baselines = existsSync(base) ? Object.keys((JSON.parse(readFileSync(base, 'utf8')) as { names: object }).names).length : 0;
    return { seconds, off: ((c1[0]! - c0[0]!) / seconds) * 100, on: ((c1[1]! - c0[1]!) / seconds) * 100, baselines };
  } finally {
    await Promise.all([stop(off.child), stop(on.child)]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
