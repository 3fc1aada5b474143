/**
 * OS command injection: a shell metacharacter that ends the application's argument (`;`, `|`,
 * `||`, `&&`, `&`, newline) or a substitution (`$(…)`, back-ticks) FOLLOWED BY a command, or shell
 * syntax no parameter value needs (`${IFS}`, `() { :;};`, brace expansion). Also a value that is, as
 * a whole, a command line with arguments (`cat /etc/passwd`, `ping -n 3 x`) — an attack only if the
 * parameter reaches a shell, but nobody types that into a government-site form.
 */

/** Commands an injection runs first (recon, download, shells, time probes), Unix and Windows. */
export const COMMANDS: readonly string[] = [
  'id', 'whoami', 'uname', 'cat', 'ls', 'dir', 'pwd', 'echo', 'ping', 'sleep', 'nc', 'ncat', 'netcat', 'telnet', 'wget', 'curl', 'fetch', 'tftp',
  'bash', 'sh', 'zsh', 'ksh', 'csh', 'dash', 'python', 'python3', 'perl', 'ruby', 'php', 'lua', 'node', 'powershell', 'cmd', 'cmd.exe', 'pwsh',
  'ifconfig', 'ipconfig', 'netstat', 'ss', 'net', 'netsh', 'nslookup', 'dig', 'host', 'route', 'arp', 'traceroute', 'tracert', 'hostname',
  'systeminfo', 'tasklist', 'taskkill', 'ps', 'kill', 'killall', 'type', 'more', 'less', 'head', 'tail', 'grep', 'find', 'locate', 'awk', 'sed',
  'rm', 'del', 'mv', 'cp', 'copy', 'chmod', 'chown', 'mkdir', 'touch', 'env', 'set', 'export', 'printenv', 'which', 'whereis', 'ver', 'reg',
  'wmic', 'certutil', 'bitsadmin', 'mshta', 'rundll32', 'regsvr32', 'cscript', 'wscript', 'crontab', 'base64', 'xterm', 'uptime', 'w', 'who',
  'last', 'useradd', 'usermod', 'passwd', 'sudo', 'su', 'shutdown', 'reboot', 'time', 'timeout', 'expr', 'od', 'xxd', 'dd', 'tar', 'zip',
  'unzip', 'scp', 'ssh', 'ftp', 'mail', 'sendmail', 'lsof', 'mount', 'df', 'free', 'getent', 'groups', 'lsb_release', 'print', 'exit',
  'sysinfo', 'gcc', 'cc', 'make', 'nohup', 'setsid', 'socat', 'openssl', 'schtasks', 'at', 'start', 'call', 'icacls', 'cacls', 'attrib', 'vssadmin',
];
const COMMAND_SET = new Set(COMMANDS);
/** Commands that are a whole command line even without arguments. */
const SOLO = new Set(['whoami', 'ipconfig', 'ifconfig', 'netstat', 'systeminfo', 'tasklist', 'uname', 'hostname', 'pwd', 'id', 'ls', 'dir', 'ps', 'env', 'printenv', 'uptime', 'route', 'arp', 'getent', 'lsb_release', 'ver', 'sysinfo']);

/**
 * Commands distinctive enough to be a whole parameter value by themselves. `id`, `ls`, `dir`, `env`,
 * `route` are not: `?sort=id` and `?view=list` are ordinary (they count only after a separator).
 */
const SOLO_WHOLE = new Set(['whoami', 'ipconfig', 'ifconfig', 'netstat', 'systeminfo', 'tasklist', 'uname', 'printenv', 'getent', 'lsb_release', 'sysinfo']);
/** A one-word value that is a whole command line by itself (whoami, ipconfig). */
export const isSoloCommand = (w: string): boolean => SOLO_WHOLE.has(w.toLowerCase());

export interface CommandVerdict {
  kind: 'separator-command' | 'substitution' | 'shell-syntax' | 'command-line' | 'ssi';
  detail: string;
}

/** First shell word at `i` (after spaces and quotes), without any leading directory. */
function wordAt(s: string, i: number): string {
  // bounded look-ahead: a run of quotes or separators must not make the caller's loop quadratic
  const skipEnd = Math.min(s.length, i + 8);
  while (i < skipEnd && (s[i] === ' ' || s[i] === '\t' || s[i] === '"' || s[i] === "'" || s[i] === '\n' || s[i] === '\r' || s[i] === '(' || s[i] === '{')) i++;
  const n = Math.min(s.length, i + 48);
  let k = i;
  while (k < n && /[a-z0-9_./\\:-]/.test(s[k]!)) k++;
  let w = s.slice(i, k);
  const slash = Math.max(w.lastIndexOf('/'), w.lastIndexOf('\\'));
  if (slash >= 0) w = w.slice(slash + 1);
  return w.replace(/\.exe$/, '');
}

