/** Run the real CLI against harness hosts, as a user would, and read its JSON report. */
import { spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { reportJson } from '../helpers/wire.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** the CLI's PID, known as soon as it starts (to watch the remote side meanwhile) */
  pid: number;
}

export interface Result {
  check: string;
  host: string;
  status: 'pass' | 'fail' | 'not_applicable' | 'error' | 'manual' | 'waived';
  evidence: Array<{ fact?: string; actual?: unknown; status?: string; message?: { zh: string; en: string } }>;
}

export interface Report {
  hosts: Array<{ name: string; transport: string; platform: { os: string } }>;
  results: Result[];
}

/** Async so the test's event loop (the harness, a ps sampler) keeps running meanwhile. */
export function gwsecAsync(args: string[], env: Record<string, string | undefined> = {}, onStart?: (pid: number) => void): Promise<CliRun> {
  const started = performance.now();
  // no agent and no inherited secrets: each test says exactly which credentials it gives
  const base: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', NO_COLOR: '1' };
  for (const k of ['SSH_AUTH_SOCK', 'GWSEC_SSH_PASSWORD', 'GWSEC_SUDO_PASSWORD']) delete base[k];
  const c = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onStart?.(c.pid!);
  let stdout = '';
  let stderr = '';
  // decode as a stream: a chunk may end inside a multi-byte character (无法连接)
  c.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  c.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    c.on('error', reject);
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started, pid: c.pid! }));
  });
}

/** `gwsec audit -i INV --known-hosts KH --format json …`; fails the test loudly on non-JSON output. */
export async function auditJson(inventory: string, knownHosts: string, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun & { report: Report }> {
  const r = await gwsecAsync(['audit', '-i', inventory, '--known-hosts', knownHosts, '--format', 'json', ...extra], env);
  let report: Report;
  try {
    report = reportJson(r.stdout);
  } catch {
    throw new Error(`gwsec audit exited ${r.code} without a JSON report:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  }
  return { ...r, report };
}

export function resultsOf(report: Report, host: string): Result[] {
  return report.results.filter((r) => r.host === host);
}

/** every error message of one host's results (English: `code: detail`), deduplicated */
export function errorMessages(report: Report, host: string): string[] {
  return [...new Set(resultsOf(report, host).flatMap((r) => r.evidence.filter((e) => e.status === 'error' && e.message).map((e) => e.message!.en)))];
}

/** the host's checks that were decided from facts (pass or fail), i.e. collection worked */
export function decided(report: Report, host: string): number {
  return resultsOf(report, host).filter((r) => r.status === 'pass' || r.status === 'fail').length;
}
