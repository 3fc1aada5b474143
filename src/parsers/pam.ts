/**
 * PAM configuration (/etc/pam.d/<service>) -> resolved module stacks. Follows Debian's
 * `@include file` and Linux-PAM's `<type> include|substack file` (only the lines of that type are
 * taken). A leading "-" on the type means "skip silently if the module is missing".
 */
export type PamType = 'auth' | 'account' | 'password' | 'session';

export interface PamEntry {
  type: PamType;
  control: string;
  /** Module file name without directory, e.g. `pam_faillock.so`. */
  module: string;
  args: string[];
  optional: boolean; // "-auth …"
  file: string;
  line: number;
}

export type RawLine =
  | { kind: 'entry'; entry: PamEntry }
  | { kind: 'include'; type: PamType | null; target: string; file: string; line: number };

const TYPES = new Set(['auth', 'account', 'password', 'session']);

/** Split respecting `[...]` groups (controls and args may contain spaces inside brackets). */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of line) {
    if (ch === '[') depth++;
    if (ch === ']' && depth > 0) depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

export function parsePamFile(text: string, file: string): RawLine[] {
  const out: RawLine[] = [];
  const src = text.split('\n');
  for (let i = 0; i < src.length; i++) {
    const lineNo = i + 1;
    let line = src[i].replace(/\r$/, '');
    while (line.endsWith('\\') && i + 1 < src.length) line = line.slice(0, -1) + ' ' + src[++i].replace(/\r$/, '');
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const tk = tokens(line.trim());
    if (tk.length === 0) continue;
    if (tk[0] === '@include') {
      if (tk[1]) out.push({ kind: 'include', type: null, target: tk[1], file, line: lineNo });
      continue;
    }
    const optional = tk[0].startsWith('-');
    const type = tk[0].replace(/^-/, '').toLowerCase();
    if (!TYPES.has(type) || tk.length < 3) continue;
    const control = tk[1];
    if (control === 'include' || control === 'substack') {
      out.push({ kind: 'include', type: type as PamType, target: tk[2], file, line: lineNo });
      continue;
    }
    const module = tk[2].replace(/^.*\//, '');
    out.push({ kind: 'entry', entry: { type: type as PamType, control, module, args: tk.slice(3), optional, file, line: lineNo } });
  }
  return out;
}

export interface ResolvedStack {
  entries: PamEntry[];
  /** Included files that were not found (the service would fail to load those lines). */
  missing: string[];
}

/**
 * Resolve `start` (an absolute path) with its includes, reading files from `files`
 * (absolute path -> text; absent = not in the map).
 */
export function resolvePamStack(files: ReadonlyMap<string, string>, start: string, dir = '/etc/pam.d'): ResolvedStack {
  const entries: PamEntry[] = [];
  const missing: string[] = [];
  const walk = (path: string, only: PamType | null, seen: string[]): void => {
    const text = files.get(path);
    if (text === undefined) {
      missing.push(path);
      return;
    }
    if (seen.includes(path) || seen.length > 16) return; // include loop: Linux-PAM gives up too
    for (const l of parsePamFile(text, path)) {
      if (l.kind === 'entry') {
        if (only === null || l.entry.type === only) entries.push(l.entry);
      } else {
        const type = l.type ?? only;
        if (only !== null && l.type !== null && l.type !== only) continue;
        const target = l.target.startsWith('/') ? l.target : `${dir}/${l.target}`;
        walk(target, type, [...seen, path]);
      }
    }
  };
  walk(start, null, []);
  return { entries, missing };
}

/** `key=value` module arguments -> map (last wins, as modules parse argv left to right); flags -> "". */
export function pamArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 0) out[a] = '';
    else out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}
