/** `gwsec incident …`: thin functions over the store, returning exit codes; output through Io. */
import { userInfo } from 'node:os';
import { writeFile, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Io } from './io.js';
import { GwsecError } from '../model/errors.js';
import { GRADE_TEXT, OPERATOR_CLASS_TEXT, countdownLines, deadlineStatus, recipientsText, type DeadlineState, type Lang, type OperatorClass } from '../incident/clock.js';
import { REPORT_KINDS, describeEvent, timeText, type ReportKindAll } from '../incident/report.js';
import { incidentPlaybook, writeReportWithPlaybook } from '../playbook/report.js';
import { OFFICIAL_TZ, formatDuration, formatInZone, parseTime } from '../incident/time.js';
import { kindTitle } from '../incident/vocab.js';
import { eventToWire, type Operator } from '../incident/events.js';
import { renameKeys } from '../util/keys.js';
import { closeIncident, correctDiscovery, openIncident, recordMissed, submitReport } from '../incident/lifecycle.js';
import { deadlineList, type IncidentState } from '../incident/state.js';
import { IncidentStore, incidentsRoot } from '../incident/store.js';
import { verifyIncident } from '../incident/verify.js';

export interface IncidentCommon {
  incidents?: string;
  lang: Lang;
  tz?: string;
  responder?: string;
  format?: 'text' | 'json';
}

/** Who acts: --responder, else $SUDO_USER / $USER, else the OS account (a service or cron has no $USER), else "unknown". */
export function responderName(flag: string | undefined, env: NodeJS.ProcessEnv, osUser: () => string = () => userInfo().username): string {
  if (flag) return flag;
  if (env.SUDO_USER || env.USER) return (env.SUDO_USER || env.USER)!;
  try {
    return osUser() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function storeFor(o: IncidentCommon, io: Io): IncidentStore {
  return new IncidentStore(incidentsRoot(o.incidents, io.env), responderName(o.responder, io.env), () => io.now());
}

export interface ContextOptions {
  inventory?: string;
  unit?: string;
  operatorClass?: string;
  contact?: string;
  site?: string;
  domains?: string[];
}

/** Operator and site from the inventory, overridden by flags (or the answers file, via the caller). */
export async function incidentContext(o: ContextOptions, fallback?: { operator?: Partial<Operator>; site?: { name: string; domains?: string[] } }): Promise<{
  operator: Operator;
  site: { name: string; domains: string[] };
  inventory?: import('../inventory/schema.js').Inventory;
}> {
  let inv;
  if (o.inventory) {
    const { loadInventory } = await import('../inventory/load.js');
    inv = await loadInventory(o.inventory);
  }
  const cls = (o.operatorClass ?? inv?.operator.class ?? fallback?.operator?.class) as OperatorClass | undefined;
  const unit = o.unit ?? inv?.operator.unit ?? fallback?.operator?.unit;
  if (!cls || !unit) throw new GwsecError('usage_error', {
      en: 'who operates the site? give --inventory FILE, or --unit NAME and --operator-class cii|state_organ|other',
      zh: '请说明网站的运营单位：指定 --inventory 清单文件，或同时指定 --unit 单位名称和 --operator-class cii|state_organ|other',
    });
  if (!['cii', 'state_organ', 'other'].includes(cls)) throw new GwsecError('usage_error', { en: `--operator-class must be cii, state_organ or other (got ${cls})`, zh: `--operator-class 须为 cii、state_organ 或 other（实际为 ${cls}）` });
  const siteName = o.site ?? inv?.site.name ?? fallback?.site?.name ?? unit;
  return {
    operator: { unit, class: cls, contact: o.contact ?? inv?.operator.contact ?? fallback?.operator?.contact, phone: inv?.operator.phone ?? fallback?.operator?.phone },
    site: { name: siteName, domains: o.domains ?? inv?.site.domains ?? fallback?.site?.domains ?? [] },
    inventory: inv,
  };
}

export async function incidentOpen(
  o: IncidentCommon & ContextOptions & { title: string; types: string[]; drill: boolean; discovered?: string; occurred?: string },
  io: Io,
): Promise<number> {
  const tz = o.tz ?? OFFICIAL_TZ;
  const ctx = await incidentContext(o);
  const store = storeFor(o, io);
  const s = await openIncident(store, {
    title: o.title, types: o.types, drill: o.drill, discovered: parseTime(o.discovered ?? 'now', tz, io.now()), occurred: o.occurred ? parseTime(o.occurred, tz, io.now()) : undefined,
    site: ctx.site, operator: ctx.operator, tz, hosts: ctx.inventory?.hosts.map((h) => h.name) ?? [],
  });
  if (o.format === 'json') io.out(JSON.stringify({ id: s.id, dir: store.dir(s.id) }) + '\n');
  else io.out(`${s.id}\n${showText(s, o.lang, io.now(), o.tz)}`);
  return 0;
}

export async function incidentList(o: IncidentCommon, io: Io): Promise<number> {
  const all = await storeFor(o, io).list();
  if (o.format === 'json') {
    io.out(JSON.stringify(all.map((s) => summary(s, io.now())), null, 2) + '\n');
    return 0;
  }
  if (!all.length) {
    io.out(o.lang === 'zh' ? '没有事件\n' : 'no incidents\n');
    return 0;
  }
  const zh = o.lang === 'zh';
  const rows = all.map((s) => [
    s.id,
    s.closed ? (zh ? '已关闭' : 'closed') : zh ? '处置中' : 'open',
    s.grade ? GRADE_TEXT[s.grade].zh : '-',
    nextDeadlineText(s, io.now(), o.tz ?? s.tz, o.lang),
    s.titles?.[o.lang] ?? s.title,
  ]);
  const head = zh ? ['编号', '状态', '级别', '最近时限', '名称'] : ['ID', 'STATUS', 'GRADE', 'NEXT DEADLINE', 'TITLE'];
  io.out(table([head, ...rows]));
  return 0;
}

/** Columns padded by display width (a CJK character takes two cells). */
function table(rows: string[][]): string {
  const w = (t: string) => [...t].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => w(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - w(c)))).join('  ')).join('\n') + '\n';
}

