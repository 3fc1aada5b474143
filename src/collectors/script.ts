import { randomBytes } from 'node:crypto';
import { GwsecError } from '../model/errors.js';
import { emptyAnswers, splitFlags, type RawAnswers, type Request } from '../transport/requests.js';

/**
 * Every request of every needed collector becomes ONE POSIX sh script (one exec per host). Each
 * answer is framed by a marker carrying a per-run random nonce, so file contents cannot forge a
 * section boundary. Sections are capped at `maxBytes`; the true size travels in the END line.
 */
export const DEFAULT_SECTION_MAX = 4 * 1024 * 1024;

/**
 * Programs that can block on a wedged daemon or a lock (dbus, chronyd, the rpm database). A snippet
 * must call them through `gw_to` (a parity test holds every snippet to it): `gw_to` runs the program
 * under a time limit only when it is installed, so an absent chronyc or firewall-cmd costs no process.
 */
export const MAY_BLOCK = ['systemctl', 'timedatectl', 'chronyc', 'ntpq', 'rpm', 'journalctl', 'firewall-cmd', 'loginctl'] as const;
export const DEFAULT_CMD_TIMEOUT_S = 15;
const STDERR_MAX = 65536;

/**
 * Frames every answer at the end of the run, in ONE process. Each line of "$T/l" is either
 * `f<TAB>path<TAB>id` (a readable file) or `c<TAB>n<TAB>rc<TAB>id` (command n's stdout in $T/o.n and
 * stderr in $T/e.n). Bodies stop at MAX bytes exactly; stderr is framed only when non-empty.
 */
const FLUSH_AWK = [
  'BEGIN { B = T "/big"; while ((getline line < B) > 0) big[line] = 1; close(B) }',
  'function body(f, max,   n, r, line) {',
  '  n = 0',
  '  while ((r = (getline line < f)) > 0) {',
  '    if (n + length(line) + 1 > max) { printf "%s", substr(line, 1, max - n); break }',
  '    n += length(line) + 1; print line',
  '  }',
  '  close(f); return r',
  '}',
  // a file larger than MAX: its first MAX bytes through head -c (under timeout when there is one)
  'function bigbody(f, max,   c, n, r, line) {',
  '  if (index(f, "\\047") > 0) return -2',
  '  c = (TO == 1 ? "timeout -k 2 20 " : "") "head -c " max " -- \\047" f "\\047"',
  '  n = 0',
  '  while ((r = ((c | getline line))) > 0) {',
  '    if (n + length(line) + 1 > max) { printf "%s", substr(line, 1, max - n); break }',
  '    n += length(line) + 1; print line',
  '  }',
  '  close(c); return r',
  '}',
  '{ k = substr($0, 1, 1); rest = substr($0, 3); t = index(rest, "\\t"); a = substr(rest, 1, t - 1); rest = substr(rest, t + 1) }',
  'k == "f" { printf "%s BEGIN %s\\n", M, rest; r = (a in big) ? bigbody(a, MAX) : body(a, MAX); printf "\\n%s END %s rc=%d\\n", M, rest, (r == -2 ? 20 : r < 0 ? 13 : 0); next }',
  'k == "c" { t = index(rest, "\\t"); rc = substr(rest, 1, t - 1); id = substr(rest, t + 1)',
  '  printf "%s BEGIN %s\\n", M, id; body(T "/o." a, MAX); printf "\\n%s END %s rc=%s\\n", M, id, rc',
  '  e = T "/e." a; if ((getline line < e) > 0) { close(e); printf "%s BEGIN %s#err\\n", M, id; body(e, EMAX); printf "\\n%s END %s#err rc=0\\n", M, id } else close(e) }',
].join('\n');

