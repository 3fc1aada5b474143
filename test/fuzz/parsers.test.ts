/**
 * Every registered parser target on hostile input: no exception but the project's typed errors, and
 * 64 KiB parsed within the time budget. Runs and seed come from budget.ts (fixed in CI).
 */
import { testProp } from '@fast-check/ava';
import { arbitraries } from './arbitraries.js';
import { BIG_INPUT_BYTES, BIG_INPUT_MS, BIG_RUNS, params } from './budget.js';
import { parserRegistry } from './parsers.registry.js';
import { callTyped } from './typed-errors.js';

for (const [mod, entry] of Object.entries(parserRegistry)) {
  for (const target of entry.targets) {
    testProp(
      `${mod}: ${target.name} — hostile input raises no untyped exception`,
      [arbitraries.text(target.tokens), arbitraries.text(target.tokens)],
      (t, a, b) => {
        callTyped(() => target.run(a, b));
        t.pass();
      },
      params(),
    );
    testProp(
      `${mod}: ${target.name} — 64 KiB of hostile input in ≤ ${BIG_INPUT_MS} ms`,
      [arbitraries.big(BIG_INPUT_BYTES, target.tokens), arbitraries.text(target.tokens)],
      (t, a, b) => {
        callTyped(() => target.run('', '')); // warm-up: first-call compilation is not the parser's cost
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const ms = bestOf(3, () => callTyped(() => target.run(x, y)));
          t.true(ms <= BIG_INPUT_MS, `${ms.toFixed(1)} ms (best of 3) for ${x.length} + ${y.length} characters`);
        }
      },
      params({ numRuns: BIG_RUNS }),
    );
  }
}

/**
 * Best of n: on a loaded shared machine one run can lose its core or meet a GC pause; a parser that
 * is really slow (super-linear, backtracking) is slow every time.
 */
function bestOf(n: number, f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < n && best > BIG_INPUT_MS; i++) {
    const started = performance.now();
    f();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
