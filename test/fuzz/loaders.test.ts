/**
 * The loaders of everything a user or an attacker can hand gwsec as a file: inventory, policy pack
 * (checks, cases, variables), playbooks, the agent's config, detection rules and waivers. Properties: only typed errors (GwsecError, which the
 * CLI prints located with exit 2) and bounded time, on damaged real files and on hostile text.
 */
import { fc, testProp } from '@fast-check/ava';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../agents/agent/config.js';
import { collectors, derivers } from '../../src/audit/registry.js';
import { parseInventory } from '../../src/inventory/load.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { lintPack } from '../../src/policy/lint.js';
import { loadPack } from '../../src/policy/load.js';
import { parseYaml } from '../../src/policy/yaml.js';
import { parseWaivers } from '../../src/policy/waivers.js';
import { parseRule, playbookIds } from '../../src/detect/load.js';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { defaultPackDir, packageRoot } from '../../src/util/paths.js';
import { mutated, yamlish } from './arbitraries.js';
import { params } from './budget.js';
import { callTyped } from './typed-errors.js';

const root = packageRoot();
const read = (p: string) => readFileSync(join(root, p), 'utf8');

interface TextLoader {
  name: string;
  /** A valid file to damage. */
  sample: string;
  load(file: string, text: string): unknown;
}

const WAIVERS = `waivers:
  - check: a40-7-ssh-root-login-disabled
    hosts: [web-*, db1]
    tags: [legacy]
    justification: 旧系统迁移期间保留，2027 年一季度下线
    owner: 运维组 张三
    approver: 信息中心 李四
    expires: 2027-03-31
    ticket: OPS-1234
`;

/** A detection rule as `detect lint` loads it: YAML, then schema and cross-field checks. */
function loadRule(file: string, text: string): unknown {
  const errors: GwsecError[] = [];
  const rule = parseRule(parseYaml(file, text), errors, playbookIds());
  if (errors.length) throw new GwsecErrorList(errors);
  return rule;
}

const textLoaders: TextLoader[] = [
  { name: 'inventory', sample: read('examples/inventory.yaml'), load: (f, t) => parseInventory(f, t) },
  { name: 'playbook', sample: read('playbooks/account-compromise.yaml'), load: (f, t) => parsePlaybook(f, t) },
  { name: 'agent config', sample: read('examples/agent.yaml'), load: (f, t) => parseConfig(f, t) },
  { name: 'located YAML', sample: read('policies/article40/pack.yaml'), load: (f, t) => parseYaml(f, t) },
  { name: 'detection rule', sample: read('policies/detections/ssh-brute-force.yaml'), load: loadRule },
  { name: 'waivers', sample: WAIVERS, load: (f, t) => parseWaivers(f, t, { checks: new Set(loadPack(defaultPackDir()).checks.map((c) => c.id)), today: '2026-12-07' }) },
  // A new loader of user- or attacker-supplied text: one line here.
];

for (const l of textLoaders) {
  testProp(`${l.name} loader: a damaged real file gives a typed error or a value, nothing else`, [mutated(l.sample)], (t, text) => {
    callTyped(() => l.load('/tmp/fuzz.yaml', text));
    t.pass();
  }, params());
  testProp(`${l.name} loader: hostile text gives a typed error or a value, nothing else`, [yamlish()], (t, text) => {
    callTyped(() => l.load('/tmp/fuzz.yaml', text));
    t.pass();
  }, params());
}

/** A pack of pack.yaml, the variables and one check with its cases, in a fresh directory. */
function onePackDir(): { dir: string; check: string; cases: string; checkText: string; casesText: string } {
  const src = defaultPackDir();
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-fuzz-pack-'));
  copyFileSync(join(src, 'pack.yaml'), join(dir, 'pack.yaml'));
  cpSync(join(src, 'variables'), join(dir, 'variables'), { recursive: true });
  mkdirSync(join(dir, '03-crypto'));
  const id = 'a40-3-ssh-no-weak-algorithms'; // has `matches` operators (regexes)
  const checkText = readFileSync(join(src, '03-crypto', `${id}.yaml`), 'utf8');
  const casesText = readFileSync(join(src, '03-crypto', `${id}.cases.yaml`), 'utf8');
  return { dir, check: join(dir, '03-crypto', `${id}.yaml`), cases: join(dir, '03-crypto', `${id}.cases.yaml`), checkText, casesText };
}

const pack = onePackDir();
testProp.after(() => rmSync(pack.dir, { recursive: true, force: true }));

for (const which of ['check', 'cases'] as const) {
  testProp(`policy loader + lint: a damaged ${which} file gives typed errors only`, [mutated(which === 'check' ? pack.checkText : pack.casesText, ['matches: ', 'equals: ', 'all:', 'any:', 'not:', 'fact: ', '${var}', 'expect:'])], (t, text) => {
    writeFileSync(pack.check, which === 'check' ? text : pack.checkText);
    writeFileSync(pack.cases, which === 'cases' ? text : pack.casesText);
    const r = callTyped(() => loadPack(pack.dir, { cases: true }));
    if (r.value) callTyped(() => lintPack(r.value as ReturnType<typeof loadPack>, collectors, derivers));
    t.pass();
  }, params({ numRuns: Math.max(10, Math.ceil(params().numRuns! / 2)) }));
}

void fc;