/**
 * Helpers a collector's snippet may call.
 *  gw_memo KEY CMD...: run CMD once per script (in the run's private scratch dir $T) and replay its
 *    stdout, stderr and exit code to every later caller (several collectors read `nginx -T`); an
 *    empty stream is replayed without a `cat`.
 *  gw_once KEY CMD...: run CMD once as gw_memo does, replaying nothing: a caller that only filters
 *    the output reads "$T/memo.KEY.out" itself (one `cat` and one pipe less).
 *  gw_to CMD ARGS...: CMD under `timeout` (the snippet's own timeout, $GW_TO seconds; in the one
 *    script's own shell the watchdog's limit instead, see WATCHDOG); exit 127
 *    without spawning anything when CMD is not installed.
 *  gw_comms: the command name of every process, one per line, as `ps -e -o comm=` prints them, read
 *    once per run from /proc by one `cat` and replayed by another (ps and pgrep cost ~10 ms each on
 *    a busy host; dash's `read` takes a byte per system call: with 500 processes the builtin loop and
 *    its replays cost ~2 ms more). /proc files never block; a process gone meanwhile is skipped.
 */
export const SNIPPET_PRELUDE = [
  'gw_once() {',
  '  f="$T/memo.$1"; shift',
  '  if [ ! -f "$f.rc" ]; then "$@" >"$f.out" 2>"$f.err"; echo $? >"$f.rc"; fi',
  '}',
  'gw_memo() {',
  '  gw_once "$@"; f="$T/memo.$1"',
  '  [ -s "$f.out" ] && cat "$f.out"; [ -s "$f.err" ] && cat "$f.err" >&2',
  '  read -r f <"$f.rc"; return "$f"',
  '}',
  'gw_to() {',
  '  command -v "$1" >/dev/null 2>&1 || return 127',
  '  if [ "$HAVE_TIMEOUT" = 1 ]; then timeout -k 2 "${GW_TO:-' + DEFAULT_CMD_TIMEOUT_S + '}" "$@"; else "$@"; fi',
  '}',
  'gw_comms() {',
  '  [ -f "$T/comms" ] || cat /proc/[0-9]*/comm >"$T/comms" 2>/dev/null',
  '  cat "$T/comms"',
  '}',
].join('\n');

/**
 * Time limits without a `timeout` process per command (each costs a fork and an exec, ~0.7 ms: 14 of
 * them were ~10 % of a host's collection CPU). ONE watchdog, a forked subshell started once per run,
 * wakes every second (`sleep 1`, the only program it runs), and for each program running under
 * gw_lim counts the seconds it has seen it: past its limit it sends TERM (the answer is then 124, as
 * `timeout` gives), 2 s later KILL (137, as `timeout -k 2`). Used for single programs only (gw_run,
 * and gw_to in the snippets this shell runs itself): a `sh -c` snippet with a pipeline keeps `timeout`,
 * which signals its whole process group. The limit is met to within a second, never early.
 * The PID signalled is a child of this run not yet waited for (its PID cannot be reused meanwhile);
 * gw_lim empties its file as soon as the wait returns. The watchdog holds none of the run's output
 * pipes (else the session would wait for it), ends when the run ends or its $T is removed, and
 * stops its own `sleep` when told to end.
 *  gw_lim SECONDS CMD...: CMD in the background (keeping stdin), its PID in $T/wd.PID with the limit; waits.
 *  gw_x CMD...: the size limit, then exec CMD (in the background child).
 */
