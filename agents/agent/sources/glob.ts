import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Rotations compressed by logrotate hold lines already read from the plain file: never tail them. */
export const COMPRESSED = /\.(gz|xz|zst|bz2|lz4|lzma|Z|zip|7z)$/;

const MAGIC = /[*?[]/;

/** `*`, `?` and `[...]` in any path segment (no `**`). Pure: pattern → segment matchers. */
export function compileGlob(pattern: string): { base: string; parts: Array<string | RegExp> } {
  const segs = pattern.split(sep);
  let i = 0;
  while (i < segs.length - 1 && !MAGIC.test(segs[i]!)) i++;
  const base = segs.slice(0, i).join(sep) || sep;
  const parts = segs.slice(i).map((s) => (MAGIC.test(s) ? segmentRegex(s) : s));
  return { base, parts };
}

export function segmentRegex(s: string): RegExp {
  let re = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = s.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = s.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // A leading dot is matched only explicitly, as in the shell.
  return new RegExp(`^${s.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}

export interface GlobHit {
  path: string;
  dir: string;
}

/** Expand a compiled glob against the file system now (sync: a directory listing is microseconds). Missing directories are simply empty. */
export function expandGlob(g: { base: string; parts: Array<string | RegExp> }): { files: GlobHit[]; dirs: string[] } {
  const files: GlobHit[] = [];
  const dirs: string[] = [];
  const walk = (dir: string, k: number): void => {
    const p = g.parts[k]!;
    const last = k === g.parts.length - 1;
    if (typeof p === 'string') {
      const full = join(dir, p);
      if (last) {
        dirs.push(dir);
        files.push({ path: full, dir });
      } else walk(full, k + 1);
      return;
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    if (last) dirs.push(dir);
    for (const n of names.sort()) {
      if (!p.test(n)) continue;
      const full = join(dir, n);
      if (last) files.push({ path: full, dir });
      else {
        try {
          if (statSync(full).isDirectory()) walk(full, k + 1);
        } catch {
          /* vanished */
        }
      }
    }
  };
  walk(g.base, 0);
  return { files: files.filter((f) => !COMPRESSED.test(f.path)), dirs };
}
