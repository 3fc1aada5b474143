/** Rule durations ('120s', '10m', '1h', '500ms', or seconds). Kept apart from schema.ts so the engine (and the agent's detection worker) does not load zod. */
export const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '120s', '10m', '1h', '500ms', or a number of seconds → milliseconds. */
export function durationMs(v: string | number): number {
  if (typeof v === 'number') return v * 1000;
  const m = DURATION.exec(v)!;
  return Number(m[1]) * UNIT[m[2]!]!;
}
