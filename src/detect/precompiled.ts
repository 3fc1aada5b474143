/**
 * The shipped detection rules, loaded and validated at build time (src/detect/precompile.ts) into
 * build/policies/detections.pack.json, in the format and with the digest check of the precompiled
 * Article 40 pack (src/policy/precompiled.ts): used only while the rules directory holds byte for
 * byte what was compiled. `agent run` reads them without the rule schema (zod) or YAML parsing;
 * an edited or a site's own rules directory is validated as before (agents/agent/detect/rules-load.ts).
 */
import { readCompiled, writeCompiled } from '../policy/precompiled.js';
import type { Rule } from './load.js';

export function writePrecompiledRules(dir: string, rules: Rule[]): string {
  return writeCompiled(dir, { rules });
}

/** The rules of `dir` as compiled, or null when there is no such file or `dir` changed since. */
export function readPrecompiledRules(dir: string): Rule[] | null {
  const v = readCompiled(dir) as { rules?: Rule[] } | null;
  return Array.isArray(v?.rules) ? v.rules : null;
}
