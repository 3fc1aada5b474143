import type { Bilingual } from '../model/status.js';
import { CollectError, GwsecError, type FactError } from '../model/errors.js';
import type { Transport } from '../transport/types.js';
import { outputFor } from './answers.js';
import { buildScript, parseSections } from './script.js';
import type { Collector } from './types.js';
import type { RawAnswers, Request } from '../transport/requests.js';

export interface CollectOptions {
  sudo?: boolean;
  timeoutMs?: number;
  /** Per-section cap in bytes (default 4 MiB). */
  maxBytes?: number;
}

export interface Collected {
  facts: Record<string, unknown>;
  sources: Record<string, string[]>;
  durationMs: number;
  /** Round trips to the host (exec calls): 1, or what a transport answering requests itself spent (a fixture: 0). */
  execs: number;
  /** What the transport said about the run (e.g. sudo refused). */
  notices: Bilingual[];
  /** The whole collection failed (nothing came back): every family carries this error. */
  failure?: FactError;
}

/**
 * Gather every requested collector's facts in ONE exec (or from a transport that answers requests
 * itself, such as a fixture), then parse each family
 * independently: one collector failing makes its own family an error and nothing else.
 */
export async function collect(transport: Transport, collectors: Collector[], o: CollectOptions = {}): Promise<Collected> {
  const started = performance.now();
  const raw = await collectRaw(transport, collectors.flatMap((c) => c.requests), o);
  if (raw.failure) return { ...failAll(collectors, raw.failure, performance.now() - started, raw.execs), notices: raw.notices, failure: raw.failure };
  const facts: Record<string, unknown> = {};
  const sources: Record<string, string[]> = {};
  for (const c of collectors) {
    const used = new Set<string>();
    try {
      facts[c.id] = c.parse(outputFor(raw.answers, used, transport.id));
    } catch (e) {
      facts[c.id] = { error: toFactError(e, c.id) };
    }
    sources[c.id] = [...used];
  }
  return { facts, sources, durationMs: performance.now() - started, execs: raw.execs, notices: raw.notices };
}

/** The host's raw answers to the requests (what `gwsec fixture record` writes down). */
export async function collectRaw(transport: Transport, requests: Request[], o: CollectOptions = {}): Promise<{ answers: RawAnswers; execs: number; failure?: FactError; notices: Bilingual[] }> {
  if (transport.requests) return transport.requests.answer(requests, o);
  const { script, marker, maxBytes } = buildScript(requests, { maxBytes: o.maxBytes });
  const r = await transport.run(script, { sudo: o.sudo, timeoutMs: o.timeoutMs });
  const answers = parseSections(r.stdout, marker, maxBytes);
  if (r.exitCode !== 0 && answers.cmds.size + answers.files.size === 0) {
    // Nothing came back: the whole run failed (sudo refused, shell missing, timeout).
    const failure: FactError =
      r.exitCode === 124
        ? { code: 'timeout', message: 'collection timed out', zh: '采集超时' }
        : { code: 'transport_error', message: `collection script failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`, zh: `采集脚本执行失败（退出码 ${r.exitCode}）：${r.stderr.trim().split('\n')[0] ?? ''}` };
    return { answers, execs: 1, failure, notices: r.notice ? [r.notice] : [] };
  }
  return { answers, execs: 1, notices: r.notice ? [r.notice] : [] };
}

function failAll(collectors: Collector[], error: FactError, durationMs: number, execs: number): Omit<Collected, 'notices'> {
  const facts: Record<string, unknown> = {};
  for (const c of collectors) facts[c.id] = { error };
  return { facts, sources: {}, durationMs, execs };
}

/** A parser bug must not take the whole audit down, but it must not look like a host state either. */
function toFactError(e: unknown, id: string): FactError {
  if (e instanceof CollectError) return { code: e.code, message: e.message };
  if (e instanceof GwsecError) return { code: 'transport_error', message: e.message, zh: e.zh };
  return { code: 'parse_error', message: `collector ${id} failed: ${(e as Error)?.stack ?? String(e)}` };
}
