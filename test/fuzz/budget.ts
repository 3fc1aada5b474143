/**
 * How much fuzzing a run does. CI (`npm test`) uses a fixed seed and few runs so the whole fuzz
 * suite stays well under 30 s on a loaded 2-core machine; `npm run fuzz` sets GWSEC_FUZZ_RUNS (and
 * may set GWSEC_FUZZ_SEED) to search longer. A failure prints the seed and path to replay it.
 */
import fc from 'fast-check';
import { scaled } from '../helpers/time.js';

const env = process.env;

/** Runs per property: CI default small, `npm run fuzz` large. */
export const RUNS = positive(env.GWSEC_FUZZ_RUNS) ?? 60;
/** Runs of the 64 KiB time-bound property per target (each input is large, so fewer). */
export const BIG_RUNS = Math.max(2, Math.ceil(RUNS / 20));
/** Fixed unless asked otherwise, so CI is reproducible. */
export const SEED = env.GWSEC_FUZZ_SEED !== undefined ? Number(env.GWSEC_FUZZ_SEED) : 0x19f022;

/** 64 KiB of hostile input parsed in ≤ 50 ms (× the tests' one time scale, GWSEC_TEST_TIME_SCALE). */
export const BIG_INPUT_BYTES = 64 * 1024;
export const BIG_INPUT_MS = scaled(50);

export function params<T>(extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { numRuns: RUNS, seed: SEED, endOnFailure: true, ...extra };
}

function positive(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
