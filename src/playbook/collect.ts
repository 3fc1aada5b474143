/**
 * Evidence collection: ONE script per collect step and host (delimited sections, one round trip),
 * every section bounded so a huge web root or log cannot flood the incident folder. Variables
 * arrive as quoted shell assignments in front of the script, never spliced into it.
 */
import type { CollectKind } from './schema.js';

const MARK = '@@GWSEC-SECTION';

/** `name='value'` lines; single quotes escaped, names already validated by the schema. */
export function shellAssignments(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

const SNIPPETS: Record<CollectKind, string> = {
  processes: `ps -eo pid,ppid,user,lstart,etimes,stat,args --sort=start_time 2>&1 | head -n 3000`,
  connections: `if command -v ss >/dev/null 2>&1; then ss -tanup 2>&1 | head -n 5000; else netstat -tanup 2>&1 | head -n 5000; fi`,
  users: `echo '## who -a'; who -a 2>&1
echo '## last'; last -n 50 -F 2>&1 | head -n 60
echo '## lastb (failed logins)'; lastb -n 50 -F 2>/dev/null | head -n 60
echo '## /etc/passwd changed in window'; find /etc/passwd /etc/shadow /etc/group /etc/sudoers /etc/sudoers.d /root/.ssh /home -maxdepth 3 -newermt "@$gwsec_since" -printf '%TY-%Tm-%Td %TH:%TM %u %m %p\\n' 2>/dev/null | head -n 200`,
  webroot_changes: `if [ -d "$webroot" ]; then
  find "$webroot" -xdev -newermt "@$gwsec_since" -printf '%TY-%Tm-%Td %TH:%TM:%.2TS%Tz %u:%g %m %s %p\\n' 2>&1 | sort | head -n 2000
  echo "## files changed: $(find "$webroot" -xdev -type f -newermt "@$gwsec_since" 2>/dev/null | wc -l) (listing capped at 2000)"
else echo "web root $webroot not found"; fi`,
  logs: `echo '## journal'; if command -v journalctl >/dev/null 2>&1; then journalctl --since "@$gwsec_since" --no-pager -n 2000 -q 2>&1 | tail -n 2000; fi
find "$log_dir" -maxdepth 2 -type f \\( -name '*.log' -o -name 'access*' -o -name 'error*' -o -name 'secure' -o -name 'auth.log' -o -name 'messages' -o -name 'syslog' \\) -newermt "@$gwsec_since" 2>/dev/null | head -n 20 | while read -r f; do
  echo "## $f (last 500 lines; modified within the window)"; tail -n 500 "$f" 2>&1
done`,
  files: `for p in $gwsec_paths; do
  echo "## $p"; ls -la "$p" 2>&1; sha256sum "$p" 2>&1
  if [ -f "$p" ]; then head -c 262144 "$p"; echo; fi
done`,
};

export function collectScript(kinds: readonly CollectKind[], vars: Readonly<Record<string, string>>): string {
  const body = kinds.map((k) => `printf '\\n${MARK} ${k}@@\\n'\n${SNIPPETS[k]}`).join('\n');
  return `${shellAssignments(vars)}\nexport LC_ALL=C\n${body}\nprintf '\\n${MARK} end@@\\n'\n`;
}

/** Splits the output into sections; a missing section means the script stopped before it. */
export function splitSections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`\\n${MARK} ([a-z_]+)@@\\n`, 'g');
  const marks = [...stdout.matchAll(re)];
  for (let i = 0; i < marks.length; i++) {
    const name = marks[i]![1]!;
    if (name === 'end') continue;
    const from = marks[i]!.index! + marks[i]![0].length;
    const to = i + 1 < marks.length ? marks[i + 1]!.index! : stdout.length;
    out.set(name, stdout.slice(from, to));
  }
  return out;
}
