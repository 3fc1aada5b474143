/**
 * Every benchmark of bench/registry.ts, run as `npm run bench -- NAME` runs it, in its tiny mode
 * (GWSEC_BENCH_SMOKE=1, bench/smoke.ts): it must exit 0 and print its figure lines with sane values.
 * A bench that silently stops working (a renamed status field once left `bench agent` waiting for
 * hours on an agent that had archived everything) fails here instead of on the next person who
 * measures. The values are only checked for sanity (finite, > 0, the agent archived the lines),
 * never against targets: a smoke run's figures mean nothing.
 *
 * Each bench runs in a process group of its own with TMPDIR set to a directory of its own (removed
 * afterwards); servers are the benches' own: collectors on port 0 of loopback, PostgreSQL on a unix
 * socket, sshd test hosts in network namespaces (test/harness). Two at a time.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benches } from '../../bench/registry.js';
import { have } from '../../bench/stats.js';
import { packageRoot } from '../../src/util/paths.js';
import { pgUnavailable } from '../helpers/postgres.js';
import { scaled } from '../helpers/time.js';
import { CORPUS_DIR } from '../helpers/web-corpus.js';

type T = ExecutionContext;

/** Why the bench cannot run on this machine (a Debian binary or the shared corpus missing), or null. */
type Need = () => string | null;
const binary = (cmd: string, pkg: string): Need => () => (have(cmd) ? null : `${cmd} not found (.ci/run installs ${pkg})`);
const corpus: Need = () => (existsSync(join(CORPUS_DIR, 'attacks.jsonl')) ? null : `${CORPUS_DIR} is missing (the shared corpus)`);
const postgres: Need = () => pgUnavailable();

/** The numbers `re` captures in `out`; fails the test (and returns []) when the line is not there. */
function figures(t: T, out: string, re: RegExp): number[] {
  const m = re.exec(out);
  if (!m) {
    t.fail(`no line matching ${re} in the output:\n${out.slice(-3000)}`);
    return [];
  }
  t.pass();
  return m.slice(1).map((x) => Number(x.replaceAll(',', '')));
}

/** Every number `re` captures is finite and > 0. */
function positive(t: T, out: string, re: RegExp): number[] {
  const xs = figures(t, out, re);
  for (const x of xs) t.true(Number.isFinite(x) && x > 0, `${re}: ${x} is not a finite figure > 0`);
  return xs;
}

interface Smoke {
  needs?: Need[];
  check(t: T, out: string): void;
}

