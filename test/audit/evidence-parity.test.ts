/**
 * Evidence messages are `{ zh, en }` data (issue 17): every message any producer emits carries both
 * languages, the Chinese one in Chinese. Walked over what real runs produce — the pack over the six
 * recorded hosts and over every ComplianceAsCode scenario, every case of the pack — and over the
 * producers' whole vocabularies (fact error codes, operators that cannot compare, partial merges).
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Check } from '../../src/model/check.js';
import type { Evidence, Result } from '../../src/model/result.js';
import { FACT_ERROR_ZH, TRANSPORT_ERROR_ZH, type FactError } from '../../src/model/errors.js';
import { evaluateCheck } from '../../src/engine/evaluate.js';
import { operators } from '../../src/engine/operators.js';
import { markPartial } from '../../src/audit/shards.js';
import { derivers } from '../../src/audit/registry.js';
import { deriveAll } from '../../src/audit/derive.js';
import { fleetSeparation } from '../../src/facts/separation.js';
import { runCases } from '../../src/policy/tester.js';
import { FixtureTransport } from '../../src/transport/fixture.js';
import { packageRoot } from '../../src/util/paths.js';
import { auditWith, embeddedPack } from '../helpers/audit.js';
import { loadScenarios, scenarioHost } from '../helpers/cac.js';

const CJK = /[\u4e00-\u9fff]/;
const HOSTS = join(packageRoot(), 'test', 'fixtures', 'hosts');
const NOW = new Date('2026-11-25T04:00:00Z');

/** Every way a message can lack a language, named with the result it came from. */
function problems(results: Array<Pick<Result, 'check' | 'host' | 'evidence'>>): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const e of r.evidence) {
      const why = lacks(e);
      if (why) out.push(`${r.host} ${r.check} ${e.fact}: ${why} — ${JSON.stringify(e.message)}`);
    }
  }
  return out;
}

function lacks(e: Evidence): string | undefined {
  if (e.message === undefined) return undefined;
  const m = e.message as unknown;
  if (typeof m !== 'object' || m === null) return 'not a { zh, en } pair';
  const { zh, en } = m as { zh?: unknown; en?: unknown };
  if (typeof zh !== 'string' || !zh.trim()) return 'no zh';
  if (typeof en !== 'string' || !en.trim()) return 'no en';
  if (!CJK.test(zh)) return 'zh is not Chinese';
  return undefined;
}

const count = (rs: Result[]) => rs.reduce((n, r) => n + r.evidence.filter((e) => e.message).length, 0);

test('the parity rule itself: a string message, a missing or non-Chinese language is caught', (t) => {
  const r = (message: unknown) => ({ check: 'c', host: 'h', evidence: [{ fact: 'f', actual: null, status: 'error', message } as Evidence] });
  t.deepEqual(problems([r({ zh: '未采集到该事实', en: 'fact absent' })]), []);
  t.regex(problems([r('fact absent / 未采集到该事实')])[0]!, /not a \{ zh, en \} pair/);
  t.regex(problems([r({ zh: '', en: 'fact absent' })])[0]!, /no zh/);
  t.regex(problems([r({ zh: '未采集到该事实' })])[0]!, /no en/);
  t.regex(problems([r({ zh: 'fact absent', en: 'fact absent' })])[0]!, /zh is not Chinese/);
});

test('the pack over the six recorded hosts: every evidence message has both languages', async (t) => {
  const hosts = readdirSync(HOSTS).filter((d) => existsSync(join(HOSTS, d, 'host.yaml'))).sort();
  t.true(hosts.length >= 6);
  let n = 0;
  for (const host of hosts) {
    const fx = FixtureTransport.fromDir(join(HOSTS, host));
    const meta = parse(readFileSync(join(HOSTS, host, 'host.yaml'), 'utf8')) as { attestations?: Record<string, unknown> };
    const { results } = await auditWith(fx, { roles: fx.roles, publicIps: fx.publicIp ? [fx.publicIp] : [], attestations: meta.attestations, now: NOW });
    t.deepEqual(problems(results), [], host);
    n += count(results);
  }
  t.true(n >= 50, `only ${n} messages: the walk must see the real producers`);
});

test('the pack over every ComplianceAsCode scenario: every evidence message has both languages', async (t) => {
  const scenarios = loadScenarios(['A', 'B', 'C', 'D', 'E']);
  t.true(scenarios.length >= 100);
  const hostChecks = embeddedPack().checks.filter((c) => c.scope !== 'fleet').map((c) => c.id);
  let n = 0;
  for (const s of scenarios) {
    // no command is recorded: every command-fed fact is a `not_recorded` error, which must read in both languages too
    const { results } = await auditWith(scenarioHost(s), { checks: hostChecks, now: NOW });
    t.deepEqual(problems(results), [], s.file);
    n += count(results);
  }
  t.true(n >= scenarios.length, `only ${n} messages`);
});

test('every case of every check: every evidence message has both languages', (t) => {
  const outcomes = runCases(embeddedPack());
  t.true(outcomes.length >= 100);
  t.deepEqual(problems(outcomes.map((o) => ({ check: o.check, host: o.name, evidence: o.evidence }))), []);
});

