import type { Report } from '../model/result.js';
import type { FormatOptions } from './options.js';
import type { Bilingual } from '../model/status.js';
import { GwsecError } from '../model/errors.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatHtml } from './html.js';
import { formatDengbaoHtml, formatDengbaoMarkdown } from './dengbao.js';

export type { FormatOptions } from './options.js';

export interface ReportFormat {
  id: string;
  describe: Bilingual;
  /** Whether the output is meant for a terminal (only these may go to stdout among several). */
  terminal?: boolean;
  render: (r: Report, o: FormatOptions) => string;
}

/**
 * The one formatter registry: (report, options) -> string. Every entry has a test under
 * test/report/ and a section in docs/GUIDE.*.md (test/report/registry.test.ts checks both).
 */
export const reportFormats: ReportFormat[] = [
  { id: 'text', describe: { zh: '终端文本', en: 'terminal text' }, terminal: true, render: (r, o) => formatText(r, o) },
  { id: 'json', describe: { zh: 'JSON（稳定的机器格式）', en: 'JSON, the stable machine format' }, render: (r) => formatJson(r) },
  { id: 'junit', describe: { zh: 'JUnit XML（CI 流水线）', en: 'JUnit XML for CI pipelines' }, render: formatJunit },
  { id: 'sarif', describe: { zh: 'SARIF 2.1.0（安全态势平台）', en: 'SARIF 2.1.0 for security dashboards' }, render: formatSarif },
  { id: 'html', describe: { zh: '单文件 HTML 报告（离线可看，中英文）', en: 'one self-contained HTML file (offline, zh and en)' }, render: formatHtml },
  { id: 'dengbao', describe: { zh: '等保测评记录（Markdown）', en: 'MLPS (等保) assessment record, Markdown' }, render: formatDengbaoMarkdown },
  { id: 'dengbao-html', describe: { zh: '等保测评记录（HTML）', en: 'MLPS (等保) assessment record, HTML' }, render: formatDengbaoHtml },
];

export const formatIds = (): string[] => reportFormats.map((f) => f.id);

export function reportFormat(id: string): ReportFormat {
  const f = reportFormats.find((x) => x.id === id);
  if (!f) throw new GwsecError('usage_error', { en: `unknown report format "${id}" (known: ${formatIds().join(', ')})`, zh: `未知的报告格式“${id}”（可用：${formatIds().join('、')}）` });
  return f;
}

/** Back-compatible map view of the registry. */
export const formatters: Record<string, (r: Report, o: FormatOptions) => string> = Object.fromEntries(reportFormats.map((f) => [f.id, f.render]));

export interface ReportTarget {
  format: string;
  /** Undefined: standard output. */
  path?: string;
}

/**
 * `--report text,json:out.json --report sarif:x.sarif` -> targets, checked before any host is
 * touched: known formats, at most one report on standard output, no file written twice.
 */
export function parseReportTargets(specs: string[]): ReportTarget[] {
  const targets: ReportTarget[] = [];
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const item = spec.trim();
    if (!item) continue;
    const i = item.indexOf(':');
    const format = i < 0 ? item : item.slice(0, i);
    const path = i < 0 ? undefined : item.slice(i + 1);
    reportFormat(format);
    if (path === '') throw new GwsecError('usage_error', { en: `--report ${item}: give a file after the colon, or drop the colon for standard output`, zh: `--report ${item}：请在冒号后写文件名；如要输出到标准输出，请去掉冒号` });
    targets.push({ format, ...(path !== undefined && path !== '-' ? { path } : {}) });
  }
  const toStdout = targets.filter((t) => !t.path);
  if (toStdout.length > 1) throw new GwsecError('usage_error', {
      en: `--report: only one report can go to standard output (${toStdout.map((t) => t.format).join(', ')}); give the others a file (format:FILE)`,
      zh: `--report：只能有一份报告输出到标准输出（${toStdout.map((t) => t.format).join('、')}）；其余请按 格式:文件 指定文件`,
    });
  const paths = targets.filter((t) => t.path).map((t) => t.path!);
  const dup = paths.find((p, k) => paths.indexOf(p) !== k);
  if (dup) throw new GwsecError('usage_error', { en: `--report: ${dup} is given twice`, zh: `--report：${dup} 被指定了两次` });
  return targets;
}
