import { t } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector, CollectorOutput, FileContent } from './types.js';
import { parseCrontab, type CronEntry } from '../parsers/crontab.js';
import { execStarts, parseListTimers, parseSystemctlCat } from '../parsers/systemd.js';
import { analyseJobText, parseNewest, parseScriptDump, redactCommand, redactSecrets, type BackupDir, type JobAnalysis } from '../parsers/backup.js';

/**
 * Scheduled backup jobs (cron, cron.daily/weekly scripts, systemd timers) and the newest file in
 * backup directories.
 *
 * Why the newest-file listing covers a fixed candidate list and not BACKUP_PATHS: the collection
 * script is generated from the collectors' static requests before any pack variable is known to
 * them, so it lists the usual locations plus every directory the backup jobs themselves name (found
 * on the host, at run time, in the job lines and the scripts they call), and the backup_status
 * deriver keeps the ones BACKUP_PATHS selects.
 */
export interface BackupJob extends JobAnalysis {
  kind: 'cron' | 'cron_script' | 'timer';
  source: string; // file (cron) or unit name (timer)
  line: number | null;
  schedule: string;
  user: string;
  command: string; // redacted
  scripts: string[]; // scripts it calls that were read
  unreadable_scripts: string[];
  last_run: string | null;
}

export interface BackupFacts {
  jobs: BackupJob[];
  dirs: BackupDir[];
  /** Job sources that exist but could not be read (user crontabs without root). */
  unreadable: string[];
}

const FIXED_DIRS = ['/var/backups', '/backup', '/backups', '/data/backup', '/srv/backup', '/opt/backup'];
const CRON_FILES = '/etc/crontab /etc/cron.d/* /var/spool/cron/crontabs/* /var/spool/cron/* /etc/cron.daily/* /etc/cron.weekly/*';
/** Up to 100 distinct `*.service` units that timers start (one awk: no grep, sort and head). */
const TIMER_SERVICES =
  "gw_once timers gw_to systemctl list-timers --all --no-pager; [ -s \"$T/memo.timers.out\" ] && awk 'NR>1 && $NF ~ /^[A-Za-z0-9@:._-]+[.]service$/ && !s[$NF]++ && n++ < 100 {print $NF}' \"$T/memo.timers.out\"";
/**
 * Every line a job runs: cron files, cron.daily/weekly scripts, timer services' ExecStart. Three
 * snippets need it; the first computes it into the run's private scratch dir ($T) and the others
 * reuse it, so systemctl is asked once (each systemctl call costs ~20 ms on a small host).
 */
const JOB_LINES_UNCACHED = `{ cat ${CRON_FILES} 2>/dev/null; u=$(${TIMER_SERVICES}); [ -z "$u" ] || gw_to systemctl cat --no-pager -- $u 2>/dev/null | grep -E '^[[:space:]]*ExecStart'; } | grep -v '^[[:space:]]*#'`;
/** gw_job_lines: the job lines into "$T/backup-job-lines" once; readers read the file itself (no `cat` each). */
const JOB_LINES_FN = `gw_job_lines() { [ -f "$T/backup-job-lines" ] || ${JOB_LINES_UNCACHED} >"$T/backup-job-lines"; }`;
/**
 * gw_backup_dump: a `==> path <==` dump of the scripts jobs call — absolute paths outside system
 * dirs that are small, text, and scripts. Two snippets read it through `gw_memo backup-dump`.
 */
