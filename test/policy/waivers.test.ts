import test from 'ava';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWaivers, type WaiverFile } from '../../src/policy/waivers.js';
import { applyWaivers } from '../../src/audit/waive.js';
import { GwsecError, GwsecErrorList } from '../../src/model/errors.js';
import type { Report } from '../../src/model/result.js';
import { gwsec } from '../helpers/cli.js';
import { FIXTURES, fixtureReport, tempDir } from '../report/helpers.js';
import { reportJson } from '../helpers/wire.js';

const CHECKS = new Set(['a40-7-ssh-root-login-disabled', 'a40-2-os-supported', 'a40-9-mlps-assessment']);
const TODAY = '2026-12-07';

function problems(text: string, allowExpired = false): string[] {
  try {
    parseWaivers('w.yaml', text, { checks: CHECKS, today: TODAY, allowExpired });
    return [];
  } catch (e) {
    const list = e instanceof GwsecErrorList ? e.errors : [e as GwsecError];
    return list.map((x) => x.format());
  }
}

test('a valid waiver file loads with each entry located', (t) => {
  const f = parseWaivers('w.yaml', ['waivers:', '  - check: a40-2-os-supported', '    hosts: [centos7-*]', '    justification: replaced by web-09 in Q1', '    owner: 张伟', '    approver: 李娜', '    expires: 2027-03-31', '    ticket: SEC-42', ''].join('\n'), { checks: CHECKS, today: TODAY });
  t.deepEqual(f.waivers, [{ check: 'a40-2-os-supported', hosts: ['centos7-*'], justification: 'replaced by web-09 in Q1', owner: '张伟', approver: '李娜', expires: '2027-03-31', ticket: 'SEC-42', where: 'w.yaml:2' }]);
});

test('every problem in a waiver file is reported at once with file:line', (t) => {
  const text = [
    'waivers:',
    '  - check: a40-7-no-such-check', // 2
    '    justification: x',
    '    owner: ops',
    '    expires: 2027-01-01',
    '  - check: a40-2-os-supported', // 6
    '    owner: ops',
    '    expires: 2027-01-01',
    '  - check: a40-2-os-supported', // 9
    '    justification: legacy',
    '    expires: 2027-02-30',
    '  - check: a40-9-mlps-assessment', // 12
    '    justification: done on paper',
    '    owner: ops',
    '    expires: 2026-12-06',
    '    expirse: 2027-01-01',
    '  - check: a40-9-mlps-assessment', // 17
    '    justification: j',
    '    owner: o',
    '    expires: 31/12/2027',
    '',
  ].join('\n');
  t.deepEqual(problems(text), [
    'w.yaml:2:12: waiver 1: unknown check id "a40-7-no-such-check" [waiver_invalid]',
    'w.yaml:6:5: waiver 2: missing justification [waiver_invalid]',
    'w.yaml:9:5: waiver 3: missing owner [waiver_invalid]',
    'w.yaml:11:14: waiver 3: expires "2027-02-30" is not a date written YYYY-MM-DD [waiver_invalid]',
    'w.yaml:16:14: waiver 4: unknown key "expirse" (known: check, hosts, tags, justification, owner, approver, expires, ticket) [waiver_invalid]',
    'w.yaml:15:14: waiver 4 (a40-9-mlps-assessment): expired on 2026-12-06; renew it (new date, approver) or remove it [waiver_invalid]',
    'w.yaml:20:14: waiver 5: expires "31/12/2027" is not a date written YYYY-MM-DD [waiver_invalid]',
  ]);
  // The last day itself still applies; --allow-expired-waivers keeps an expired one (it waives nothing).
  t.deepEqual(problems('waivers:\n  - {check: a40-2-os-supported, justification: j, owner: o, expires: 2026-12-07}\n'), []);
  t.deepEqual(problems('waivers:\n  - {check: a40-2-os-supported, justification: j, owner: o, expires: 2026-12-01}\n', true), []);
  t.regex(problems('- check: x\n')[0]!, /w\.yaml:1:1: a waiver file is a mapping with a list under `waivers:`/);
  t.regex(problems('waivers:\n  - check: [a\n')[0]!, /^w\.yaml:\d+:\d+: YAML syntax/);
});

function report(): Report {
  const ev = [{ fact: 'sshd.effective.permitrootlogin', actual: 'yes', op: 'eq', expected: 'no', status: 'fail' as const }];
  const base = { severity: 'high' as const, article: '40.7', title: { zh: 't', en: 't' }, evidence: ev };
  return {
    schemaVersion: 2,
    tool: { name: 'gwsec', version: 't' },
    generatedAt: '2026-12-07T00:00:00.000Z',
    pack: { id: 'article40', version: '1' },
    hosts: [],
    results: [
      { ...base, check: 'a40-7-ssh-root-login-disabled', host: 'web-01', status: 'fail' },
      { ...base, check: 'a40-7-ssh-root-login-disabled', host: 'db-01', status: 'fail' },
      { ...base, check: 'a40-2-os-supported', host: 'web-01', status: 'pass' },
      { ...base, check: 'a40-9-mlps-assessment', host: 'web-01', status: 'manual' },
    ],
    summary: { pass: 1, fail: 2, not_applicable: 0, error: 0, manual: 1, waived: 0 },
  };
}

