import type { Evidence, Report, Result } from '../model/result.js';
import { STATUSES, type Bilingual, type Status } from '../model/status.js';
import type { FormatOptions } from './options.js';
import { decisiveEvidence, evidenceParts, hostErrorMessage } from './evidence.js';
import { SEVERITY_LABEL, STATUS_LABEL, articleLabel } from './labels.js';
import { escapeHtml as esc } from '../util/html.js';

/**
 * One self-contained HTML file (no network: inline CSS and script, a CSP that forbids loading
 * anything): summary by state, per host and per article, filters by state and article, each
 * result's evidence in a <details>, waivers and the baseline comparison. Both languages are in the
 * file; the one asked for shows first and a button switches.
 */
const W = {
  title: { zh: '网站安全基线核查报告', en: 'Website security baseline audit' },
  generated: { zh: '生成时间', en: 'Generated' },
  pack: { zh: '策略包', en: 'Policy pack' },
  summary: { zh: '总体结果', en: 'Summary' },
  byHost: { zh: '按主机', en: 'By host' },
  byArticle: { zh: '按条款', en: 'By article' },
  host: { zh: '主机', en: 'Host' },
  hostStatus: { zh: '连接状态', en: 'Host status' },
  platform: { zh: '系统', en: 'Platform' },
  article: { zh: '条款', en: 'Article' },
  results: { zh: '检查结果', en: 'Results' },
  check: { zh: '检查项', en: 'Check' },
  state: { zh: '结论', en: 'State' },
  severity: { zh: '严重程度', en: 'Severity' },
  evidence: { zh: '证据', en: 'Evidence' },
  filters: { zh: '筛选', en: 'Filter' },
  allArticles: { zh: '全部条款', en: 'All articles' },
  showing: { zh: '显示', en: 'Showing' },
  of: { zh: '共', en: 'of' },
  remediation: { zh: '整改建议', en: 'Remediation' },
  waivers: { zh: '豁免', en: 'Waivers' },
  waivedBy: { zh: '豁免：{j}（责任人 {o}，批准人 {a}，有效期至 {e}）', en: 'Waived: {j} (owner {o}, approver {a}, until {e})' },
  realOutcome: { zh: '真实结论', en: 'real outcome' },
  expired: { zh: '已过期，结果重新计入', en: 'expired: the result counts again' },
  unmatched: { zh: '未匹配任何结果', en: 'matched no result' },
  notNeeded: { zh: '无需豁免（检查已通过或不适用）', en: 'not needed (the check passes or does not apply)' },
  applied: { zh: '已生效 {n} 项', en: '{n} result(s) waived' },
  fleet: { zh: '全局（多主机）', en: 'Fleet' },
  diff: { zh: '与基线对比', en: 'Compared with the baseline' },
  newFailures: { zh: '新增不通过', en: 'New failures' },
  fixed: { zh: '已修复', en: 'Fixed' },
  stillFailing: { zh: '仍未通过', en: 'Still failing' },
  hostsAdded: { zh: '新增主机', en: 'Hosts added' },
  hostsRemoved: { zh: '移除主机', en: 'Hosts removed' },
  lang: { zh: 'English', en: '中文' },
} satisfies Record<string, Bilingual>;

/** Both languages, the inactive one hidden by CSS. */
const t = (b: Bilingual, v: Record<string, string | number> = {}): string => {
  const f = (s: string) => esc(s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? '')));
  return `<span class="zh">${f(b.zh)}</span><span class="en">${f(b.en)}</span>`;
};

const CSS = `
body{font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#1d2129}
html[lang=zh-CN] .en,html[lang=en] .zh{display:none}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f5f6f7}
.cards{display:flex;gap:8px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}.card b{display:block;font-size:22px}
.s-pass{color:#1a7f37}.s-fail{color:#cf222e}.s-error{color:#8250df}.s-manual{color:#9a6700}.s-not_applicable{color:#6e7781}.s-waived{color:#0969da}
.filters{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #ddd}.filters label{margin-right:10px}
pre{white-space:pre-wrap;word-break:break-all;margin:4px 0;background:#f6f8fa;padding:6px}
.note{color:#6e7781}.bad{color:#cf222e}button{float:right}`;

