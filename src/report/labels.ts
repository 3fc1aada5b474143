import type { Bilingual, Severity, Status } from '../model/status.js';
import type { Lang } from '../i18n/index.js';

/** Words the file formats (junit, sarif, html, dengbao) share, as bilingual data. */
export const STATUS_LABEL: Record<Status, Bilingual> = {
  pass: { zh: '通过', en: 'pass' },
  fail: { zh: '不通过', en: 'fail' },
  not_applicable: { zh: '不适用', en: 'not applicable' },
  error: { zh: '无法判定', en: 'error' },
  manual: { zh: '需人工核实', en: 'manual' },
  waived: { zh: '已豁免', en: 'waived' },
};

export const SEVERITY_LABEL: Record<Severity, Bilingual> = {
  critical: { zh: '严重', en: 'critical' },
  high: { zh: '高', en: 'high' },
  medium: { zh: '中', en: 'medium' },
  low: { zh: '低', en: 'low' },
  info: { zh: '提示', en: 'info' },
};

export const pick = (b: Bilingual, lang: Lang): string => b[lang];
