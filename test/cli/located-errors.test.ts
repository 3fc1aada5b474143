/**
 * A located error prints its location and its code once (issue 19): a YAML file with several syntax
 * errors used to print `f:2:1: f:2:1: … [code] [code]` because the combined message embedded each
 * formatted error and was then formatted again.
 */
import test from 'ava';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import { parseYaml } from '../../src/policy/yaml.js';
import { defaultPackDir } from '../../src/util/paths.js';
import { gwsec } from '../helpers/cli.js';

/** Several YAML syntax errors in one file (a flow sequence left open, then a stray `}`). */
const BROKEN = 'hosts:\n  - name: [a\n  b: }\n';

/** Every `gwsec:`/problem line names `file:line:col` exactly once and ends with exactly one `[code]`. */
function assertOnce(t: import('ava').ExecutionContext, stderr: string, file: string, code: string): void {
  const lines = stderr.trim().split('\n').filter((l) => l.includes(file));
  t.true(lines.length >= 1, stderr);
  for (const l of lines) {
    t.is(l.split(file).length - 1, 1, `location printed more than once: ${l}`);
    t.is(l.match(/\[[a-z0-9_]+\]/g)?.length, 1, `code printed other than once: ${l}`);
    t.true(l.endsWith(`[${code}]`), l);
    t.regex(l, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
  }
}

test('parseYaml: several syntax errors are separate located errors, not one message with the others formatted inside', (t) => {
  const e = t.throws(() => parseYaml('inv1.yaml', BROKEN, 'inventory_parse_error'));
  t.true(e instanceof GwsecErrorList);
  const list = e as GwsecErrorList;
  t.true(list.errors.length >= 2);
  for (const x of list.errors) {
    t.false(x.message.includes('inv1.yaml'), x.message);
    t.false(x.message.includes('[inventory_parse_error]'), x.message);
  }
});

test("GwsecErrorList flattens nested lists (a file's list inside a pack's list prints each problem once)", (t) => {
  const a = new GwsecError('x_error', { en: 'a', zh: '甲' }, { file: 'f', line: 1 });
  const b = new GwsecError('y_error', { en: 'b', zh: '乙' }, { file: 'g', line: 2 });
  const nested = new GwsecErrorList([a, new GwsecErrorList([b, a])]);
  t.is(nested.errors.length, 3);
  t.is(nested.format('en'), 'f:1: a [x_error]\ng:2: b [y_error]\nf:1: a [x_error]');
  t.is(nested.format('zh'), 'f:1: 甲 [x_error]\ng:2: 乙 [y_error]\nf:1: 甲 [x_error]');
  t.is(nested.format('both'), 'f:1: a / 甲 [x_error]\ng:2: b / 乙 [y_error]\nf:1: a / 甲 [x_error]');
});

test('inventory check, policy lint, playbook validate and agent status: malformed YAML prints each location and code once', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-located-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inv = join(dir, 'inv1.yaml');
  writeFileSync(inv, BROKEN);
  const r1 = gwsec(['inventory', 'check', inv]);
  t.is(r1.code, 2, r1.stderr);
  assertOnce(t, r1.stderr, inv, 'inventory_parse_error');

  const pack = join(dir, 'pack');
  cpSync(defaultPackDir(), pack, { recursive: true });
  const checkFile = join(pack, 'zz-broken.yaml');
  writeFileSync(checkFile, 'id: [x\n  title: }\n');
  const r2 = gwsec(['policy', 'lint', '--pack', pack]);
  t.is(r2.code, 2, r2.stderr);
  assertOnce(t, r2.stderr, checkFile, 'policy_parse_error');

  const pb = join(dir, 'pb.yaml');
  writeFileSync(pb, 'id: [x\n  steps: }\n');
  const r3 = gwsec(['playbook', 'validate', pb]);
  t.is(r3.code, 2, r3.stderr);
  assertOnce(t, r3.stderr, pb, 'playbook_parse_error');

  const cfg = join(dir, 'agent.yaml');
  writeFileSync(cfg, 'sources: [x\n  archive: }\n');
  const r4 = gwsec(['agent', 'status', '-c', cfg]);
  t.is(r4.code, 2, r4.stderr);
  assertOnce(t, r4.stderr, cfg, 'agent_config_error');
});
