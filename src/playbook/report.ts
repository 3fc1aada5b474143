/**
 * Reports from the journal: the incident state (a fold of the journal) → a small document model
 * (sections of key/value tables, tables, paragraphs) → Markdown or self-contained, escaped,
 * printable HTML. Which sections a kind has, and the labels, come from playbooks/templates/reports.yaml.
 * Times are official Beijing time, with the incident's local zone beside them when it differs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sm3 } from '../crypto/index.js';
import type { IncidentEvent } from '../incident/events.js';
import { deadlineList, type IncidentState } from '../incident/state.js';
import { writeDurable, type IncidentStore } from '../incident/store.js';
import { packageRoot } from '../util/paths.js';
import { GRADE_TEXT, OPERATOR_CLASS_TEXT, deadlineStatus, type Bilingual, type Lang } from './clock.js';
import { GRADING_QUESTIONS } from './grading.js';
import { RECIPIENT_TEXT } from './messages.js';
import { OFFICIAL_TZ, formatInZone } from './time.js';

export type ReportKindAll = 'initial' | 'followup' | 'final' | 'shutdown' | 'timeline' | 'evidence';
export const REPORT_KINDS: readonly ReportKindAll[] = ['initial', 'followup', 'final', 'shutdown', 'timeline', 'evidence'];

interface Templates {
  kinds: Record<ReportKindAll, { title: Bilingual; sections: string[] }>;
  labels: Record<string, Bilingual>;
}

let templates: Templates | undefined;
export function loadTemplates(): Templates {
  templates ??= parse(readFileSync(join(packageRoot(), 'playbooks', 'templates', 'reports.yaml'), 'utf8')) as Templates;
  return templates;
}

type Block =
  | { kind: 'fields'; rows: Array<[string, string]> }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'p'; text: string; strong?: boolean };

interface Doc {
  title: string;
  sections: Array<{ heading?: string; blocks: Block[] }>;
}

const STATUS: Record<string, Bilingual> = {
  open: { zh: '未到期', en: 'open' },
  overdue: { zh: '已超时', en: 'OVERDUE' },
  met: { zh: '按时完成', en: 'met' },
  late: { zh: '逾期完成', en: 'done late' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
  pending: { zh: '待完成', en: 'pending' },
  waiting: { zh: '保留中', en: 'keeping' },
};

export function timeText(iso: string | undefined, s: IncidentState, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  const official = formatInZone(d, OFFICIAL_TZ);
  if (s.tz === OFFICIAL_TZ) return official;
  return `${official}${lang === 'zh' ? '；当地' : '; local '} ${formatInZone(d, s.tz)}`;
}

/** One line per journal event for timelines (CLI and reports). */
export function describeEvent(e: IncidentEvent, lang: Lang): string {
  const zh = lang === 'zh';
  switch (e.type) {
    case 'incident.opened':
      return zh ? `事件登记：${e.title}${e.drill && !e.title.includes('演练') ? '（演练）' : ''}` : `Incident opened: ${e.title}${e.drill ? ' (drill)' : ''}`;
    case 'discovery.corrected':
      return zh ? `更正发现时间 ${e.from} → ${e.to}：${e.reason}` : `Discovery time corrected ${e.from} → ${e.to}: ${e.reason}`;
    case 'playbook.started':
      return zh ? `启动预案 ${e.playbook} v${e.version}` : `Playbook ${e.playbook} v${e.version} started`;
    case 'playbook.resumed':
      return zh ? `中断后继续执行（自 ${e.from ?? '开始'}）` : `Resumed after interruption (from ${e.from ?? 'start'})`;
    case 'playbook.finished':
      return zh ? `预案执行结束：${e.outcome === 'success' ? '完成' : '失败'}` : `Playbook finished: ${e.outcome}`;
    case 'step.started':
      return zh ? `开始：${e.title.zh}` : `Started: ${e.title.en}`;
    case 'step.answered':
      return zh ? `  回答 ${e.step}/${e.key}：${short(e.answer)}` : `  answered ${e.step}/${e.key}: ${short(e.answer)}`;
    case 'step.completed':
      return zh ? `完成 ${e.step}：${e.outcome}${e.detail ? `（${e.detail}）` : ''}` : `Completed ${e.step}: ${e.outcome}${e.detail ? ` (${e.detail})` : ''}`;
    case 'command.started':
      return zh ? `  在 ${e.host} 执行命令（${e.step}）` : `  command on ${e.host} (${e.step})`;
    case 'command.finished':
      return zh ? `  ${e.host} 命令结束，退出码 ${e.exitCode}` : `  ${e.host} command exited ${e.exitCode}`;
    case 'command.reused':
      return zh ? `  未重新执行，沿用 ${e.host} 上的已记录结果` : `  not re-run: recorded result on ${e.host} reused`;
    case 'evidence.collected':
      return zh ? `  采集证据 ${e.item}（${e.kind}，${e.host ?? ''}）SM3 ${e.sm3.slice(0, 16)}…` : `  evidence ${e.item} (${e.kind}, ${e.host ?? ''}) SM3 ${e.sm3.slice(0, 16)}…`;
    case 'custody':
      return zh ? `  证据 ${e.item} 被${e.action === 'exported' ? `导出至 ${e.to}` : '查阅'}${e.intact ? '' : '（哈希不符！）'}` : `  evidence ${e.item} ${e.action}${e.to ? ` to ${e.to}` : ''}${e.intact ? '' : ' (HASH MISMATCH)'}`;
    case 'approval.recorded':
      return zh ? `  ${e.approver} ${e.decision === 'approve' ? '批准' : '驳回'}（${e.step}）` : `  ${e.approver} ${e.decision}d (${e.step})`;
    case 'grade.set':
      return zh ? `定级：${GRADE_TEXT[e.grade].zh}` : `Graded: ${GRADE_TEXT[e.grade].en}`;
    case 'deadline.opened':
      return zh ? `时限：${e.deadline.title.zh}${e.deadline.due ? ` 截止 ${formatInZone(new Date(e.deadline.due), OFFICIAL_TZ, { short: true })}` : ''}${e.deadline.provisional ? '（待定级）' : ''}` : `Deadline: ${e.deadline.title.en}${e.deadline.due ? ` due ${formatInZone(new Date(e.deadline.due), OFFICIAL_TZ, { short: true })}` : ''}${e.deadline.provisional ? ' (pending grade)' : ''}`;
    case 'deadline.closed':
      return zh ? `时限完成：${e.id}` : `Deadline met: ${e.id}`;
    case 'deadline.cancelled':
      return zh ? `时限撤销：${e.id}（${e.reason}）` : `Deadline cancelled: ${e.id} (${e.reason})`;
    case 'deadline.missed':
      return zh ? `⚠ 错过时限：${e.id}（截止 ${formatInZone(new Date(e.due), OFFICIAL_TZ, { short: true })}）` : `⚠ Deadline missed: ${e.id} (due ${formatInZone(new Date(e.due), OFFICIAL_TZ, { short: true })})`;
    case 'field.set':
      return zh ? `  记录 ${e.field}：${short(e.value)}` : `  recorded ${e.field}: ${short(e.value)}`;
    case 'notify.sent':
      return zh ? `通知 ${e.to.map((t) => RECIPIENT_TEXT[t]?.zh ?? t).join('、')}：${e.reference}` : `Notified ${e.to.map((t) => RECIPIENT_TEXT[t]?.en ?? t).join(', ')}: ${e.reference}`;
    case 'report.written':
      return zh ? `生成报告 ${e.file}` : `Report written ${e.file}`;
    case 'offline.started':
      return zh ? `网站下线（${({ temporary: '临时下线', emergency: '紧急关停', migration: '下线迁移' } as const)[e.kind]}）` : `Site offline (${e.kind})`;
    case 'offline.ended':
      return zh ? '网站恢复上线' : 'Site back online';
    case 'notice.posted':
      return zh ? `发布公告（${e.where === 'site' ? '本网站' : '门户网站'}）` : `Notice posted (${e.where})`;
    case 'rule.violation':
      return `✗ ${e.message[lang]}`;
    case 'wait.done':
      return zh ? `  等待${e.skipped ? '（提前继续或演练跳过）' : '结束'}` : `  wait ${e.skipped ? 'skipped' : 'done'}`;
    case 'note':
      return zh ? `备注：${e.text}` : `Note: ${e.text}`;
    case 'incident.closed':
      return zh ? `事件关闭：${e.summary}` : `Incident closed: ${e.summary}`;
  }
}