/** `s` is the canonical value (decoded, lower-case, white space folded) but with newlines kept as `\n`. */
export function judgeCommand(v: string): CommandVerdict | undefined {
  // payload lists and hand-typed probes write the newline as a literal \n; a shell behind an
  // `echo -e` or a CGI that unescapes sees a newline
  const s = v.indexOf('\\') >= 0 ? v.replace(/\\[nr]/g, '\n') : v;
  const call = /(?:^|[^a-z0-9_$])(system|shell_exec|passthru|popen|proc_open|exec|pcntl_exec|os\.system|os\.popen|subprocess\.\w+|runtime\.getruntime\(\)\.exec)\s{0,4}\(\s{0,4}["'`$]/.exec(s);
  if (call) return { kind: 'substitution', detail: `${call[1]}("…")` };
  if (s.indexOf('<!--#') >= 0 && /<!--#\s{0,4}(exec|include|echo|config|printenv)/.test(s)) return { kind: 'ssi', detail: '<!--#' };
  if (s.indexOf('${ifs') >= 0 || s.indexOf('$ifs') >= 0) return { kind: 'shell-syntax', detail: '${IFS}' };
  if (/\(\)\s{0,4}\{/.test(s)) return { kind: 'shell-syntax', detail: '() {' };
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s[i]!;
    if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '\r' || c === '`') {
      let k = i + 1;
      while (k < n && k - i < 4 && (s[k] === '|' || s[k] === '&' || s[k] === ';')) k++;
      if (k >= n || s[k] === c) continue; // a run of separators: nothing to run yet
      const w = wordAt(s, k);
      if (COMMAND_SET.has(w)) {
        // `&` alone is a query separator in disguise; demand a command with arguments or a solo one
        const after = s.slice(k, k + 80).trimStart().slice(w.length);
        if (c !== '&' || k - i > 1 || SOLO.has(w) || /^\s+[-/\\a-z0-9$"'%]/.test(after)) return { kind: c === '`' ? 'substitution' : 'separator-command', detail: `${s.slice(i, k)} ${w}`.trim() };
      }
      if (c === '`') {
        const e = s.indexOf('`', i + 1);
        if (e > i + 1 && /[a-z]/.test(s.slice(i + 1, e))) return { kind: 'substitution', detail: '`…`' };
      }
    } else if ((c === "'" || c === '"') && s[i + 1] === ' ' && SOLO.has(wordAt(s, i + 1)) && /^[\s;|&]{0,8}$/.test(s.slice(i + 2 + wordAt(s, i + 1).length, i + 80))) {
      return { kind: 'separator-command', detail: `${c} ${wordAt(s, i + 1)}` };
    } else if (c === '$' && s[i + 1] === '(') {
      const w = wordAt(s, i + 2);
      if (w.length > 0 || s[i + 2] === '`') return { kind: 'substitution', detail: `$(${w}` };
    }
  }
  // the whole value is a command line
  const w = wordAt(s, 0);
  if (COMMAND_SET.has(w)) {
    const start = s.replace(/^[\s"'(]+/, '');
    const rest = start.slice(start.indexOf(w) + w.length);
    if (rest.trim() === '' && SOLO_WHOLE.has(w)) return { kind: 'command-line', detail: w };
    const arg = rest.trimStart().split(' ', 1)[0] ?? '';
    if (
      /^\s+(?:-{1,2}[a-z]|\/[a-z]|[a-z]:\\|\/|\\|~|\$|'|"|%[a-z_]+%|(?:https?|ftp):\/\/)/.test(rest) ||
      (w === 'which' && COMMAND_SET.has(arg)) || (w === 'which' && /^(gcc|python\d?|perl|nc|netcat)$/.test(arg)) ||
      (w === 'net' && /^\s+(user|view|localgroup|share|use|start|stop)\b/.test(rest)) ||
      (w === 'netsh' && /^\s+(firewall|advfirewall|interface|wlan)\b/.test(rest)) ||
      (w === 'reg' && /^\s+(add|query|delete|save|export)\s/.test(rest)) ||
      ((w === 'sleep' || w === 'ping' || w === 'timeout') && /^\s+(\d|-)/.test(rest))
    ) {
      return { kind: 'command-line', detail: `${w}${rest.slice(0, 16)}` };
    }
  }
  return undefined;
}
