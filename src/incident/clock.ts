/**
 * The regulatory clock, pure: deadlines from discovery time, operator class and grade (national
 * network security incident reporting measures, in force 2025-11-01), the regulation's own clocks
 * (Art. 10 offline rules, Art. 25 public replies, Art. 33 reposts), and what is left or overdue now.
 * No I/O and no wall clock: every function takes the instants it needs.
 */
import { OFFICIAL_TZ, addWorkingDays, formatDuration, formatInZone, yearIn } from './time.js';

export type Bilingual = { zh: string; en: string };
export type Lang = 'zh' | 'en';

/** The recipients a report or notification can go to, as the regulation names them. */
export const RECIPIENT_TEXT: Record<string, Bilingual> = {
  cac: { zh: '同级网信部门', en: 'cyberspace administration (CAC) at the same level' },
  supervisor: { zh: '上级主管单位', en: 'supervising unit' },
  public_security: { zh: '公安机关', en: 'public security organ' },
  protection_dept: { zh: '保护工作部门', en: 'protection department' },
  dept_cac_office: { zh: '本部门网信工作机构', en: "the department's cyberspace affairs office" },
  provincial_cac: { zh: '属地省级网信部门', en: 'provincial cyberspace administration (CAC) where the operator is' },
  portal: { zh: '政府门户网站', en: 'government portal' },
  site: { zh: '本网站', en: 'this site' },
  team: { zh: '应急处置小组', en: 'response team' },
  vendor: { zh: '技术支撑单位', en: 'technical support vendor' },
  public: { zh: '社会公众', en: 'the public' },
};

export const GRADES = ['general', 'larger', 'major', 'especially_major'] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_TEXT: Record<Grade, Bilingual> = {
  general: { zh: '一般', en: 'general (一般)' },
  larger: { zh: '较大', en: 'larger (较大)' },
  major: { zh: '重大', en: 'major (重大)' },
  especially_major: { zh: '特别重大', en: 'especially major (特别重大)' },
};
export const gradeAtLeast = (g: Grade | undefined, min: Grade): boolean => g !== undefined && GRADES.indexOf(g) >= GRADES.indexOf(min);

export type OperatorClass = 'cii' | 'state_organ' | 'other';
export const OPERATOR_CLASS_TEXT: Record<OperatorClass, Bilingual> = {
  cii: { zh: '关键信息基础设施运营者', en: 'critical information infrastructure operator' },
  state_organ: { zh: '中央和国家机关各部门及其直属单位', en: 'central and state organ' },
  other: { zh: '其他网络运营者', en: 'other network operator' },
};

/** Hours from discovery to the initial report, for incidents graded 较大 or above. */
export const REPORT_HOURS: Record<OperatorClass, number> = { cii: 1, state_organ: 2, other: 4 };
/**
 * Who receives an incident report, one rule per operator class, used everywhere (the deadline's
 * title, the report's 报送对象, a submit step's default recipients): the recipient the national
 * reporting measures name for the class, then the two Art. 41(四) names for every government
 * website (同级网信部门, 上级主管单位).
 */
export const REPORT_RECIPIENTS: Record<OperatorClass, readonly string[]> = {
  cii: ['protection_dept', 'public_security', 'cac', 'supervisor'],
  state_organ: ['dept_cac_office', 'cac', 'supervisor'],
  other: ['provincial_cac', 'cac', 'supervisor'],
};

export function recipientsText(to: readonly string[], lang: Lang): string {
  return to.map((r) => RECIPIENT_TEXT[r]?.[lang] ?? r).join(lang === 'zh' ? '、' : ', ');
}

export type DeadlineKind =
  | 'initial_report' // national measures: 1 / 2 / 4 h from discovery, 较大 and above
  | 'escalation' // 重大 and above: supervising unit and public security told at once
  | 'final_report' // national measures: summary within 5 working days after handling ends
  | 'public_reply' // Art. 25: 3 working days
  | 'repost' // Art. 33: 12 hours
  | 'offline_max' // Art. 10: temporary offline at most 30 days
  | 'shutdown_written_report' // Art. 10: emergency shutdown reported in writing (no fixed hour)
  | 'notice_keep'; // Art. 10: migration notices kept at least 30 days (a not-before bound)

export const DEADLINE_KINDS: readonly DeadlineKind[] = ['initial_report', 'escalation', 'final_report', 'public_reply', 'repost', 'offline_max', 'shutdown_written_report', 'notice_keep'];

/** Deadlines only a submission completes (writing a report is not submitting it), by report kind. */
export const SUBMISSION_DEADLINES: Record<'initial' | 'followup' | 'final' | 'shutdown', DeadlineKind | undefined> = {
  initial: 'initial_report', followup: undefined, final: 'final_report', shutdown: 'shutdown_written_report',
};

