import { randomBytes } from 'node:crypto';
import { GwsecError } from '../model/errors.js';
import { emptyAnswers, type RawAnswers } from './answers.js';
import type { Request } from './types.js';

/**
 * Every request of every needed collector becomes ONE POSIX sh script (one exec per host). Each
 * answer is framed by a marker carrying a per-run random nonce, so file contents cannot forge a
 * section boundary. Sections are capped at `maxBytes`; the true size travels in the END line.
 */
export const DEFAULT_SECTION_MAX = 4 * 1024 * 1024;

/**
 * Commands that can block on a wedged daemon or a lock (dbus, chronyd, the rpm database). Snippets
 * that use them get a per-command timeout (an extra exec); the rest run in a plain subshell, and the
 * transport's per-host deadline bounds everything.
 */
const MAY_BLOCK = /\b(systemctl|timedatectl|chronyc|ntpq|rpm|journalctl|firewall-cmd|loginctl)\b/;

/** Frames each listed file (`path<TAB>id` per line); stops a file at MAX bytes exactly. */
const FLUSH_AWK = [
  '{ t = index($0, "\\t"); f = substr($0, 1, t - 1); id = substr($0, t + 1)',
  '  printf "%s BEGIN %s\\n", M, id; n = 0',
  '  while ((r = (getline line < f)) > 0) {',
  '    if (n + length(line) + 1 > MAX) { printf "%s", substr(line, 1, MAX - n); break }',
  '    n += length(line) + 1; print line',
  '  }',
  '  close(f); printf "\\n%s END %s rc=%d\\n", M, id, (r < 0 ? 13 : 0) }',
].join('\n');

/**
 * Helpers a collector's snippet may call. gw_memo KEY CMD...: run CMD once per script (in the run's
 * private scratch dir $T) and replay its stdout, stderr and exit code to every later caller —
 * several collectors read `nginx -T` or `systemctl list-timers`.
 */
export const SNIPPET_PRELUDE = [
  'gw_memo() {',
  '  f="$T/memo.$1"; shift',
  '  if [ ! -f "$f.rc" ]; then "$@" >"$f.out" 2>"$f.err"; echo $? >"$f.rc"; fi',
  '  cat "$f.out"; [ -s "$f.err" ] && cat "$f.err" >&2',
  '  read -r f <"$f.rc"; return "$f"',
  '}',
].join('\n');

