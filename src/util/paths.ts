import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json and policies/ live), from compiled or source files alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('gwsec package root not found');
    dir = up;
  }
  return dir;
}

export const defaultPackDir = (): string => join(packageRoot(), 'policies', 'article40');
/** The shipped detection rules (src/detect/load.ts's default). */
export const shippedRulesDir = (): string => join(packageRoot(), 'policies', 'detections');