const short = (v: unknown): string => {
  const t = typeof v === 'string' ? v : JSON.stringify(v);
  return t.length > 200 ? t.slice(0, 200) + '…' : t;
};

export function buildReport(s: IncidentState, kind: ReportKindAll, lang: Lang, now: Date): Doc {
  const T = loadTemplates();
  const L = (k: string): string => T.labels[k]?.[lang] ?? k;
  const t = (iso?: string) => timeText(iso, s, lang);
  const field = (k: string) => s.fields[k] || L('unknown');
  const doc: Doc = { title: (s.drill ? (lang === 'zh' ? '【演练】' : '[DRILL] ') : '') + T.kinds[kind].title[lang], sections: [] };
  const add = (heading: string | undefined, ...blocks: Block[]) => doc.sections.push({ heading, blocks });
  const measures = (): string[] => {
    const out: string[] = [];
    if (s.fields.measures) out.push(s.fields.measures);
    for (const st of s.steps.values())
      if (st.completed?.outcome === 'success' && ['command', 'collect', 'notify', 'approval'].includes(st.kind))
        out.push(lang === 'zh' ? `${st.title.zh}（${t(st.completed.at)}）` : `${st.title.en} (${t(st.completed.at)})`);
    return out;
  };
  for (const sec of T.kinds[kind].sections) {
    switch (sec) {
      case 'banner':
        if (s.drill) add(undefined, { kind: 'p', text: L('drill'), strong: true });
        add(undefined, { kind: 'fields', rows: [[L('incident'), s.id], [L('generated'), t(now.toISOString())]] });
        break;
      case 'basics':
        add(lang === 'zh' ? '基本情况' : 'Basics', {
          kind: 'fields',
          rows: [
            [L('unit'), s.operator.unit],
            [L('operator_class'), OPERATOR_CLASS_TEXT[s.operator.class][lang]],
            [L('contact'), [s.operator.contact, s.operator.phone].filter(Boolean).join(' ') || L('unknown')],
            [L('site'), [s.site.name, ...s.site.domains].join(' ')],
            [L('systems'), s.fields.systems || s.hosts.join(', ') || L('unknown')],
            [L('occurred_at'), s.fields.occurred_at || t(s.occurredAt) || L('unknown')],
            [L('discovered_at'), t(s.discoveredAt)],
            ...(s.corrections.length ? [[L('corrections'), s.corrections.map((c) => `${t(c.at)}: ${t(c.from)} → ${t(c.to)} (${c.reason}, ${c.by ?? ''})`).join('; ')] as [string, string]] : []),
            [L('types'), s.types.join(', ')],
            [L('grade'), s.grade ? GRADE_TEXT[s.grade][lang] : L('ungraded')],
          ],
        });
        break;
      case 'grading':
        if (s.gradeAnswers)
          add(L('grade_basis'), { kind: 'table', head: ['', ''], rows: GRADING_QUESTIONS.map((q) => [q.text[lang], s.gradeAnswers![q.id] ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no']) });
        break;
      case 'impact':
        add(L('impact'), { kind: 'fields', rows: [[L('impact'), field('impact')], [L('trend'), field('trend')], [L('scene_protection'), field('scene_protection')]] });
        break;
      case 'cause':
        add(L('cause'), { kind: 'fields', rows: [[L('cause'), field('cause')], [L('attacker'), field('attacker')]] });
        break;
      case 'measures': {
        const m = measures();
        add(L('measures'), m.length ? { kind: 'table', head: ['#', L('measures')], rows: m.map((x, i) => [String(i + 1), x]) } : { kind: 'p', text: L('none') });
        break;
      }
      case 'status':
        add(L('status'), { kind: 'fields', rows: [[L('status'), s.fields.status || (s.closed ? `${L('closed')} ${t(s.closed.at)}` : L('open'))], [L('help_needed'), s.fields.help_needed || L('none')]] });
        break;
      case 'final':
        add(lang === 'zh' ? '总结' : 'Summary', {
          kind: 'fields',
          rows: [[L('lessons'), field('lessons')], [L('rectification'), field('rectification')], [L('closed'), s.closed ? `${t(s.closed.at)} ${s.closed.summary}` : L('open')]],
        });
        break;
      case 'deadlines': {
        const ds = deadlineList(s);
        add(L('deadlines'), ds.length
          ? { kind: 'table', head: [L('deadline'), L('due'), L('state'), L('basis')], rows: ds.map((d) => [d.title[lang] + (d.provisional ? (lang === 'zh' ? '（待定级）' : ' (pending grade)') : ''), d.due ? t(d.due) : '—', STATUS[deadlineStatus(d, now)]![lang] + (d.closedAt ? ` ${t(d.closedAt)}` : '') + (d.missedAt ? (lang === 'zh' ? `；超时已记录 ${t(d.missedAt)}` : `; miss recorded ${t(d.missedAt)}`) : ''), d.basis[lang]]) }
          : { kind: 'p', text: L('none') });
        break;
      }
      case 'offline':
        add(L('offline'), s.offline.length || s.notices.size
          ? { kind: 'table', head: ['', ''], rows: [...s.offline.map((o) => [o.kind, `${t(o.start)} → ${o.end ? t(o.end) : '…'}${o.plannedDays !== undefined ? ` (${o.plannedDays} d)` : ''}`]), ...[...s.notices].map((n) => [lang === 'zh' ? '公告' : 'notice', n])] }
          : { kind: 'p', text: L('none') });
        break;
      case 'approvals':
        add(L('approvals'), s.approvals.length ? { kind: 'table', head: ['', '', ''], rows: s.approvals.map((a) => [t(a.at), a.approver, a.decision]) } : { kind: 'p', text: L('none') });
        break;
      case 'notifications':
        add(L('notifications'), s.notifications.length
          ? { kind: 'table', head: ['', '', ''], rows: s.notifications.map((n) => [t(n.at), n.to.map((x) => RECIPIENT_TEXT[x]?.[lang] ?? x).join(', '), n.reference]) }
          : { kind: 'p', text: L('none') });
        break;
      case 'violations':
        if (s.violations.length) add(L('violations'), { kind: 'table', head: ['', '', ''], rows: s.violations.map((v) => [t(v.at), v.rule, v.message[lang]]) });
        break;
      case 'timeline':
        add(L('timeline'), { kind: 'table', head: ['#', '', ''], rows: s.events.map(({ seq, event }) => [String(seq), t(event.at), describeEvent(event, lang).trim()]) });
        break;
      case 'evidence':
        add(L('evidence'), s.evidence.length
          ? { kind: 'table', head: ['ID', lang === 'zh' ? '文件' : 'File', lang === 'zh' ? '大小' : 'Bytes', 'SM3', 'SHA-256', lang === 'zh' ? '采集' : 'Collected', lang === 'zh' ? '保管记录' : 'Custody'], rows: s.evidence.map((e) => [e.item, e.file, String(e.size), e.sm3, e.sha256, `${t(e.collectedAt)} ${e.collectedBy ?? ''}`, String(e.custody.length)]) }
          : { kind: 'p', text: L('none') });
        add(undefined, { kind: 'fields', rows: [[L('journal_head'), `seq ${s.events.at(-1)?.seq ?? 0}`]] });
        break;
    }
  }
  return doc;
}

const mdCell = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function renderMarkdown(d: Doc): string {
  const out = [`# ${d.title}`, ''];
  for (const s of d.sections) {
    if (s.heading) out.push(`## ${s.heading}`, '');
    for (const b of s.blocks) {
      if (b.kind === 'p') out.push(b.strong ? `**${b.text}**` : b.text, '');
      else if (b.kind === 'fields') out.push('| | |', '|---|---|', ...b.rows.map(([k, v]) => `| ${mdCell(k)} | ${mdCell(v)} |`), '');
      else out.push(`| ${b.head.map(mdCell).join(' | ')} |`, `|${b.head.map(() => '---').join('|')}|`, ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`), '');
    }
  }
  return out.join('\n');
}

export const escapeHtml = (v: string): string => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111;line-height:1.5}
h1{font-size:1.5em;border-bottom:2px solid #333;padding-bottom:.3em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #999;padding:.3em .5em;vertical-align:top;text-align:left;word-break:break-all}
th{background:#eee}td.k{width:14em;background:#f6f6f6;font-weight:600}.drill{color:#b00;font-weight:700;border:2px solid #b00;padding:.5em}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}`;

export function renderHtml(d: Doc, lang: Lang): string {
  const parts = [`<!DOCTYPE html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title><style>${CSS}</style></head><body>`, `<h1>${escapeHtml(d.title)}</h1>`];
  for (const s of d.sections) {
    if (s.heading) parts.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    for (const b of s.blocks) {
      if (b.kind === 'p') parts.push(b.strong ? `<p class="drill">${escapeHtml(b.text)}</p>` : `<p>${escapeHtml(b.text)}</p>`);
      else if (b.kind === 'fields') parts.push(`<table>${b.rows.map(([k, v]) => `<tr><td class="k">${escapeHtml(k)}</td><td>${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`).join('')}</table>`);
      else parts.push(`<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    }
  }
  parts.push('</body></html>\n');
  return parts.join('\n');
}

export function renderReport(s: IncidentState, kind: ReportKindAll, lang: Lang, format: 'md' | 'html', now: Date): string {
  const d = buildReport(s, kind, lang, now);
  return format === 'md' ? renderMarkdown(d) : renderHtml(d, lang);
}

/** Writes a report into the incident's reports/ and journals its hashes (verify re-checks them). */
export async function writeReport(store: IncidentStore, id: string, o: { kind: ReportKindAll; lang: Lang; format: 'md' | 'html'; now: Date }): Promise<{ file: string; text: string }> {
  let file = '';
  let text = '';
  await store.transact(id, (s) => {
    text = renderReport(s, o.kind, o.lang, o.format, o.now);
    const n = o.kind === 'followup' ? `-${s.reports.filter((r) => r.kind === 'followup' && r.lang === o.lang && r.format === o.format).length + 1}` : '';
    const name = `${o.kind}${n}.${o.lang}.${o.format}`;
    file = join(store.reportsDir(id), name);
    writeDurable(file, text);
    const buf = Buffer.from(text);
    return [{ type: 'report.written', kind: o.kind, lang: o.lang, format: o.format, file: name, sm3: sm3(buf).toString('hex'), sha256: createHash('sha256').update(buf).digest('hex') }];
  });
  return { file, text };
}
