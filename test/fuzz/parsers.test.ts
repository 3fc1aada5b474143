/**
 * Every registered parser target on hostile input: no exception but the project's typed errors, and
 * 64 KiB parsed within the time budget. Runs and seed come from budget.ts (fixed in CI).
 */
import { testProp } from '@fast-check/ava';
import { arbitraries } from './arbitraries.js';
import { BIG_INPUT_BYTES, BIG_INPUT_MS, BIG_RUNS, params } from './budget.js';
import { parserRegistry } from './parsers.registry.js';
import { callTyped } from './typed-errors.js';
import { timeOnInput } from './timing.js';

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
        for (const [x, y] of [[a, b], [b, a]] as const) {
          // Warm-up on a 4 KiB slice: JIT compilation of the paths this input takes is not the parser's cost.
          callTyped(() => target.run(x.slice(0, 4096), y.slice(0, 4096)));
          const r = timeOnInput(() => callTyped(() => target.run(x, y)));
          t.true(r.ms <= r.budget, `${x.length} + ${y.length} characters: ${r.describe}`);
        }
      },
      params({ numRuns: BIG_RUNS }),
    );
  }
}