/** The most urgent deadline still to meet: overdue first, then the earliest due; '-' when none. */
export function nextDeadlineText(s: IncidentState, now: Date, tz: string, lang: Lang): string {
  const live = deadlineList(s).filter((d) => ['open', 'overdue', 'pending'].includes(deadlineStatus(d, now)));
  if (!live.length) return '-';
  const rank = (d: DeadlineState) => (deadlineStatus(d, now) === 'overdue' ? 0 : d.due ? 1 : 2);
  const d = [...live].sort((a, b) => rank(a) - rank(b) || Date.parse(a.due ?? '') - Date.parse(b.due ?? ''))[0]!;
  const name = d.title[lang].replace(/（.*$| \(.*$/, '');
  if (!d.due) return `${name} ${lang === 'zh' ? '待完成' : 'pending'}`;
  const left = Date.parse(d.due) - now.getTime();
  const when = formatInZone(new Date(d.due), tz, { short: true });
  if (left < 0) return lang === 'zh' ? `⚠${name} 已超时 ${formatDuration(-left, lang)}` : `⚠${name} OVERDUE ${formatDuration(-left, lang)}`;
  return `${name}${d.provisional ? '?' : ''} ${when} (${formatDuration(left, lang)})`;
}

function summary(s: IncidentState, now: Date) {
  return {
    id: s.id, title: s.title, drill: s.drill, types: s.types, grade: s.grade, discovered_at: s.discoveredAt, closed_at: s.closed?.at,
    playbook: s.playbook?.id, finished: s.finished, cursor: s.cursor,
    overdue: deadlineList(s).filter((d) => deadlineStatus(d, now) === 'overdue' && !d.provisional).map((d) => d.id),
    deadlines: deadlineList(s).map((d) => ({ id: d.id, due: d.due, status: deadlineStatus(d, now), provisional: d.provisional ?? false, missed_at: d.missedAt })),
    evidence: s.evidence.length, reports: s.reports.map((r) => r.file),
  };
}

export function showText(s: IncidentState, lang: Lang, now: Date, tz?: string): string {
  const zh = lang === 'zh';
  const z = tz ?? s.tz;
  const lines = [
    `${s.drill ? (zh ? '【演练】' : '[DRILL] ') : ''}${s.id}  ${s.title}`,
    `${zh ? '运营单位' : 'Operator'}: ${s.operator.unit} (${OPERATOR_CLASS_TEXT[s.operator.class][lang]})  ${zh ? '网站' : 'Site'}: ${s.site.name}`,
    `${zh ? '发现时间' : 'Discovered'}: ${formatInZone(new Date(s.discoveredAt), z)} ${z}`,
    `${zh ? '级别' : 'Grade'}: ${s.grade ? GRADE_TEXT[s.grade][lang] : zh ? '尚未定级' : 'not graded'}`,
    `${zh ? '预案' : 'Playbook'}: ${s.playbook ? `${s.playbook.id} (${s.finished ?? (zh ? `进行中，下一步 ${s.cursor ?? '-'}` : `running, next ${s.cursor ?? '-'}`)})` : '-'}`,
    `${zh ? '证据' : 'Evidence'}: ${s.evidence.length}  ${zh ? '报告' : 'Reports'}: ${s.reports.length}  ${zh ? '状态' : 'Status'}: ${s.closed ? (zh ? `已关闭 ${formatInZone(new Date(s.closed.at), z)}` : `closed ${formatInZone(new Date(s.closed.at), z)}`) : zh ? '处置中' : 'open'}`,
    ...(deadlineList(s).length ? [zh ? '时限：' : 'Deadlines:'] : []),
    ...countdownLines(deadlineList(s), now, z, lang).map((l) => `  ${l}`),
    ...deadlineList(s)
      .filter((d) => ['met', 'late', 'cancelled'].includes(deadlineStatus(d, now)))
      .map((d) => `  ${deadlineStatus(d, now) === 'cancelled' ? '–' : '✓'} ${d.title[lang]}${zh ? '：' : ': '}${doneText(d, now, z, lang)}`),
    ...deadlineList(s).filter((d) => d.missedAt).map((d) => (zh ? `⚠ 已记录超时：${d.title.zh}` : `⚠ miss recorded: ${d.title.en}`)),
    ...s.submissions.map((x) => (zh ? `报送：${kindTitle(x.kind, lang)}第 ${x.version} 版，${formatInZone(new Date(x.submittedAt), z, { short: true })} 报送${recipientsText(x.to, lang)}（${x.via}）` : `Submitted: ${kindTitle(x.kind, lang)} v${x.version}, ${formatInZone(new Date(x.submittedAt), z, { short: true })} to ${recipientsText(x.to, lang)} (${x.via})`)),
    ...s.violations.map((v) => `✗ ${v.message[lang]}`),
  ];
  return lines.join('\n') + '\n';
}

function doneText(d: DeadlineState, now: Date, tz: string, lang: Lang): string {
  const st = deadlineStatus(d, now);
  const zh = lang === 'zh';
  if (st === 'cancelled') return zh ? '已撤销' : 'cancelled';
  const at = d.closedAt ? formatInZone(new Date(d.closedAt), tz, { short: true }) : d.due ? formatInZone(new Date(d.due), tz, { short: true }) : '';
  if (st === 'late') return zh ? `逾期完成 ${at}` : `done late ${at}`;
  return zh ? `已完成 ${at}` : `met ${at}`;
}

export async function incidentShow(o: IncidentCommon & { id: string }, io: Io): Promise<number> {
  const s = await storeFor(o, io).load(o.id);
  io.out(o.format === 'json' ? JSON.stringify(summary(s, io.now()), null, 2) + '\n' : showText(s, o.lang, io.now(), o.tz));
  return 0;
}

export async function incidentTimeline(o: IncidentCommon & { id: string }, io: Io): Promise<number> {
  const store = storeFor(o, io);
  const s = await store.load(o.id);
  const tz = o.tz ?? s.tz;
  if (o.format === 'json') {
    // the events as the journal holds them (version 2 spelling, whichever version wrote them)
    io.out(JSON.stringify(s.events.map(({ seq, event }) => ({ seq, event: eventToWire(event) })), null, 2) + '\n');
    return 0;
  }
  const playbook = await incidentPlaybook(store, o.id);
  for (const { seq, event } of s.events) io.out(`${String(seq).padStart(4)}  ${formatInZone(new Date(event.at), tz, { short: true })}  ${event.by ?? ''}  ${describeEvent(event, o.lang, { state: s, playbook, tz })}\n`);
  return 0;
}

export async function incidentVerify(o: IncidentCommon & { ids: string[] }, io: Io): Promise<number> {
  const store = storeFor(o, io);
  const ids = o.ids.length ? o.ids : (await store.list()).map((s) => s.id);
  let bad = 0;
  const results = [];
  for (const id of ids) {
    const r = await verifyIncident(store, id);
    results.push(r);
    if (!r.ok) bad++;
    if (o.format !== 'json') {
      io.out(`${id}: ${r.ok ? 'OK' : o.lang === 'zh' ? '发现篡改或损坏' : 'TAMPERED OR DAMAGED'} (${r.records} ${o.lang === 'zh' ? '条日志' : 'records'}, ${r.evidenceChecked} ${o.lang === 'zh' ? '项证据' : 'evidence'}, ${r.reportsChecked} ${o.lang === 'zh' ? '份报告' : 'reports'})\n`);
      for (const p of r.problems) io.out(`  ✗ ${p.kind}: ${p.detail}\n`);
    }
  }
  if (o.format === 'json') io.out(JSON.stringify(results, null, 2) + '\n');
  return bad ? 1 : 0;
}

export async function incidentClose(o: IncidentCommon & { id: string; summary: string }, io: Io): Promise<number> {
  const s = await closeIncident(storeFor(o, io), o.id, o.summary);
  io.out(showText(s, o.lang, io.now(), o.tz));
  return 0;
}

export async function incidentCorrect(o: IncidentCommon & { id: string; discovered: string; reason: string }, io: Io): Promise<number> {
  const store = storeFor(o, io);
  const cur = await store.load(o.id);
  const s = await correctDiscovery(store, o.id, parseTime(o.discovered, o.tz ?? cur.tz, io.now()), o.reason);
  io.out(showText(s, o.lang, io.now(), o.tz));
  return 0;
}

/**
 * Writes a new version of a report (Markdown and HTML from the same state; never overwriting an
 * earlier version), prints the chosen format, and with `-o FILE` also copies it there.
 */
export async function incidentReport(
  o: IncidentCommon & { id: string; kind: ReportKindAll; reportLang?: Lang; reportFormat: 'md' | 'html'; stdout: boolean; output?: string; signer?: string },
  io: Io,
): Promise<number> {
  if (!REPORT_KINDS.includes(o.kind)) throw new GwsecError('usage_error', { en: `--kind must be one of ${REPORT_KINDS.join(', ')}`, zh: `--kind 须为以下之一：${REPORT_KINDS.join('、')}` });
  const store = storeFor(o, io);
  await recordMissed(store, o.id);
  if (o.signer) await store.transact(o.id, (s) => (s.fields.signer === o.signer ? [] : [{ type: 'field.set', field: 'signer', value: o.signer! }]));
  const lang = o.reportLang ?? 'zh';
  const formats: Array<'md' | 'html'> = o.reportFormat === 'html' ? ['html', 'md'] : ['md', 'html'];
  const w = await writeReportWithPlaybook(store, o.id, { kind: o.kind, lang, formats, now: io.now() });
  if (o.output) {
    const dest = resolve(o.output);
    const tmp = `${dest}.tmp-${process.pid}`;
    await writeFile(tmp, w.texts[0]!, { mode: 0o600 });
    await rename(tmp, dest);
  }
  if (o.stdout && !o.output) io.out(w.texts[0]!);
  io.err(`${w.files.join('\n')}${o.output ? `\n${resolve(o.output)}` : ''}\n`);
  return 0;
}

/** `incident submit`: who (the responder), to whom, when, how: only this completes a reporting deadline. */
export async function incidentSubmit(
  o: IncidentCommon & { id: string; kind: 'initial' | 'followup' | 'final' | 'shutdown'; version?: number; to?: string[]; via?: string; reference?: string; at?: string },
  io: Io,
): Promise<number> {
  if (!['initial', 'followup', 'final', 'shutdown'].includes(o.kind)) throw new GwsecError('usage_error', { en: '--kind must be initial, followup, final or shutdown', zh: '--kind 须为 initial（初报）、followup（续报）、final（终报）或 shutdown（关停报告）' });
  if (!o.via) throw new GwsecError('usage_error', { en: 'say how it was submitted: --via "书面报告并电话报告" (and --reference DOC-NO)', zh: '请说明报送方式：--via "书面报告并电话报告"（并可用 --reference 注明文号）' });
  const store = storeFor(o, io);
  const cur = await store.load(o.id);
  const r = await submitReport(store, o.id, { kind: o.kind, version: o.version, to: o.to, via: o.via, reference: o.reference, at: o.at ? parseTime(o.at, o.tz ?? cur.tz, io.now()) : undefined });
  io.out(`${o.lang === 'zh' ? `已记录报送：${kindTitle(o.kind, o.lang)}第 ${r.version} 版报送${recipientsText(r.to, o.lang)}` : `Submission recorded: ${kindTitle(o.kind, o.lang)} version ${r.version} to ${recipientsText(r.to, o.lang)}`}\n${showText(r.state, o.lang, io.now(), o.tz)}`);
  return 0;
}

export async function incidentEvidence(o: IncidentCommon & { id: string; item?: string; export?: string }, io: Io): Promise<number> {
  const store = storeFor(o, io);
  if (o.export) {
    const done = await store.exportEvidence(o.id, o.export, o.item ? [o.item] : undefined);
    for (const d of done) io.out(`${d.item} → ${d.file} ${d.intact ? 'OK' : 'HASH MISMATCH'}\n`);
    return done.every((d) => d.intact) ? 0 : 1;
  }
  if (o.item) {
    const r = await store.accessEvidence(o.id, o.item);
    io.out(r.content.toString('utf8'));
    if (!r.intact) io.err(`gwsec: ${o.lang === 'zh' ? `${o.item} 与其登记的哈希值不一致` : `${o.item} differs from its recorded hash`}\n`);
    return r.intact ? 0 : 1;
  }
  const s = await store.load(o.id);
  if (o.format === 'json') io.out(JSON.stringify(s.evidence.map((e) => renameKeys(e, { collectedAt: 'collected_at', collectedBy: 'collected_by' })), null, 2) + '\n');
  else for (const e of s.evidence) io.out(`${e.item}  ${e.kind.padEnd(16)} ${String(e.size).padStart(8)}  SM3 ${e.sm3}  ${timeText(e.collectedAt, s, o.lang)}  ${e.file}  (${e.custody.length})\n`);
  return 0;
}
