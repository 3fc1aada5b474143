/**
 * Catastrophic-backtracking (ReDoS) check of one regular expression with recheck
 * (https://makenowjust-labs.github.io/recheck/): `safe`, `vulnerable` (exponential or polynomial,
 * with an attack string), or `unknown` when recheck could not decide in time or does not support the
 * syntax. recheck is loaded on first use only: `policy lint`, `detect lint` and the CI source scan
 * need it; an audit lints its pack too, but the shipped pack's patterns are proved safe already
 * (src/policy/redos-safe.ts), so it starts recheck only for a pack of its own. It runs its native
 * binary where one ships for the platform (linux-x64 here) and its JavaScript build otherwise.
 */
import { createRequire } from 'node:module';

export type RedosVerdict =
  | { status: 'safe' }
  | { status: 'vulnerable'; complexity: string; attack: string }
  | { status: 'unknown'; reason: string };

interface RecheckDiagnostics {
  status: 'safe' | 'vulnerable' | 'unknown';
  complexity?: { type: string; summary: string; degree?: number };
  attack?: { pattern: string; string: string };
  error?: { kind: string; message?: string };
}
type CheckSync = (source: string, flags: string, params?: Record<string, unknown>) => RecheckDiagnostics;

let checkSync: CheckSync | undefined;

let version: string | undefined;
/** the installed recheck's version (its package.json; recheck itself is not loaded) */
export function recheckVersion(): string {
  return (version ??= (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version);
}

/** Per-pattern time limit for recheck itself (its default is 10 s); callers may raise it to MAX_TIMEOUT_MS. */
const TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;
/**
 * recheck's synchronous call blocks this thread (Atomics.wait, via synckit) on a worker that asks a
 * native agent process. If that process dies, the wait never ends: a whole test run hung that way.
 * synckit's own time limit (read once, when it loads) turns that into an exception, and from then on
 * the checks run on recheck's JavaScript backend in this thread, which has no process to lose.
 */
const SYNC_WAIT_MS = MAX_TIMEOUT_MS + 30_000;

function loadRecheck(): CheckSync {
  process.env.SYNCKIT_TIMEOUT ??= String(SYNC_WAIT_MS);
  const require = createRequire(import.meta.url); // a plain require(), so knip sees the dependency
  return (require('recheck') as { checkSync: CheckSync }).checkSync;
}

type WorkerModule = { Worker: new (...args: never[]) => NodeJS.EventEmitter };
/**
 * synckit starts its worker with `new require('node:worker_threads').Worker(…)` and adds no 'error'
 * listener: when the native agent dies, the worker's write to it fails (EPIPE) and that error,
 * re-emitted on the Worker in this thread, would end the process after the fallback has already
 * answered. While recheck runs (synchronously), the Worker it may start gets a listener; the patch
 * is undone before anything else can run.
 */
let workers: { module: WorkerModule; original: WorkerModule['Worker']; listened: WorkerModule['Worker'] } | undefined;

function withListenedWorkers<T>(fn: () => T): T {
  if (!workers) {
    const module = createRequire(import.meta.url)('node:worker_threads') as WorkerModule;
    const original = module.Worker;
    const listened = class extends original {
      constructor(...args: never[]) {
        super(...args);
        this.on('error', () => {}); // the call that needed it has failed over to the pure backend
      }
    };
    workers = { module, original, listened };
  }
  workers.module.Worker = workers.listened;
  try {
    return fn();
  } finally {
    workers.module.Worker = workers.original;
  }
}

function runRecheck(source: string, flags: string, timeoutMs: number): RecheckDiagnostics {
  checkSync ??= loadRecheck();
  try {
    return withListenedWorkers(() => checkSync!(source, flags, { timeout: timeoutMs }));
  } catch {
    process.env.RECHECK_SYNC_BACKEND = 'pure';
    return checkSync(source, flags, { timeout: timeoutMs });
  }
}

/**
 * `(?i)` at the start is the policy language's case-insensitive flag (engine/operators.ts); anything
 * else is the JavaScript source as `new RegExp(source, flags)` would take it.
 */
export function checkRedos(source: string, flags = '', timeoutMs = TIMEOUT_MS): RedosVerdict {
  if (source.startsWith('(?i)')) return checkRedos(source.slice(4), flags.includes('i') ? flags : flags + 'i', timeoutMs);
  const d = runRecheck(source, flags, Math.min(timeoutMs, MAX_TIMEOUT_MS));
  if (d.status === 'safe') return { status: 'safe' };
  if (d.status === 'vulnerable') {
    return { status: 'vulnerable', complexity: d.complexity?.summary ?? 'super-linear', attack: d.attack?.pattern ?? d.attack?.string ?? '?' };
  }
  return { status: 'unknown', reason: d.error ? `${d.error.kind}${d.error.message ? `: ${d.error.message}` : ''}` : 'undecided' };
}

/** One line for an error message: what is wrong and the input that shows it. */
export function describeRedos(v: Exclude<RedosVerdict, { status: 'safe' }>): { zh: string; en: string } {
  return v.status === 'vulnerable'
    ? { en: `can backtrack catastrophically (${v.complexity} time; recheck's attack string: ${v.attack})`, zh: `存在灾难性回溯风险（${v.complexity} 时间复杂度；recheck 给出的攻击字符串：${v.attack}）` }
    : { en: `could not be proved free of catastrophic backtracking (recheck: ${v.reason})`, zh: `无法证明不存在灾难性回溯（recheck：${v.reason}）` };
}
