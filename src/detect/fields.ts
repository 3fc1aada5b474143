/**
 * The fields a rule may test, per source type: the registry `gwsec detect lint` checks every
 * `field:` against (a typo must not silently never match). Values come from the existing parsers
 * (src/parsers/loglines.ts) and, for web events, from the web-attack inspection (src/detect/web).
 */
export const SOURCE_TYPES = ['web', 'auth', 'file', 'drift'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export type FieldKind = 'string' | 'number' | 'list';

export const FIELDS: Record<SourceType, Record<string, FieldKind>> = {
  web: {
    client: 'string',
    method: 'string',
    /** The request target as logged (path and query, still encoded). */
    target: 'string',
    /** The path without the query, percent-decoded once, lower-cased. */
    'url.path': 'string',
    /** Lower-case extension of url.path's last segment ('' when none). */
    'url.ext': 'string',
    status: 'number',
    bytes: 'number',
    referer: 'string',
    user_agent: 'string',
    /** The site: the agent's source name for the access log the line came from (the file's name in `gwsec detect --file`). */
    site: 'string',
    /** Categories the web-attack inspection found (sqli, xss, path_traversal, command_injection, code_injection, scanner). */
    'web.categories': 'list',
    /** Decoding steps the inspection applied (percent, double-percent, html-entity, …). */
    'web.transforms': 'list',
    'web.evidence': 'list',
  },
  auth: {
    program: 'string',
    message: 'string',
    /** failed | accepted | invalid_user | auth_failure */
    'auth.outcome': 'string',
    /** password | publickey | none | keyboard-interactive/pam (failed and accepted lines) */
    'auth.method': 'string',
    'auth.user': 'string',
    'auth.from': 'string',
    /** Attempts the line stands for ("message repeated 5 times: [ Failed password …]" is 5). */
    'auth.attempts': 'number',
  },
  file: {
    /** added | changed | deleted */
    'file.action': 'string',
    'file.path': 'string',
    /** Path relative to the watched root, '/'-separated, lower-cased. */
    'file.rel': 'string',
    'file.ext': 'string',
    'file.root': 'string',
    'file.sm3': 'string',
    /** How the change was seen: event (chokidar) | baseline (periodic SM3 scan). */
    'file.seen_by': 'string',
  },
  drift: {
    /** account_added | uid0_added | sudoers_changed | authorized_keys_changed | port_added | cron_added | unit_added */
    'drift.kind': 'string',
    /** What drifted: the account, file, port or unit. */
    'drift.item': 'string',
    'drift.detail': 'string',
  },
};

/** The field an alert is grouped by when a rule names no `key`. */
export const DEFAULT_KEY: Record<SourceType, string> = { web: 'client', auth: 'auth.from', file: 'file.path', drift: 'drift.item' };

/** Fields copied into an alert's evidence when the rule names none. */
export const DEFAULT_EVIDENCE: Record<SourceType, string[]> = {
  web: ['web.categories', 'web.transforms', 'web.evidence', 'url.path', 'status'],
  auth: ['auth.user', 'auth.outcome'],
  file: ['file.action', 'file.path', 'file.root', 'file.sm3', 'file.seen_by'],
  drift: ['drift.kind', 'drift.item', 'drift.detail'],
};