test('every fact error code, every operator that cannot compare, the evaluator and the merge speak both languages', (t) => {
  const leaf = (fact: string, op: string, value: unknown, missing?: 'manual'): Check => ({
    id: 'x', article: '40.7', title: { zh: '标题', en: 'title' }, severity: 'low', scope: 'host', rationale: { zh: '', en: '' }, remediation: { zh: '', en: '' }, references: [],
    expect: { fact, op, value, ...(missing ? { missing, message: { zh: '请在资产清单中声明', en: 'declare it in the inventory' } } : {}) },
  });
  const ctx = { now: NOW, variables: {}, host: { name: 'h', roles: [] } };
  const results: Result[] = [];
  for (const code of Object.keys(FACT_ERROR_ZH) as Array<FactError['code']>) {
    results.push(evaluateCheck(leaf('f.x', 'eq', 1), { f: { error: { code, message: 'detail' } } }, ctx));
  }
  // a host that could not be audited: every family carries the transport's error
  for (const code of Object.keys(TRANSPORT_ERROR_ZH)) results.push(evaluateCheck(leaf('f.x', 'eq', 1), { f: { error: { code, message: 'web-01: detail', zh: 'web-01：说明' } } }, ctx));
  results.push(evaluateCheck(leaf('f.x', 'eq', 1), { f: { error: { code: 'some_new_code', message: 'detail' } } }, ctx));
  for (const op of operators.values()) {
    for (const odd of [{ a: 1 }, 'not-a-version', 42, ['x']]) {
      const value = op.value === 'list' || op.value === 'cidrs' ? ['10.0.0.0/8'] : op.value === 'boolean' ? true : op.value === 'ranges' ? [{ from: '1', to: '2' }] : op.value === 'regex' ? 'x' : op.value === 'number' ? 1 : 'x';
      results.push(evaluateCheck(leaf('f.x', op.name, value), { f: { x: odd } }, ctx));
    }
  }
  results.push(evaluateCheck(leaf('f.x', 'no_such_op', 1), { f: { x: 1 } }, ctx));
  results.push(evaluateCheck(leaf('f.x', 'eq', undefined), { f: { x: 1 } }, ctx));
  results.push(evaluateCheck(leaf('f.gone', 'eq', 1), { f: {} }, ctx));
  results.push(evaluateCheck(leaf('f.gone', 'eq', 1, 'manual'), { f: {} }, ctx));
  const each = (spec: object): Check => ({ ...leaf('f', 'eq', 1), expect: { each: { fact: 'f.list', expect: { fact: '@', op: 'eq', value: 1 }, ...spec } } as Check['expect'] });
  results.push(evaluateCheck(each({}), { f: { list: 'x' } }, ctx));
  results.push(evaluateCheck(each({ min: 3 }), { f: { list: [1] } }, ctx));
  results.push(evaluateCheck(each({}), { f: { list: Array.from({ length: 30 }, () => 2) } }, ctx));
  results.push(markPartial(results[0]!, { present: [1], count: 2 }), markPartial(results[0]!, { present: [], count: 2 }));
  t.deepEqual(problems(results), []);
  t.deepEqual(results.filter((r) => r.status === 'error' && !r.evidence.some((e) => e.message)).map((r) => JSON.stringify(r.evidence)), [], 'every error says why');
  t.true(results.filter((r) => r.status === 'error').length >= Object.keys(FACT_ERROR_ZH).length + operators.size);
});

/** Every `{ error }` in a fact tree, with its path. */
function factErrors(v: unknown, at: string, out: Array<{ at: string; error: FactError }> = []): Array<{ at: string; error: FactError }> {
  if (v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) v.forEach((x, i) => factErrors(x, `${at}[${i}]`, out));
  else if ('error' in v && typeof (v as { error?: { code?: unknown } }).error?.code === 'string') out.push({ at, error: (v as { error: FactError }).error });
  else for (const [k, x] of Object.entries(v)) factErrors(x, `${at}.${k}`, out);
  return out;
}

test('a fact error a deriver writes in words carries its Chinese (error.zh), so a zh report has no English prose', (t) => {
  const env = { variables: { BACKUP_PATHS: ['/nowhere'] }, geo: () => null, host: { name: 'h', roles: [], publicIps: [] } };
  const errs: Array<{ at: string; error: FactError }> = [];
  // nothing collected: each deriver says which family it misses (or fails, and deriveAll says so)
  for (const d of derivers) {
    const out = deriveAll({}, [d], env);
    errs.push(...factErrors(out[d.id], d.id));
  }
  // what they read but cannot see: unreadable backup directories and scripts, unreadable log files
  const backup = { dirs: [{ path: '/var/backups', exists: true, newest: null, unreadable: ['/var/backups/x'] }], jobs: [], unreadable: ['/etc/cron.d/b'] };
  const logging = { files: [], unreadable_files: ['/var/log/secure'], logrotate: { error: { code: 'permission_denied', message: 'x' } }, services: { rsyslog: 'active', syslog_ng: 'absent', auditd: 'absent', journald: 'active' } };
  const some = deriveAll({ backup, logging, accounts: { users: [], groups: [] } }, derivers.filter((d) => ['backup_status', 'logperms'].includes(d.id)), { ...env, variables: {} });
  errs.push(...factErrors(some.backup_status, 'backup_status'), ...factErrors(some.logperms, 'logperms'));
  errs.push(...factErrors(deriveAll({ backup: { ...backup, unreadable: [] } }, derivers.filter((d) => d.id === 'backup_status'), env).backup_status, 'backup_status(BACKUP_PATHS)'));
  errs.push(...factErrors(fleetSeparation([{ name: 'a', roles: ['frontend'] }, { name: 'b', roles: ['backend'] }]), 'separation'));
  t.true(errs.length >= derivers.length, errs.map((e) => e.at).join(', '));
  t.deepEqual(errs.filter((e) => !e.error.zh || !CJK.test(e.error.zh)).map((e) => `${e.at}: ${JSON.stringify(e.error)}`), []);
});