const w = (over: Partial<WaiverFile['waivers'][number]>): WaiverFile['waivers'][number] => ({ check: 'a40-7-ssh-root-login-disabled', justification: 'j', owner: 'o', expires: '2027-01-01', where: 'w.yaml:2', ...over });

test('applying waivers: real outcome and evidence kept, state waived, summary recounted; expired counts again; unmatched listed', (t) => {
  const file: WaiverFile = {
    file: 'w.yaml',
    waivers: [
      w({ hosts: ['web-*'], where: 'w.yaml:2' }),
      w({ tags: ['legacy'], expires: '2026-12-01', where: 'w.yaml:7' }),
      w({ check: 'a40-2-os-supported', where: 'w.yaml:12' }),
      w({ hosts: ['nowhere-*'], where: 'w.yaml:17' }),
      w({ check: 'a40-9-mlps-assessment', where: 'w.yaml:22' }),
    ],
  };
  const before = report();
  const out = applyWaivers(before, file, { today: TODAY, hostTags: (h) => (h === 'db-01' ? ['legacy'] : []) });
  t.is(before.results[0]!.status, 'fail', 'pure: the input is not changed');
  const [web, db, os, mlps] = out.results;
  t.is(web!.status, 'waived');
  t.is(web!.outcome, 'fail');
  t.deepEqual(web!.evidence, before.results[0]!.evidence);
  t.deepEqual(web!.waiver, { owner: 'o', justification: 'j', expires: '2027-01-01', where: 'w.yaml:2' });
  t.is(db!.status, 'fail', 'an expired waiver does not waive');
  t.true(db!.waiver?.expired);
  t.is(os!.status, 'pass');
  t.is(mlps!.status, 'waived');
  t.is(mlps!.outcome, 'manual');
  t.deepEqual(out.summary, { pass: 1, fail: 1, not_applicable: 0, error: 0, manual: 0, waived: 2 });
  t.deepEqual(out.waivers, {
    file: 'w.yaml',
    applied: 2,
    expired: [{ check: 'a40-7-ssh-root-login-disabled', where: 'w.yaml:7', expires: '2026-12-01', owner: 'o' }],
    unmatched: [
      { check: 'a40-2-os-supported', where: 'w.yaml:12', reason: 'not_needed' },
      { check: 'a40-7-ssh-root-login-disabled', where: 'w.yaml:17', reason: 'no_result' },
    ],
  });
});

test('gwsec audit --waivers: a bad file stops the run before any host is touched (exit 2, file:line, no report)', async (t) => {
  const dir = await tempDir(t);
  const wf = join(dir, 'waivers.yaml');
  await writeFile(wf, 'waivers:\n  - check: a40-2-os-supported\n    owner: ops\n    expires: 2999-01-01\n');
  const out = join(dir, 'r.json');
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'centos7-web-neglected'), '--waivers', wf, '--report', `json:${out}`]);
  t.is(r.code, 2);
  t.is(r.stderr.trim(), `gwsec: ${wf}:2:5: waiver 1: missing justification [waiver_invalid]`);
  t.false(existsSync(out));
});

test('gwsec audit --waivers: waived results in the JSON report, the run exits 0 when every failure is waived, unmatched waivers are named', async (t) => {
  const { report: plain, dir } = await fixtureReport(t, ['debian12-web-hardened']);
  const failing = [...new Set(plain.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.check))];
  t.true(failing.length > 0, 'the hardened host still has a finding to waive');
  const wf = join(dir, 'waivers.yaml');
  const entries = failing.map((c) => `  - check: ${c}\n    hosts: [debian12-*]\n    justification: "accepted by the security committee: compensating control"\n    owner: ops\n    approver: ciso\n    expires: 2999-12-31\n`);
  await writeFile(wf, `waivers:\n${entries.join('')}  - check: a40-2-os-supported\n    hosts: [nowhere]\n    justification: j\n    owner: o\n    expires: 2999-12-31\n`);
  const out = join(dir, 'w.json');
  const r = gwsec(['audit', '--fixture', join(FIXTURES, 'debian12-web-hardened'), '--waivers', wf, '--report', `json:${out}`]);
  t.is(r.code, 0, r.stderr);
  const rep = reportJson(await readFile(out, 'utf8'));
  t.is(rep.summary.fail + rep.summary.error, 0);
  t.is(rep.summary.waived, plain.summary.fail + plain.summary.error);
  for (const x of rep.results.filter((y) => y.status === 'waived')) {
    t.true(x.outcome === 'fail' || x.outcome === 'error');
    t.true(x.evidence.length > 0);
    t.is(x.waiver?.approver, 'ciso');
  }
  t.deepEqual(rep.waivers?.unmatched, [{ check: 'a40-2-os-supported', where: `${wf}:${2 + failing.length * 6}`, reason: 'no_result' }]);
  t.regex(r.stderr, /waiver matched no result: a40-2-os-supported/);
});