/** One entry per registered bench (parity test below): what its smoke run must print. */
const SMOKES: Record<string, Smoke> = {
  'audit-local': {
    needs: [binary('lynis', 'lynis')],
    check(t, out) {
      positive(t, out, /gwsec audit --local\s+median (\d+) ms over 1 runs/);
      positive(t, out, /ratio lynis \/ gwsec\s+([\d.]+)x/);
    },
  },
  crypto: {
    check(t, out) {
      for (const row of ['SM3', 'SM4-CBC encrypt', 'SM2 sign \\(std, Z_A\\)', 'SM2 verify \\(std, Z_A\\)']) positive(t, out, new RegExp(`^${row}\\s+([\\d.]+)\\s+([\\d.]+) \\S+\\s+([\\d.]+)×$`, 'm'));
    },
  },
  verify: {
    check(t, out) {
      positive(t, out, /journal over \d+ MB of nginx log text \((\d+) lines/);
      positive(t, out, /verifyArchive: ([\d.]+) MB\/s/);
      positive(t, out, /verify \/ bare SM3 = ([\d.]+)/);
    },
  },
  fleet: {
    needs: [binary('/usr/sbin/sshd', 'openssh-server')],
    check(t, out) {
      const [ok, n] = figures(t, out, /hosts\s+(\d+)\/(\d+) collected without a transport error/);
      t.true(n! > 0 && ok === n, `${ok}/${n} hosts collected`);
      positive(t, out, /exec round trips ([\d.]+) per host/);
      positive(t, out, /ratio naive request \/ gwsec ([\d.]+)x, naive inspec \/ gwsec ([\d.]+)x/);
    },
  },
  agent: {
    needs: [binary('rsyslogd', 'rsyslog')],
    check(t, out) {
      const [lines] = positive(t, out, /\(a\) ingest of (\d+) nginx lines/);
      const [archived] = positive(t, out, /gwsec agent run\s+[\d.]+ s\s+([\d.]+) MB\/s.*, (\d+) lines\)/).slice(1);
      t.true(archived! >= lines!, `the agent archived ${archived} of ${lines} lines`);
      positive(t, out, /ratio gwsec \/ rsyslog\s+([\d.]+)x/);
      positive(t, out, /gwsec peak RSS\s+([\d.]+) MB/);
      const [got, written] = positive(t, out, /(\d+) of (\d+) lines archived/);
      t.true(got! <= written!);
    },
  },
  webattacks: {
    needs: [corpus],
    check(t, out) {
      const [n, ours] = positive(t, out, /\| \*\*all\*\* \| (\d+) \| ([\d.]+) % \|/);
      t.true(n! > 0 && ours! <= 100);
      figures(t, out, /\| benign lines raising any alert \(FP\) \| (\d+) \| (\d+) /);
      positive(t, out, /benign lines: gwsec detect --file ([\d,]+) lines\/s/);
    },
  },
  detect: {
    needs: [corpus],
    check(t, out) {
      positive(t, out, /^ {4}ssh-brute-force\s+(\d+)\s+\d+\s+\d+\s+\d+/m);
      positive(t, out, /\(a2\) generated attack mix: .* \((\d+) events, engine (\d+)k events\/s\)/);
      positive(t, out, /\(b\) gwsec detect --file over (\d+) nginx lines, \d+ MB: [\d.]+ s = ([\d.]+) MB\/s/);
      positive(t, out, /ratio on\/off ([\d.]+)/);
      const [attacks, , p99] = positive(t, out, /\(d\) line written → alert stored, .*?, (\d+) attack lines over \d+ s: p50 (\d+) ms, p99 (\d+) ms/);
      const [missing] = figures(t, out, /(\d+) without an alert/);
      t.true(missing! < attacks! && Number.isFinite(p99), `(d): ${missing} of ${attacks} attack lines without an alert`);
      positive(t, out, /\(e\) defacement .*: p50 (\d+) ms, p99 (\d+) ms/);
      positive(t, out, /\(f\) a missed file event .* after (\d+) ms/);
    },
  },
  collector: {
    needs: [postgres],
    check(t, out) {
      for (const kind of ['embedded', 'postgres']) {
        positive(t, out, new RegExp(`^${kind}: \\d+ agents, (\\d+) alerts/s stored`, 'm'));
      }
      t.is(out.match(/ratio network\/in-process ([\d.]+)x/g)?.length, 2);
      positive(t, out, /ratio network\/in-process ([\d.]+)x/);
      positive(t, out, /line → stored p50 (\d+) ms, p99 (\d+) ms/);
      positive(t, out, /collector RSS with \d+ agents connected: idle ([\d.]+) MB/);
    },
  },
  'agent-reporting': {
    check(t, out) {
      const [cpu] = figures(t, out, /with reporting on: ([\d.]+) % of one core/);
      t.true(Number.isFinite(cpu) && cpu! >= 0);
      // (b) counts what had arrived 1.5 s after its window (a loaded machine may still be sending); (c) waits for every alert
      const [got, expected] = figures(t, out, /\(b\) line → alert stored at the collector .*: (\d+)\/(\d+) alerts/);
      t.true(expected! > 0 && got! <= expected!, `(b): ${got}/${expected}`);
      positive(t, out, /\((\d+) lines, (\d+) alerts\); back up → all stored in ([\d.]+) s/);
    },
  },
  'collector-queries': {
    check(t, out) {
      positive(t, out, /embedded store of (\d+) alerts/);
      positive(t, out, /collector alerts --since \(1 %\):\s+[\d.]+ s, (\d+) alerts \(read after seq (\d+)\); before \(every alert read\): [\d.]+ s; ratio ([\d.]+)x/);
      positive(t, out, /checkpoints of one agent:\s+[\d.]+ s \((\d+)\)/);
      positive(t, out, /collector agents \(gaps of (\d+)\)/);
    },
  },
  traps: {
    needs: [binary('/usr/bin/time', 'time')],
    check(t, out) {
      positive(t, out, /sparse file, collection script: ([\d.]+) s, peak RSS ([\d.]+) MiB/);
      positive(t, out, /sparse file, awk getline \(baseline\): ([\d.]+) s, peak RSS ([\d.]+) MiB/);
      positive(t, out, /ratio: (\d+)× less memory/);
    },
  },
  'host-snapshots': {
    check(t, out) {
      positive(t, out, /(\d+) processes \(\d+ started by the bench\), (\d+) TCP table lines/);
      positive(t, out, /naive full walk ([\d.]+) ms; full \/ incremental = ([\d.]+)x/);
      positive(t, out, /snapshot \/ bare read = ([\d.]+)x/);
      positive(t, out, /: ([\d.]+) % of one core$/m);
      figures(t, out, /snapshots off ([\d.]+) %, on ([\d.]+) % of one core \((\d+) baseline/);
    },
  },
};

test('every registered bench has a smoke run here, and nothing else does', (t) => {
  t.deepEqual(Object.keys(SMOKES).sort(), Object.keys(benches).sort(), 'add the bench to SMOKES in test/bench/smoke.test.ts (and make it honour GWSEC_BENCH_SMOKE)');
});

/** At most two benches at once (2 cores; each starts agents, collectors or hosts of its own). */
let running = 0;
const waiting: Array<() => void> = [];
async function slot<R>(f: () => Promise<R>): Promise<R> {
  while (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runBench(name: string, dir: string, limitMs: number): Promise<{ code: number | null; signal: string | null; out: string; err: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'build', 'bench', 'main.js'), name], {
      env: { ...process.env, GWSEC_BENCH_SMOKE: '1', TMPDIR: dir, LANG: 'C', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // a group of its own: whatever it started is stopped with it
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (x: string) => (out += x));
    child.stderr.setEncoding('utf8').on('data', (x: string) => (err += x));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL'); // anything of its group still running (an agent it failed to stop)
      } catch {
        /* the group is gone: everything stopped */
      }
      resolve({ code, signal, out, err, timedOut });
    });
  });
}

for (const [name, smoke] of Object.entries(SMOKES)) {
  test(`bench ${name} runs in its smoke mode and prints sane figures`, async (t) => {
    for (const need of smoke.needs ?? []) {
      const why = need();
      if (!why) continue;
      if (process.env.CI) t.fail(`CI must run bench ${name}: ${why}`);
      else {
        t.log(`SKIPPED: ${why}`);
        t.pass();
      }
      return;
    }
    await slot(async () => {
      const dir = mkdtempSync(join(tmpdir(), `gwsec-bench-smoke-${name}-`));
      chmodSync(dir, 0o755); // PostgreSQL and the test hosts' users must reach their directories below it
      try {
        const t0 = Date.now();
        const r = await runBench(name, dir, scaled(100_000));
        t.log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        t.false(r.timedOut, `bench ${name} did not finish within ${scaled(100_000) / 1000} s:\n${r.out.slice(-2000)}\n${r.err.slice(-2000)}`);
        t.is(r.code, 0, `bench ${name} exited ${r.code ?? r.signal}:\n${r.err.slice(-3000)}`);
        smoke.check(t, r.out);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
