/**
 * One readable sentence per journal event, for timelines (CLI and reports). Step ids, answer keys
 * and deadline ids are engine internals: they are turned into the step's title, the question and
 * the deadline's title from the incident state (and the playbook copy, for decision options).
 */
import type { IncidentEvent } from './events.js';
import type { IncidentState } from './state.js';
import { GRADE_TEXT, recipientsText, type Bilingual, type Lang } from './clock.js';
import { GRADING_QUESTIONS } from './grading.js';
import { OFFICIAL_TZ, formatInZone } from './time.js';
import { fieldLabel, kindTitle, offlineText } from './vocab.js';

/**
 * What an incident's timeline and reports read of the playbook that ran it: its title, the order of
 * its steps and their (and decision options') titles. src/playbook's Playbook has this shape; the
 * incident layer never parses a playbook (the caller hands the incident's copy in).
 */
export interface PlaybookOutline {
  title: Bilingual;
  steps: ReadonlyArray<{ id: string; kind: string; title: Bilingual; on_success?: string; options?: ReadonlyArray<{ id: string; title: Bilingual }> }>;
}

export interface TimelineContext {
  state?: IncidentState;
  playbook?: PlaybookOutline;
  tz?: string;
}

const yesNo = (v: unknown, lang: Lang): string => (v === true ? (lang === 'zh' ? '是' : 'yes') : v === false ? (lang === 'zh' ? '否' : 'no') : short(v));

function short(v: unknown): string {
  const t = typeof v === 'string' ? v : JSON.stringify(v);
  return t.length > 200 ? t.slice(0, 200) + '…' : t;
}

/**
 * The events a timeline shows: an answer that the next event records as a report field says the
 * same thing twice, so only the field is kept.
 */
export function timelineEvents<T extends { event: IncidentEvent }>(events: readonly T[]): T[] {
  return events.filter((x, i) => {
    const n = events[i + 1]?.event;
    return !(x.event.type === 'step.answered' && n?.type === 'field.set' && n.step === x.event.step && n.value === x.event.answer);
  });
}

