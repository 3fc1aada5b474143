import type { Bilingual, Severity, Status } from '../model/status.js';

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

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1..99 in Chinese numerals, as regulations number their articles (四十, 四十一, 十). */
export function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** "40.7" -> 第四十条第（七）项 / Article 40(7); anything else is shown as it is. */
export function articleLabel(article: string): Bilingual {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(article);
  if (!m) return { zh: article, en: article };
  const a = Number(m[1]);
  const item = m[2] ? Number(m[2]) : undefined;
  return {
    zh: `第${chineseNumber(a)}条${item !== undefined ? `第（${chineseNumber(item)}）项` : ''}`,
    en: `Article ${a}${item !== undefined ? `(${item})` : ''}`,
  };
}