const WATCHDOG = [
  'gw_wd() {',
  '  trap \'[ -z "$gw_s" ] || kill "$gw_s" 2>/dev/null; exit 0\' TERM',
  '  while :; do',
  '    sleep 1 & gw_s=$!; wait "$gw_s" || return 0; gw_s=',
  '    [ -d "$T" ] && kill -0 "$GW_MAIN" 2>/dev/null || return 0',
  '    for f in "$T"/wd.*; do',
  '      [ -s "$f" ] && read -r l <"$f" || continue',
  '      p=${f##*/wd.}; eval "a=\\$(( \\${gw_a$p:-0} + 1 )); gw_a$p=\\$a"',
  '      if [ "$a" -gt $(( l + 2 )) ]; then : >"$T/kill.$p"; kill -KILL "$p" 2>/dev/null',
  '      elif [ "$a" -gt "$l" ] && [ ! -e "$T/to.$p" ]; then : >"$T/to.$p"; kill -TERM "$p" 2>/dev/null; fi',
  '    done',
  '  done',
  '}',
  'gw_lim() {',
  '  gw_l=$1; shift',
  '  { "$@" <&3 3<&- & } 3<&0',
  '  gw_p=$!; echo "$gw_l" >"$T/wd.$gw_p"',
  // (wait's stderr: dash would say "Terminated" there, in the command's stderr, which `timeout` does not)
  '  wait "$gw_p" 2>/dev/null; gw_r=$?; : >"$T/wd.$gw_p"',
  '  if [ -e "$T/to.$gw_p" ]; then gw_r=124; [ -e "$T/kill.$gw_p" ] && gw_r=137; fi',
  '  return "$gw_r"',
  '}',
  'gw_x() { ulimit -f "$FB" 2>/dev/null; exec "$@"; }',
  // no `sleep`: no watchdog, and `timeout` (where there is one) as before
  'GW_MAIN=$$; GW_WD=0',
  'if command -v sleep >/dev/null 2>&1; then gw_wd </dev/null >/dev/null 2>&1 & GW_WDP=$!; GW_WD=1; fi',
];

/**
 * The run's private scratch dir $T (mode 0700, removed at exit): on /dev/shm where there is one, a
 * tmpfs. A run writes ~100 small files there (each command's stdout and stderr); on a disk
 * file system each new inode costs far more (ext4 scans for recently deleted inodes on a busy /tmp:
 * ~10 % of a test host's collection CPU here, 15 ms a run), and the files are read once and removed.
 * Else mktemp's default (/tmp), else a dir named after the PID.
 */
export const MAKE_SCRATCH = [
  'gw_d=; [ -d /dev/shm ] && [ -w /dev/shm ] && gw_d=/dev/shm',
  'T=$(mktemp -d ${gw_d:+-p "$gw_d"} 2>/dev/null || mktemp -d 2>/dev/null) || { T=/tmp/gwsec.$$; mkdir -m 700 "$T" || exit 70; }',
].join('\n');

const SAFE_PATH = /^\/[A-Za-z0-9_.@+,:=\-/*?[\]]*$/;

export interface BuiltScript {
  script: string;
  marker: string;
  maxBytes: number;
}

export interface ScriptOptions {
  maxBytes?: number;
  cmdTimeoutS?: number;
  /** every command through gw_cmd (a `sh` under `timeout`), without the shortcuts of cmdLine: tests compare the two */
  generic?: boolean;
}

