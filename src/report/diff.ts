import type { DiffEntry, ReportDiff } from '../audit/diff.js';
import type { Lang } from '../i18n/index.js';
import { SEVERITY_LABEL, STATUS_LABEL } from './labels.js';

const W = {
  title: { zh: '与基线对比（{old} → {new}）', en: 'Compared with the baseline ({old} → {new})' },
  newFailures: { zh: '新增不通过', en: 'New failures' },
  fixed: { zh: '已修复', en: 'Fixed' },
  stillFailing: { zh: '仍未通过', en: 'Still failing' },
  changed: { zh: '状态或证据有变化', en: 'Changed status or evidence' },
  hostsAdded: { zh: '新增主机', en: 'Hosts added' },
  hostsRemoved: { zh: '移除主机', en: 'Hosts removed' },
  evidence: { zh: '证据有变化', en: 'evidence changed' },
  none: { zh: '无', en: 'none' },
} as const;

function entry(e: DiffEntry, lang: Lang): string {
  const host = e.host === '*' ? (lang === 'zh' ? '全局' : 'fleet') : e.host;
  const move = e.from && e.from !== e.to ? `${STATUS_LABEL[e.from][lang]} → ${STATUS_LABEL[e.to!][lang]}` : STATUS_LABEL[e.to!][lang];
  return `  ${host}  ${e.check}  [${e.article}, ${SEVERITY_LABEL[e.severity][lang]}]  ${move}${e.evidenceChanged ? `  (${W.evidence[lang]})` : ''}`;
}

/** The diff as a person reads it; JSON is the ReportDiff itself. */
export function formatDiffText(d: ReportDiff, lang: Lang): string {
  const lines = [W.title[lang].replace('{old}', d.old.generatedAt).replace('{new}', d.new.generatedAt)];
  for (const k of ['hostsAdded', 'hostsRemoved'] as const) lines.push(`${W[k][lang]} (${d[k].length}): ${d[k].length ? d[k].join(', ') : W.none[lang]}`);
  for (const k of ['newFailures', 'fixed', 'stillFailing', 'changed'] as const) {
    lines.push(`${W[k][lang]} (${d[k].length})`);
    for (const e of d[k]) lines.push(entry(e, lang));
  }
  return lines.join('\n') + '\n';
}
