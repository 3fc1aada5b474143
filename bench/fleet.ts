import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/paths.js';
import { startFleet, type TestFleet, type TestHostSpec } from '../test/harness/hosts.js';
import { median } from './stats.js';
import { knob, SMOKE } from './smoke.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';
import type { NaiveMode } from './naive-transport.js';

/**
 * `gwsec audit -i` over 100 real sshd test hosts (test/harness), full Article 40 pack, against
 * two baselines on the same hosts in the same run (bench/naive-transport.ts, run by bench/naive-audit.ts:
 * the same audit with each transport wrapped): `naive request`, one exec per request (the kindest naive
 * tool), and `naive inspec`, a model of the execs InSpec spends on the same pack (every control re-runs
 * its commands; files once per host, stat + content).
 * Targets (issue 4, 2 cores): ≤ 20 s for 100 hosts, ratio ≥ 10, gwsec peak RSS ≤ 300 MB.
 * Exec round trips are counted on the server side, from each sshd's "Starting session" log lines.
 */
export async function run(args: string[] = process.argv.slice(3)): Promise<void> {
  const i = args.indexOf('--latency');
  if (i >= 0) {
    const ms = Number(args[i + 1]);
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`--latency needs milliseconds per direction, got '${args[i + 1] ?? ''}'`);
    return runLatency(ms);
  }
  const n = knob('GWSEC_BENCH_HOSTS', 100, 2);
  const runs = knob('GWSEC_BENCH_RUNS', 3, 1);
  const naiveRuns = knob('GWSEC_BENCH_NAIVE_RUNS', 1, 1);
  const { fleet, fixtures, startMs } = await fleetOf(n);
  try {
    const inv = fleet.inventoryFile({ sudo: 'nopasswd' });
    const base = ['audit', '-i', inv, '--known-hosts', fleet.knownHostsFile, '--format', 'json'];
    const gw: Sample[] = [];
    const naive: Sample[] = [];
    const inspec: Sample[] = [];
    if (!SMOKE) await measure(fleet, base); // warm-up: page cache, sshd's first re-execs
    for (let i = 0; i < Math.max(runs, naiveRuns); i++) {
      if (i < runs) gw.push(await measure(fleet, base));
      if (i < naiveRuns) naive.push(await measure(fleet, base, 'request'));
      if (i < naiveRuns) inspec.push(await measure(fleet, base, 'inspec'));
    }
    const g = pickMedian(gw);
    const nv = pickMedian(naive);
    const iv = pickMedian(inspec);
    const baseline = (label: string, x: Sample[], m: Sample) =>
      `${label} wall median ${s(m.wallMs)} over ${x.length} runs; ${m.execsPerHost.toFixed(1)} execs per host; p50 ${s(m.p50)} p95 ${s(m.p95)}; RSS ${m.rssMb.toFixed(0)} MB; CPU gwsec ${m.cliCpuS.toFixed(1)} s, hosts ${m.otherCpuS.toFixed(1)} s`;
    const lines = [
      `fleet: ${n} real sshd hosts (${fixtures.length} recorded fixtures + plain, round robin) started in ${(startMs / 1000).toFixed(1)} s`,
      `gwsec audit -i     wall median ${s(g.wallMs)} over ${gw.length} runs (min ${s(Math.min(...gw.map((x) => x.wallMs)))}, max ${s(Math.max(...gw.map((x) => x.wallMs)))})   (target ≤ 20 s)`,
      `  per host         p50 ${s(g.p50)}  p95 ${s(g.p95)}  (connect to results, at --concurrency 32)`,
      `  exec round trips ${g.execsPerHost.toFixed(1)} per host, ${g.connsPerHost.toFixed(1)} connections per host`,
      `  peak RSS         ${g.rssMb.toFixed(0)} MB (VmHWM)   (target ≤ 300 MB)`,
      `  hosts            ${g.okHosts}/${n} collected without a transport error`,
      `  CPU              gwsec ${g.cliCpuS.toFixed(1)} s, test hosts (sshd, sudo, collection scripts) ${g.otherCpuS.toFixed(1)} s on ${cpus().length} cores`,
      baseline('naive request    ', naive, nv),
      baseline('naive inspec     ', inspec, iv),
      `ratio naive request / gwsec ${(nv.wallMs / g.wallMs).toFixed(1)}x, naive inspec / gwsec ${(iv.wallMs / g.wallMs).toFixed(1)}x   (target ≥ 10x)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await fleet.stop();
  }
}

/** n hosts: the recorded fixtures round robin, plus hosts showing this machine's own /etc */
async function fleetOf(n: number): Promise<{ fleet: TestFleet; fixtures: string[]; startMs: number }> {
  const fixtures = readdirSync(join(packageRoot(), 'test', 'fixtures', 'hosts')).sort();
  const kinds = [...fixtures, undefined];
  const specs: TestHostSpec[] = Array.from({ length: n }, (_, i) => ({ name: `web-${String(i + 1).padStart(3, '0')}`, fixture: kinds[i % kinds.length] }));
  const t0 = performance.now();
  const fleet = await startFleet(specs);
  return { fleet, fixtures, startMs: performance.now() - t0 };
}

/**
 * `fleet --latency MS`: every host behind a userspace TCP proxy (latency-proxy.ts) adding MS per
 * direction, the three modes side by side on the same hosts through the same proxy, at the default
 * concurrency; then gwsec's per-host time at concurrency 1 (on a sample), 10 and 50, and each
 * baseline's per-host time at concurrency 1 on the same sample. Round trips are counted in the proxy.
 */
async function runLatency(delayMs: number): Promise<void> {
  const n = Number(process.env.GWSEC_BENCH_HOSTS ?? 100);
  const serial = Number(process.env.GWSEC_BENCH_SERIAL_HOSTS ?? 5);
  const { fleet, startMs } = await fleetOf(n);
  let proxy: LatencyProxy | undefined;
  try {
    proxy = await startLatencyProxy(fleet.hosts.map((h) => ({ address: h.address, port: h.port })), delayMs);
    const p = proxy;
    // the CLI sees each host at its proxy port; the host keys are the hosts' own
    const knownHosts = join(fleet.root, 'known_hosts.proxied');
    writeFileSync(knownHosts, fleet.hosts.map((h, k) => `[127.0.0.1]:${p.ports[k]} ${h.hostKeyLine.slice(h.hostKeyLine.indexOf(' ') + 1)}\n`).join(''));
    const inventory = (hosts: string[]) =>
      fleet.inventoryFile({ sudo: 'nopasswd', hosts, host: Object.fromEntries(fleet.hosts.map((h, k) => [h.name, { address: '127.0.0.1', port: p.ports[k]! }])) });
    const all = inventory(fleet.hosts.map((h) => h.name));
    const sample = inventory(fleet.hosts.slice(0, serial).map((h) => h.name));
    const cli = (inv: string, extra: string[]) => ['audit', '-i', inv, '--known-hosts', knownHosts, '--format', 'json', ...extra];
    /** one run, with the exchanges the proxy saw during it */
    const through = async (inv: string, hosts: number, extra: string[], naive?: NaiveMode) => {
      const before = fleet.hosts.map((_, k) => [p.exchanges(k), p.connections(k)] as const);
      const m = await measure(fleet, cli(inv, extra), naive);
      const ex = fleet.hosts.map((_, k) => p.exchanges(k) - before[k]![0]);
      const cn = fleet.hosts.map((_, k) => p.connections(k) - before[k]![1]);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return { ...m, exchangesPerHost: sum(ex) / hosts, proxiedConnsPerHost: sum(cn) / hosts };
    };
    await through(all, n, []); // warm-up: page cache, sshd's first re-execs
    const gw = await through(all, n, []);
    const request = await through(all, n, [], 'request');
    const inspec = await through(all, n, [], 'inspec');
    const c1 = await through(sample, serial, ['--concurrency', '1']);
    const c10 = await through(all, n, ['--concurrency', '10']);
    const c50 = await through(all, n, ['--concurrency', '50']);
    const request1 = await through(sample, serial, ['--concurrency', '1'], 'request');
    const inspec1 = await through(sample, serial, ['--concurrency', '1'], 'inspec');
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    const cpuOf = (label: string, r: Sample) => `${label}: hosts ${r.hostsCpuS.toFixed(1)} (their cgroups) + auditor ${r.cliCpuS.toFixed(1)} + proxies ${r.benchCpuS.toFixed(1)}`;
    type Run = Awaited<ReturnType<typeof through>>;
    const row = (label: string, r: Run) =>
      `${label.padEnd(26)} wall ${s(r.wallMs).padStart(8)}  per host p50 ${s(r.p50)} p95 ${s(r.p95)}  ${r.exchangesPerHost.toFixed(0)} round trips/host  ${r.execsPerHost.toFixed(0)} execs/host  ${r.okHosts}/${r.hosts} ok`;
    const lines = [
      `fleet over latency: ${n} real sshd hosts, each behind a TCP proxy adding ${delayMs} ms per direction (${2 * delayMs} ms round trip); started in ${(startMs / 1000).toFixed(1)} s; ${cpus().length} cores`,
      row('gwsec audit -i (c=32)', gw) + '   (target ≤ 20 s)',
      row('naive request (c=32)', request),
      row('naive inspec (c=32)', inspec),
      `fleet wall ratio: naive request / gwsec ${ratio(request.wallMs, gw.wallMs)}, naive inspec / gwsec ${ratio(inspec.wallMs, gw.wallMs)}   (target ≥ 20x against inspec)`,
      `gwsec per host: c=1 p50 ${s(c1.p50)} (${serial} hosts, wall ${s(c1.wallMs)}), c=10 p50 ${s(c10.p50)} (wall ${s(c10.wallMs)}), c=50 p50 ${s(c50.p50)} (wall ${s(c50.wallMs)})`,
      `per host at c=1 (${serial} hosts): gwsec ${s(c1.p50)}, naive request ${s(request1.p50)} (${ratio(request1.p50, c1.p50)}), naive inspec ${s(inspec1.p50)} (${ratio(inspec1.p50, c1.p50)})`,
      `round trips per host (request/response exchanges seen by the proxy; × ${2 * delayMs} ms = the least time the link adds): gwsec ${gw.exchangesPerHost.toFixed(0)} over ${gw.proxiedConnsPerHost.toFixed(1)} connection(s), naive request ${request.exchangesPerHost.toFixed(0)}, naive inspec ${inspec.exchangesPerHost.toFixed(0)}`,
      `CPU: gwsec ${gw.cliCpuS.toFixed(1)} s, hosts ${gw.otherCpuS.toFixed(1)} s; naive request hosts ${request.otherCpuS.toFixed(1)} s; naive inspec hosts ${inspec.otherCpuS.toFixed(1)} s; gwsec peak RSS ${gw.rssMb.toFixed(0)} MB`,
      // the hosts' own CPU from their cgroups (nothing else on the machine), the auditor's, and the proxies' (this process)
      `CPU (s): ${cpuOf('gwsec', gw)}; ${cpuOf('naive request', request)}; ${cpuOf('naive inspec', inspec)}`,
      `CPU bound on ${cpus().length} cores: (hosts + auditor + proxies) / cores = gwsec ${s((1000 * cpuSum(gw)) / cpus().length)}, naive inspec ${s((1000 * cpuSum(inspec)) / cpus().length)}: the wall ratio cannot exceed ~${(cpuSum(inspec) / cpuSum(gw)).toFixed(1)}x while both are CPU-bound here`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await proxy?.close();
    await fleet.stop();
  }
}

interface Sample {
  hosts: number;
  wallMs: number;
  p50: number;
  p95: number;
  rssMb: number;
  execsPerHost: number;
  connsPerHost: number;
  okHosts: number;
  /** CPU seconds of the gwsec process, and of everything else (sshd, sudo, the collection scripts) */
  cliCpuS: number;
  otherCpuS: number;
  /** CPU seconds of the test hosts' own processes (sshd, sessions, sudo, scripts), from their cgroups: other work on the machine is not in it */
  hostsCpuS: number;
  /** CPU seconds of this bench process meanwhile (in --latency runs: the proxies) */
  benchCpuS: number;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const cpuSum = (r: Sample) => r.hostsCpuS + r.cliCpuS + r.benchCpuS;

function pickMedian(xs: Sample[]): Sample {
  const m = median(xs.map((x) => x.wallMs));
  return xs.reduce((a, b) => (Math.abs(b.wallMs - m) < Math.abs(a.wallMs - m) ? b : a));
}

function percentile(xs: number[], p: number): number {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)] ?? NaN;
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

/**
 * One run of `gwsec audit ARGS` (or, given a baseline, the same audit through bench/naive-audit.ts): wall
 * time, peak RSS polled from /proc, per-host durations, server-side exec count.
 */
async function measure(fleet: TestFleet, args: string[], naive?: NaiveMode): Promise<Sample> {
  const before = fleet.hosts.map((h) => fleet.log(h.name));
  const hostCpu = () => fleet.hosts.reduce((a, h) => a + fleet.cpuUsec(h.name), 0);
  const host0 = hostCpu();
  const self0 = process.cpuUsage();
  const busy0 = machineBusyTicks();
  const t0 = performance.now();
  const [command, ...options] = args;
  if (command !== 'audit') throw new Error(`measure runs gwsec audit, got ${command}`);
  const cli = naive ? [join(packageRoot(), 'build', 'bench', 'naive-audit.js'), naive] : [join(packageRoot(), 'bin', 'gwsec.js'), command];
  const child = spawn(process.execPath, [...cli, ...options], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (x: string) => (out += x));
  child.stderr.setEncoding('utf8').on('data', (x: string) => (err += x));
  let hwmKb = 0;
  let cliTicks = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      // utime + stime (fields 14, 15), after the ")" that ends the command name
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cliTicks = Math.max(cliTicks, Number(f[11]) + Number(f[12]));
    } catch {
      /* exited */
    }
  }, 20);
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  const wallMs = performance.now() - t0;
  const busyS = (machineBusyTicks() - busy0) / TICKS;
  const hostsCpuS = (hostCpu() - host0) / 1e6;
  const self = process.cpuUsage(self0);
  clearInterval(poll);
  if (code !== 0 && code !== 1) throw new Error(`gwsec exited ${code}:\n${err.slice(-3000)}`);
  // let the sshds' last log lines arrive
  await new Promise((r) => setTimeout(r, 300));
  // the JSON report's wire form (schema version 2: snake_case keys; messages are { zh, en })
  const report = JSON.parse(out) as { hosts: Array<{ name: string; duration_ms: number }>; results: Array<{ host: string; evidence: Array<{ message?: { en: string; zh: string } }> }> };
  const durations = report.hosts.map((h) => h.duration_ms);
  const failed = new Set(report.results.filter((r) => r.evidence.some((e) => e.message?.en.startsWith('transport_'))).map((r) => r.host));
  let execs = 0;
  let conns = 0;
  fleet.hosts.forEach((h, i) => {
    const delta = fleet.log(h.name).slice(before[i]!.length);
    execs += count(delta, /Starting session: command/g);
    conns += count(delta, /Accepted publickey for/g);
  });
  const n = durations.length;
  return { hosts: durations.length, wallMs, p50: percentile(durations, 50), p95: percentile(durations, 95), rssMb: hwmKb / 1024, execsPerHost: execs / n, connsPerHost: conns / n, okHosts: n - failed.size, cliCpuS: cliTicks / TICKS, otherCpuS: busyS - cliTicks / TICKS, hostsCpuS, benchCpuS: (self.user + self.system) / 1e6 };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU ticks spent by the whole machine so far (user, nice, system, irq, softirq, steal) */
function machineBusyTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
}
