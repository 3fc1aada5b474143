/** `s` as a regular-expression literal: every syntax character escaped (`/` too, so it also fits a /…/ literal). */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
