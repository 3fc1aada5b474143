/**
 * crontab text -> entries. Two formats (crontab(5)):
 *  - system crontabs (/etc/crontab, /etc/cron.d/*) carry a user field after the schedule;
 *  - user crontabs (/var/spool/cron/crontabs/<user> on Debian, /var/spool/cron/<user> on RHEL) do not,
 *    the file name is the user.
 * Environment assignments (MAILTO=…, SHELL=…) and comments are skipped. `%` in the command starts
 * stdin for the job (unless escaped), so it ends the command proper.
 */
export interface CronEntry {
  schedule: string; // "17 3 * * *" or "@daily"
  user: string;
  command: string;
  line: number;
}

const SPECIAL = /^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*\s*=/;

export function parseCrontab(text: string, opts: { system: boolean; user?: string }): CronEntry[] {
  const out: CronEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || ENV.test(line)) return;
    const tokens = line.split(/\s+/);
    const nSched = SPECIAL.test(tokens[0]) ? 1 : 5;
    const need = nSched + (opts.system ? 1 : 0) + 1;
    if (tokens.length < need) return;
    const schedule = tokens.slice(0, nSched).join(' ');
    if (nSched === 5 && !tokens.slice(0, 5).every((f) => /^[0-9A-Za-z*/,\-~]+$/.test(f))) return;
    const user = opts.system ? tokens[nSched] : (opts.user ?? 'root');
    // Re-split the raw line to keep the command's own spacing.
    const rest = line.replace(new RegExp(`^(\\S+\\s+){${need - 1}}`), '');
    out.push({ schedule, user, command: cutAtPercent(rest), line: i + 1 });
  });
  return out;
}

function cutAtPercent(cmd: string): string {
  for (let i = 0; i < cmd.length; i++) {
    if (cmd[i] === '\\') i++;
    else if (cmd[i] === '%') return cmd.slice(0, i).trim();
  }
  return cmd;
}