const SCRIPT = `
(function(){
  var rows=[].slice.call(document.querySelectorAll('tr.result'));
  var boxes=[].slice.call(document.querySelectorAll('input[name=state]'));
  var art=document.getElementById('article');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    var a=art.value,n=0;
    rows.forEach(function(r){var show=on[r.dataset.state]&&(!a||r.dataset.article===a);r.hidden=!show;if(show)n++;});
    document.getElementById('shown').textContent=String(n);
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  art.addEventListener('change',apply);
  document.getElementById('lang').addEventListener('click',function(){var h=document.documentElement;h.lang=h.lang==='en'?'zh-CN':'en';});
  apply();
})();`;

const byArticle = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function counts(rs: Result[]): Record<Status, number> {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of rs) c[r.status]++;
  return c;
}

function countCells(rs: Result[]): string {
  const c = counts(rs);
  return STATUSES.map((s) => `<td class="s-${s}" data-count="${s}">${c[s]}</td>`).join('');
}

/** A message of the report's data in both languages (escaped as it is: no placeholders). */
const bothSpans = (m: Bilingual): string => `<span class="zh">${esc(m.zh)}</span><span class="en">${esc(m.en)}</span>`;

/** An evidence line with its message in both languages, the inactive one hidden like every other text. */
function evidenceHtml(e: Evidence): string {
  const { head, src } = evidenceParts(e, 400);
  const msg = e.message ? ` — ${bothSpans(e.message)}` : '';
  return `${esc(head)}${msg}${esc(src)}`;
}

function resultRow(r: Result, o: FormatOptions): string {
  const host = r.host === '*' ? t(W.fleet) : esc(r.host);
  const ev = (o.verbose || r.status !== 'pass' ? decisiveEvidence(r) : r.evidence).map(evidenceHtml).join('\n');
  const fix = r.status !== 'pass' && r.status !== 'not_applicable' ? o.checks?.get(r.check)?.remediation : undefined;
  const waiver = r.waiver
    ? `<p class="${r.waiver.expired ? 'bad' : 'note'}">${t(W.waivedBy, { j: r.waiver.justification, o: r.waiver.owner, a: r.waiver.approver ?? '—', e: r.waiver.expires })}${r.waiver.expired ? ` — ${t(W.expired)}` : ''}${r.outcome ? ` · ${t(W.realOutcome)}: ${t(STATUS_LABEL[r.outcome])}` : ''} <small>${esc(r.waiver.where)}</small></p>`
    : '';
  return (
    `<tr class="result" data-state="${r.status}" data-article="${esc(r.article)}" data-host="${esc(r.host)}" data-check="${esc(r.check)}">` +
    `<td>${host}</td><td>${esc(r.article)}</td><td class="s-${r.status}">${t(STATUS_LABEL[r.status])}</td><td>${t(SEVERITY_LABEL[r.severity])}</td>` +
    `<td><code>${esc(r.check)}</code><br>${t(r.title)}${waiver}` +
    `<details><summary>${t(W.evidence)} (${r.evidence.length})</summary><pre class="evidence">${ev}</pre>${fix ? `<p>${t(W.remediation)}: ${t({ zh: fix.zh.trim(), en: fix.en.trim() })}</p>` : ''}</details></td></tr>`
  );
}

function waiverSection(r: Report): string {
  const w = r.waivers;
  if (!w) return '';
  const items = [
    ...w.expired.map((e) => `<li class="bad">${esc(e.check)} — ${t(W.expired)} (${esc(e.expires)}, ${esc(e.owner)}) <small>${esc(e.where)}</small></li>`),
    ...w.unmatched.map((u) => `<li>${esc(u.check)} — ${t(u.reason === 'no_result' ? W.unmatched : W.notNeeded)} <small>${esc(u.where)}</small></li>`),
  ];
  return `<section id="waivers"><h2>${t(W.waivers)}</h2><p>${esc(w.file)}: ${t(W.applied, { n: w.applied })}</p>${items.length ? `<ul>${items.join('')}</ul>` : ''}</section>`;
}