const SAFE_PATH = /^\/[A-Za-z0-9_.@+,:=\-/*?[\]]*$/;

export interface BuiltScript {
  script: string;
  marker: string;
  maxBytes: number;
}

export function buildScript(requests: Request[], opts: { maxBytes?: number; cmdTimeoutS?: number } = {}): BuiltScript {
  const marker = `__GWSEC_${randomBytes(9).toString('hex')}__`;
  const max = opts.maxBytes ?? DEFAULT_SECTION_MAX;
  const lines = [
    '#!/bin/sh',
    '# gwsec collection script: read-only; every section is framed by the marker below.',
    'LC_ALL=C; export LC_ALL',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    'umask 077',
    `M='${marker}'`,
    `MAX=${max}`,
    'T=$(mktemp -d 2>/dev/null) || { T=/tmp/gwsec.$$; mkdir -m 700 "$T" || exit 70; }',
    "trap 'rm -rf \"$T\"' EXIT",
    'if command -v timeout >/dev/null 2>&1; then HAVE_TIMEOUT=1; else HAVE_TIMEOUT=0; fi',
    // Framing costs no process of its own: sections end with a builtin printf, sizes are not
    // measured (a body that reaches MAX bytes is reported truncated), stderr is read only when non-empty.
    'gw_end() { printf \'\\n%s END %s rc=%s\\n\' "$M" "$1" "$2"; }',
    // gw_cmd ID SCRIPT [TIMEOUT]: a subshell (fork, no exec) unless a timeout is wanted.
    'gw_cmd() {',
    '  printf \'%s BEGIN %s\\n\' "$M" "$1"',
    '  if [ -n "$3" ] && [ "$HAVE_TIMEOUT" = 1 ]; then',
    '    { timeout -k 2 "$3" /bin/sh -c "$2" 2>"$T/e" </dev/null; echo $? >"$T/rc"; } | head -c "$MAX"',
    '  else',
    '    { ( eval "$2" ) 2>"$T/e" </dev/null; echo $? >"$T/rc"; } | head -c "$MAX"',
    '  fi',
    '  rc=1; read -r rc <"$T/rc"',
    '  gw_end "$1" "$rc"',
    '  if [ -s "$T/e" ]; then printf \'%s BEGIN %s#err\\n\' "$M" "$1"; head -c 65536 "$T/e"; gw_end "$1#err" 0; fi',
    '}',
    // gw_file ID PATH: status by shell builtins now (rc 0 read, 2 absent, 13 unreadable, 21 a
    // directory); contents of readable files are all framed at the end by ONE awk (gw_flush), so
    // 40 files cost one process instead of 40.
    'gw_mark() { printf \'%s BEGIN %s\\n\' "$M" "$1"; gw_end "$1" "$2"; }',
    'gw_file() {',
    '  if [ -d "$2" ]; then gw_mark "$1" 21',
    '  elif [ ! -e "$2" ]; then gw_mark "$1" 2',
    '  elif [ ! -r "$2" ]; then gw_mark "$1" 13',
    '  elif [ ! -s "$2" ]; then gw_mark "$1" 0',
    '  else printf \'%s\\t%s\\n\' "$2" "$1" >>"$T/files"; fi',
    '}',
    'gw_flush() {',
    '  [ -s "$T/files" ] || return 0',
    `  awk -v M="$M" -v MAX="$MAX" '${FLUSH_AWK}' "$T/files"`,
    '}',
    SNIPPET_PRELUDE,
    // gw_tree ID FILE BASE SEDRE FLAGS DEPTH: the file, then every file its include lines name.
    'gw_tree() {',
    '  [ "$6" -gt 8 ] && return 0',
    '  gw_file "$1\t$2" "$2"',
    '  [ -r "$2" ] && [ -f "$2" ] || return 0',
    '  sed -n -E "s/$4/\\1/p$5" "$2" 2>/dev/null | while IFS= read -r ops; do',
    '    set -f; for op in $ops; do set +f',
    '      op=$(printf %s "$op" | tr -d \'";\')',
    '      case "$op" in /*) p="$op";; *) p="$3/$op";; esac',
    '      for f in $p; do [ -e "$f" ] && gw_tree "$1" "$f" "$3" "$4" "$5" $(( $6 + 1 )); done',
    '    set -f; done; set +f',
    '  done',
    '}',
  ];
  const seen = new Set<string>();
  for (const r of requests) {
    const key = requestKey(r);
    if (seen.has(key)) continue;
    seen.add(key);
    switch (r.kind) {
      case 'cmd': {
        const timeout = r.timeoutS ?? (MAY_BLOCK.test(r.script) ? (opts.cmdTimeoutS ?? 15) : undefined);
        lines.push(`gw_cmd ${sq(key)} ${sq(r.script)}${timeout ? ` ${timeout}` : ''}`);
        break;
      }
      case 'file':
        assertSafe(r.path);
        lines.push(`gw_file ${sq(key)} ${sq(r.path)}`);
        break;
      case 'glob':
        assertSafe(r.pattern);
        lines.push(`printf '%s BEGIN %s\\n' "$M" ${sq(key)}; gw_end ${sq(key)} 0`);
        lines.push(`for f in ${r.pattern}; do [ -e "$f" ] && gw_file ${sq(key + '\t')}"$f" "$f"; done`);
        break;
      case 'tree': {
        assertSafe(r.path);
        assertSafe(r.base);
        const { source, flags } = splitFlags(r.include);
        lines.push(`gw_tree ${sq(key)} ${sq(r.path)} ${sq(r.base)} ${sq(source.replace(/\//g, '\\/'))} ${sq(flags.includes('i') ? 'I' : '')} 0`);
        break;
      }
    }
  }
  lines.push('gw_flush', 'exit 0', '');
  return { script: lines.join('\n'), marker, maxBytes: max };
}

export function requestKey(r: Request): string {
  switch (r.kind) {
    case 'cmd':
      return `cmd:${r.name}`;
    case 'file':
      return `file:${r.path}`;
    case 'glob':
      return `glob:${r.pattern}`;
    case 'tree':
      return `tree:${r.path}`;
  }
}

/** `(?i)^\s*include\s+(.*)` -> source + flags; shared by the shell and the fixture transport. */
export function splitFlags(re: string): { source: string; flags: string } {
  return re.startsWith('(?i)') ? { source: re.slice(4), flags: 'i' } : { source: re, flags: '' };
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function assertSafe(p: string): void {
  if (!SAFE_PATH.test(p)) throw new GwsecError('collector_definition_error', `unsafe path or pattern in a collector request: ${p}`, undefined, 'internal');
}

/** Split the script's stdout back into answers. Anything outside sections is ignored. */
export function parseSections(stdout: string, marker: string, maxBytes = DEFAULT_SECTION_MAX): RawAnswers {
  const a = emptyAnswers();
  const begin = `${marker} BEGIN `;
  const endRe = new RegExp(`\\n${marker} END ([^\\n]*) rc=(-?\\d+)\\n`, 'g');
  let pos = 0;
  const stderrs = new Map<string, string>();
  for (;;) {
    const b = stdout.indexOf(begin, pos);
    if (b < 0) break;
    const nl = stdout.indexOf('\n', b);
    if (nl < 0) break;
    const id = stdout.slice(b + begin.length, nl);
    endRe.lastIndex = nl;
    const m = endRe.exec(stdout);
    if (!m) break; // cut short (timeout): what was complete is kept
    const body = stdout.slice(nl + 1, m.index);
    const rc = Number(m[2]);
    pos = m.index + m[0].length - 1;
    const truncated = Buffer.byteLength(body) >= maxBytes;
    if (id.endsWith('#err')) {
      stderrs.set(id.slice(0, -4), body);
      continue;
    }
    const tab = id.indexOf('\t');
    if (id.startsWith('cmd:')) {
      a.cmds.set(id.slice(4), { stdout: body, stderr: '', exitCode: rc, truncated });
    } else if (tab >= 0) {
      const parent = id.slice(0, tab);
      const path = id.slice(tab + 1);
      a.files.set(path, fileAnswer(rc, body, truncated));
      const map = parent.startsWith('glob:') ? a.globs : a.trees;
      const key = parent.slice(parent.indexOf(':') + 1);
      const list = map.get(key) ?? [];
      if (!list.includes(path)) list.push(path);
      map.set(key, list);
    } else if (id.startsWith('glob:')) {
      if (!a.globs.has(id.slice(5))) a.globs.set(id.slice(5), []);
    } else if (id.startsWith('file:')) {
      a.files.set(id.slice(5), fileAnswer(rc, body, truncated));
    }
  }
  for (const [id, err] of stderrs) {
    const c = a.cmds.get(id.slice(4));
    if (c) c.stderr = err;
  }
  return a;
}

function fileAnswer(rc: number, content: string, truncated: boolean) {
  const status = rc === 0 ? ('ok' as const) : rc === 13 ? ('denied' as const) : ('absent' as const);
  return { status, content: status === 'ok' ? content : '', truncated };
}
