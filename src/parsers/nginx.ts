import { globToRegex as globToRegExp } from '../util/glob.js';
export { globToRegExp };
/**
 * nginx configuration: tokenizer, block tree with include splicing, and the `nginx -T` dump format.
 * Pure text -> data. Both `nginx -T` (one text with `# configuration file X:` markers) and a file
 * tree read from disk become the same input: a map of path -> content plus the root file, so one
 * code path resolves `include` (globs, relative to the prefix) wherever it appears.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: NginxDirective[];
}

export interface NginxParseResult {
  directives: NginxDirective[];
  /** Problems that do not stop parsing (unbalanced braces, include of a file we were not given). */
  warnings: string[];
  files: string[];
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

/** nginx unescapes only \" \' \\ \t \r \n; any other backslash stays (regex locations need it). */
function unescape(c: string): string {
  if (c === 't') return '\t';
  if (c === 'r') return '\r';
  if (c === 'n') return '\n';
  return c === '"' || c === "'" || c === '\\' ? c : '\\' + c;
}

/** nginx lexical rules: whitespace separates, `;` `{` `}` are tokens, `#` starts a comment, quotes group. */
export function tokenizeNginx(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      out.push({ text: c, line, quoted: false });
      i++;
    } else if (c === '"' || c === "'") {
      const startLine = line;
      let s = '';
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < n) {
          s += unescape(src[i + 1]!);
          i += 2;
          continue;
        }
        if (src[i] === '\n') line++;
        s += src[i];
        i++;
      }
      i++;
      out.push({ text: s, line: startLine, quoted: true });
    } else {
      const startLine = line;
      let s = '';
      while (i < n) {
        const d = src[i]!;
        if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '{') break;
        // `}` ends a word only at a word boundary; `${var}` keeps its brace
        if (d === '}' && !s.includes('${')) break;
        if (d === '\\' && i + 1 < n) {
          s += unescape(src[i + 1]!);
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ text: s, line: startLine, quoted: false });
    }
  }
  return out;
}

/** Real configurations nest a handful of levels; a hostile file nesting thousands must not overflow the stack. */
const MAX_NGINX_DEPTH = 100;

function parseTokens(tokens: Token[], file: string, warnings: string[]): NginxDirective[] {
  let pos = 0;
  function block(depth: number): NginxDirective[] {
    const list: NginxDirective[] = [];
    let cur: Token[] = [];
    if (depth > MAX_NGINX_DEPTH) {
      warnings.push(`${file}:${tokens[pos - 1]?.line ?? 0}: blocks nested deeper than ${MAX_NGINX_DEPTH} levels; the rest of the file is not read`);
      pos = tokens.length;
      return list;
    }
    while (pos < tokens.length) {
      const tk = tokens[pos++]!;
      if (!tk.quoted && tk.text === ';') {
        if (cur.length) list.push({ name: cur[0]!.text, args: cur.slice(1).map((x) => x.text), file, line: cur[0]!.line });
        cur = [];
      } else if (!tk.quoted && tk.text === '{') {
        const head = cur;
        cur = [];
        const inner = block(depth + 1);
        if (head.length) list.push({ name: head[0]!.text, args: head.slice(1).map((x) => x.text), file, line: head[0]!.line, block: inner });
      } else if (!tk.quoted && tk.text === '}') {
        if (depth === 0) warnings.push(`${file}:${tk.line}: unexpected "}"`);
        else return list;
      } else {
        cur.push(tk);
      }
    }
    if (depth > 0) warnings.push(`${file}: unexpected end of file, expecting "}"`);
    if (cur.length) warnings.push(`${file}:${cur[0]!.line}: directive "${cur[0]!.text}" has no ";"`);
    return list;
  }
  return block(0);
}

/** Shell-style glob -> RegExp (`*`, `?`, `[...]`), matching whole paths; `*` does not cross `/`. */

export function resolvePath(p: string, base: string): string {
  if (p.startsWith('/')) return normalise(p);
  return normalise(base.replace(/\/+$/, '') + '/' + p);
}