function diffSection(r: Report): string {
  const d = r.diff;
  if (!d) return '';
  const list = (k: 'newFailures' | 'fixed' | 'stillFailing') =>
    `<h3>${t(W[k])} (${d[k].length})</h3>${d[k].length ? `<ul>${d[k].map((e) => `<li>${esc(e.host === '*' ? 'fleet' : e.host)} <code>${esc(e.check)}</code> ${e.from ? `${t(STATUS_LABEL[e.from])} → ` : ''}${t(STATUS_LABEL[e.to!])}</li>`).join('')}</ul>` : ''}`;
  return `<section id="diff"><h2>${t(W.diff)}</h2><p>${t(W.hostsAdded)}: ${esc(d.hostsAdded.join(', ') || '—')} · ${t(W.hostsRemoved)}: ${esc(d.hostsRemoved.join(', ') || '—')}</p>${list('newFailures')}${list('fixed')}${list('stillFailing')}</section>`;
}

export function formatHtml(report: Report, o: FormatOptions): string {
  const stateHead = STATUSES.map((s) => `<th class="s-${s}">${t(STATUS_LABEL[s])}</th>`).join('');
  const hosts = [...report.hosts.map((h) => h.name), ...(report.results.some((r) => r.host === '*') ? ['*'] : [])];
  const hostRows = hosts
    .map((name) => {
      const h = report.hosts.find((x) => x.name === name);
      const label = name === '*' ? t(W.fleet) : esc(name);
      const status = h ? `<span class="${h.status === 'ok' ? '' : 'bad'}">${esc(h.status ?? 'ok')}</span>${h.error ? `<br><small class="bad">${bothSpans(hostErrorMessage(h.error))}</small>` : ''}` : '';
      return `<tr data-host="${esc(name)}"><td>${label}</td><td>${status}</td><td>${esc(h?.platform.pretty ?? h?.platform.os ?? '')}</td>${countCells(report.results.filter((r) => r.host === name))}</tr>`;
    })
    .join('');
  const articles = [...new Set(report.results.map((r) => r.article))].sort(byArticle);
  const articleRows = articles.map((a) => `<tr data-article="${esc(a)}"><td>${t(articleLabel(a))}</td>${countCells(report.results.filter((r) => r.article === a))}</tr>`).join('');
  const cards = STATUSES.map((s) => `<div class="card s-${s}">${t(STATUS_LABEL[s])}<b id="count-${s}">${report.summary[s]}</b></div>`).join('');
  const filters =
    STATUSES.map((s) => `<label><input type="checkbox" name="state" value="${s}" checked> ${t(STATUS_LABEL[s])}</label>`).join('') +
    `<select id="article"><option value="">${o.lang === 'zh' ? esc(W.allArticles.zh) : esc(W.allArticles.en)}</option>${articles.map((a) => `<option value="${esc(a)}">${esc(articleLabel(a)[o.lang])}</option>`).join('')}</select>` +
    ` <span>${t(W.showing)} <b id="shown">${report.results.length}</b> / ${report.results.length}</span>`;
  const rows = [...report.results].sort((a, b) => byArticle(a.article, b.article) || a.host.localeCompare(b.host)).map((r) => resultRow(r, o)).join('\n');
  return `<!DOCTYPE html>
<html lang="${o.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(W.title[o.lang])} — ${esc(report.pack.id)}</title><style>${CSS}</style></head><body>
<button id="lang" type="button">${t(W.lang)}</button>
<h1>${t(W.title)}</h1>
<p class="note">${t(W.pack)}: ${esc(`${report.pack.id} ${report.pack.version}`)} · ${t(W.generated)}: ${esc(report.generatedAt)} · gwsec ${esc(report.tool.version)}</p>
<h2>${t(W.summary)}</h2><div class="cards">${cards}</div>
<h2>${t(W.byHost)}</h2><table id="by-host"><thead><tr><th>${t(W.host)}</th><th>${t(W.hostStatus)}</th><th>${t(W.platform)}</th>${stateHead}</tr></thead><tbody>${hostRows}</tbody></table>
<h2>${t(W.byArticle)}</h2><table id="by-article"><thead><tr><th>${t(W.article)}</th>${stateHead}</tr></thead><tbody>${articleRows}</tbody></table>
${waiverSection(report)}${diffSection(report)}
<h2>${t(W.results)}</h2>
<div class="filters">${t(W.filters)}: ${filters}</div>
<table id="results"><thead><tr><th>${t(W.host)}</th><th>${t(W.article)}</th><th>${t(W.state)}</th><th>${t(W.severity)}</th><th>${t(W.check)}</th></tr></thead><tbody>
${rows}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
