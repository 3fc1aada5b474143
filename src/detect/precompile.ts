/**
 * `npm run build`'s step after the Article 40 pack's (src/policy/precompile.ts): the shipped
 * detection rules loaded and validated into build/policies/detections.pack.json
 * (src/detect/precompiled.ts), what `agent run` starts with. Rules that do not load are not written
 * (the agent then parses them and reports their errors); the build does not fail here for it.
 */
import { rmSync } from 'node:fs';
import { precompiledFile } from '../policy/precompiled.js';
import { defaultRulesDir, loadRules } from './load.js';
import { writePrecompiledRules } from './precompiled.js';

const dir = defaultRulesDir();
try {
  const file = writePrecompiledRules(dir, loadRules(dir, { cases: false }).rules);
  process.stdout.write(`precompiled ${dir} -> ${file}\n`);
} catch (e) {
  rmSync(precompiledFile(dir), { force: true });
  process.stderr.write(`precompile: ${dir} not precompiled (the agent will parse it): ${(e as Error).message}\n`);
}
