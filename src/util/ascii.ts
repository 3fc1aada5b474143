// Anything outside printable ASCII (0x20–0x7e).
const NOT_PRINTABLE = /[^ -~]/;
let last: string | undefined;
let lastPlain = false;

/**
 * Is the text printable ASCII only? Most log lines are; the checks that look for control characters,
 * odd white space or lone surrogates can then skip their scan. Remembers the last answer: the
 * hostile-line count and the access-line parser ask about the same line one after the other.
 */
export function printableAscii(s: string): boolean {
  if (s === last) return lastPlain;
  last = s;
  lastPlain = !NOT_PRINTABLE.test(s);
  return lastPlain;
}
