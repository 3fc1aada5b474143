import test from 'ava';
import AjvDraft04 from 'ajv-draft-04';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { formatSarif } from '../../src/report/sarif.js';
import { embeddedPack } from '../helpers/audit.js';
import { SCHEMAS, fixtureReport, hostileReport } from './helpers.js';

const schema = JSON.parse(readFileSync(join(SCHEMAS, 'sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// ajv-draft-04 is CommonJS: under NodeNext its class is the default export's `default`.
// The schema's language pattern is not a valid unicode regexp, hence unicodeRegExp: false.
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

function valid(log: unknown): string {
  return validate(log) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

test('covers format: sarif — a real audit validates against the published SARIF 2.1.0 schema', async (t) => {
  const { report } = await fixtureReport(t);
  const checks = new Map(embeddedPack().checks.map((c) => [c.id, c]));
  const log = JSON.parse(formatSarif(report, { lang: 'en', color: false, checks })) as Sarif.Log;
  t.is(valid(log), '');
  // The validator is live: a wrong kind is caught.
  t.regex(valid({ ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0]!.results![0], kind: 'broken' }] }] }), /kind/);
  const run = log.runs[0]!;
  t.is(log.version, '2.1.0');
  t.is(run.results!.length, report.results.length);
  t.is(run.results!.filter((r) => r.kind === 'fail').length, report.summary.fail);
  // Every rule carries its article and severity; results point at their rule.
  for (const rule of run.tool.driver.rules!) {
    t.truthy(rule.properties?.article, rule.id);
    t.truthy(rule.properties?.severity, rule.id);
  }
  const eol = run.results!.find((r) => r.ruleId === 'a40-2-os-supported' && r.properties?.host === 'centos7-web-neglected')!;
  t.is(eol.kind, 'fail');
  t.is(eol.level, 'error');
  t.is(run.tool.driver.rules![eol.ruleIndex!]!.id, 'a40-2-os-supported');
  t.is(eol.properties?.article, '40.2');
  // The finding was read from /etc/os-release on that host: a physical and a logical location.
  t.deepEqual(eol.locations![0]!.physicalLocation?.artifactLocation, { uri: 'etc/os-release', uriBaseId: 'HOSTROOT' });
  t.deepEqual(eol.locations![0]!.logicalLocations, [{ name: 'centos7-web-neglected', kind: 'host' }]);
  t.truthy(run.tool.driver.rules![eol.ruleIndex!]!.help?.text, 'remediation as help');
  // A config finding whose fact records file and line: the sudoers rule that grants blanket root.
  const sudo = run.results!.find((r) => r.ruleId === 'a40-8-no-blanket-sudo' && r.properties?.host === 'centos7-web-neglected')!;
  t.deepEqual(sudo.locations![0]!.physicalLocation, { artifactLocation: { uri: 'etc/sudoers.d/test', uriBaseId: 'HOSTROOT' }, region: { startLine: 1 } });
});

test('sarif: a recorded line becomes a region; waived results are accepted suppressions that keep their real kind', (t) => {
  const rep = hostileReport();
  const r0 = rep.results[0]!;
  r0.status = 'waived';
  r0.outcome = 'fail';
  r0.waiver = { owner: 'ops', justification: 'legacy box, retired in Q1', expires: '2027-03-31', where: 'waivers.yaml:3' };
  const log = JSON.parse(formatSarif(rep, { lang: 'zh', color: false })) as Sarif.Log;
  t.is(valid(log), '');
  const res = log.runs[0]!.results![0]!;
  t.deepEqual(res.locations![0]!.physicalLocation, { artifactLocation: { uri: 'etc/ssh/sshd_config', uriBaseId: 'HOSTROOT' }, region: { startLine: 12 } });
  t.is(res.kind, 'fail');
  t.is(res.suppressions?.[0]?.status, 'accepted');
  t.regex(res.suppressions![0]!.justification!, /legacy box.*ops.*2027-03-31/);
  // Hostile text is just JSON data.
  t.true(res.message.text!.includes('<script>'));
});

test('sarif lists a host that could not be audited as an open result', (t) => {
  const rep = hostileReport();
  rep.hosts[0]!.status = 'auth_failed';
  rep.hosts[0]!.error = { code: 'transport_auth_error', message: 'all authentication methods failed' };
  const log = JSON.parse(formatSarif(rep, { lang: 'en', color: false })) as Sarif.Log;
  t.is(valid(log), '');
  t.false(log.runs[0]!.invocations![0]!.executionSuccessful);
  const res = log.runs[0]!.results!.find((r) => r.ruleId === 'gwsec-host-unreachable');
  t.is(res?.kind, 'open');
  t.is(res?.properties?.status, 'auth_failed');
});
