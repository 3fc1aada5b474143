import type { Evidence, Report, Result } from '../model/result.js';
import { SEVERITIES, STATUSES, type Status } from '../model/status.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Check } from '../model/check.js';

export interface TextOptions {
  lang: Lang;
  color: boolean;
  /** Show evidence for passing results too. */
  verbose?: boolean;
  /** Remediation text per check id, when the pack is at hand. */
  checks?: Map<string, Check>;
}

const COLORS: Record<Status, string> = {
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  error: '\x1b[35m',
  manual: '\x1b[33m',
  not_applicable: '\x1b[90m',
  waived: '\x1b[36m',
};

/** Human report: grouped by host, then article; counts by state and, for failures, by severity. */
export function formatText(report: Report, o: TextOptions): string {
  const tr = translator(o.lang);
  const paint = (s: Status, text: string) => (o.color ? `${COLORS[s]}${text}\x1b[0m` : text);
  const lines: string[] = [tr('report.title', { pack: `${report.pack.id} ${report.pack.version}` }), ''];
  const groups = new Map<string, Result[]>();
  for (const r of report.results) groups.set(r.host, [...(groups.get(r.host) ?? []), r]);
  for (const [host, results] of groups) {
    const h = report.hosts.find((x) => x.name === host);
    lines.push(
      host === '*'
        ? tr('report.fleet')
        : tr('report.host', { host, transport: h?.transport ?? '?', platform: h?.platform.pretty ?? h?.platform.os ?? '?', ms: h?.durationMs ?? 0 }),
    );
    if (h?.error) lines.push(`  ${paint('error', h.error.message)}`);
    for (const n of h?.notices ?? []) lines.push(`  ${paint('manual', n)}`);
    const byArticle = new Map<string, Result[]>();
    for (const r of results) byArticle.set(r.article, [...(byArticle.get(r.article) ?? []), r]);
    const articles = [...byArticle.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const a of articles) {
      lines.push(`  ${tr('report.article', { article: a })}`);
      for (const r of byArticle.get(a)!) {
        const label = tr(`status.${r.status}`).padEnd(o.lang === 'zh' ? 4 : 7);
        const sev = tr(`severity.${r.severity}`);
        lines.push(`    ${paint(r.status, label)} ${sev.padEnd(o.lang === 'zh' ? 2 : 8)} ${r.check}  ${r.title[o.lang]}`);
        if ((r.status !== 'pass' && r.status !== 'not_applicable') || o.verbose) {
          // For a finding, the leaves that decided it; passing leaves only add noise (JSON keeps all).
          const decisive = o.verbose ? r.evidence : r.evidence.filter((e) => e.status !== 'pass');
          const shown = decisive.length ? decisive : r.evidence;
          for (const e of shown.slice(0, 8)) lines.push(`           ${formatEvidence(e, tr)}`);
          if (shown.length > 8) lines.push(`           … +${shown.length - 8}`);
        }
        const fix = o.checks?.get(r.check)?.remediation[o.lang];
        if (r.status === 'fail' && fix) lines.push(`           ${tr('report.remediation')}: ${fix.trim().split('\n')[0]}`);
      }
    }
    lines.push('');
  }
  lines.push(`${tr('report.summary')}: ${STATUSES.map((s) => `${paint(s, tr(`status.${s}`))} ${report.summary[s]}`).join('  ')}`);
  const failing = report.results.filter((r) => r.status === 'fail');
  const bySev = SEVERITIES.map((s) => [s, failing.filter((r) => r.severity === s).length] as const).filter(([, n]) => n > 0);
  lines.push(`${tr('report.failuresBySeverity')}: ${bySev.length ? bySev.map(([s, n]) => `${tr(`severity.${s}`)} ${n}`).join('  ') : tr('report.none')}`);
  return lines.join('\n') + '\n';
}

function formatEvidence(e: Evidence, tr: ReturnType<typeof translator>): string {
  const actual = short(e.actual);
  const expected = e.op ? ` (${tr('report.expected')} ${e.op} ${short(e.expected)})` : '';
  const src = e.source?.length ? ` [${e.source.slice(0, 2).join(', ')}${e.source.length > 2 ? ', …' : ''}]` : '';
  const msg = e.message ? ` — ${e.message}` : '';
  return `${e.fact} = ${actual}${expected}${msg}${src}`;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
  return s.length > 120 ? s.slice(0, 117) + '…' : s;
}
