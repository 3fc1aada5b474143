/**
 * The one time scale for tests. Every wait, deadline and timeout a test or the harness sets is a
 * nominal figure for an ordinary machine passed through `scaled()`, so a slow or loaded machine (or
 * `test/stress.sh`) lengthens them all with one knob instead of failing:
 *
 *     GWSEC_TEST_TIME_SCALE=3 npx ava …      # every limit three times as long
 *
 * Default 1. Only limits scale: a poll interval, or a sleep that merely lets time pass, stays as is.
 * ava's own timeout reads the same variable (ava.config.js).
 */
export const TIME_SCALE = timeScale(process.env.GWSEC_TEST_TIME_SCALE);

export function timeScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1) throw new Error(`GWSEC_TEST_TIME_SCALE must be a number ≥ 1, got '${raw}'`);
  return n;
}

/** A nominal limit in milliseconds, lengthened by the scale factor (whole milliseconds). */
export function scaled(ms: number): number {
  return Math.ceil(ms * TIME_SCALE);
}

/** The same for a limit given in whole seconds (a CLI's `--timeout 8`, say): rounded up. */
export function scaledSeconds(s: number): number {
  return Math.ceil(s * TIME_SCALE);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `ready` every `everyMs` until it holds or `withinMs` (nominal, scaled here) has passed.
 * Resolves true when it held, false on time-out: the caller's assertion says what was expected.
 */
export async function waitUntil(ready: () => boolean | Promise<boolean>, withinMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + scaled(withinMs);
  for (;;) {
    if (await ready()) return true;
    if (Date.now() >= end) return false;
    await sleep(everyMs);
  }
}
