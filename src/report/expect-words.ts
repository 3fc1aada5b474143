import type { Lang } from '../i18n/index.js';

/**
 * An evidence leaf's expectation in words, for people: `应为以下之一：kylin、uos、openeuler…（共 12 项）`
 * / `expected one of: kylin, uos, openeuler, … (12 in all)`. The raw `{op, expected}` stays in JSON
 * and in the text report's --verbose form. Pure; unknown operators fall back to `op value`.
 */
const SHOWN = 3;
const NAMING_FIELDS = ['name', 'id', 'user', 'path', 'file', 'address', 'ip', 'label', 'host', 'domain'];

export function listWords(v: unknown, lang: Lang, max = SHOWN): string {
  if (!Array.isArray(v)) return valueWords(v, lang);
  const items = v.slice(0, max).map((x) => valueWords(x, lang));
  if (v.length <= max) return items.join(lang === 'zh' ? '、' : ', ');
  return lang === 'zh' ? `${items.join('、')}…（共 ${v.length} 项）` : `${items.join(', ')}, … (${v.length} in all)`;
}

export function valueWords(v: unknown, lang: Lang): string {
  if (v === null || v === undefined) return lang === 'zh' ? '（无）' : '(none)';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? `[${listWords(v, lang)}]` : lang === 'zh' ? '（空）' : '(empty)';
  // an element of a list of objects: the field that names it (the JSON report keeps it whole)
  const o = v as Record<string, unknown>;
  const key = NAMING_FIELDS.find((k) => typeof o[k] === 'string' || typeof o[k] === 'number');
  if (key) return String(o[key]);
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

type Phrase = (x: string, lang: Lang) => string;
const zhEn = (zh: (x: string) => string, en: (x: string) => string): Phrase => (x, lang) => (lang === 'zh' ? zh(x) : en(x));

const PHRASES: Record<string, Phrase> = {
  eq: zhEn((x) => `应为 ${x}`, (x) => `expected ${x}`),
  ne: zhEn((x) => `不应为 ${x}`, (x) => `expected anything but ${x}`),
  in: zhEn((x) => `应为以下之一：${x}`, (x) => `expected one of: ${x}`),
  not_in: zhEn((x) => `不应为以下任一项：${x}`, (x) => `expected none of: ${x}`),
  lt: zhEn((x) => `应小于 ${x}`, (x) => `expected less than ${x}`),
  le: zhEn((x) => `应不大于 ${x}`, (x) => `expected at most ${x}`),
  gt: zhEn((x) => `应大于 ${x}`, (x) => `expected more than ${x}`),
  ge: zhEn((x) => `应不小于 ${x}`, (x) => `expected at least ${x}`),
  matches: zhEn((x) => `应匹配 /${x}/`, (x) => `expected to match /${x}/`),
  not_matches: zhEn((x) => `不应匹配 /${x}/`, (x) => `expected not to match /${x}/`),
  contains: zhEn((x) => `应包含 ${x}`, (x) => `expected to contain ${x}`),
  not_contains: zhEn((x) => `不应包含 ${x}`, (x) => `expected not to contain ${x}`),
  subset_of: zhEn((x) => `应只含以下各项：${x}`, (x) => `expected only: ${x}`),
  disjoint: zhEn((x) => `不应含以下任一项：${x}`, (x) => `expected none of: ${x}`),
  length_le: zhEn((x) => `应至多 ${x} 项`, (x) => `expected at most ${x} element(s)`),
  length_ge: zhEn((x) => `应至少 ${x} 项`, (x) => `expected at least ${x} element(s)`),
  version_ge: zhEn((x) => `版本应不低于 ${x}`, (x) => `expected version ${x} or later`),
  version_lt: zhEn((x) => `版本应低于 ${x}`, (x) => `expected a version before ${x}`),
  version_in_ranges: zhEn((x) => `版本应在以下范围之一：${x}`, (x) => `expected a version within: ${x}`),
  cidr_in: zhEn((x) => `地址应在以下网段之一：${x}`, (x) => `expected an address within: ${x}`),
  age_days_le: zhEn((x) => `应在最近 ${x} 天内`, (x) => `expected within the last ${x} days`),
};

const BOOLEAN_PHRASES: Record<string, [yes: [string, string], no: [string, string]]> = {
  exists: [['应存在', 'expected to be present'], ['不应存在', 'expected to be absent']],
  empty: [['应为空', 'expected to be empty'], ['不应为空', 'expected not to be empty']],
};

/** `expected` as evidence carries it: the value, or `{var, value}` for a pack variable. */
export function expectationWords(op: string, expected: unknown, lang: Lang): string {
  const value = expected && typeof expected === 'object' && !Array.isArray(expected) && 'var' in expected ? (expected as unknown as { value: unknown }).value : expected;
  const bool = BOOLEAN_PHRASES[op];
  if (bool) return bool[value === false ? 1 : 0][lang === 'zh' ? 0 : 1];
  const phrase = PHRASES[op];
  const words = Array.isArray(value) ? listWords(value, lang) : valueWords(value, lang);
  return phrase ? phrase(words, lang) : `${op} ${words}`;
}