const DUMP_FN = [
  JOB_LINES_FN,
  'gw_backup_dump() {',
  `  gw_job_lines; awk '{ while (match($0, /\\/[A-Za-z0-9._\\/+-]+/)) { p = substr($0, RSTART, RLENGTH); if (!s[p]++ && n++ < 200) print p; $0 = substr($0, RSTART + RLENGTH) } }' "$T/backup-job-lines" | while IFS= read -r f; do`,
  '    case "$f" in /bin/*|/usr/bin/*|/sbin/*|/usr/sbin/*|/lib/*|/usr/lib/*|/usr/libexec/*|/usr/share/*|/dev/*|/proc/*|/sys/*|/etc/cron.*|/var/spool/*) continue;; esac',
  '    [ -f "$f" ] || continue',
  '    [ -x "$f" ] || case "$f" in *.sh) ;; *) continue;; esac',
  '    [ -r "$f" ] || { printf \'==! %s unreadable\\n\' "$f"; continue; }',
  '    [ "$(wc -c <"$f")" -le 65536 ] || continue',
  '    grep -Iq . "$f" || continue',
  '    printf \'==> %s <==\\n\' "$f"; cat "$f"; printf \'\\n\'',
  '  done',
  '}',
].join('\n');
const DUMP = `${DUMP_FN}\ngw_memo backup-dump gw_backup_dump`;
const FIND_EXCLUDES = ['dpkg.*', 'apt.extended_states.*', 'alternatives.tar.*', 'aptitude.pkgstates.*', 'passwd.bak', 'group.bak', 'shadow.bak', 'gshadow.bak', 'infodir.bak']
  .map((n) => `! -name '${n}'`)
  .join(' ');
/**
 * Candidate dirs (the fixed ones, then ≤ 20 named by jobs and their scripts), then ONE find over the
 * existing ones whose `%H` (starting point) lets one awk write the per-directory sections that
 * parseNewest reads; find's errors go to every candidate dir that contains the path.
 */
const NEWEST_AWK = [
  'BEGIN { n = split(dirs, D, " "); split(ex, X, " "); for (i in X) E[X[i]] = 1 }',
  '/^find: / { for (i = 1; i <= n; i++) if (index($0, "find: \\047" D[i] "/") == 1 || index($0, "find: \\047" D[i] "\\047") == 1) R[D[i]] = R[D[i]] $0 "\\n"; next }',
  '{ t = index($0, "\\t"); h = substr($0, 1, t - 1); l = substr($0, t + 1); C[h]++; if (!(h in B) || l + 0 > B[h]) { B[h] = l + 0; L[h] = l } }',
  'END { for (i = 1; i <= n; i++) { d = D[i]; print "== " d; if (!(d in E)) { print "absent"; continue }; printf "%s", R[d]; if (d in L) print L[d]; print "count " C[d] + 0 } }',
].join('\n');
const NEWEST = [
  DUMP_FN,
  'set -f',
  `dirs=$( { printf '%s\\n' ${FIXED_DIRS.join(' ')}`,
  // the job lines, then the scripts they call (their files in $T, read by grep: no `cat` between)
  '  gw_job_lines; gw_once backup-dump gw_backup_dump; [ -s "$T/memo.backup-dump.err" ] && cat "$T/memo.backup-dump.err" >&2',
  `  grep -ohiE '/[A-Za-z0-9._/+-]*(backup|bak)[A-Za-z0-9._/+-]*' "$T/backup-job-lines" "$T/memo.backup-dump.out" | while IFS= read -r p; do`,
  '    case "$p" in /bin/*|/sbin/*|/usr/*|/etc/*|/lib/*|/proc/*|/dev/*|/sys/*|/run/*|/var/spool/*) continue;; esac',
  // A file's directory counts only if it still says backup (not /root for /root/.backup.pass).
  '    p=${p%/}; [ -d "$p" ] || p=${p%/*}; case "$p" in *[Bb][Aa][Cc][Kk]*|*[Bb][Aa][Kk]*) ;; *) continue;; esac',
  '    [ -d "$p" ] && printf \'%s\\n\' "$p"',
  '  done',
  `} | awk '!seen[$0]++ && (NR <= ${FIXED_DIRS.length} || n++ < 20)')`,
  // the lists go to awk space-separated (the paths have no spaces; POSIX awk takes no newline in -v)
  'all=; ex=; for d in $dirs; do all="$all $d"; [ -d "$d" ] && ex="$ex $d"; done',
  // Debian keeps its own package-database copies in /var/backups: they are not site backups.
  `{ [ -z "$ex" ] || gw_to find $ex -maxdepth 3 -type f ${FIND_EXCLUDES} -printf '%H\\t%T@ %s %p\\n' 2>&1; } | awk -v dirs="$all" -v ex="$ex" '${NEWEST_AWK}'`,
].join('\n');

