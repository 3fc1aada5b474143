/**
 * sudoers(5) -> who may run what, enough to decide blanket grants: aliases (User_Alias, Runas_Alias,
 * Cmnd_Alias) are expanded, tags persist along a Cmnd_Spec list as sudo does, and
 * `Defaults !authenticate` (global or per user) turns every matching grant into a password-less one.
 */
export interface SudoGrant {
  /** A user name, a group name (is_group), `#uid`, or `ALL`. */
  principal: string;
  is_group: boolean;
  runas: string;
  /** The command list holds ALL (directly or through a Cmnd_Alias). */
  all_commands: boolean;
  /** A command that is itself a root shell (sh, bash, su …): as good as ALL. */
  root_shell: boolean;
  nopasswd: boolean;
  commands: string[];
  file: string;
  line: number;
}

export interface SudoersParse {
  grants: SudoGrant[];
  /** `#includedir`/`@includedir` and `#include`/`@include` operands, in order. */
  includedirs: string[];
  includes: string[];
}

interface Logical {
  text: string;
  line: number;
}

/** Join backslash continuations, drop comments (keeping #include and `#123` user ids). */
function logicalLines(text: string): Logical[] {
  const out: Logical[] = [];
  const src = text.split('\n');
  for (let i = 0; i < src.length; i++) {
    const start = i + 1;
    let line = src[i].replace(/\r$/, '');
    // endsWith, not /\\$/: the regex rescanned the growing line on every continuation (quadratic; issue 19).
    const parts = [line];
    while (parts[parts.length - 1]!.endsWith('\\') && i + 1 < src.length) {
      parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -1);
      parts.push(src[++i]!.replace(/\r$/, ''));
    }
    line = parts.join(' ');
    const trimmed = line.trim();
    if (/^[#@]include(dir)?\s/.test(trimmed)) {
      out.push({ text: trimmed, line: start });
      continue;
    }
    // '#' starts a comment unless it is followed by digits (a uid such as #0).
    let cut = -1;
    for (let j = 0; j < line.length; j++) {
      if (line[j] === '#' && !/[0-9]/.test(line[j + 1] ?? '')) {
        cut = j;
        break;
      }
    }
    const body = (cut >= 0 ? line.slice(0, cut) : line).trim();
    if (body) out.push({ text: body, line: start });
  }
  return out;
}

/** Split on commas that are not escaped and not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[++i];
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter((x) => x !== '');
}

const ALIAS_RE = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s+(.*)$/;
const TAG_RE = /^(NOPASSWD|PASSWD|NOEXEC|EXEC|SETENV|NOSETENV|LOG_INPUT|NOLOG_INPUT|LOG_OUTPUT|NOLOG_OUTPUT|MAIL|NOMAIL|FOLLOW|NOFOLLOW|INTERCEPT|NOINTERCEPT)\s*:\s*/;
const OPTION_RE = /^(CWD|CHROOT|ROLE|TYPE|TIMEOUT|NOTBEFORE|NOTAFTER|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)\s*=\s*("[^"]*"|\S+)\s*/;
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'su']);

type Aliases = Record<'user' | 'runas' | 'cmnd', Map<string, string[]>>;

function expand(items: string[], table: Map<string, string[]>, depth = 0): string[] {
  const out: string[] = [];
  for (const it of items) {
    const neg = it.startsWith('!');
    const name = it.replace(/^!+\s*/, '');
    const sub = table.get(name);
    if (sub && depth < 16) {
      // A negated alias removes principals; we keep only positive ones (never widens the result).
      if (!neg) out.push(...expand(sub, table, depth + 1));
    } else out.push(it);
  }
  return out;
}

