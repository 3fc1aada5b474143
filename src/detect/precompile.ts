/**
 * `npm run build`'s step after the Article 40 pack's (src/policy/precompile.ts): the shipped
 * detection rules loaded and validated into build/policies/detections.pack.json
 * (src/detect/precompiled.ts), what `agent run` starts with.
 */
import { precompileStep } from '../policy/precompiled.js';
import { defaultRulesDir, loadRules } from './load.js';
import { writePrecompiledRules } from './precompiled.js';

const dir = defaultRulesDir();
precompileStep(dir, () => writePrecompiledRules(dir, loadRules(dir, { cases: false }).rules), 'the agent');
