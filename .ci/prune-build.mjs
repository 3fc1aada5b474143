// Removes compiled files whose TypeScript source is gone. tsc never deletes outputs, so a moved or
// deleted test would otherwise keep running from build/ (ava runs build/test/**) and a removed module
// would stay importable — a green run that checked code no longer in the tree.
import { readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The project root may be given (tests prune a scratch tree); by default it is this checkout.
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const build = join(root, 'build');
let removed = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    const m = /^(.*)\.js(\.map)?$/.exec(relative(build, path));
    if (m && !existsSync(join(root, `${m[1]}.ts`))) { rmSync(path); removed++; }
  }
}

if (existsSync(build)) walk(build);
if (removed > 0) console.error(`prune-build: removed ${removed} stale compiled file(s) from build/`);
