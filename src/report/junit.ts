import { create } from 'xmlbuilder2';
import type { Report, Result } from '../model/result.js';
import type { FormatOptions } from './options.js';
import { decisiveEvidence, evidenceLine, hostErrorMessage, inLang, xmlSafe } from './evidence.js';
import { SEVERITY_LABEL, STATUS_LABEL } from './labels.js';

/**
 * JUnit XML for CI pipelines (Jenkins/GitLab schema, validated in tests against the vendored XSD):
 * one <testsuite> per host (fleet checks as "fleet"), one <testcase> per check. fail -> <failure>,
 * error -> <error>, not applicable / manual / waived -> <skipped> with the reason as text (the
 * schema gives <skipped> no attributes). Written through xmlbuilder2, which escapes; characters
 * XML 1.0 cannot carry at all are replaced first.
 */
export function formatJunit(report: Report, o: FormatOptions): string {
  const x = (s: string) => xmlSafe(s);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: x(`gwsec ${report.pack.id} ${report.pack.version}`),
    tests: String(report.results.length),
    failures: String(report.summary.fail),
    errors: String(report.summary.error),
  });
  const byHost = new Map<string, Result[]>();
  for (const h of report.hosts) byHost.set(h.name, []);
  for (const r of report.results) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  for (const [host, results] of byHost) {
    const rec = report.hosts.find((h) => h.name === host);
    const hostError = rec?.error ? 1 : 0;
    const suite = root.ele('testsuite', {
      name: x(host === '*' ? 'fleet' : host),
      tests: String(results.length + hostError),
      failures: String(results.filter((r) => r.status === 'fail').length),
      errors: String(results.filter((r) => r.status === 'error').length + hostError),
      skipped: String(results.filter((r) => r.status === 'not_applicable' || r.status === 'manual' || r.status === 'waived').length),
      time: ((rec?.durationMs ?? 0) / 1000).toFixed(3),
      timestamp: report.generatedAt.replace(/\.\d+Z$/, '').replace(/Z$/, ''),
      hostname: x(host === '*' ? 'fleet' : host),
    });
    suite
      .ele('properties')
      .ele('property', { name: 'transport', value: x(rec?.transport ?? '') }).up()
      .ele('property', { name: 'platform', value: x(rec?.platform.pretty ?? rec?.platform.os ?? '') }).up()
      .ele('property', { name: 'status', value: rec?.status ?? 'ok' });
    // A host that could not be audited is a test error of its own, so CI never reads it as green.
    if (rec?.error) {
      const why = inLang(hostErrorMessage(rec.error), o);
      suite.ele('testcase', { name: 'host reachable', classname: x(`gwsec.${host}`) }).ele('error', { type: x(rec.status ?? rec.error.code), message: x(why) }).txt(x(why));
    }
    for (const r of results) testcase(suite, r, o, x);
  }
  return root.end({ prettyPrint: true }) + '\n';
}

type XMLBuilder = ReturnType<typeof create>;

function testcase(suite: XMLBuilder, r: Result, o: FormatOptions, x: (s: string) => string): void {
  const tc = suite.ele('testcase', { name: x(`${r.check}: ${r.title[o.lang]}`), classname: x(`gwsec.article-${r.article}`), status: r.status });
  const lines = decisiveEvidence(r).map((e) => evidenceLine(e, o));
  const sev = SEVERITY_LABEL[r.severity][o.lang];
  if (r.status === 'fail') tc.ele('failure', { type: r.severity, message: x(`[${sev}] ${r.title[o.lang]}`) }).txt(x(lines.join('\n')));
  else if (r.status === 'error') tc.ele('error', { type: 'could_not_decide', message: x(lines[0] ?? r.title[o.lang]) }).txt(x(lines.join('\n')));
  else if (r.status === 'waived' && r.waiver) {
    tc.ele('skipped').txt(x(`${STATUS_LABEL.waived[o.lang]} (${STATUS_LABEL[r.outcome ?? 'fail'][o.lang]}): ${r.waiver.justification} — ${r.waiver.owner}, ${r.waiver.expires}`));
  } else if (r.status !== 'pass') tc.ele('skipped').txt(x(`${STATUS_LABEL[r.status][o.lang]}: ${lines[0] ?? ''}`));
  if (r.status === 'manual' || r.status === 'not_applicable' || r.status === 'waived') tc.ele('system-out').txt(x(lines.join('\n')));
}
