import test from 'ava';
import { evaluateCheck, type EvalContext } from '../../src/engine/evaluate.js';
import type { Check, Condition } from '../../src/model/check.js';

const ctx: EvalContext = {
  now: new Date('2026-06-01T00:00:00Z'),
  variables: { ALLOWED: [80, 443], MAX: 600 },
  host: { name: 'web-01', roles: ['frontend'] },
  sources: { sshd: ['cmd: sshd-T'], network: ['cmd: network-ss'] },
};

function check(expect: Condition, extra: Partial<Check> = {}): Check {
  return {
    id: 't', article: '40.7', title: { zh: '测', en: 't' }, severity: 'high', scope: 'host', expect,
    rationale: { zh: '-', en: '-' }, remediation: { zh: '-', en: '-' }, references: ['x'], ...extra,
  };
}

const root = { sshd: { installed: true, effective: { permitrootlogin: 'no', clientaliveinterval: '300' } } };

test('a leaf passes and fails, with evidence naming fact, values and source', (t) => {
  const r = evaluateCheck(check({ fact: 'sshd.effective.permitrootlogin', op: 'eq', value: 'no' }), root, ctx);
  t.is(r.status, 'pass');
  t.deepEqual(r.evidence[0], { fact: 'sshd.effective.permitrootlogin', actual: 'no', op: 'eq', expected: 'no', status: 'pass', source: ['cmd: sshd-T'] });
  t.is(evaluateCheck(check({ fact: 'sshd.effective.permitrootlogin', op: 'eq', value: 'yes' }), root, ctx).status, 'fail');
});

test('a missing fact is error by default, never pass or fail', (t) => {
  t.is(evaluateCheck(check({ fact: 'sshd.effective.nothere', op: 'eq', value: 'no' }), root, ctx).status, 'error');
  t.is(evaluateCheck(check({ fact: 'sshd.effective.nothere', op: 'ne', value: 'no' }), root, ctx).status, 'error');
  t.is(evaluateCheck(check({ fact: 'nofamily.x', op: 'eq', value: 1 }), root, ctx).status, 'error');
  // both languages as data, so a zh report does not print English (reports pick by --lang)
  t.deepEqual(evaluateCheck(check({ fact: 'nofamily.x', op: 'eq', value: 1 }), root, ctx).evidence[0]?.message, { zh: '未采集到该事实', en: 'fact absent' });
});

test('missing: manual turns an absent attestation into manual', (t) => {
  const r = evaluateCheck(check({ fact: 'inventory.attestations.dengbao.last_assessment', op: 'age_days_le', value: 365, missing: 'manual' }), { inventory: { attestations: {} } }, ctx);
  t.is(r.status, 'manual');
});

test('a failed collection anywhere on the path is error with its code', (t) => {
  const facts = { sshd: { error: { code: 'permission_denied', message: 'sshd -T: permission denied' } } };
  const r = evaluateCheck(check({ fact: 'sshd.effective.permitrootlogin', op: 'eq', value: 'no' }), facts, ctx);
  t.is(r.status, 'error');
  t.regex(r.evidence[0]!.message!.en, /^permission_denied: sshd -T: permission denied$/);
  t.regex(r.evidence[0]!.message!.zh, /^权限不足，无法读取（permission_denied）：sshd -T: permission denied$/);
  // even a condition that would pass on any value cannot pass
  t.is(evaluateCheck(check({ fact: 'sshd.effective.permitrootlogin', op: 'exists', value: false }), facts, ctx).status, 'error');
});

test('variables are resolved and shown in evidence', (t) => {
  const r = evaluateCheck(check({ fact: 'sshd.effective.clientaliveinterval', op: 'le', var: 'MAX' }), root, ctx);
  t.is(r.status, 'pass');
  t.deepEqual(r.evidence[0]!.expected, { var: 'MAX', value: 600 });
});

test('each: where filters, expect decides, failing elements are evidence', (t) => {
  const facts = {
    network: {
      listeners: [
        { port: 80, public: true },
        { port: 443, public: true },
        { port: 3306, public: true },
        { port: 5432, public: false },
      ],
    },
  };
  const cond: Condition = { each: { fact: 'network.listeners', where: { fact: '@.public', op: 'eq', value: true }, expect: { fact: '@.port', op: 'in', var: 'ALLOWED' } } };
  const r = evaluateCheck(check(cond), facts, ctx);
  t.is(r.status, 'fail');
  t.is(r.evidence.length, 1);
  t.is(r.evidence[0]!.fact, 'network.listeners[2].port');
  t.is(r.evidence[0]!.actual, 3306);
  // all good -> pass with a count as evidence
  facts.network.listeners.splice(2, 1);
  const ok = evaluateCheck(check(cond), facts, ctx);
  t.is(ok.status, 'pass');
  t.regex(String(ok.evidence[0]!.actual), /2 of 3/);
});

test('each over an empty list passes unless min says otherwise; a non-list errs', (t) => {
  const cond = (min?: number): Condition => ({ each: { fact: 'a.list', expect: { fact: '@', op: 'eq', value: 1 }, min } });
  t.is(evaluateCheck(check(cond()), { a: { list: [] } }, ctx).status, 'pass');
  t.is(evaluateCheck(check(cond(1)), { a: { list: [] } }, ctx).status, 'fail');
  t.is(evaluateCheck(check(cond()), { a: { list: 'x' } }, ctx).status, 'error');
  t.is(evaluateCheck(check(cond()), { a: { list: [1, null] } }, ctx).status, 'error');
});

test('applies: roles and when gate to not_applicable; a when that errs is error', (t) => {
  const expect: Condition = { fact: 'sshd.effective.permitrootlogin', op: 'eq', value: 'no' };
  t.is(evaluateCheck(check(expect, { applies: { roles: ['backend'] } }), root, ctx).status, 'not_applicable');
  t.is(evaluateCheck(check(expect, { applies: { roles: ['frontend'] } }), root, ctx).status, 'pass');
  t.is(evaluateCheck(check(expect, { applies: { when: { fact: 'sshd.installed', op: 'eq', value: false } } }), root, ctx).status, 'not_applicable');
  t.is(evaluateCheck(check(expect, { applies: { when: { fact: 'ftp.installed', op: 'eq', value: true } } }), root, ctx).status, 'error');
  t.is(evaluateCheck(check(expect, { applies: { os: ['windows'] } }), { ...root, os: { kernel: 'linux' } }, ctx).status, 'not_applicable');
});

test('the evaluator is pure: same input, same output, input untouched', (t) => {
  const facts = structuredClone(root);
  const c = check({ any: [{ fact: 'sshd.effective.permitrootlogin', op: 'eq', value: 'no' }, { fact: 'x.y', op: 'eq', value: 1 }] });
  const a = evaluateCheck(c, facts, ctx);
  const b = evaluateCheck(c, facts, ctx);
  t.deepEqual(a, b);
  t.deepEqual(facts, root);
  t.is(a.status, 'pass'); // any: a pass beats an error
});
