import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gwsec } from '../helpers/cli.js';

/**
 * Collect once, evaluate many: saved facts re-evaluated offline give the live audit's results. Both
 * collections run in a network namespace of their own: listeners other suites open meanwhile must
 * not change exposure results between them.
 */
test('gwsec facts --local --save f.json; gwsec evaluate f.json == gwsec audit --local', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-facts-'));
  const file = join(dir, 'facts.json');
  const saved = gwsec(['facts', '--local', '--save', file], {}, { ownNetns: true });
  t.is(saved.code, 0, saved.stderr);
  const facts = JSON.parse(readFileSync(file, 'utf8'));
  t.is(facts.schema_version, 2);
  t.is(facts.hosts.length, 1);
  // least-sensitive: no crypt(3) hash can appear anywhere in saved facts
  t.notRegex(readFileSync(file, 'utf8'), /\$(1|5|6|y|2b|sm3)\$[^"]{8,}/);
  const offline = gwsec(['evaluate', file, '--format', 'json']);
  const live = gwsec(['audit', '--local', '--format', 'json'], {}, { ownNetns: true });
  t.true([0, 1].includes(offline.code), offline.stderr);
  t.is(offline.code, live.code);
  const norm = (s: string) => (JSON.parse(s) as { results: Array<{ check: string; status: string }> }).results.map((r) => `${r.check}=${r.status}`);
  t.deepEqual(norm(offline.stdout), norm(live.stdout));
  t.true(norm(live.stdout).length > 30);
});
