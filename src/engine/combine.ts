import type { Status } from '../model/status.js';

/**
 * The combinator truth table over the six states (docs/ENGINE.md, tested exhaustively).
 * `waived` inside an expression counts as `pass` (waivers apply to whole checks).
 *
 * all:  any fail -> fail; else any error -> error; else any manual -> manual;
 *       else every child not_applicable (and at least one child) -> not_applicable; else pass.
 * any:  any pass -> pass; else any error -> error; else any manual -> manual;
 *       else every child not_applicable (and at least one) -> not_applicable; else fail.
 * none: not(any): pass <-> fail swapped, the rest as in any.
 * A definite answer wins over an unknown one (a failing child decides `all` even if another errs).
 */
export function combineAll(states: Status[]): Status {
  const s = states.map(norm);
  if (s.includes('fail')) return 'fail';
  if (s.includes('error')) return 'error';
  if (s.includes('manual')) return 'manual';
  if (s.length > 0 && s.every((x) => x === 'not_applicable')) return 'not_applicable';
  return 'pass';
}

export function combineAny(states: Status[]): Status {
  const s = states.map(norm);
  if (s.includes('pass')) return 'pass';
  if (s.includes('error')) return 'error';
  if (s.includes('manual')) return 'manual';
  if (s.length > 0 && s.every((x) => x === 'not_applicable')) return 'not_applicable';
  return 'fail';
}

export function combineNone(states: Status[]): Status {
  const r = combineAny(states);
  return r === 'pass' ? 'fail' : r === 'fail' ? 'pass' : r;
}

function norm(s: Status): Status {
  return s === 'waived' ? 'pass' : s;
}
