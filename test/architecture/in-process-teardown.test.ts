/**
 * Tests that start an agent, a collector or a reporter in ava's own process must stop it at the
 * test's teardown: a test that throws before its own stop() otherwise leaves timers, watchers and
 * sockets running, and ava waits on them until its timeout — one failure looks like a hung suite.
 * This reads the tests' sources (not the build) and says exactly what to use.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

const ROOT = packageRoot();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const files = sources(join(ROOT, 'test')).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The bodies of `test(…)` / `test.serial(…)` calls: from one test's start to the next one's (or the end). */
function testBlocks(text: string): Array<{ line: number; body: string }> {
  const starts = [...text.matchAll(/^test(?:\.serial)?\(/gm)].map((m) => m.index);
  return starts.map((s, i) => ({ line: lineOf(text, s), body: text.slice(s, starts[i + 1] ?? text.length) }));
}

test('the agent runs in-process only through startAgent(t, …) (test/helpers/agent.ts), which stops it at teardown', (t) => {
  const bad = files
    .filter((f) => f.path !== join('test', 'helpers', 'agent.ts') && f.path !== join('test', 'architecture', 'in-process-teardown.test.ts'))
    .flatMap((f) => [...f.text.matchAll(/\brunAgent\(/g)].map((m) => `${f.path}:${lineOf(f.text, m.index)}`));
  t.deepEqual(bad, [], 'call startAgent(t, cfg, opts) from test/helpers/agent.ts instead of runAgent(…): it registers the stop with t.teardown');
});

test('a test that starts a collector or a reporter in-process registers a t.teardown', (t) => {
  const START = /\b(?:startCollector|runCollector)\(|\breporter\.start\(\)/;
  const bad: string[] = [];
  let checked = 0;
  for (const f of files) {
    if (f.path.startsWith(join('test', 'architecture'))) continue;
    for (const b of testBlocks(f.text)) {
      if (!START.test(b.body)) continue;
      checked++;
      if (!b.body.includes('t.teardown(') && !/reporterFor\(t,/.test(b.body)) bad.push(`${f.path}:${b.line}`);
    }
  }
  t.true(checked >= 10, `only ${checked} tests start a collector or reporter: has the pattern changed?`);
  t.deepEqual(bad, [], 'stop what the test started in t.teardown(() => c.stop()) (a second stop is a no-op)');
});

test('the block splitter finds each test and its body', (t) => {
  const blocks = testBlocks("import x;\ntest('a', async (t) => {\n  startCollector(c);\n});\n\ntest.serial('b', (t) => {\n  t.teardown(() => 1);\n});\n");
  t.deepEqual(blocks.map((b) => b.line), [2, 6]);
  t.true(blocks[0]!.body.includes('startCollector(') && !blocks[0]!.body.includes('t.teardown('));
  t.true(blocks[1]!.body.includes('t.teardown('));
});
