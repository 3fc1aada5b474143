/**
 * Reports from the journal: the incident state (a fold of the journal) → a small document model
 * (sections of key/value tables, tables, paragraphs) → Markdown or self-contained, escaped,
 * printable HTML. Which sections a kind has, and the labels, come from playbooks/templates/reports.yaml.
 * Times are official Beijing time, with the incident's local zone beside them when it differs.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sm3 } from '../crypto/index.js';
import { deadlineList, type IncidentState } from './state.js';
import { writeDurable, type IncidentStore } from './store.js';
import { GwsecError } from '../model/errors.js';
import { GRADE_TEXT, OPERATOR_CLASS_TEXT, REPORT_RECIPIENTS, deadlineStatus, recipientsText, type Bilingual, type Lang } from './clock.js';
import { GRADING_QUESTIONS } from './grading.js';
import { describeEvent, timelineEvents, type PlaybookOutline } from './timeline.js';
import { OFFICIAL_TZ, formatInZone } from './time.js';
import { REPORT_KINDS, incidentTypeText, kindTitle, label, loadTemplates, offlineText, type ReportKindAll } from './vocab.js';
import { escapeHtml } from '../util/html.js';

export { REPORT_KINDS, describeEvent, loadTemplates, type ReportKindAll };

type Block =
  | { kind: 'fields'; rows: Array<[string, string]> }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'p'; text: string; strong?: boolean };

interface Doc {
  title: string;
  sections: Array<{ heading?: string; blocks: Block[] }>;
}

const STATUS: Record<string, Bilingual> = {
  open: { zh: '未完成，尚未到期', en: 'open, not yet due' },
  overdue: { zh: '已超时', en: 'OVERDUE' },
  met: { zh: '已按时完成', en: 'met' },
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
  return `${official}${lang === 'zh' ? '；当地 ' : '; local '}${formatInZone(d, s.tz)}`;
}

export interface ReportContext {
  /** The journal head the report is built from. */
  head?: { seq: number; hash: string };
  /** This report's version number. */
  version?: number;
  /** Who writes it (the journal's actor). */
  reporter?: string;
  /** The incident's playbook (step and option titles for the timeline, pending steps for the plan). */
  playbook?: PlaybookOutline;
}

/** 处置状态 in words: closed, handling finished (the final-report clock runs), or in progress. */
export function handlingState(s: IncidentState, lang: Lang): string {
  const t = (iso: string) => timeText(iso, s, lang);
  if (s.closed) return lang === 'zh' ? `${label('handling_closed', lang)}（${t(s.closed.at)}）` : `${label('handling_closed', lang)} (${t(s.closed.at)})`;
  const fin = s.deadlines.get('final_report');
  if (fin) return lang === 'zh' ? `${label('handling_finished', lang)}（处置结束于 ${t(fin.openedAt)}）` : `${label('handling_finished', lang)} (handling finished ${t(fin.openedAt)})`;
  return label('handling_open', lang);
}

/** Steps of the playbook not yet completed, in order: the default 下一步工作计划. */
function pendingSteps(s: IncidentState, pb: PlaybookOutline | undefined, lang: Lang): string[] {
  if (!pb || s.finished) return [];
  const done = new Set([...s.steps.entries()].filter(([, st]) => st.completed).map(([id]) => id));
  const from = s.cursor ? pb.steps.findIndex((x) => x.id === s.cursor) : 0;
  return pb.steps.slice(Math.max(0, from)).filter((x) => !done.has(x.id) && !['decision', 'report', 'grade'].includes(x.kind) && x.on_success !== 'end').map((x) => x.title[lang]).slice(0, 6);
}

