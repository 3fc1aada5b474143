/**
 * Apache httpd configuration (httpd.conf / apache2.conf trees): sections, directives, Include and
 * IncludeOptional spliced in place (globs relative to ServerRoot), `${VAR}` from envvars.
 * `<IfModule>`/`<IfDefine>` are transparent: stock configs wrap SSL settings in them and the module
 * state is not known from text alone. Pure text -> data.
 */
import { globToRegExp, resolvePath } from './nginx.js';

export interface ApacheNode {
  name: string; // directive or section name as written (compare case-insensitively)
  args: string[];
  file: string;
  line: number;
  block?: ApacheNode[];
}

export interface ApacheParseResult {
  nodes: ApacheNode[];
  warnings: string[];
  files: string[];
}

export function splitApacheArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** `/etc/apache2/envvars` (`export APACHE_RUN_USER=www-data`) -> variables. */
export function parseEnvvars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=("?)([^"$\s]*)\2\s*$/.exec(line);
    if (m) vars[m[1]!] = m[3]!;
  }
  return vars;
}

const TRANSPARENT = new Set(['ifmodule', 'ifdefine', 'ifversion', 'ifdirective', 'iffile']);

export function parseApacheFiles(files: Map<string, string>, root: string, serverRoot: string, vars: Record<string, string> = {}): ApacheParseResult {
  const warnings: string[] = [];
  const used: string[] = [];
  const paths = [...files.keys()].sort();
  const subst = (s: string): string => s.replace(/\$\{(\w+)\}/g, (all, v: string) => vars[v] ?? all);

  function parseFile(path: string, stack: string[]): ApacheNode[] {
    if (stack.includes(path)) {
      warnings.push(`${path}: include loop`);
      return [];
    }
    const text = files.get(path);
    if (text === undefined) return [];
    used.push(path);
    const lines = text.split('\n');
    const rootList: ApacheNode[] = [];
    const open: ApacheNode[] = [];
    const cur = (): ApacheNode[] => (open.length ? open[open.length - 1]!.block! : rootList);
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      let l = lines[i]!;
      while (/\\\s*$/.test(l) && i + 1 < lines.length) l = l.replace(/\\\s*$/, ' ') + lines[++i];
      l = l.trim();
      if (!l || l.startsWith('#')) continue;
      const close = /^<\/\s*([\w:]+)\s*>$/.exec(l);
      if (close) {
        if (!open.length) warnings.push(`${path}:${lineNo}: unexpected </${close[1]}>`);
        else open.pop();
        continue;
      }
      const sec = /^<\s*([\w:]+)\s*(.*?)\s*>$/.exec(l);
      if (sec) {
        const node: ApacheNode = { name: sec[1]!, args: splitApacheArgs(subst(sec[2]!)), file: path, line: lineNo, block: [] };
        cur().push(node);
        open.push(node);
        continue;
      }
      const sp = l.search(/\s/);
      const name = sp < 0 ? l : l.slice(0, sp);
      const args = sp < 0 ? [] : splitApacheArgs(subst(l.slice(sp + 1)));
      if (/^include(optional)?$/i.test(name) && args.length) {
        const target = resolvePath(args[0]!, serverRoot);
        let matched: string[];
        if (/[*?[]/.test(target)) {
          const re = globToRegExp(target);
          matched = paths.filter((p) => re.test(p));
        } else if (files.has(target)) {
          matched = [target];
        } else {
          // a directory include reads every file in it
          matched = paths.filter((p) => p.startsWith(target.replace(/\/$/, '') + '/'));
          if (!matched.length && !/optional/i.test(name)) warnings.push(`${path}:${lineNo}: Include ${target} was not read`);
        }
        for (const p of matched) cur().push(...parseFile(p, [...stack, path]));
        continue;
      }
      cur().push({ name, args, file: path, line: lineNo });
    }
    if (open.length) warnings.push(`${path}: <${open[open.length - 1]!.name}> is not closed`);
    return rootList;
  }

  function flatten(list: ApacheNode[]): ApacheNode[] {
    const out: ApacheNode[] = [];
    for (const n of list) {
      if (n.block && TRANSPARENT.has(n.name.toLowerCase())) out.push(...flatten(n.block));
      else out.push(n.block ? { ...n, block: flatten(n.block) } : n);
    }
    return out;
  }

  return { nodes: flatten(parseFile(root, [])), warnings, files: used };
}

export function apacheFind(list: ApacheNode[] | undefined, name: string): ApacheNode[] {
  const k = name.toLowerCase();
  return list?.filter((n) => n.name.toLowerCase() === k) ?? [];
}

/** Last value wins in Apache for single-valued directives. */
export function apacheLast(list: ApacheNode[] | undefined, name: string): ApacheNode | undefined {
  const f = apacheFind(list, name);
  return f[f.length - 1];
}

/** `apache2 -v` / `httpd -v`: "Server version: Apache/2.4.52 (Ubuntu)". */
export function parseApacheV(text: string): string | null {
  return /Server version:\s*Apache\/([\d.]+)/.exec(text)?.[1] ?? null;
}
