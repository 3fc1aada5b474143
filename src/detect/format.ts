/** Alerts as text for a terminal (every field escaped: alerts carry attacker-shaped text). */
import type { Alert } from '../model/alert.js';
import type { Lang } from '../i18n/index.js';
import { escapeLine } from './event.js';

const SEV = { zh: { critical: '严重', high: '高', medium: '中', low: '低', info: '提示' }, en: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' } };

/** How first/last seen are shown: the caller's zone (`gwsec` shows Beijing time by default); as stored otherwise. */
export type AlertTimes = (firstSeen: string, lastSeen: string) => string;

export function formatAlert(a: Alert, lang: Lang, times: AlertTimes = (f, l) => `${f} .. ${l}`): string {
  const L = lang === 'zh';
  const head = `[${SEV[lang][a.severity]}] ${a.rule}  ${escapeLine(a.title[lang])}`;
  const lines = [
    head,
    `    ${L ? '主机' : 'host'} ${escapeLine(a.host)}  ${L ? '分组' : 'key'} ${escapeLine(a.groupKey) || '-'}  ${L ? '次数' : 'count'} ${a.count}  ${times(a.firstSeen, a.lastSeen)}`,
    `    ${L ? '技术' : 'technique'} ${a.technique}  ${L ? '建议预案' : 'playbook'} ${a.playbook}  id ${a.id}`,
  ];
  const ev = Object.entries(a.evidence);
  if (ev.length) lines.push(`    ${L ? '证据' : 'evidence'} ${ev.map(([k, v]) => `${k}=${escapeLine(Array.isArray(v) ? v.join(',') : String(v), 200)}`).join('  ')}`);
  for (const s of a.samples) lines.push(`    | ${escapeLine(s)}`);
  if (a.refs.length) lines.push(`    ${L ? '归档' : 'archived'} ${a.refs.slice(0, 10).map((r) => `${escapeLine(r.source)}#${r.seq}`).join(' ')}${a.refs.length > 10 ? ' …' : ''}`);
  return lines.join('\n') + '\n';
}