export function buildReport(s: IncidentState, kind: ReportKindAll, lang: Lang, now: Date, ctx: ReportContext = {}): Doc {
  const T = loadTemplates();
  const zh = lang === 'zh';
  const L = (k: string): string => label(k, lang);
  const t = (iso?: string) => timeText(iso, s, lang);
  const field = (k: string) => s.fields[k] || L('unknown');
  const name = s.titles?.[lang] ?? s.title;
  const doc: Doc = { title: `${s.drill ? (zh ? '【演练】' : '[DRILL] ') : ''}${T.kinds[kind].title[lang]}${zh ? '：' : ': '}${name}`, sections: [] };
  const add = (heading: string | undefined, ...blocks: Block[]) => doc.sections.push({ heading, blocks });
  const recipients = recipientsText(REPORT_RECIPIENTS[s.operator.class], lang);
  const measures = (): string[] => {
    const out: string[] = [];
    if (s.fields.measures) out.push(s.fields.measures);
    for (const st of s.steps.values())
      if (st.completed?.outcome === 'success' && ['command', 'collect', 'notify', 'approval'].includes(st.kind))
        out.push(zh ? `${st.title.zh}（${t(st.completed.at)}）` : `${st.title.en} (${t(st.completed.at)})`);
    return out;
  };
  for (const sec of T.kinds[kind].sections) {
    switch (sec) {
      case 'banner':
        if (s.drill) add(undefined, { kind: 'p', text: L('drill'), strong: true });
        add(undefined, {
          kind: 'fields',
          rows: [
            [L('title'), name],
            [L('incident'), s.id],
            ...(ctx.version ? [[L('version'), zh ? `第 ${ctx.version} 版` : `version ${ctx.version}`] as [string, string]] : []),
            [L('unit'), s.operator.unit],
            [L('reporter'), ctx.reporter || s.openedBy || L('unknown')],
            [L('signer'), s.fields.signer || L('signer_blank')],
            [L('recipients'), recipients],
            [L('generated'), t(now.toISOString())],
          ],
        });
        break;
      case 'basics':
        add(zh ? '基本情况' : 'Basics', {
          kind: 'fields',
          rows: [
            [L('operator_class'), OPERATOR_CLASS_TEXT[s.operator.class][lang]],
            [L('contact'), [s.operator.contact, s.operator.phone].filter(Boolean).join(' ') || L('unknown')],
            [L('site'), [s.site.name, ...s.site.domains].join(' ')],
            [L('systems'), s.fields.systems || s.hosts.join(zh ? '、' : ', ') || L('unknown')],
            [L('occurred_at'), s.fields.occurred_at || t(s.occurredAt) || L('unknown')],
            [L('discovered_at'), t(s.discoveredAt)],
            ...(s.corrections.length
              ? [[L('corrections'), s.corrections.map((c) => (zh ? `${t(c.at)}由${c.by ?? ''}将 ${t(c.from)} 更正为 ${t(c.to)}，理由：${c.reason}` : `${t(c.at)} ${c.by ?? ''}: ${t(c.from)} → ${t(c.to)} (${c.reason})`)).join(zh ? '；' : '; ')] as [string, string]]
              : []),
            [L('types'), incidentTypeText(s.types, lang)],
            [L('grade'), s.grade ? GRADE_TEXT[s.grade][lang] : L('ungraded')],
            [L('handling'), handlingState(s, lang)],
          ],
        });
        break;
      case 'grading':
        if (s.gradeAnswers)
          add(L('grade_basis'), { kind: 'table', head: [zh ? '定级问题' : 'Question', zh ? '回答' : 'Answer'], rows: GRADING_QUESTIONS.map((q) => [q.text[lang], s.gradeAnswers![q.id] ? (zh ? '是' : 'yes') : zh ? '否' : 'no']) });
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
        // 处置状态 itself is in the basics; here what the responder says about it.
        add(L('status'), { kind: 'fields', rows: [[L('status_text'), s.fields.status || L('unknown')], [L('help_needed'), s.fields.help_needed || L('none')]] });
        break;
      case 'plan': {
        const pending = pendingSteps(s, ctx.playbook, lang);
        const rows: string[] = [];
        if (s.fields.next_steps) rows.push(s.fields.next_steps);
        if (pending.length) rows.push(`${L('pending_steps')}${zh ? '：' : ': '}${pending.join(zh ? '；' : '; ')}${zh ? '。' : '.'}`);
        const open = deadlineList(s).filter((d) => ['open', 'overdue', 'pending'].includes(deadlineStatus(d, now)) && !d.provisional);
        for (const d of open) rows.push(zh ? `按时限完成：${d.title.zh}${d.due ? `（截止 ${t(d.due)}）` : ''}` : `Meet the deadline: ${d.title.en}${d.due ? ` (due ${t(d.due)})` : ''}`);
        add(L('plan'), rows.length ? { kind: 'table', head: ['#', L('plan')], rows: rows.map((x, i) => [String(i + 1), x]) } : { kind: 'p', text: L('none') });
        break;
      }
      case 'final':
        add(L('summary'), {
          kind: 'fields',
          rows: [[L('lessons'), field('lessons')], [L('rectification'), field('rectification')], ...(s.closed ? [[zh ? '关闭说明' : 'Closing note', s.closed.summary] as [string, string]] : [])],
        });
        break;
      case 'deadlines': {
        const ds = deadlineList(s);
        add(L('deadlines'), ds.length
          ? { kind: 'table', head: [L('deadline'), L('due'), L('state'), L('basis')], rows: ds.map((d) => [d.title[lang] + (d.provisional ? (zh ? '（如定级为较大及以上）' : ' (if graded 较大 or above)') : ''), d.due ? t(d.due) : zh ? '无固定时限' : 'no fixed hour', STATUS[deadlineStatus(d, now)]![lang] + (d.closedAt ? ` ${t(d.closedAt)}` : '') + (d.missedAt ? (zh ? `；超时已记录 ${t(d.missedAt)}` : `; miss recorded ${t(d.missedAt)}`) : ''), d.basis[lang]]) }
          : { kind: 'p', text: L('none') });
        break;
      }
      case 'offline':
        add(L('offline'), s.offline.length || s.notices.size
          ? {
              kind: 'table',
              head: [zh ? '事项' : 'What', zh ? '时间' : 'When'],
              rows: [
                ...s.offline.map((o) => [offlineText(o.kind, lang), `${t(o.start)} → ${o.end ? t(o.end) : zh ? '尚未恢复' : 'not yet back'}${o.plannedDays !== undefined ? (zh ? `（计划 ${o.plannedDays} 天）` : ` (planned ${o.plannedDays} days)`) : ''}`]),
                ...[...s.notices].map((n) => [zh ? '发布公告' : 'Notice posted', n === 'site' ? (zh ? '本网站' : 'this site') : zh ? '政府门户网站' : 'government portal']),
              ],
            }
          : { kind: 'p', text: L('none') });
        break;
      case 'approvals':
        add(L('approvals'), s.approvals.length
          ? { kind: 'table', head: [zh ? '时间' : 'When', zh ? '审批人' : 'Approver', zh ? '意见' : 'Decision'], rows: s.approvals.map((a) => [t(a.at), a.approver, a.decision === 'approve' ? (zh ? '批准' : 'approved') : zh ? '驳回' : 'rejected']) }
          : { kind: 'p', text: L('none') });
        break;
      case 'notifications':
        add(L('notifications'), s.notifications.length
          ? { kind: 'table', head: [zh ? '时间' : 'When', zh ? '通知对象' : 'To', zh ? '方式及回执' : 'Via / receipt'], rows: s.notifications.map((n) => [t(n.at), recipientsText(n.to, lang), n.reference]) }
          : { kind: 'p', text: L('none') });
        break;
      case 'submissions':
        add(L('submissions'), s.submissions.length
          ? { kind: 'table', head: [L('submitted_at'), zh ? '报告' : 'Report', L('recipients'), L('via'), L('reference'), L('submitted_by')], rows: s.submissions.map((x) => [t(x.submittedAt), `${kindTitle(x.kind, lang)}${zh ? ` 第 ${x.version} 版` : ` v${x.version}`}`, recipientsText(x.to, lang), x.via, x.reference ?? '', x.by ?? '']) }
          : { kind: 'p', text: L('none') });
        break;
      case 'violations':
        if (s.violations.length) add(L('violations'), { kind: 'table', head: [zh ? '时间' : 'When', zh ? '规则' : 'Rule', zh ? '说明' : 'Detail'], rows: s.violations.map((v) => [t(v.at), v.rule, v.message[lang]]) });
        break;
      case 'timeline':
        add(L('timeline'), { kind: 'table', head: ['#', zh ? '时间' : 'Time', zh ? '事项' : 'Event'], rows: timelineEvents(s.events).map(({ seq, event }) => [String(seq), t(event.at), describeEvent(event, lang, { state: s, playbook: ctx.playbook })]) });
        break;
      case 'evidence':
        add(L('evidence'), s.evidence.length
          ? { kind: 'table', head: [zh ? '编号' : 'ID', zh ? '文件' : 'File', zh ? '大小（字节）' : 'Bytes', 'SM3', 'SHA-256', zh ? '采集时间及采集人' : 'Collected', zh ? '保管记录' : 'Custody'], rows: s.evidence.map((e) => [e.item, e.file, String(e.size), e.sm3, e.sha256, `${t(e.collectedAt)} ${e.collectedBy ?? ''}`, zh ? `${e.custody.length} 条` : String(e.custody.length)]) }
          : { kind: 'p', text: L('none') });
        add(undefined, { kind: 'fields', rows: [[L('journal_head'), ctx.head ? L('journal_head_text').replace('{seq}', String(ctx.head.seq)).replace('{hash}', ctx.head.hash) : L('unknown')]] });
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

export function renderReport(s: IncidentState, kind: ReportKindAll, lang: Lang, format: 'md' | 'html', now: Date, ctx: ReportContext = {}): string {
  const d = buildReport(s, kind, lang, now, ctx);
  return format === 'md' ? renderMarkdown(d) : renderHtml(d, lang);
}

export interface WrittenReport {
  version: number;
  /** Absolute paths, one per format, in the order asked. */
  files: string[];
  texts: string[];
}

/**
 * Writes a new numbered version of a report (`initial-v2.zh.md` and `.html`, built from one state
 * and one journal head), never replacing a file, and journals each file's hashes (verify
 * re-checks every version). A report is not submitted by being written: see submitReport. Step titles
 * come from `o.playbook` (the incident's playbook copy: src/playbook/report.ts reads it), else from
 * the journal.
 */
export async function writeReport(store: IncidentStore, id: string, o: { kind: ReportKindAll; lang: Lang; formats: Array<'md' | 'html'>; now: Date; playbook?: PlaybookOutline }): Promise<WrittenReport> {
  const playbook = o.playbook;
  const out: WrittenReport = { version: 0, files: [], texts: [] };
  await store.transact(id, (s, head) => {
    if (o.kind === 'shutdown' && !s.offline.some((x) => x.kind === 'emergency'))
      throw new GwsecError('usage_error', {
        en: `incident ${id} records no emergency shutdown: a shutdown report is written only for a site that was shut down`,
        zh: `事件 ${id} 未记录应急关停：只有网站确已关停时才生成关停报告`,
      });
    out.version = 1 + Math.max(0, ...s.reports.filter((r) => r.kind === o.kind && r.lang === o.lang).map((r) => r.version ?? 0));
    const evs: Parameters<IncidentStore['append']>[1][] = [];
    for (const format of o.formats) {
      const text = renderReport(s, o.kind, o.lang, format, o.now, { head, version: out.version, reporter: store.actor, playbook });
      const name = `${o.kind}-v${out.version}.${o.lang}.${format}`;
      const file = join(store.reportsDir(id), name);
      try {
        writeDurable(file, text, true);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new GwsecError('incident_damaged', {
            en: `reports/${name} exists but was never journaled: refusing to overwrite it (gwsec incident verify ${id})`,
            zh: `reports/${name} 已存在但从未记入事件日志：拒绝覆盖（请运行 gwsec incident verify ${id}）`,
          });
        throw e;
      }
      const buf = Buffer.from(text);
      out.files.push(file);
      out.texts.push(text);
      evs.push({ type: 'report.written', kind: o.kind, lang: o.lang, format, file: name, version: out.version, head, sm3: sm3(buf).toString('hex'), sha256: createHash('sha256').update(buf).digest('hex') });
    }
    return evs;
  });
  return out;
}
