import { isFactError, type FactError } from '../model/errors.js';

export type Lookup =
  | { kind: 'value'; value: unknown }
  | { kind: 'missing' } // absent or null
  | { kind: 'error'; error: FactError; at: string };

/**
 * Resolve a dotted fact path. Crossing an object that carries `error` (a failed collection) yields
 * that error, so a check can never pass or fail on a fact that was not collected.
 * `@` / `@.x` resolve against the current `each` element.
 */
export function lookup(root: unknown, path: string, element?: unknown): Lookup {
  let cur: unknown;
  let segs: string[];
  if (path === '@' || path.startsWith('@.')) {
    cur = element;
    segs = path === '@' ? [] : path.slice(2).split('.');
  } else {
    cur = root;
    segs = path.split('.');
  }
  const walked: string[] = [];
  for (const seg of segs) {
    if (isFactError(cur)) return { kind: 'error', error: cur.error, at: walked.join('.') };
    if (cur === null || cur === undefined || typeof cur !== 'object') return { kind: 'missing' };
    cur = (cur as Record<string, unknown>)[seg];
    walked.push(seg);
  }
  if (isFactError(cur)) return { kind: 'error', error: cur.error, at: walked.join('.') };
  if (cur === null || cur === undefined) return { kind: 'missing' };
  return { kind: 'value', value: cur };
}
