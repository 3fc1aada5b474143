import type * as Sarif from 'sarif';
import type { Report, Result } from '../model/result.js';
import type { Severity, Status } from '../model/status.js';
import type { FormatOptions } from './options.js';
import { decisiveEvidence, evidenceLine, fileLocation, hostErrorMessage, inLang } from './evidence.js';
import { STATUS_LABEL } from './labels.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Sarif.Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** SARIF's own vocabulary for outcomes: `open` is "could not be determined", `review` needs a person. */
const KIND: Record<Exclude<Status, 'waived'>, Sarif.Result.kind> = { pass: 'pass', fail: 'fail', not_applicable: 'notApplicable', error: 'open', manual: 'review' };

/**
 * SARIF 2.1.0 for security dashboards (validated in tests against the published schema). One run;
 * one rule per check (article, severity, remediation); one result per (check, host) with the real
 * outcome as `kind`, a waiver as an accepted external suppression, the host as a logical location
 * and, when the evidence names a file, that file (and line, when recorded) as the physical location.
 */
export function formatSarif(report: Report, o: FormatOptions): string {
  const ruleIds = [...new Set(report.results.map((r) => r.check))];
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => {
    const r = report.results.find((x) => x.check === id)!;
    const check = o.checks?.get(id);
    return {
      id,
      name: id,
      shortDescription: { text: r.title[o.lang] },
      ...(check?.rationale ? { fullDescription: { text: check.rationale[o.lang].trim() } } : {}),
      ...(check?.remediation ? { help: { text: check.remediation[o.lang].trim() } } : {}),
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { article: r.article, severity: r.severity, tags: ['security', `article-${r.article}`], ...(check?.references?.length ? { references: check.references } : {}) },
    };
  });
  const results: Sarif.Result[] = report.results.map((r) => result(r, ruleIds.indexOf(r.check), o));
  for (const h of report.hosts.filter((x) => x.error)) {
    results.push({ ruleId: 'gwsec-host-unreachable', kind: 'open', level: 'error', message: { text: `${h.name}: ${inLang(hostErrorMessage(h.error!), o)}` }, locations: [hostLocation(h.name)], properties: { host: h.name, status: h.status, code: h.error!.code, error: h.error } });
  }
  if (report.hosts.some((x) => x.error)) rules.push({ id: 'gwsec-host-unreachable', shortDescription: { text: o.lang === 'zh' ? '主机无法核查' : 'Host could not be audited' }, defaultConfiguration: { level: 'error' } });
  const log: Sarif.Log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gwsec', version: report.tool.version, semanticVersion: report.tool.version, informationUri: 'https://www.npmjs.com/package/gwsec', rules } },
        originalUriBaseIds: { HOSTROOT: { uri: 'file:///', description: { text: 'the root of the audited host' } } },
        invocations: [{ executionSuccessful: !report.hosts.some((h) => h.error), endTimeUtc: report.generatedAt }],
        properties: { pack: report.pack, summary: report.summary },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function hostLocation(host: string): Sarif.Location {
  return { logicalLocations: [{ name: host === '*' ? 'fleet' : host, kind: 'host' }] };
}

function result(r: Result, ruleIndex: number, o: FormatOptions): Sarif.Result {
  const outcome = r.status === 'waived' ? (r.outcome ?? 'fail') : r.status;
  const lines = decisiveEvidence(r).map((e) => evidenceLine(e, o));
  const where = fileLocation(r);
  const location: Sarif.Location = hostLocation(r.host);
  if (where) location.physicalLocation = { artifactLocation: { uri: where.path.replace(/^\//, ''), uriBaseId: 'HOSTROOT' }, ...(where.line ? { region: { startLine: where.line } } : {}) };
  const host = r.host === '*' ? 'fleet' : r.host;
  const out: Sarif.Result = {
    ruleId: r.check,
    ruleIndex,
    kind: KIND[outcome === 'waived' ? 'fail' : outcome],
    level: outcome === 'fail' ? LEVEL[r.severity] : outcome === 'error' ? 'warning' : 'none',
    message: { text: `${host}: ${STATUS_LABEL[r.status][o.lang]} — ${r.title[o.lang]}${lines.length && outcome !== 'pass' ? `\n${lines.join('\n')}` : ''}` },
    locations: [location],
    properties: { host, article: r.article, severity: r.severity, status: r.status, evidence: r.evidence },
  };
  if (r.waiver && !r.waiver.expired) {
    out.suppressions = [{ kind: 'external', status: 'accepted', justification: `${r.waiver.justification} (owner ${r.waiver.owner}${r.waiver.approver ? `, approver ${r.waiver.approver}` : ''}, until ${r.waiver.expires}${r.waiver.ticket ? `, ${r.waiver.ticket}` : ''})`, location: { message: { text: r.waiver.where } } }];
  }
  return out;
}
