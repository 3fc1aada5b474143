import type { AlertRef } from '../model/alert.js';
import { printableAscii } from '../util/ascii.js';
import type { SourceType } from './fields.js';

export type FieldValue = string | number | string[] | undefined;

/** One parsed event as the engine sees it. `time` comes from the event itself (epoch ms), never a clock. */
export interface DetectEvent {
  type: SourceType;
  time: number;
  fields: Record<string, FieldValue>;
  /** The original line (raw; escaped only when it becomes an alert sample). */
  line?: string;
  /** Where the line is archived (the agent's archive sequence number). */
  ref?: AlertRef;
}

const HEX = '0123456789abcdef';
// C0 controls, DEL, C1 controls, bidi overrides/isolates, line/paragraph separators, lone surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Max characters of one sample line kept in an alert. */
export const SAMPLE_MAX_CHARS = 1024;

/**
 * Make a line safe to print on a terminal and to store: control characters (ESC, NUL, CR…), bidi
 * overrides and lone surrogates become visible escapes (\x1b, \u202e); the length is bounded.
 */
export function escapeLine(s: string, max = SAMPLE_MAX_CHARS): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  let out = cut.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${HEX[n >> 4]}${HEX[n & 15]}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
  // Escapes lengthen the text: bound the result too, never cutting an escape in half.
  let kept = cut.length;
  if (out.length > max) {
    out = out.slice(0, max).replace(/\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$/, '');
    kept = -1;
  }
  return kept === s.length ? out : `${out}…(${s.length} chars)`;
}

/** A line an attacker may have shaped: NUL/ESC/controls, U+FFFD from invalid UTF-8, or very long. */
export function isHostile(s: string, longChars = 16 * 1024): boolean {
  if (s.length > longChars) return true;
  if (printableAscii(s)) return false;
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) || s.includes('\ufffd');
}

/** A file-integrity event (chokidar or the periodic SM3 baseline): derived fields filled in. */
export function fileEvent(e: {
  time: number;
  action: 'added' | 'changed' | 'deleted';
  path: string;
  root: string;
  sm3?: string;
  seenBy?: 'event' | 'baseline';
  /** A page's text and markers (src/detect/content.ts), when a rule reads them. */
  page?: { content: string; markers: string[]; markersNew: string[]; evidence: string[] };
}): DetectEvent {
  const rel = e.path.startsWith(e.root) ? e.path.slice(e.root.length).replace(/^\/+/, '') : e.path;
  const base = rel.split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return {
    type: 'file',
    time: e.time,
    fields: {
      'file.action': e.action,
      'file.path': e.path,
      'file.rel': rel.toLowerCase(),
      'file.ext': dot > 0 ? base.slice(dot + 1).toLowerCase() : '',
      'file.root': e.root,
      'file.sm3': e.sm3,
      'file.seen_by': e.seenBy ?? 'event',
      'file.content': e.page?.content,
      'file.markers': e.page?.markers,
      'file.markers_new': e.page?.markersNew,
      'file.evidence': e.page?.evidence,
    },
    line: `${e.action} ${e.path}${e.sm3 ? ` sm3=${e.sm3}` : ''}`,
  };
}

export const DRIFT_KINDS = ['account_added', 'uid0_added', 'sudoers_changed', 'authorized_keys_changed', 'port_added', 'cron_added', 'unit_added'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** A host-drift event (difference between two snapshots of the host). */
export function driftEvent(e: { time: number; kind: DriftKind; item: string; detail?: string }): DetectEvent {
  return { type: 'drift', time: e.time, fields: { 'drift.kind': e.kind, 'drift.item': e.item, 'drift.detail': e.detail ?? '' }, line: `${e.kind} ${e.item}${e.detail ? ` (${e.detail})` : ''}` };
}