function collectAliases(lines: Array<Logical & { file: string }>): Aliases {
  const a: Aliases = { user: new Map(), runas: new Map(), cmnd: new Map() };
  for (const l of lines) {
    const m = ALIAS_RE.exec(l.text);
    if (!m) continue;
    const kind = m[1] === 'User_Alias' ? 'user' : m[1] === 'Runas_Alias' ? 'runas' : m[1] === 'Host_Alias' ? null : 'cmnd';
    if (!kind) continue;
    // NAME = a, b : NAME2 = c
    for (const part of m[2].split(/\s*:\s*(?=[A-Z][A-Z0-9_]*\s*=)/)) {
      const d = /^([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(part.trim());
      if (d) a[kind].set(d[1], splitTop(d[2]));
    }
  }
  return a;
}

interface DefaultsAuth {
  global: boolean | null; // authenticate flag set globally
  perUser: Map<string, boolean>; // principal (user or %group) -> authenticate
}

function collectDefaults(lines: Logical[], aliases: Aliases): DefaultsAuth {
  const d: DefaultsAuth = { global: null, perUser: new Map() };
  for (const l of lines) {
    const m = /^Defaults([:@>!])?(\S*)\s+(.*)$/.exec(l.text);
    if (!m) continue;
    const auth = splitTop(m[3])
      .map((x) => x.replace(/\s+/g, ''))
      .filter((x) => x === 'authenticate' || x === '!authenticate');
    if (auth.length === 0) continue;
    const value = auth[auth.length - 1] === 'authenticate';
    if (!m[1] || m[1] === '@') d.global = value; // host-scoped: assume it may be this host
    else if (m[1] === ':') for (const p of expand(splitTop(m[2]), aliases.user)) d.perUser.set(p, value);
    // Defaults!cmnd and Defaults>runas: command/runas-scoped; not modelled.
  }
  return d;
}

function commandInfo(cmd: string, aliases: Aliases): { all: boolean; shell: boolean; list: string[] } {
  const list = expand([cmd], aliases.cmnd).filter((c) => !c.startsWith('!'));
  const all = list.some((c) => c === 'ALL');
  const shell = list.some((c) => {
    const path = c.replace(/^(sha\d+|digest):\S+\s+/, '').split(/\s+/)[0];
    return SHELLS.has(path.replace(/^.*\//, ''));
  });
  return { all, shell, list };
}

function parseSpec(l: Logical & { file: string }, aliases: Aliases, defaults: DefaultsAuth): SudoGrant[] {
  const eq = l.text.indexOf('=');
  if (eq < 0) return [];
  const head = l.text.slice(0, eq).trim();
  // head = "<user list> <host list>"; the user list may contain ", " separators.
  const hm = /^(.*?\S)\s+([^\s,]+(?:\s*,\s*[^\s,]+)*)$/.exec(head);
  if (!hm) return [];
  const users = expand(splitTop(hm[1]), aliases.user).filter((u) => !u.startsWith('!'));
  const rest = l.text.slice(eq + 1);
  // Further "host = cmnds" groups after ':' (rare): treat them like the first.
  const groups = rest.split(/\s*:\s*(?=[\w.,!+-]+(?:\s*,\s*[\w.,!+-]+)*\s*=)/).map((g, i) => (i === 0 ? g : g.slice(g.indexOf('=') + 1)));
  const grants: SudoGrant[] = [];
  for (const g of groups) {
    let runas = 'root';
    let nopasswd = false;
    type Acc = { runas: string; nopasswd: boolean; all: boolean; shell: boolean; commands: string[] };
    const parts: Acc[] = [];
    for (let item of splitTop(g)) {
      const r = /^\(([^)]*)\)\s*/.exec(item);
      if (r) {
        const [u, gr] = r[1].split(':').map((x) => x.trim());
        const ru = u ? expand(splitTop(u), aliases.runas).join(',') : gr ? '' : 'root';
        runas = gr ? `${ru}:${expand(splitTop(gr), aliases.runas).join(',')}` : ru;
        item = item.slice(r[0].length);
      }
      for (;;) {
        const t = TAG_RE.exec(item);
        const o = t ? null : OPTION_RE.exec(item);
        if (t) {
          if (t[1] === 'NOPASSWD') nopasswd = true;
          if (t[1] === 'PASSWD') nopasswd = false;
          item = item.slice(t[0].length);
        } else if (o) item = item.slice(o[0].length);
        else break;
      }
      if (!item || item.startsWith('!')) continue;
      const info = commandInfo(item.trim(), aliases);
      const last = parts[parts.length - 1];
      if (last && last.runas === runas && last.nopasswd === nopasswd) {
        last.all ||= info.all;
        last.shell ||= info.shell;
        last.commands.push(...info.list);
      } else parts.push({ runas, nopasswd, all: info.all, shell: info.shell, commands: [...info.list] });
    }
    for (const u of users) {
      const isGroup = u.startsWith('%');
      const principal = u.replace(/^%:?/, '');
      const scoped = defaults.perUser.get(u);
      const noAuth = scoped !== undefined ? !scoped : defaults.global === false;
      for (const p of parts) {
        grants.push({
          principal,
          is_group: isGroup,
          runas: p.runas,
          all_commands: p.all,
          root_shell: p.shell,
          nopasswd: p.nopasswd || noAuth,
          commands: p.commands.slice(0, 10),
          file: l.file,
          line: l.line,
        });
      }
    }
  }
  return grants;
}

/** Include directives of one sudoers file, so the caller can decide which files sudo reads. */
export function sudoersIncludes(text: string): { includedirs: string[]; includes: string[] } {
  const includedirs: string[] = [];
  const includes: string[] = [];
  for (const l of logicalLines(text)) {
    const m = /^[#@]include(dir)?\s+(.+)$/.exec(l.text);
    if (!m) continue;
    const operand = m[2].trim().replace(/^"(.*)"$/, '$1');
    (m[1] ? includedirs : includes).push(operand);
  }
  return { includedirs, includes };
}

/** sudo reads every file in an includedir except names ending in `~` or containing a `.`. */
export function includedByDir(name: string): boolean {
  return !name.endsWith('~') && !name.includes('.');
}

/** Parse the files sudo reads (main file first, then included ones). */
export function parseSudoers(files: Array<{ path: string; text: string }>): SudoersParse {
  const lines: Array<Logical & { file: string }> = [];
  const includedirs: string[] = [];
  const includes: string[] = [];
  for (const f of files) {
    const inc = sudoersIncludes(f.text);
    includedirs.push(...inc.includedirs);
    includes.push(...inc.includes);
    for (const l of logicalLines(f.text)) if (!/^[#@]include/.test(l.text)) lines.push({ ...l, file: f.path });
  }
  const aliases = collectAliases(lines);
  const defaults = collectDefaults(lines, aliases);
  const grants: SudoGrant[] = [];
  for (const l of lines) {
    if (ALIAS_RE.test(l.text) || /^Defaults\b/.test(l.text)) continue;
    grants.push(...parseSpec(l, aliases, defaults));
  }
  return { grants, includedirs, includes };
}