export function buildScript(requests: Request[], opts: ScriptOptions = {}): BuiltScript {
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
    MAKE_SCRATCH,
    // the watchdog (below) ends with the run; it also notices on its own when $T is gone
    "GW_WDP=; trap '[ -z \"$GW_WDP\" ] || kill \"$GW_WDP\" 2>/dev/null; rm -rf \"$T\"' EXIT",
    'if command -v timeout >/dev/null 2>&1; then HAVE_TIMEOUT=1; else HAVE_TIMEOUT=0; fi',
    // Framing costs no process per answer: commands write to files in $T (bounded by ulimit -f), files
    // are only listed, and ONE awk frames everything at the end (gw_flush).
    `FB=$(( MAX / 512 + 8 )); EMAX=${STDERR_MAX}; N=0`,
    "NL='\n'; TAB='\t'", // a real newline and tab, without a process
    'gw_end() { printf \'\\n%s END %s rc=%s\\n\' "$M" "$1" "$2"; }',
    // gw_cmd ID SCRIPT TIMEOUT: each command under its own time limit where `timeout` exists (a `sh`
    // that sources the helpers from $T/p, so `exit` in a snippet ends only the snippet, and timeout
    // kills the command's whole process group: an `sshd -T` blocked on a FIFO in sshd_config.d ends
    // as exit 124 for that command alone). Without `timeout`, a subshell as before (a fork, no exec).
    'gw_cmd() {',
    '  N=$((N + 1)); GW_TO=$3',
    '  if [ "$HAVE_TIMEOUT" = 1 ]; then',
    '    GW_TO=$3 timeout -k 2 "$3" sh -c \'. "$T/p"; ulimit -f "$FB" 2>/dev/null; eval "$1"\' gw "$2" >"$T/o.$N" 2>"$T/e.$N" </dev/null',
    '  else ( ulimit -f "$FB" 2>/dev/null; eval "$2" ) >"$T/o.$N" 2>"$T/e.$N" </dev/null; fi',
    '  printf \'c\\t%s\\t%s\\t%s\\n\' "$N" "$?" "$1" >>"$T/l"',
    '}',
    // gw_file ID PATH: status by shell builtins now (rc 0 read, 2 absent, 13 unreadable, 21 a
    // directory, 20 not a regular file: a FIFO, device or socket is never opened, since reading one can
    // block forever or never end; a path with a newline or tab could forge the list: refused, 22);
    // readable regular files are framed by gw_flush.
    // gw_nil ID: the answer of a snippet whose program is absent (exit 127, no output), without a process
    'gw_nil() { N=$((N + 1)); : >"$T/o.$N"; printf \'c\\t%s\\t127\\t%s\\n\' "$N" "$1" >>"$T/l"; }',
    // gw_has EXTRA PROG: is PROG on $PATH (with EXTRA appended, as the snippet's own PATH line does)?
    'gw_has() { gw_p=$PATH; PATH=$PATH$1; command -v "$2" >/dev/null 2>&1; gw_r=$?; PATH=$gw_p; return "$gw_r"; }',
    ...WATCHDOG,
    // gw_run ID SNIPPET TIMEOUT MERGE PROG ARGS...: a snippet that is one program with literal arguments
    // runs under the watchdog (else `timeout`) with no `sh` between (one exec less, the same answer); an
    // absent PROG goes through gw_cmd, so its "not found" text is the shell's as before. MERGE 1: the snippet's `2>&1`.
    'gw_run() {',
    '  command -v "$5" >/dev/null 2>&1 || { gw_cmd "$1" "$2" "$3"; return; }',
    '  N=$((N + 1)); gw_i=$1; gw_t=$3; gw_m=$4; shift 4',
    '  if [ "$GW_WD" = 1 ]; then',
    '    if [ "$gw_m" = 1 ]; then gw_lim "$gw_t" gw_x "$@" >"$T/o.$N" 2>&1 </dev/null',
    '    else gw_lim "$gw_t" gw_x "$@" >"$T/o.$N" 2>"$T/e.$N" </dev/null; fi',
    '  else',
    '    [ "$HAVE_TIMEOUT" = 1 ] && set -- timeout -k 2 "$gw_t" "$@"',
    '    if [ "$gw_m" = 1 ]; then ( ulimit -f "$FB" 2>/dev/null; exec "$@" ) >"$T/o.$N" 2>&1 </dev/null',
    '    else ( ulimit -f "$FB" 2>/dev/null; exec "$@" ) >"$T/o.$N" 2>"$T/e.$N" </dev/null; fi',
    '  fi',
    '  printf \'c\\t%s\\t%s\\t%s\\n\' "$N" "$?" "$gw_i" >>"$T/l"',
    '}',
    // gw_sub ID SNIPPET: a snippet of shell builtins only (Request.builtinsOnly): a forked subshell
    'gw_sub() { N=$((N + 1)); ( eval "$2" ) >"$T/o.$N" 2>"$T/e.$N" </dev/null; printf \'c\\t%s\\t%s\\t%s\\n\' "$N" "$?" "$1" >>"$T/l"; }',
    // gw_own ID SNIPPET TIMEOUT: a snippet whose programs each run under gw_to (Request.selfTimed): a
    // forked subshell with the size limit, GW_TO its timeout; no `timeout` and no `sh` around it
    'gw_own() { N=$((N + 1)); ( ulimit -f "$FB" 2>/dev/null; GW_TO=$3; eval "$2" ) >"$T/o.$N" 2>"$T/e.$N" </dev/null; printf \'c\\t%s\\t%s\\t%s\\n\' "$N" "$?" "$1" >>"$T/l"; }',
    'gw_mark() { printf \'%s BEGIN %s\\n\' "$M" "$1"; gw_end "$1" "$2"; }',
    'gw_file() {',
    '  case "$2" in *"$NL"*|*"$TAB"*) gw_mark "$1" 22; return;; esac',
    '  if [ -d "$2" ]; then gw_mark "$1" 21',
    '  elif [ ! -e "$2" ]; then gw_mark "$1" 2',
    '  elif [ ! -f "$2" ]; then gw_mark "$1" 20',
    '  elif [ ! -r "$2" ]; then gw_mark "$1" 13',
    '  elif [ ! -s "$2" ]; then gw_mark "$1" 0',
    '  else printf \'f\\t%s\\t%s\\n\' "$2" "$1" >>"$T/l"; fi',
    '}',
    // gw_flush: ONE find lists the regular files larger than MAX (a stat each, nothing opened), ONE awk
    // frames everything; only those big files are read through `head -c MAX` (under timeout), so a
    // 2 GB file without a newline is never read whole into awk's memory.
    'gw_flush() {',
    '  [ -s "$T/l" ] || return 0',
    '  set --',
    '  while IFS="$TAB" read -r k a b; do [ "$k" = f ] && set -- "$@" "$a"; done <"$T/l"',
    '  : >"$T/big"; [ $# -gt 0 ] && find -L "$@" -prune -type f -size +"$MAX"c -print >"$T/big" 2>/dev/null',
    `  awk -v M="$M" -v MAX="$MAX" -v EMAX="$EMAX" -v T="$T" -v TO="$HAVE_TIMEOUT" '${FLUSH_AWK}' "$T/l"`,
    '}',
    SNIPPET_PRELUDE,
    // in the snippets this shell runs itself (gw_own), gw_to's limit is the watchdog's: no `timeout` process
    'if [ "$GW_WD" = 1 ]; then gw_to() { command -v "$1" >/dev/null 2>&1 || return 127; gw_lim "${GW_TO:-' + DEFAULT_CMD_TIMEOUT_S + '}" "$@"; }; fi',
    // the helpers again, for the `sh` each command runs in (printf is a builtin: no process); there,
    // under `timeout` already, gw_to keeps `timeout`, which ends a whole process group
    `printf '%s\\n' ${sq(SNIPPET_PRELUDE)} >"$T/p"; export T FB HAVE_TIMEOUT`,
    // gw_tree ID FILE BASE SEDRE FLAGS DEPTH: the file, then every file its include lines name.
    'gw_tree() {',
    '  [ "$6" -gt 8 ] && return 0',
    '  gw_file "$1\t$2" "$2"',
    '  [ -r "$2" ] && [ -f "$2" ] || return 0',
    '  sed -n -E "s/$4/\\1/p$5" "$2" 2>/dev/null | while IFS= read -r ops; do',
    '    set -f; for op in $ops; do set +f',
    // quotes and semicolons are rare: strip them only when present (a fork and an exec each)
    '      case "$op" in *[\\"\\;]*) op=$(printf %s "$op" | tr -d \'";\') ;; esac',
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
      case 'cmd':
        lines.push(r.builtinsOnly && !opts.generic ? `gw_sub ${sq(key)} ${sq(r.script)}` : cmdLine(key, r.script, r.timeoutS ?? opts.cmdTimeoutS ?? DEFAULT_CMD_TIMEOUT_S, opts.generic === true, r.selfTimed === true));
        break;
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

/**
 * The script line of one command. Each process a snippet costs is paid on every host of every audit,
 * so two shapes that need none of gw_cmd's machinery take a shorter way, with the same answer:
 *  - a snippet that starts `command -v P >/dev/null 2>&1 || exit 127` (after an optional
 *    `PATH="$PATH:…"` line), or is a lone `gw_to P …`, answers exit 127 with no output when P is
 *    absent: the script checks P itself (a builtin) and spawns nothing for an absent program;
 *  - a snippet that is one program with literal arguments (`ss -ltunp`, or what follows such a
 *    guard) runs under `timeout` directly (gw_run), without a `sh` between;
 *  - a selfTimed snippet (each program under gw_to already) runs in a forked subshell (gw_own).
 */
function cmdLine(key: string, script: string, timeoutS: number, generic: boolean, selfTimed: boolean): string {
  const full = selfTimed && !generic ? `gw_own ${sq(key)} ${sq(script)} ${timeoutS}` : `gw_cmd ${sq(key)} ${sq(script)} ${timeoutS}`;
  if (generic) return full;
  const lone = LONE_GW_TO.exec(script);
  const guard = lone ? null : GUARD.exec(script);
  const body = lone ? script.slice('gw_to '.length) : guard ? script.slice(guard[0].length).trim() : script;
  // after a PATH line the program is found on that PATH: keep the snippet's own shell
  const simple = guard?.[1] ? null : SIMPLE.exec(body);
  const run = simple && !SHELL_WORDS.has(simple[1]!) ? `gw_run ${sq(key)} ${sq(script)} ${timeoutS} ${simple[3] ? 1 : 0} ${[simple[1]!, ...simple[2]!.split(' ').filter(Boolean)].map(sq).join(' ')}` : full;
  const prog = lone?.[1] ?? guard?.[2];
  if (!prog) return run;
  const extra = guard?.[1] ? guard[1].slice('PATH="$PATH'.length, -1) : '';
  return `if gw_has ${sq(extra)} ${sq(prog)}; then ${run}; else gw_nil ${sq(key)}; fi`;
}

const GUARD = /^(?:(PATH="\$PATH(?::[\w./-]+)+")\n)?command -v ([\w.-]+) >\/dev\/null 2>&1 \|\| exit 127(?:;|\n|$)/;
/** a whole snippet `gw_to P ARGS` (gw_to exits 127 without output when P is absent) */
const LONE_GW_TO = /^gw_to ([\w.-]+)(?: [\w.,:%+=@/ -]*)?$/;
/** one program and literal arguments (no quoting, expansion, glob or redirection), maybe `2>&1` */
const SIMPLE = /^([a-z][\w.-]*)((?: [\w.,:%+=@/-]+)*)( 2>&1)?$/;
/** names SIMPLE matches that are not programs */
const SHELL_WORDS = new Set(['echo', 'printf', 'test', 'true', 'false', 'read', 'cd', 'exit', 'return', 'set', 'unset', 'export', 'eval', 'exec', 'command', 'type', 'ulimit', 'umask', 'wait', 'trap', 'shift', 'times', 'kill', 'pwd', 'local', 'getopts', 'hash', 'alias', 'break', 'continue', 'readonly', 'gw_to', 'gw_memo', 'gw_once', 'gw_comms']);

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

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function assertSafe(p: string): void {
  if (!SAFE_PATH.test(p)) throw new GwsecError('collector_definition_error', { en: `unsafe path or pattern in a collector request: ${p}`, zh: `采集器请求中含不安全的路径或模式：${p}` }, undefined, 'internal');
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
  const status = rc === 0 ? ('ok' as const) : rc === 13 ? ('denied' as const) : rc === 20 || rc === 22 ? ('special' as const) : ('absent' as const);
  return { status, content: status === 'ok' ? content : '', truncated };
}
