/**
 * The shipped pack precompiled at build time (src/policy/precompiled.ts) is the very pack the YAML
 * loader gives, is used only while the pack's files are byte for byte those compiled, and follows
 * the directory it is loaded from.
 */
import test from 'ava';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPack } from '../../src/policy/load.js';
import { precompiledFile, readPrecompiled } from '../../src/policy/precompiled.js';
import { defaultPackDir } from '../../src/util/paths.js';

test('npm run build wrote the shipped pack; it equals the pack parsed from YAML', (t) => {
  const dir = defaultPackDir();
  t.true(existsSync(precompiledFile(dir)), 'run npm run build');
  const pre = readPrecompiled(dir);
  t.truthy(pre, 'the shipped pack changed since the build: run npm run build');
  t.deepEqual(pre, loadPack(dir, { cases: false, precompiled: false }));
  t.is(loadPack(dir, { cases: false }).checks.length, pre!.checks.length);
});

test('a copy elsewhere gets its own paths; one changed byte and the YAML is parsed instead', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gwsec-precompiled-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'article40');
  cpSync(defaultPackDir(), dir, { recursive: true });
  const pre = readPrecompiled(dir);
  t.truthy(pre);
  t.deepEqual(pre, loadPack(dir, { cases: false, precompiled: false }));
  t.true(pre!.checks.every((c) => c.source?.file.startsWith(`${dir}/`)), 'file:line point into the copy');

  const check = pre!.checks[0]!.source!.file;
  appendFileSync(check, '\n# a site edit\n');
  t.is(readPrecompiled(dir), null);
  appendFileSync(join(dir, pre!.checks[1]!.source!.file.slice(dir.length + 1)), 'title: [broken');
  t.throws(() => loadPack(dir, { cases: false }), undefined, 'an edited pack is parsed and its errors reported');
});
