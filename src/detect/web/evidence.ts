/**
 * Evidence text that is safe to print: bounded length, and no raw control characters, escape
 * sequences or bidi overrides (a log line is attacker-controlled and must never reach a terminal raw).
 */
export const EVIDENCE_MAX = 120;

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\\]/g;

export function escapeEvidence(s: string, max = EVIDENCE_MAX): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const e = cut.replace(UNSAFE, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/^\\x(.{3,})$/, (_m, h: string) => `\\u${h.padStart(4, '0')}`));
  return s.length > max ? `${e}…` : e;
}

/** A window of `s` around index `at`, escaped. */
export function snippet(s: string, at: number, width = 80): string {
  const from = Math.max(0, Math.min(at - 16, s.length - width));
  return escapeEvidence(s.slice(from, from + width), width);
}
