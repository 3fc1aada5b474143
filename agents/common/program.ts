import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

/**
 * Installing the gwsec program itself under /opt, shared by the agent's and the collector's
 * `install` (agents/agent and agents/collector are peers and never import each other).
 */

export const under = (p: string, dir: string): boolean => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * The packages the program needs at run time: the production dependency closure, resolved the way
 * Node resolves them (nested node_modules first, then hoisted). Only top-level (hoisted) entries are
 * listed: a nested one is copied with its parent.
 */
export function runtimePackages(root: string): string[] {
  const top = new Set<string>();
  const seen = new Set<string>();
  const visit = (fromDir: string, name: string): void => {
    let dir = fromDir;
    let found: string | undefined;
    for (;;) {
      const cand = join(dir, 'node_modules', name);
      if (existsSync(join(cand, 'package.json'))) {
        found = cand;
        break;
      }
      if (dir === root) break;
      dir = dirname(dir);
      if (!under(dir, root)) break;
    }
    if (!found) return; // an optional dependency not installed on this platform
    if (seen.has(found)) return;
    seen.add(found);
    if (dirname(dirname(found)) === root || (name.startsWith('@') && dirname(dirname(dirname(found))) === root)) top.add(name);
    const pj = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const d of Object.keys({ ...pj.dependencies, ...pj.optionalDependencies })) visit(found, d);
  };
  const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const d of Object.keys(pj.dependencies ?? {})) visit(root, d);
  return [...top].sort();
}

/**
 * Copies the built program (bin, build/{src,cli,agents}, the precompiled packs in build/policies,
 * policies, playbooks, package.json) and its runtime node_modules to `dir`, via a temporary sibling renamed into place: a unit never points at
 * a half-copied tree, and nothing stays pointing into a checkout under /root, /home or /tmp.
 */
export function installProgram(dir: string, root = packageRoot()): void {
  if (under(dir, root)) throw new Error(`install directory ${dir} lies inside the package ${root}`);
  const tmp = `${dir}.new-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true, mode: 0o755 });
  for (const p of ['package.json', 'bin', 'build/src', 'build/cli', 'build/agents', 'build/policies', 'policies', 'playbooks'])
    if (existsSync(join(root, p))) cpSync(join(root, p), join(tmp, p), { recursive: true, dereference: true });
  for (const name of runtimePackages(root)) cpSync(join(root, 'node_modules', name), join(tmp, 'node_modules', name), { recursive: true, dereference: true });
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}
