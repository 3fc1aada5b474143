/**
 * The shipped packs, loaded and validated once at build time (`npm run build` runs
 * build/src/policy/precompile.js) into build/policies/<pack>.pack.json, so that an audit does not
 * parse and validate some 60 YAML files at every start (~0.5 s of CPU in a fresh Node, half of an
 * `audit --local`). The file is used only when the pack directory holds byte for byte what was
 * compiled: a SHA-256 over every file's relative path and content, recomputed at each load (a few
 * ms). An edited pack, a site's own pack, or a build that predates the loader's code is parsed
 * as before. Paths inside (each check's file:line) are stored relative to the pack and put back
 * under the directory being loaded. The shipped detection rules are precompiled the same way
 * (src/detect/precompiled.ts), so the agent starts without the rule schema.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Pack } from '../model/check.js';
import { packageRoot } from '../util/paths.js';

/** 2: the payload under `value` (the detection rules use the same file format). */
const FORMAT = 2;
const PACK_DIR = '\u0000pack';

/** SHA-256 of every file under `dir` (sorted relative paths and contents); null when unreadable */
export function packDigest(dir: string): string | null {
  const h = createHash('sha256').update(`gwsec-pack-${FORMAT}\n`);
  const walk = (d: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return false;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (!walk(p)) return false;
      } else {
        h.update(`${relative(dir, p)}\u0000${st.size}\u0000`).update(readFileSync(p));
      }
    }
    return true;
  };
  return walk(dir) ? h.digest('hex') : null;
}

export function precompiledFile(dir: string): string {
  return join(packageRoot(), 'build', 'policies', `${basename(dir)}.pack.json`);
}

/**
 * Writes `value` loaded from `dir` for later loads (temp + rename): strings naming `dir` or a path
 * under it are stored relative, with the digest of what `dir` holds now.
 */
export function writeCompiled(dir: string, value: unknown): string {
  const file = precompiledFile(dir);
  const digest = packDigest(dir);
  if (!digest) throw new Error(`cannot read ${dir}`);
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const text = JSON.stringify({ format: FORMAT, digest, value }, (_k, v: unknown) => (typeof v === 'string' && (v === dir || v.startsWith(prefix)) ? PACK_DIR + v.slice(dir.length) : v));
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return file;
}

/**
 * One `npm run build` step: `write()` compiles `dir`; when `dir` does not load, nothing is written and
 * a stale compiled file is removed (its `users` then parse `dir` and report the errors): the build
 * does not fail here for it.
 */
export function precompileStep(dir: string, write: () => string, users: string): void {
  try {
    process.stdout.write(`precompiled ${dir} -> ${write()}\n`);
  } catch (e) {
    rmSync(precompiledFile(dir), { force: true });
    process.stderr.write(`precompile: ${dir} not precompiled (${users} will parse it): ${(e as Error).message}\n`);
  }
}

/** What writeCompiled wrote for `dir`, its paths under `dir` again, when `dir` holds exactly what was compiled; otherwise null. */
export function readCompiled(dir: string): unknown {
  let text: string;
  try {
    text = readFileSync(precompiledFile(dir), 'utf8');
  } catch {
    return null;
  }
  // as the loaders write them: the dir as given, its files as join(dir, relative path)
  const j = JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(PACK_DIR) ? (v === PACK_DIR ? dir : join(dir, v.slice(PACK_DIR.length))) : v)) as { format: number; digest: string; value: unknown };
  if (j.format !== FORMAT || j.digest !== packDigest(dir)) return null;
  return j.value ?? null;
}

/** Writes the loaded pack of `dir` (loadPack(dir, { cases: false })) for later loads. */
export function writePrecompiled(dir: string, pack: Pack): string {
  return writeCompiled(dir, { ...pack, cases: [...pack.cases] });
}

/** The precompiled pack when `dir` holds exactly what was compiled; otherwise null. */
export function readPrecompiled(dir: string): Pack | null {
  const p = readCompiled(dir) as (Omit<Pack, 'cases'> & { cases: Array<[string, Pack['cases'] extends Map<string, infer V> ? V : never]> }) | null;
  return p ? { ...p, cases: new Map(p.cases) } : null;
}
