import type { Report, Result } from '../model/result.js';
import type { Check } from '../model/check.js';
import type { FormatOptions } from './options.js';
import { decisiveEvidence, shortJson } from './evidence.js';
import type { Evidence } from '../model/result.js';
import { STATUS_LABEL, articleLabel } from './labels.js';
import { escapeHtml as esc } from '../util/html.js';

/**
 * The 等保 assessment record (测评记录) assessors fill in, per host: 测评项 (the GB/T 22239-2019
 * control point a check cites), 测评指标 (the check as a requirement, with the regulation's article),
 * 结果记录 (what was found, from the evidence) and 符合情况. The mapping from result states is in
 * docs/DENGBAO.md: error and manual are never 符合; a waiver is an accepted risk, not compliance.
 */
export type Conformity = '符合' | '部分符合' | '不符合' | '不适用';

/** Per result. A control point with both 符合 and 不符合 rows is 部分符合 (see controlConformity). */
export function conformity(r: Pick<Result, 'status' | 'outcome'>): Conformity {
  switch (r.status) {
    case 'pass':
      return '符合';
    case 'not_applicable':
      return '不适用';
    default:
      return '不符合'; // fail, error (no evidence), manual (not yet attested), waived (accepted risk)
  }
}

export function controlConformity(rows: Conformity[]): Conformity {
  const real = rows.filter((c) => c !== '不适用');
  if (!real.length) return '不适用';
  if (real.every((c) => c === '符合')) return '符合';
  if (real.some((c) => c === '符合')) return '部分符合';
  return '不符合';
}

/** GB/T 22239-2019 level-3 layers (8.1.x) and the control points of the technical layers (8.1.x.y). */
const LAYERS: Record<string, string> = {
  '8.1.1': '安全物理环境',
  '8.1.2': '安全通信网络',
  '8.1.3': '安全区域边界',
  '8.1.4': '安全计算环境',
  '8.1.5': '安全管理中心',
  '8.1.6': '安全管理制度',
  '8.1.7': '安全管理机构',
  '8.1.8': '安全管理人员',
  '8.1.9': '安全建设管理',
  '8.1.10': '安全运维管理',
};
const CONTROLS: Record<string, string> = {
  '8.1.1.1': '物理位置选择',
  '8.1.2.1': '网络架构',
  '8.1.2.2': '通信传输',
  '8.1.2.3': '可信验证',
  '8.1.3.1': '边界防护',
  '8.1.3.2': '访问控制',
  '8.1.3.3': '入侵防范',
  '8.1.3.4': '恶意代码和垃圾邮件防范',
  '8.1.3.5': '安全审计',
  '8.1.3.6': '可信验证',
  '8.1.4.1': '身份鉴别',
  '8.1.4.2': '访问控制',
  '8.1.4.3': '安全审计',
  '8.1.4.4': '入侵防范',
  '8.1.4.5': '恶意代码防范',
  '8.1.4.6': '可信验证',
  '8.1.4.7': '数据完整性',
  '8.1.4.8': '数据保密性',
  '8.1.4.9': '数据备份恢复',
  '8.1.4.10': '剩余信息保护',
  '8.1.4.11': '个人信息保护',
  '8.1.5.1': '系统管理',
  '8.1.5.2': '审计管理',
  '8.1.5.3': '安全管理',
  '8.1.5.4': '集中管控',
};

export interface RecordRow {
  check: string;
  indicator: string;
  record: string;
  conformity: Conformity;
}
export interface RecordItem {
  /** e.g. 安全计算环境 / 身份鉴别（GB/T 22239-2019 8.1.4.1） */
  item: string;
  rows: RecordRow[];
  conformity: Conformity;
}
export interface HostRecordTable {
  host: string;
  status: string;
  items: RecordItem[];
}

/** The control point a check cites first: "8.1.4.1", or undefined when it cites none. */
export function controlPoint(check: Check | undefined): { id: string; note?: string } | undefined {
  for (const ref of check?.references ?? []) {
    const m = /GB\/T 22239-2019 (8\.1\.\d+\.\d+)(?:[^(（]*[(（]([^)）]+)[)）])?/.exec(ref);
    if (m) return { id: m[1]!, ...(m[2] ? { note: m[2] } : {}) };
  }
  return undefined;
}

function itemName(cp: { id: string; note?: string } | undefined, r: Result): string {
  if (!cp) return `政府网站管理要求 / ${articleLabel(r.article).zh}`;
  const layer = LAYERS[cp.id.split('.').slice(0, 3).join('.')] ?? '';
  const control = CONTROLS[cp.id] ?? cp.note?.split('：')[0] ?? '';
  return `${[layer, control].filter(Boolean).join(' / ')}（GB/T 22239-2019 ${cp.id}）`;
}

function recordText(r: Result): string {
  const lines: string[] = [];
  const outcome = r.outcome ?? r.status;
  if (r.status === 'error') lines.push('未能取得判定所需的证据，须复核：');
  if (r.status === 'manual') lines.push('工具无法自动判定，需测评人员人工核实（核实符合后改记）：');
  if (r.status === 'waived' && r.waiver) lines.push(`已豁免（实际结论：${STATUS_LABEL[outcome].zh}；理由：${r.waiver.justification}；责任人：${r.waiver.owner}；有效期至 ${r.waiver.expires}），按风险接受记录，不视为符合：`);
  if (r.waiver?.expired) lines.push(`豁免已于 ${r.waiver.expires} 过期，结果重新计入。`);
  const ev = decisiveEvidence(r).slice(0, 6).map(evidenceZh);
  if (outcome === 'pass') lines.push('核查通过：');
  if (outcome === 'fail' && r.status !== 'waived') lines.push('核查不通过：');
  lines.push(...ev);
  return lines.join('\n');
}

