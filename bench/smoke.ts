/**
 * GWSEC_BENCH_SMOKE=1 runs every bench in a tiny mode: a few thousand lines, a few agents, seconds
 * instead of minutes. test/bench/smoke.test.ts runs them all that way so a bench that no longer runs
 * (a renamed field that leaves it waiting forever, a baseline that no longer starts) fails CI. The
 * figures a smoke run prints only show the bench still works; they are never figures to report.
 */
export const SMOKE = process.env.GWSEC_BENCH_SMOKE === '1';

/** A size or duration: `smoke` under GWSEC_BENCH_SMOKE=1, else the environment's `name`, else `full`. */
export function knob(name: string, full: number, smoke: number): number {
  if (SMOKE) return smoke;
  const v = process.env[name];
  return v === undefined || v === '' ? full : Number(v);
}
