/**
 * The shipped detection rules precompiled at build time (src/detect/precompiled.ts) are the rules
 * the YAML loader gives, are used only while the directory is byte for byte what was compiled, and
 * are what `agent run` starts with (no rule schema, no YAML, no loader worker); an edited directory
 * goes through the loader worker, its errors located as ever.
 */
import test from 'ava';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRulesDir, loadRules } from '../../src/detect/load.js';
import { readPrecompiledRules } from '../../src/detect/precompiled.js';
import { precompiledFile } from '../../src/policy/precompiled.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadAgentRules } from '../../agents/agent/detect/index.js';
import type { AgentConfig } from '../../agents/agent/config.js';

/** As the rules travel (JSON): keys whose value is undefined are not kept. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
const agentCfg = (rules?: string) => ({ detections: { rules } }) as unknown as AgentConfig;

test('npm run build wrote the shipped rules; they equal the rules parsed from YAML, and agent run starts with them', async (t) => {
  const dir = defaultRulesDir();
  t.true(existsSync(precompiledFile(dir)), 'run npm run build');
  const pre = readPrecompiledRules(dir);
  t.truthy(pre, 'the shipped rules changed since the build: run npm run build');
  const parsed = loadRules(dir, { cases: false }).rules;
  t.deepEqual(pre, plain(parsed));
  t.true(pre!.every((r) => r.location.file.startsWith(`${dir}/`) && typeof r.max_bytes === 'number'));
  t.deepEqual(await loadAgentRules(agentCfg()), pre);
});

test('a copy elsewhere gets its own paths; one changed byte and the YAML is parsed (in the loader worker) instead', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gwsec-precompiled-rules-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'detections');
  cpSync(defaultRulesDir(), dir, { recursive: true });
  const pre = readPrecompiledRules(dir);
  t.truthy(pre);
  t.true(pre!.every((r) => r.location.file.startsWith(`${dir}/`)), 'file:line point into the copy');
  const file = join(dir, 'ssh-brute-force.yaml');
  appendFileSync(file, '\n# a site edit\nmax_bytes: 1MiB\n');
  t.is(readPrecompiledRules(dir), null);
  const loaded = await loadAgentRules(agentCfg(dir));
  t.is(loaded.find((r) => r.id === 'ssh-brute-force')!.max_bytes, 1048576, 'the edit is what the agent runs');
  writeFileSync(join(dir, 'web-xss.yaml'), 'id: web-xss\ntitle: [broken\n');
  const e = await t.throwsAsync(loadAgentRules(agentCfg(dir)));
  t.true(e instanceof GwsecError);
  t.regex((e as GwsecError).format(), /web-xss\.yaml:\d+/);
});