/** What the journal records when a deadline opens (ISO times: the due time is fixed when recorded). */
export interface DeadlineSpec {
  id: string;
  kind: DeadlineKind;
  title: Bilingual;
  basis: Bilingual;
  /** Absent: a duty with no fixed hour (shown as pending until closed). */
  due?: string;
  /** A not-before bound (notice_keep): "due" is the earliest allowed time, and acting earlier is the violation. */
  notBefore?: boolean;
  /** Shown before grading: applies only if the incident is graded 较大 or above. */
  provisional?: boolean;
}

const H = 3600000;
const D = 86400000;

export function initialReportDeadline(discovered: Date, cls: OperatorClass, provisional = false): DeadlineSpec {
  const h = REPORT_HOURS[cls];
  return {
    id: 'initial_report',
    kind: 'initial_report',
    title: { zh: '初次报告', en: 'Initial report' },
    basis: {
      zh: `《国家网络安全事件报告管理办法》：较大及以上事件，${OPERATOR_CLASS_TEXT[cls].zh}自发现起最迟 ${h} 小时内报告；报送${recipientsText(REPORT_RECIPIENTS[cls], 'zh')}`,
      en: `National incident reporting measures (2025-11-01): for 较大 and above, the operator (${OPERATOR_CLASS_TEXT[cls].en}) reports within ${h} h of discovery, to the ${recipientsText(REPORT_RECIPIENTS[cls], 'en')}`,
    },
    due: new Date(discovered.getTime() + h * H).toISOString(),
    provisional,
  };
}

export function escalationDeadline(discovered: Date, cls: OperatorClass): DeadlineSpec {
  return {
    id: 'escalation',
    kind: 'escalation',
    title: { zh: '重大及以上事件：上报上级主管单位并通报公安机关', en: 'Major or above: escalate to the supervising unit and public security' },
    basis: {
      zh: '重大、特别重大事件须第一时间逐级上报；不晚于初次报告时限',
      en: 'Major and especially major incidents are escalated at once; no later than the initial report',
    },
    due: new Date(discovered.getTime() + REPORT_HOURS[cls] * H).toISOString(),
  };
}

/** Opens a deadline of a kind that runs from `from` (a step's completion, an offline start, a notice). */
export function deadlineFor(kind: Exclude<DeadlineKind, 'initial_report' | 'escalation'>, from: Date, id: string = kind, tz = OFFICIAL_TZ): DeadlineSpec {
  switch (kind) {
    case 'final_report':
      return {
        id, kind,
        title: { zh: '总结报告', en: 'Final (summary) report' },
        basis: { zh: '事件处置结束后 5 个工作日内报送总结报告（不含法定节假日调整）', en: 'Summary report within 5 working days after handling ends (public holidays not counted by gwsec)' },
        due: addWorkingDays(from, 5, tz).toISOString(),
      };
    case 'public_reply':
      return {
        id, kind,
        title: { zh: '答复网民', en: 'Reply to the public' },
        basis: { zh: '第二十五条：3 个工作日内答复网民', en: 'Art. 25: answer the public within 3 working days' },
        due: addWorkingDays(from, 3, tz).toISOString(),
      };
    case 'repost':
      return {
        id, kind,
        title: { zh: '转载上级重要政策信息', en: 'Repost the superior portal’s policy item' },
        basis: { zh: '第三十三条：接到通知后 12 小时内转载', en: 'Art. 33: repost within 12 hours of notice' },
        due: new Date(from.getTime() + 12 * H).toISOString(),
      };
    case 'offline_max':
      return {
        id, kind,
        title: { zh: '临时下线恢复上线', en: 'Back online after temporary offline' },
        basis: { zh: '第十条：临时下线时间不超过 30 天', en: 'Art. 10: temporary offline lasts at most 30 days' },
        due: new Date(from.getTime() + 30 * D).toISOString(),
      };
    case 'shutdown_written_report':
      return {
        id, kind,
        title: { zh: '紧急关停书面报告', en: 'Written report of the emergency shutdown' },
        basis: { zh: '第十条：紧急关停须书面报告', en: 'Art. 10: an emergency shutdown is reported in writing' },
      };
    case 'notice_keep':
      return {
        id, kind,
        title: { zh: '迁移下线公告保留期', en: 'Keep the migration notice up' },
        basis: { zh: '第十条：下线迁移公告保留不少于 30 天', en: 'Art. 10: migration notices stay up at least 30 days' },
        due: new Date(from.getTime() + 30 * D).toISOString(),
        notBefore: true,
      };
  }
}

/** A deadline as the incident state holds it. */
export interface DeadlineState extends DeadlineSpec {
  openedAt: string;
  closedAt?: string;
  closedBy?: string;
  cancelledAt?: string;
  /** When gwsec first recorded it as missed. */
  missedAt?: string;
}

export type DeadlineStatus = 'open' | 'overdue' | 'met' | 'late' | 'cancelled' | 'pending' | 'waiting';

