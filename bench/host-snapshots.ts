/**
 * The CPU the agent's periodic host snapshots cost (agents/agent/detect/host.ts): a process walk
 * and a TCP-table count, on this machine's /proc with extra processes and connections the bench
 * starts. Baselines in the same run: a naive full walk (every process's stat, status, cmdline and
 * exe read every time, as `ps -ef` does) for the processes, and the bare read of /proc/net/tcp{,6}
 * (the kernel's share, which no parser avoids) for the connections. Prints CPU ms per snapshot and
 * what the snapshots cost in % of one core at the documented intervals.
 *
 *     flock /work/.bench.lock npm run bench -- host-snapshots
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { probeUrl, ProcessWalker, tcpSnapshot } from '../agents/agent/detect/host.js';
import { netstatEvent, processEvents } from '../src/detect/host.js';
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
    web.close();

    const [mi, mf, mt, mb, mp] = [inc, full, tcp, bare, probes].map(median) as [number, number, number, number, number];
    const pct = (mi / (PROC_INTERVAL_S * 1000) + mt / (CONN_INTERVAL_S * 1000) + mp / (PROBE_INTERVAL_S * 1000)) * 100;
    const f = (x: number) => x.toFixed(2);
    console.log(`load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${procs} processes (${nProcs} started by the bench), ${lines} TCP table lines (${nConns} connections started), medians of ${rounds} rounds`);
    console.log(`process snapshot: first (all new) ${f(first)} ms CPU, then ${f(mi)} ms; naive full walk ${f(mf)} ms; full / incremental = ${f(mf / Math.max(mi, 0.001))}x`);
    console.log(`tcp snapshot: ${f(mt)} ms CPU; bare read of /proc/net/tcp{,6} ${f(mb)} ms; snapshot / bare read = ${f(mt / Math.max(mb, 0.001))}x`);
    console.log(`probe: ${f(mp)} ms CPU per GET`);
    console.log(`at processes ${PROC_INTERVAL_S} s, connections ${CONN_INTERVAL_S} s, one probe per ${PROBE_INTERVAL_S} s: ${pct.toFixed(3)} % of one core`);
  } finally {
    for (const s of socks) s.destroy();
    srv.close();
    for (const k of kids) k.kill('SIGKILL');
  }
}
