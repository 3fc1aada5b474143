import type { Evidence, Result } from '../model/result.js';
import type { Bilingual } from '../model/status.js';
import type { Lang } from '../i18n/index.js';

/** Which language a report shows messages in: `lang`, or both (`--lang both`) with `lang` first. */
export interface MessageLang {
  lang: Lang;
  both?: boolean;
}

/** A `{ zh, en }` message in the reader's language (both, the reader's first, when asked). */
export function inLang(m: Bilingual, o: MessageLang): string {
  if (!o.both) return m[o.lang];
  const other = m[o.lang === 'zh' ? 'en' : 'zh'];
  return other === m[o.lang] ? other : `${m[o.lang]} / ${other}`;
}

/** Why a host could not be audited, as a `{ zh, en }` pair (English alone when its producer wrote no Chinese). */
export function hostErrorMessage(e: { message: string; zh?: string }): Bilingual {
  return { en: e.message, zh: e.zh ?? e.message };
}

/** An evidence leaf's parts around its message: `fact = actual (expected op value)` and ` [source]`. */
export function evidenceParts(e: Evidence, max = 160): { head: string; src: string } {
  const expected = e.op ? ` (expected ${e.op} ${shortJson(e.expected, max)})` : '';
  const src = e.source?.length ? ` [${e.source.join(', ')}]` : '';
  return { head: `${e.fact} = ${shortJson(e.actual, max)}${expected}`, src };
}

/** One evidence leaf as a line a person reads: `fact = actual (expected op value) — message [source]`. */
export function evidenceLine(e: Evidence, o: MessageLang, max = 160): string {
  const { head, src } = evidenceParts(e, max);
  return `${head}${e.message ? ` — ${inLang(e.message, o)}` : ''}${src}`;
}

export function shortJson(v: unknown, max = 160): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** The leaves that decided a finding (failing ones first); all leaves when none failed. */
export function decisiveEvidence(r: Result): Evidence[] {
  const outcome = r.outcome ?? r.status;
  if (outcome === 'pass' || outcome === 'not_applicable') return r.evidence;
  const decisive = r.evidence.filter((e) => e.status !== 'pass');
  return decisive.length ? decisive : r.evidence;
}

/** A `{file, line}` the collector put in a fact value (sudoers rules, config directives …). */
function recordedPlace(v: unknown, depth = 0): { path: string; line?: number } | undefined {
  if (depth > 3 || v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = recordedPlace(x, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const o = v as { file?: unknown; line?: unknown };
  if (typeof o.file === 'string' && o.file.startsWith('/')) return { path: o.file, ...(typeof o.line === 'number' && o.line > 0 ? { line: o.line } : {}) };
  return undefined;
}

/**
 * Where a finding was read from: a file and line recorded in the failing fact's value when the
 * collector keeps one, else the file the evidence source names (`file: /etc/x`, `file: /etc/x:12`).
 */
export function fileLocation(r: Result): { path: string; line?: number } | undefined {
  for (const e of decisiveEvidence(r)) {
    const p = recordedPlace(e.actual);
    if (p) return p;
  }
  for (const e of decisiveEvidence(r)) {
    for (const s of e.source ?? []) {
      const m = /^file: (\/[^\s:]+)(?::(\d+))?$/.exec(s);
      if (m) return { path: m[1]!, ...(m[2] ? { line: Number(m[2]) } : {}) };
    }
  }
  return undefined;
}

/** XML 1.0 cannot carry most control characters at all, escaped or not: replace them. */
export function xmlSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