const jobSchema = t.obj({
  kind: t.enum('cron', 'cron_script', 'timer'),
  source: t.str,
  line: t.nullable(t.num),
  schedule: t.str,
  user: t.str,
  command: t.str,
  scripts: t.arr(t.str),
  unreadable_scripts: t.arr(t.str),
  last_run: t.nullable(t.str),
  tools: t.arr(t.str),
  paths: t.arr(t.str),
  destinations: t.arr(t.str),
  encryption: t.arr(t.str),
  sm4: t.bool,
});

export const backup: Collector<BackupFacts> = {
  id: 'backup',
  description: 'Scheduled backup jobs (cron, cron.daily/weekly, systemd timers, the scripts they call) and the newest file in backup directories',
  schema: t.obj({
    jobs: t.arr(jobSchema),
    dirs: t.arr(t.obj({ path: t.str, exists: t.bool, file_count: t.num, newest: t.nullable(t.obj({ path: t.str, mtime: t.num, size: t.num })), unreadable: t.arr(t.str) })),
    unreadable: t.arr(t.str),
  }),
  requests: [
    { kind: 'file', path: '/etc/crontab' },
    { kind: 'glob', pattern: '/etc/cron.d/*' },
    { kind: 'glob', pattern: '/var/spool/cron/crontabs/*' },
    { kind: 'glob', pattern: '/var/spool/cron/*' },
    { kind: 'glob', pattern: '/etc/cron.daily/*' },
    { kind: 'glob', pattern: '/etc/cron.weekly/*' },
    // A spool directory we may not list (Debian: 1730 root:crontab) hides user crontabs silently.
    { kind: 'cmd', name: 'backup-cron-access', script: 'for d in /var/spool/cron/crontabs /var/spool/cron; do [ -d "$d" ] || continue; if [ -r "$d" ] && [ -x "$d" ]; then echo "readable $d"; else echo "unreadable $d"; fi; done', builtinsOnly: true },
    { kind: 'cmd', name: 'backup-timers', script: 'gw_memo timers gw_to systemctl list-timers --all --no-pager', selfTimed: true },
    {
      kind: 'cmd',
      name: 'backup-timer-units',
      // list-timers' own stderr is backup-timers' answer; here only its output is read, from the memo file
      script: `gw_once timers gw_to systemctl list-timers --all --no-pager; u=\n[ -s "$T/memo.timers.out" ] && u=$(awk 'NR>1 && NF>1 { for (i = NF - 1; i <= NF; i++) if ($i ~ /^[A-Za-z0-9@:._-]+[.](timer|service)$/ && !s[$i]++ && n++ < 200) print $i }' "$T/memo.timers.out")\n[ -z "$u" ] || gw_to systemctl cat --no-pager -- $u`,
      selfTimed: true,
    },
    { kind: 'cmd', name: 'backup-scripts', script: DUMP },
    { kind: 'cmd', name: 'backup-newest', script: NEWEST, timeoutS: 30 },
  ],
  // cron lines and backup scripts may carry passwords (mysqldump -pX, PGPASSWORD=X, user:pass@host)
  redact: Object.fromEntries(
    ['/etc/crontab', '/etc/cron.d/*', '/var/spool/cron/crontabs/*', '/var/spool/cron/*', '/etc/cron.daily/*', '/etc/cron.weekly/*', 'cmd:backup-scripts', 'cmd:backup-timer-units'].map((k) => [k, redactSecrets]),
  ),
  parse(out) {
    const unreadable: string[] = [];
    const cronFiles: Array<{ file: FileContent; system: boolean; user?: string }> = [];
    const crontab = readOr(() => out.text('/etc/crontab'), unreadable, '/etc/crontab');
    if (crontab !== null) cronFiles.push({ file: { path: '/etc/crontab', content: crontab, truncated: false }, system: true });
    for (const f of globOr(out, '/etc/cron.d/*', unreadable)) if (!ignoredName(f.path)) cronFiles.push({ file: f, system: true });
    for (const pattern of ['/var/spool/cron/crontabs/*', '/var/spool/cron/*']) {
      for (const f of globOr(out, pattern, unreadable)) cronFiles.push({ file: f, system: false, user: f.path.slice(f.path.lastIndexOf('/') + 1) });
    }
    const access = out.cmd('backup-cron-access').stdout;
    for (const m of access.matchAll(/^unreadable (\S+)$/gm)) unreadable.push(m[1]);

    const scriptsOut = out.cmd('backup-scripts').stdout;
    const scripts = parseScriptDump(scriptsOut);
    const unreadableScripts = new Set([...scriptsOut.matchAll(/^==! (\/\S+) unreadable$/gm)].map((m) => m[1]));

    const jobs: BackupJob[] = [];
    const addJob = (base: Omit<BackupJob, keyof JobAnalysis | 'scripts' | 'unreadable_scripts' | 'command'>, command: string, ownText?: string) => {
      const called = [...(ownText ?? command).matchAll(/\/[A-Za-z0-9._/+-]+/g)].map((m) => m[0]);
      const read = called.filter((p) => scripts.has(p));
      const text = [ownText ?? command, ...read.map((p) => scripts.get(p)!)].join('\n');
      jobs.push({ ...base, command: redactCommand(command), scripts: read, unreadable_scripts: called.filter((p) => unreadableScripts.has(p)), ...analyseJobText(text) });
    };
    for (const c of cronFiles) {
      let entries: CronEntry[];
      try {
        entries = parseCrontab(c.file.content, { system: c.system, user: c.user });
      } catch {
        continue;
      }
      for (const e of entries) addJob({ kind: 'cron', source: c.file.path, line: e.line, schedule: e.schedule, user: e.user, last_run: null }, e.command);
    }
    for (const [pattern, schedule] of [['/etc/cron.daily/*', 'daily'], ['/etc/cron.weekly/*', 'weekly']] as const) {
      for (const f of globOr(out, pattern, unreadable)) {
        if (ignoredName(f.path)) continue;
        addJob({ kind: 'cron_script', source: f.path, line: null, schedule, user: 'root', last_run: null }, f.path, f.content);
      }
    }

    const timers = out.cmdIfPresent('backup-timers');
    if (timers && timers.exitCode === 0) {
      const units = parseSystemctlCat(out.cmd('backup-timer-units').stdout);
      const exec = execStarts(units);
      for (const row of parseListTimers(timers.stdout)) {
        const timerFile = units.find((u) => u.path.endsWith('/' + row.unit));
        const onCal = timerFile?.sections.Timer?.OnCalendar?.join('; ') ?? timerFile?.sections.Timer?.OnUnitActiveSec?.join('; ') ?? '';
        for (const cmd of exec.get(row.activates) ?? []) {
          const user = units.filter((u) => u.path.endsWith('/' + row.activates)).map((u) => u.sections.Service?.User?.at(-1)).find(Boolean) ?? 'root';
          addJob({ kind: 'timer', source: row.unit, line: null, schedule: onCal, user, last_run: row.last }, cmd);
        }
      }
    }

    const newest = out.cmd('backup-newest');
    if (newest.exitCode !== 0 && newest.stdout.trim() === '') throw new CollectError('command_failed', `backup-newest exited ${newest.exitCode}: ${newest.stderr.trim().slice(0, 200)}`);
    return { jobs, dirs: parseNewest(newest.stdout), unreadable: [...new Set(unreadable)] };
  },
};

/** run-parts and cron skip editor and package-manager leftovers. */
function ignoredName(path: string): boolean {
  return /(~|\.dpkg-(old|dist|new|bak|tmp)|\.rpm(save|new|orig)|\.swp|\.placeholder)$/.test(path) || /\/\.[^/]*$/.test(path);
}

function readOr(read: () => string | null, unreadable: string[], what: string): string | null {
  try {
    return read();
  } catch (e) {
    if (e instanceof CollectError && e.code === 'permission_denied') {
      unreadable.push(what);
      return null;
    }
    throw e;
  }
}

/** A glob with one unreadable file loses only that file, which is remembered. */
function globOr(out: CollectorOutput, pattern: string, unreadable: string[]): FileContent[] {
  try {
    return out.glob(pattern);
  } catch (e) {
    if (e instanceof CollectError && e.code === 'permission_denied') {
      unreadable.push(pattern);
      return [];
    }
    throw e;
  }
}