function normalise(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/**
 * Parse a set of files starting at `root`, splicing `include` in place (nginx semantics: globs match
 * in lexical order; a glob matching nothing is fine, a plain path we were not given is a warning).
 */
export function parseNginxFiles(files: Map<string, string>, root: string, prefix: string): NginxParseResult {
  const warnings: string[] = [];
  const used: string[] = [];
  const paths = [...files.keys()].sort();
  function load(path: string, stack: string[]): NginxDirective[] {
    if (stack.includes(path)) {
      warnings.push(`${path}: include loop`);
      return [];
    }
    const text = files.get(path);
    if (text === undefined) return [];
    used.push(path);
    return expand(parseTokens(tokenizeNginx(text), path, warnings), [...stack, path]);
  }
  function expand(list: NginxDirective[], stack: string[]): NginxDirective[] {
    const out: NginxDirective[] = [];
    for (const d of list) {
      if (d.name === 'include' && !d.block && d.args.length === 1) {
        const target = resolvePath(d.args[0]!, prefix);
        if (/[*?[]/.test(target)) {
          const re = globToRegExp(target);
          for (const p of paths) if (re.test(p)) out.push(...load(p, stack));
        } else if (files.has(target)) {
          out.push(...load(target, stack));
        } else {
          warnings.push(`${d.file}:${d.line}: include ${target} was not read`);
        }
        continue;
      }
      out.push(d.block ? { ...d, block: expand(d.block, stack) } : d);
    }
    return out;
  }
  const directives = load(root, []);
  return { directives, warnings, files: used };
}

/** Split `nginx -T` stdout into files. Returns null when the text holds no dump. */
export function splitNginxDump(stdout: string): { root: string; files: Map<string, string> } | null {
  const files = new Map<string, string>();
  let root: string | null = null;
  let cur: string | null = null;
  let buf: string[] = [];
  const flush = (): void => {
    if (cur !== null && !files.has(cur)) files.set(cur, buf.join('\n'));
  };
  for (const line of stdout.split('\n')) {
    const m = /^# configuration file (.+):\s*$/.exec(line);
    if (m) {
      flush();
      cur = m[1]!;
      root ??= cur;
      buf = [];
    } else if (cur !== null) {
      buf.push(line);
    }
  }
  flush();
  return root === null ? null : { root, files };
}

export interface NginxVersionInfo {
  version: string | null;
  flavour: 'nginx' | 'tengine' | 'openresty';
  openssl: string | null; // "1.0.2k-fips", "3.0.11"
  tongsuo: boolean; // built against Tongsuo/BabaSSL (NTLS / RFC 8998 capable)
  ntls_module: boolean;
  prefix: string | null;
  conf_path: string | null;
  user: string | null; // --user= build default
}

/** `nginx -V` (stderr, merged into stdout by the collector). */
export function parseNginxV(text: string): NginxVersionInfo {
  const version = /nginx version: (?:nginx|openresty)\/([\w.]+)/.exec(text)?.[1] ?? null;
  const flavour = /Tengine version:/.test(text) ? 'tengine' : /openresty/i.test(text) ? 'openresty' : 'nginx';
  const openssl = /built with (?:OpenSSL|BabaSSL|Tongsuo) ([\w.-]+)/.exec(text)?.[1] ?? null;
  const args = /configure arguments:(.*)/.exec(text)?.[1] ?? '';
  const tongsuo = /tongsuo|babassl|enable-ntls/i.test(args) || /Tongsuo|BabaSSL/.test(text);
  return {
    version,
    flavour,
    openssl,
    tongsuo,
    ntls_module: /ngx_tongsuo_ntls|enable-ntls/.test(args),
    prefix: /--prefix=(\S+)/.exec(args)?.[1] ?? null,
    conf_path: /--conf-path=(\S+)/.exec(args)?.[1] ?? null,
    user: /--user=(\S+)/.exec(args)?.[1] ?? null,
  };
}

/** First value of a simple directive in a directive list (not recursing). */
export function first(list: NginxDirective[] | undefined, name: string): NginxDirective | undefined {
  return list?.find((d) => d.name === name);
}

export function all(list: NginxDirective[] | undefined, name: string): NginxDirective[] {
  return list?.filter((d) => d.name === name) ?? [];
}