export function describeEvent(e: IncidentEvent, lang: Lang, ctx: TimelineContext = {}): string {
  const zh = lang === 'zh';
  const tz = ctx.tz ?? OFFICIAL_TZ;
  const when = (iso: string) => formatInZone(new Date(iso), tz, { short: false });
  const stepTitle = (id: string): string => {
    const pbStep = ctx.playbook?.steps.find((s) => s.id === id);
    const t: Bilingual | undefined = pbStep?.title ?? ctx.state?.steps.get(id)?.title;
    return t ? t[lang] : id;
  };
  const q = (id: string) => (zh ? `“${stepTitle(id)}”` : `"${stepTitle(id)}"`);
  const deadline = (id: string): string => ctx.state?.deadlines.get(id)?.title[lang] ?? id;
  const recipients = (to: readonly string[]) => recipientsText(to, lang);
  switch (e.type) {
    case 'incident.opened': {
      const title = e.titles?.[lang] ?? e.title;
      return zh ? `登记事件“${title}”${e.drill && !title.includes('演练') ? '（演练）' : ''}，发现时间 ${when(e.discoveredAt)}。` : `Incident "${title}" opened${e.drill ? ' (drill)' : ''}; discovered ${when(e.discoveredAt)}.`;
    }
    case 'discovery.corrected':
      return zh ? `发现时间由 ${when(e.from)} 更正为 ${when(e.to)}，理由：${e.reason}。` : `Discovery time corrected from ${when(e.from)} to ${when(e.to)}: ${e.reason}.`;
    case 'playbook.started':
      return zh ? `启动应急预案“${ctx.playbook?.title.zh ?? e.playbook}”（第 ${e.version} 版）${e.mode === 'answers' ? '，按应答文件执行' : ''}。` : `Emergency plan "${ctx.playbook?.title.en ?? e.playbook}" (version ${e.version}) started${e.mode === 'answers' ? ' from an answers file' : ''}.`;
    case 'playbook.resumed':
      return zh ? `中断后继续执行预案${e.from ? `，自${q(e.from)}起` : ''}。` : `Plan resumed after an interruption${e.from ? `, from ${q(e.from)}` : ''}.`;
    case 'playbook.finished':
      return zh ? `预案执行${e.outcome === 'success' ? '完毕' : '未能完成'}。` : `Plan ${e.outcome === 'success' ? 'completed' : 'ended unsuccessfully'}.`;
    case 'step.started':
      return zh ? `开始：${e.title.zh}。` : `Started: ${e.title.en}.`;
    case 'step.answered': {
      if (e.key.startsWith('rerun:')) return zh ? `是否在 ${e.key.slice(6)} 上重新执行${q(e.step)}的命令：${yesNo(e.answer, lang)}。` : `Run the command of ${q(e.step)} again on ${e.key.slice(6)}: ${yesNo(e.answer, lang)}.`;
      const gq = GRADING_QUESTIONS.find((x) => x.id === e.key);
      if (gq) return zh ? `定级问题“${gq.text.zh.replace(/（.*?）？$|？$/, '')}”：${yesNo(e.answer, lang)}。` : `Grading question "${gq.text.en.replace(/ \(.*\)\?$|\?$/, '')}": ${yesNo(e.answer, lang)}.`;
      if (/^approver_\d+$/.test(e.key)) return zh ? `${q(e.step)}：审批人 ${short(e.answer)}。` : `${q(e.step)}: approver ${short(e.answer)}.`;
      if (/^decision_\d+$/.test(e.key)) return zh ? `${q(e.step)}：审批意见为${e.answer === 'approve' ? '批准' : '驳回'}。` : `${q(e.step)}: ${e.answer === 'approve' ? 'approved' : 'rejected'}.`;
      if (e.key === 'reference' || e.key === 'via') {
        const submit = ctx.state?.steps.get(e.step)?.kind === 'submit';
        const what = e.key === 'via' ? (zh ? '报送方式' : 'submitted via') : submit ? (zh ? '文号、回执或接收人' : 'reference') : zh ? '通知方式及回执' : 'notified via';
        return zh ? `${q(e.step)}：${what}为“${short(e.answer)}”。` : `${q(e.step)}: ${what} "${short(e.answer)}".`;
      }
      const option = ctx.playbook?.steps.find((s) => s.id === e.step && s.kind === 'decision');
      if (option && typeof e.answer === 'string') {
        const o = option.options?.find((x) => x.id === e.answer);
        if (o) return zh ? `${q(e.step)}：选择“${o.title.zh}”。` : `${q(e.step)}: chose "${o.title.en}".`;
      }
      if (typeof e.answer === 'boolean') return zh ? `${q(e.step)}：${e.answer ? '已确认' : '未确认'}。` : `${q(e.step)}: ${e.answer ? 'confirmed' : 'not confirmed'}.`;
      return zh ? `${q(e.step)}：${short(e.answer)}。` : `${q(e.step)}: ${short(e.answer)}.`;
    }
    case 'step.completed': {
      if (e.outcome === 'success') {
        const g = /^grade (\w+)$/.exec(e.detail ?? '');
        if (g && g[1]! in GRADE_TEXT) return zh ? `按事件级别（${GRADE_TEXT[g[1] as keyof typeof GRADE_TEXT].zh}）转入${q(e.next)}。` : `By grade (${GRADE_TEXT[g[1] as keyof typeof GRADE_TEXT].en}) on to ${q(e.next)}.`;
        return zh ? `完成${q(e.step)}。` : `Done: ${q(e.step)}.`;
      }
      const hosts = /^(\d+) of (\d+) host/.exec(e.detail ?? '');
      const why = hosts ? (zh ? `${hosts[2]} 台主机中 ${hosts[1]} 台失败` : `${hosts[1]} of ${hosts[2]} host(s) failed`) : e.detail === 'rejected' ? (zh ? '审批被驳回' : 'approval rejected') : e.detail ? (zh ? `原因：${e.detail}` : e.detail) : '';
      const what = { failure: zh ? '未成功' : 'failed', timeout: zh ? '超时未完成' : 'timed out', interrupted: zh ? '被中断' : 'was interrupted' }[e.outcome];
      return zh ? `${q(e.step)}${what}${why ? `（${why}）` : ''}。` : `${q(e.step)} ${what}${why ? ` (${why})` : ''}.`;
    }
    case 'command.started':
      return zh ? `在${e.host === 'local' ? '本机' : ` ${e.host} `}上执行${q(e.step)}的命令。` : `Command of ${q(e.step)} started on ${e.host === 'local' ? 'this machine' : e.host}.`;
    case 'command.finished':
      return zh ? `${e.host === 'local' ? '本机' : `${e.host} `}上的命令${e.exitCode === 0 ? '执行成功' : `执行失败（退出码 ${e.exitCode}）`}。` : `Command on ${e.host === 'local' ? 'this machine' : e.host} ${e.exitCode === 0 ? 'succeeded' : `failed (exit code ${e.exitCode})`}.`;
    case 'command.reused':
      return zh ? `未重新执行命令，沿用 ${e.host} 上已记录的结果。` : `Command not re-run; the recorded result on ${e.host} was reused.`;
    case 'evidence.collected':
      return zh ? `采集证据 ${e.item}（${e.host === 'local' ? '本机' : (e.host ?? '')}，${e.size} 字节），SM3 ${e.sm3.slice(0, 16)}…。` : `Evidence ${e.item} collected (${e.host === 'local' ? 'this machine' : (e.host ?? '')}, ${e.size} bytes), SM3 ${e.sm3.slice(0, 16)}….`;
    case 'custody':
      return zh ? `证据 ${e.item} 被${e.action === 'exported' ? `导出至 ${e.to}` : '查阅'}${e.intact ? '，哈希一致' : '，哈希不符！'}。` : `Evidence ${e.item} ${e.action === 'exported' ? `exported to ${e.to}` : 'viewed'}${e.intact ? ', hash intact' : ', HASH MISMATCH'}.`;
    case 'approval.recorded':
      return zh ? `${e.approver}${e.decision === 'approve' ? '批准' : '驳回'}${q(e.step)}${e.comment ? `：${e.comment}` : ''}。` : `${e.approver} ${e.decision === 'approve' ? 'approved' : 'rejected'} ${q(e.step)}${e.comment ? `: ${e.comment}` : ''}.`;
    case 'grade.set':
      return zh ? `事件定级为${GRADE_TEXT[e.grade].zh}。` : `Incident graded ${GRADE_TEXT[e.grade].en}.`;
    case 'deadline.opened':
      return zh
        ? `开始计时：${e.deadline.title.zh}${e.deadline.due ? `，截止 ${when(e.deadline.due)}` : ''}${e.deadline.provisional ? '（如定级为较大及以上）' : ''}。`
        : `Deadline started: ${e.deadline.title.en}${e.deadline.due ? `, due ${when(e.deadline.due)}` : ''}${e.deadline.provisional ? ' (if graded 较大 or above)' : ''}.`;
    case 'deadline.closed':
      return zh ? `时限“${deadline(e.id)}”已完成。` : `Deadline "${deadline(e.id)}" met.`;
    case 'deadline.cancelled':
      return zh ? `时限“${deadline(e.id)}”撤销（${e.id === 'initial_report' ? '定级为一般，不适用国家报告时限' : e.id === 'escalation' ? '级别低于重大' : e.reason}）。` : `Deadline "${deadline(e.id)}" cancelled (${e.reason}).`;
    case 'deadline.missed':
      return zh ? `⚠ 错过时限“${deadline(e.id)}”（截止 ${when(e.due)}），已记录。` : `⚠ Deadline "${deadline(e.id)}" missed (due ${when(e.due)}); recorded.`;
    case 'field.set':
      return zh ? `记录${fieldLabel(e.field, lang)}：${short(e.value)}。` : `Recorded ${fieldLabel(e.field, lang).toLowerCase()}: ${short(e.value)}.`;
    case 'notify.sent':
      return zh ? `已通知${recipients(e.to)}（方式及回执：${e.reference}）。` : `Notified ${recipients(e.to)} (via: ${e.reference}).`;
    case 'report.written':
      return zh ? `生成${kindTitle(e.kind, lang)}${e.version ? `第 ${e.version} 版` : ''}（${e.file}）。` : `${kindTitle(e.kind, lang)}${e.version ? ` version ${e.version}` : ''} written (${e.file}).`;
    case 'report.submitted':
      return zh
        ? `${e.by ?? ''}于 ${when(e.submittedAt)} 向${recipients(e.to)}报送${kindTitle(e.kind, lang)}第 ${e.version} 版（方式：${e.via}${e.reference ? `；文号或回执：${e.reference}` : ''}）。`
        : `${e.by ?? ''} submitted ${kindTitle(e.kind, lang)} version ${e.version} to ${recipients(e.to)} at ${when(e.submittedAt)} (via ${e.via}${e.reference ? `; reference ${e.reference}` : ''}).`;
    case 'offline.started':
      return zh ? `网站${offlineText(e.kind, lang)}${e.plannedDays !== undefined ? `，计划 ${e.plannedDays} 天` : ''}。` : `Site ${offlineText(e.kind, lang)}${e.plannedDays !== undefined ? `, planned ${e.plannedDays} days` : ''}.`;
    case 'offline.ended':
      return zh ? '网站恢复上线。' : 'Site back online.';
    case 'notice.posted':
      return zh ? `在${e.where === 'site' ? '本网站' : '政府门户网站'}发布公告。` : `Notice posted on ${e.where === 'site' ? 'the site' : 'the government portal'}.`;
    case 'rule.violation':
      return `✗ ${e.message[lang]}`;
    case 'wait.done':
      return zh ? `${q(e.step)}：${e.skipped ? '未等满即继续（或演练跳过）' : '等待结束'}。` : `${q(e.step)}: ${e.skipped ? 'continued early (or skipped in a drill)' : 'wait over'}.`;
    case 'note':
      return zh ? `备注：${e.text}` : `Note: ${e.text}`;
    case 'incident.closed':
      return zh ? `事件关闭：${e.summary}` : `Incident closed: ${e.summary}`;
  }
}