function evidenceZh(e: Evidence): string {
  const expected = e.op ? `（期望 ${e.op} ${shortJson(e.expected, 120)}）` : '';
  return `${e.fact} = ${shortJson(e.actual, 200)}${expected}${e.message ? `：${e.message.zh}` : ''}`;
}

export function dengbaoRecord(report: Report, checks?: Map<string, Check>): HostRecordTable[] {
  const hosts = [...new Set([...report.hosts.map((h) => h.name), ...report.results.map((r) => r.host)])];
  return hosts.map((host) => {
    const items = new Map<string, RecordRow[]>();
    const order = new Map<string, string>();
    for (const r of report.results.filter((x) => x.host === host)) {
      const cp = controlPoint(checks?.get(r.check));
      const name = itemName(cp, r);
      order.set(name, cp ? cp.id : `9.${r.article}`);
      const row: RecordRow = { check: r.check, indicator: `${r.title.zh}（${articleLabel(r.article).zh}；${r.check}）`, record: recordText(r), conformity: conformity(r) };
      items.set(name, [...(items.get(name) ?? []), row]);
    }
    const h = report.hosts.find((x) => x.name === host);
    const status = host === '*' ? '全局（多主机）' : h?.status === 'ok' || !h ? '已核查' : `无法核查（${h.status}：${h.error?.zh ?? h.error?.message ?? ''}）`;
    const sorted = [...items.entries()].sort(([a], [b]) => order.get(a)!.localeCompare(order.get(b)!, 'en', { numeric: true }));
    return { host, status, items: sorted.map(([item, rows]) => ({ item, rows, conformity: controlConformity(rows.map((x) => x.conformity)) })) };
  });
}

const md = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');

function counts(t: HostRecordTable): string {
  const all = t.items.flatMap((i) => i.rows.map((r) => r.conformity));
  return (['符合', '部分符合', '不符合', '不适用'] as const).map((c) => `${c} ${all.filter((x) => x === c).length}`).join('，');
}

export function formatDengbaoMarkdown(report: Report, o: FormatOptions): string {
  const out = [
    '# 网络安全等级保护测评记录（技术核查部分）',
    '',
    `- 依据：GB/T 22239-2019《信息安全技术 网络安全等级保护基本要求》（第三级）、《政府网站管理》相关条款`,
    `- 核查工具：gwsec ${report.tool.version}，策略包 ${report.pack.id} ${report.pack.version}`,
    `- 核查时间：${report.generatedAt}`,
    '- 说明：本记录由自动核查结果生成，“符合情况”的判定规则见 docs/DENGBAO.md；“无法判定”和“需人工核实”的项目不记为符合，须由测评人员复核。',
    '',
  ];
  for (const t of dengbaoRecord(report, o.checks)) {
    out.push(`## 主机：${md(t.host === '*' ? '全局（多主机）' : t.host)}`, '', `核查状态：${md(t.status)}；指标统计：${counts(t)}`, '');
    out.push('| 序号 | 测评项 | 测评指标 | 结果记录 | 符合情况 |', '|---|---|---|---|---|');
    let n = 0;
    for (const item of t.items) {
      for (const row of item.rows) out.push(`| ${++n} | ${md(item.item)} | ${md(row.indicator)} | ${md(row.record)} | ${row.conformity} |`);
    }
    out.push('', '测评项汇总：', '', '| 测评项 | 符合情况 |', '|---|---|', ...t.items.map((i) => `| ${md(i.item)} | ${i.conformity} |`), '');
  }
  return out.join('\n') + '\n';
}

export function formatDengbaoHtml(report: Report, o: FormatOptions): string {
  const tables = dengbaoRecord(report, o.checks).map((t) => {
    let n = 0;
    const rows = t.items
      .map((item) =>
        item.rows
          .map((row, i) => `<tr data-check="${esc(row.check)}">${i === 0 ? `<td rowspan="${item.rows.length}">${esc(item.item)}<br><b class="c">${item.conformity}</b></td>` : ''}<td>${++n}</td><td>${esc(row.indicator)}</td><td><pre>${esc(row.record)}</pre></td><td class="c">${row.conformity}</td></tr>`)
          .join(''),
      )
      .join('');
    return `<section data-host="${esc(t.host)}"><h2>主机：${esc(t.host === '*' ? '全局（多主机）' : t.host)}</h2><p>核查状态：${esc(t.status)}；指标统计：${counts(t)}</p><table><thead><tr><th>测评项</th><th>序号</th><th>测评指标</th><th>结果记录</th><th>符合情况</th></tr></thead><tbody>${rows}</tbody></table></section>`;
  });
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>网络安全等级保护测评记录</title><style>body{font:14px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:16px}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left}th{background:#eee}pre{white-space:pre-wrap;word-break:break-all;margin:0;font:12px monospace}.c{white-space:nowrap}</style></head><body>
<h1>网络安全等级保护测评记录（技术核查部分）</h1>
<p>依据：GB/T 22239-2019（第三级）、《政府网站管理》相关条款。核查工具：gwsec ${esc(report.tool.version)}，策略包 ${esc(`${report.pack.id} ${report.pack.version}`)}；核查时间：${esc(report.generatedAt)}。“无法判定”和“需人工核实”的项目不记为符合，须由测评人员复核（判定规则见 docs/DENGBAO.md）。</p>
${tables.join('\n')}
</body></html>
`;
}
