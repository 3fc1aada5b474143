/**
 * `npm run build`'s step after tsc: the shipped Article 40 pack loaded and validated into
 * build/policies/article40.pack.json (src/policy/precompiled.ts).
 */
import { defaultPackDir } from '../util/paths.js';
import { loadPack } from './load.js';
import { precompileStep, writePrecompiled } from './precompiled.js';

const dir = defaultPackDir();
precompileStep(dir, () => writePrecompiled(dir, loadPack(dir, { cases: false, precompiled: false })), 'audits');
