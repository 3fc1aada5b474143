import { CollectError, GwsecError, type FactError } from '../model/errors.js';
import type { Transport } from '../transport/types.js';
import { FixtureTransport } from '../transport/fixture.js';
import { outputFor, type RawAnswers } from './answers.js';
import { buildScript, parseSections } from './script.js';
import type { Collector } from './types.js';

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
  /** Round trips to the host (exec calls). Fixture answers count as 0. */
  execs: number;
}

/**
 * Gather every requested collector's facts in ONE exec (or from a fixture), then parse each family
 * independently: one collector failing makes its own family an error and nothing else.
 */
export async function collect(transport: Transport, collectors: Collector[], o: CollectOptions = {}): Promise<Collected> {
  const started = performance.now();
  const requests = collectors.flatMap((c) => c.requests);
  let answers: RawAnswers;
  let execs = 0;
  if (transport instanceof FixtureTransport) {
    answers = transport.answer(requests);
  } else {
    const { script, marker } = buildScript(requests, { maxBytes: o.maxBytes });
    const r = await transport.run(script, { sudo: o.sudo, timeoutMs: o.timeoutMs });
    execs = 1;
    answers = parseSections(r.stdout, marker);
    if (r.exitCode !== 0 && answers.cmds.size + answers.files.size === 0) {
      // Nothing came back: the whole run failed (sudo refused, shell missing, timeout).
      const why = r.exitCode === 124 ? 'timeout' : 'transport_error';
      const msg = r.exitCode === 124 ? 'collection timed out' : `collection script failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n')[0] ?? ''}`;
      return failAll(collectors, { code: why, message: msg }, performance.now() - started, execs);
    }
  }
  const facts: Record<string, unknown> = {};
  const sources: Record<string, string[]> = {};
  for (const c of collectors) {
    const used = new Set<string>();
    try {
      facts[c.id] = c.parse(outputFor(answers, used, transport.id));
    } catch (e) {
      facts[c.id] = { error: toFactError(e, c.id) };
    }
    sources[c.id] = [...used];
  }
  return { facts, sources, durationMs: performance.now() - started, execs };
}

function failAll(collectors: Collector[], error: FactError, durationMs: number, execs: number): Collected {
  const facts: Record<string, unknown> = {};
  for (const c of collectors) facts[c.id] = { error };
  return { facts, sources: {}, durationMs, execs };
}

/** A parser bug must not take the whole audit down, but it must not look like a host state either. */
function toFactError(e: unknown, id: string): FactError {
  if (e instanceof CollectError) return { code: e.code, message: e.message };
  if (e instanceof GwsecError) return { code: 'transport_error', message: e.message };
  return { code: 'parse_error', message: `collector ${id} failed: ${(e as Error)?.stack ?? String(e)}` };
}
