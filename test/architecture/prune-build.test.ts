// `npm run build` prunes compiled files whose .ts source is gone (.ci/prune-build.mjs): tsc never
// deletes outputs, so a moved test kept running from build/ and a deleted module stayed importable.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

test('prune-build removes outputs without a source and keeps the rest', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gwsec-prune-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const d of ['src/a', 'test/b', 'build/src/a', 'build/test/b', 'build/policies']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'src/a/kept.ts'), '');
  writeFileSync(join(root, 'test/b/kept.test.ts'), '');
  const files = {
    kept: ['build/src/a/kept.js', 'build/src/a/kept.js.map', 'build/test/b/kept.test.js'],
    stale: ['build/src/a/moved.js', 'build/src/a/moved.js.map', 'build/test/b/moved.test.js'],
    // Not a compiled output: the precompiled pack and tsc's build info stay.
    other: ['build/policies/article40.pack.json', 'build/.tsbuildinfo'],
  };
  for (const f of [...files.kept, ...files.stale, ...files.other]) writeFileSync(join(root, f), 'x');
  const out = execFileSync(process.execPath, [join(packageRoot(), '.ci', 'prune-build.mjs'), root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.is(out, '');
  for (const f of files.stale) t.false(existsSync(join(root, f)), f);
  for (const f of [...files.kept, ...files.other]) t.true(existsSync(join(root, f)), f);
});
