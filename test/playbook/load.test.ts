import test from 'ava';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { loadPlaybookFile, parsePlaybook, shippedPlaybookFiles } from '../../src/playbook/load.js';
import { STEP_KINDS } from '../../src/playbook/schema.js';
import { drillFile, tempDir } from './helpers.js';

const SHIPPED = ['account-compromise', 'data-leak', 'ddos-outage', 'emergency-shutdown', 'migration-offline', 'temporary-offline', 'web-defacement', 'webshell-intrusion'];

test('the eight shipped playbooks validate, name detection rules, collect evidence and have a drill answers file', async (t) => {
  const files = await shippedPlaybookFiles();
  t.deepEqual(files.map((f) => basename(f, '.yaml')), SHIPPED);
  const kinds = new Set<string>();
  for (const f of files) {
    const { playbook: p } = await loadPlaybookFile(f);
    t.true(p.detections.length > 0, `${p.id} names no detection rule`);
    t.true(existsSync(drillFile(p.id)), `playbooks/drills/${p.id}.yaml is missing`);
    t.true(p.steps.some((s) => s.kind === 'collect' || (s.kind === 'command' && s.evidence)), `${p.id} collects no evidence`);
    t.true(p.steps.some((s) => s.kind === 'report'), `${p.id} writes no report`);
    for (const s of p.steps) kinds.add(s.kind);
  }
  // Between them the shipped playbooks use every step kind except wait (a drill skips waits; tested apart).
  t.deepEqual([...kinds].sort(), STEP_KINDS.filter((k) => k !== 'wait').sort());
});

test('schema errors are located at file:line:column, all reported at once', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'broken.yaml');
  await writeFile(file, `id: broken
version: 1
title: { zh: 坏, en: Broken }
description: { zh: 坏, en: Broken }
incident_types: [x]
steps:
  - id: a
    kind: confirm
    title: { zh: 甲, en: A }
    on_success: nowhere
  - id: a
    kind: teleport
    title: { zh: 乙, en: B }
`);
  const e = await t.throwsAsync(loadPlaybookFile(file));
  t.true(e instanceof GwsecError);
  t.is((e as GwsecError).code, 'playbook_schema_error');
  t.regex((e as GwsecError).format(), /broken\.yaml:12:\d+: steps\.1\.kind/);

  const e2 = t.throws(() => parsePlaybook(file, `id: broken
version: 1
title: { zh: 坏, en: Broken }
description: { zh: 坏, en: Broken }
incident_types: [x]
steps:
  - { id: a, kind: confirm, title: { zh: 甲, en: A }, on_success: nowhere }
  - { id: a, kind: approval, quorum: 3, approvers: [x], title: { zh: 乙, en: B } }
`));
  t.true(e2 instanceof GwsecErrorList);
  const text = (e2 as GwsecError).format();
  t.regex(text, /broken\.yaml:7:\d+: unknown step 'nowhere'/);
  t.regex(text, /broken\.yaml:8:\d+: duplicate step id 'a'/);
  t.regex(text, /quorum 3 is more than the 1 listed approvers/);
});

test('a file whose id differs from its name is refused', (t) => {
  const e = t.throws(() => parsePlaybook('/x/other.yaml', `id: mine
version: 1
title: { zh: 甲, en: A }
description: { zh: 甲, en: A }
incident_types: [x]
steps: [{ id: a, kind: confirm, title: { zh: 甲, en: A } }]
`));
  t.regex((e as GwsecError).message, /differs from the file name/);
});

test('wording parity: runner messages and report labels exist in zh and en', async (t) => {
  const { MESSAGES } = await import('../../src/playbook/messages.js');
  t.deepEqual(Object.keys(MESSAGES.zh).sort(), Object.keys(MESSAGES.en).sort());
  const { loadTemplates, REPORT_KINDS } = await import('../../src/incident/report.js');
  const tpl = loadTemplates();
  for (const [k, v] of Object.entries(tpl.labels)) t.true(Boolean(v.zh && v.en), `label ${k}`);
  t.deepEqual(Object.keys(tpl.kinds).sort(), [...REPORT_KINDS].sort());
});

test('docs/PLAYBOOKS.md lists every detection rule id the shipped playbooks name (the contract for policies/detections)', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const { packageRoot } = await import('../../src/util/paths.js');
  const doc = await readFile(join(packageRoot(), 'docs', 'PLAYBOOKS.md'), 'utf8');
  for (const f of await shippedPlaybookFiles()) {
    const { playbook: p } = await loadPlaybookFile(f);
    for (const d of p.detections) t.true(doc.includes(`| \`${d}\` |`) && new RegExp(`\\| \`${d}\` \\|[^\\n]*\\b${p.id}\\b`).test(doc), `docs/PLAYBOOKS.md: add ${d} → ${p.id} to the detection table`);
  }
});
