import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPack, resolveVariables } from '../../src/policy/load.js';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';

const CHECK = (id: string, expect = '{ fact: sshd.effective.permitrootlogin, op: eq, value: "no" }') => `id: ${id}
article: "40.7"
title: { zh: 测试, en: test }
severity: high
expect: ${expect}
rationale: { zh: 理由, en: why }
remediation: { zh: 整改, en: fix }
references: ["GB/T 22239-2019 8.1.4.1"]
`;

function pack(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-pack-'));
  writeFileSync(join(dir, 'pack.yaml'), 'id: t\ntitle: { zh: 测, en: t }\nversion: "1"\n');
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

function problems(dir: string): string[] {
  const e = (() => {
    try {
      loadPack(dir);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  if (!e) return [];
  if (e instanceof GwsecErrorList) return e.errors.map((x) => x.format());
  if (e instanceof GwsecError) return [e.format()];
  throw e;
}

test('a valid pack loads with its variables', (t) => {
  const dir = pack({
    'a/x-1.yaml': CHECK('x-1', '{ fact: login_defs.pass_max_days, op: le, var: MAX_DAYS }'),
    'variables/a.yaml': 'MAX_DAYS: { type: number, default: 90, description: { zh: 天, en: days } }\n',
  });
  const p = loadPack(dir);
  t.is(p.checks.length, 1);
  t.deepEqual(resolveVariables(p, { MAX_DAYS: 60 }), { MAX_DAYS: 60 });
});

test('malformed YAML is reported with file:line:column', (t) => {
  const dir = pack({ 'a/x-1.yaml': 'id: x-1\ntitle: { zh: 测, en: t\nseverity: high\n' });
  const [p] = problems(dir);
  t.regex(p!, new RegExp(`a/x-1\\.yaml:\\d+:\\d+: YAML syntax`));
});

test('an unknown operator points at its line', (t) => {
  const dir = pack({ 'a/x-1.yaml': CHECK('x-1', '\n  all:\n    - { fact: a.b, op: eq, value: 1 }\n    - { fact: a.c, op: equals, value: 1 }') });
  const [p] = problems(dir);
  t.regex(p!, /x-1\.yaml:8:\d+: unknown operator 'equals'/);
});

test('duplicate ids, id/file mismatch and orphan cases are all reported at once', (t) => {
  const dir = pack({
    'a/x-1.yaml': CHECK('x-1'),
    'b/x-1.yaml': CHECK('x-1'),
    'a/x-2.yaml': CHECK('x-3'),
    'a/nothing.cases.yaml': 'pass: []\n',
  });
  const all = problems(dir).join('\n');
  t.regex(all, /duplicate check id 'x-1'/);
  t.regex(all, /check id 'x-3' differs from its file name 'x-2'/);
  t.regex(all, /cases for unknown check 'nothing'/);
});

test('wrong variable types: default vs declared type, and variable vs operator', (t) => {
  const dir = pack({
    'a/x-1.yaml': CHECK('x-1', '{ fact: network.listeners, op: subset_of, var: PORTS }'),
    'variables/a.yaml': 'PORTS: { type: number, default: 80, description: { zh: 端口, en: ports } }\nBAD: { type: number, default: "ninety", description: { zh: x, en: x } }\n',
  });
  const all = problems(dir).join('\n');
  t.regex(all, /variables\/a\.yaml:2:\d+: variable BAD: default must be a number/);
  t.regex(all, /operator subset_of needs a list of strings\/numbers, but PORTS is number/);
});

test('unknown keys and missing fields are schema errors with paths', (t) => {
  const dir = pack({ 'a/x-1.yaml': CHECK('x-1').replace('severity: high', 'severity: urgent\nseverty: high') });
  const all = problems(dir).join('\n');
  t.regex(all, /x-1\.yaml:4:\d+: severity:/);
  t.regex(all, /Unrecognized key.*severty/i);
});

test('an override of unknown or mistyped variables is refused', (t) => {
  const dir = pack({ 'variables/a.yaml': 'N: { type: number, default: 1, description: { zh: x, en: x } }\n', 'a/x-1.yaml': CHECK('x-1') });
  const p = loadPack(dir);
  t.throws(() => resolveVariables(p, { N: 'x' }), { message: /must be a number/ });
  t.throws(() => resolveVariables(p, { NOPE: 1 }), { message: /unknown pack variable NOPE/ });
});

test('a directory without pack.yaml is not a pack', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwsec-nopack-'));
  t.regex(problems(dir)[0]!, /pack\.yaml is missing/);
});
