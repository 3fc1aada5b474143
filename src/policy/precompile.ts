/**
 * `npm run build`'s last step: the shipped Article 40 pack loaded and validated into
 * build/policies/article40.pack.json (src/policy/precompiled.ts). A pack that does not load is
 * not written (audits then parse it and report its errors); the build does not fail here for it.
 */
import { defaultPackDir } from '../util/paths.js';
import { loadPack } from './load.js';
import { precompiledFile, writePrecompiled } from './precompiled.js';
import { rmSync } from 'node:fs';

const dir = defaultPackDir();
try {
  const file = writePrecompiled(dir, loadPack(dir, { cases: false, precompiled: false }));
  process.stdout.write(`precompiled ${dir} -> ${file}\n`);
} catch (e) {
  rmSync(precompiledFile(dir), { force: true });
  process.stderr.write(`precompile: ${dir} not precompiled (audits will parse it): ${(e as Error).message}\n`);
}
