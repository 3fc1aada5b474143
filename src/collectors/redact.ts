import { globToRegex } from '../util/glob.js';
import type { Collector } from './types.js';

/**
 * What `gwsec fixture record` writes for each answer: the collectors' redactors (Collector.redact)
 * by what they key — a file path, a glob pattern they request, or `cmd:<name>` for a command's
 * stdout. An answer no collector reduces is written as read.
 */
export function sharedForm(list: readonly Collector[]): (key: string) => ((text: string) => string) | undefined {
  const exact = new Map<string, (text: string) => string>();
  const globs: Array<[RegExp, (text: string) => string]> = [];
  for (const c of list) {
    for (const [key, f] of Object.entries(c.redact ?? {})) {
      if (/[*?[]/.test(key)) globs.push([globToRegex(key), f]);
      else exact.set(key, f);
    }
  }
  return (key) => exact.get(key) ?? (key.startsWith('cmd:') ? undefined : globs.find(([re]) => re.test(key))?.[1]);
}