export function deadlineStatus(d: DeadlineState, now: Date): DeadlineStatus {
  if (d.cancelledAt) return 'cancelled';
  const due = d.due ? Date.parse(d.due) : undefined;
  if (d.notBefore) return d.closedAt ? (due !== undefined && Date.parse(d.closedAt) < due ? 'late' : 'met') : now.getTime() >= (due ?? 0) ? 'met' : 'waiting';
  if (d.closedAt) return due !== undefined && Date.parse(d.closedAt) > due ? 'late' : 'met';
  if (due === undefined) return 'pending';
  return now.getTime() > due ? 'overdue' : 'open';
}

/** Deadlines that are past due, still open, and not yet recorded as missed: the runner journals these. */
export function newlyMissed(ds: readonly DeadlineState[], now: Date): DeadlineState[] {
  return ds.filter((d) => !d.missedAt && !d.provisional && deadlineStatus(d, now) === 'overdue');
}

const STATUS_TEXT: Record<DeadlineStatus, Bilingual> = {
  open: { zh: '剩余', en: 'left' },
  overdue: { zh: '已超时', en: 'OVERDUE by' },
  met: { zh: '已按时完成', en: 'met' },
  late: { zh: '逾期完成', en: 'done late' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
  pending: { zh: '待完成（无固定时限）', en: 'pending (no fixed hour)' },
  waiting: { zh: '未满，不得提前撤除，还需', en: 'not yet: keep for another' },
};

/** One line per deadline that still matters: what every prompt shows. */
export function countdownLines(ds: readonly DeadlineState[], now: Date, tz: string, lang: Lang): string[] {
  const out: string[] = [];
  for (const d of ds) {
    const st = deadlineStatus(d, now);
    if (st === 'met' || st === 'cancelled' || st === 'late') continue;
    const title = d.title[lang] + (d.provisional ? (lang === 'zh' ? '（如定级为较大及以上）' : ' (if graded 较大 or above)') : '');
    if (!d.due) {
      out.push(`⏱ ${title}: ${STATUS_TEXT[st][lang]}`);
      continue;
    }
    const left = Date.parse(d.due) - now.getTime();
    const when = formatInZone(new Date(d.due), tz, { short: true });
    const amount = formatDuration(left, lang);
    const mark = st === 'overdue' ? '⚠' : '⏱';
    out.push(lang === 'zh' ? `${mark} ${title}：${STATUS_TEXT[st].zh} ${amount}（截止 ${when}）` : `${mark} ${title}: ${STATUS_TEXT[st].en} ${amount} (due ${when})`);
  }
  return out;
}

// ---- Article 10 ----------------------------------------------------------------------------

export type OfflineKind = 'temporary' | 'emergency' | 'migration';

export interface OfflineRecord {
  incident: string;
  site: string;
  kind: OfflineKind;
  start: string;
  end?: string;
}

export interface RuleProblem {
  rule: string;
  message: Bilingual;
}

/**
 * Art. 10(二): a temporary offline needs approval and notices on the site and the portal, lasts at
 * most 30 days, and happens at most once a year per site (counted across incidents, in official
 * time; emergency shutdowns do not count). Migration offline needs its notice first.
 */
export function checkOfflineStart(o: {
  kind: OfflineKind;
  site: string;
  start: Date;
  plannedDays?: number;
  approved: boolean;
  notices: ReadonlySet<string>;
  history: readonly OfflineRecord[];
  incident: string;
}): RuleProblem[] {
  const p: RuleProblem[] = [];
  if (o.kind === 'temporary') {
    if (!o.approved) p.push({ rule: 'art10-offline-approval', message: { zh: '临时下线须经审批，本事件尚无批准记录', en: 'a temporary offline needs an approval; none is recorded in this incident' } });
    for (const where of ['site', 'portal'])
      if (!o.notices.has(where))
        p.push({ rule: 'art10-offline-notice', message: { zh: `临时下线须在${where === 'site' ? '本网站' : '门户网站'}发布公告，尚未记录`, en: `a temporary offline needs a notice on the ${where === 'site' ? 'site' : 'portal'}; none is recorded` } });
    if (o.plannedDays !== undefined && o.plannedDays > 30)
      p.push({ rule: 'art10-offline-30-days', message: { zh: `计划下线 ${o.plannedDays} 天，超过 30 天上限`, en: `planned ${o.plannedDays} days offline: the limit is 30` } });
    const year = yearIn(o.start, OFFICIAL_TZ);
    const earlier = o.history.filter((h) => h.kind === 'temporary' && h.site === o.site && h.incident !== o.incident && yearIn(new Date(h.start), OFFICIAL_TZ) === year);
    if (earlier.length)
      p.push({
        rule: 'art10-offline-once-a-year',
        message: {
          zh: `网站“${o.site}”在 ${year} 年已临时下线过（事件 ${earlier.map((e) => e.incident).join('、')}），每年不得超过 1 次`,
          en: `site "${o.site}" already went temporarily offline in ${year} (incident ${earlier.map((e) => e.incident).join(', ')}): at most once a year`,
        },
      });
  }
  if (o.kind === 'migration' && !o.notices.has('site'))
    p.push({ rule: 'art10-migration-notice', message: { zh: '下线迁移须先在网站发布公告', en: 'a migration offline needs the notice on the site first' } });
  return p;
}
