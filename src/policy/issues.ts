import { z } from 'zod';
import type { Bilingual } from '../model/status.js';

/** A schema problem at a path, worded in both languages. */
export interface SchemaIssue {
  path: PropertyKey[];
  message: Bilingual;
  /** zod's issue code, when zod found it */
  code?: string;
}

let zhMap: z.core.$ZodErrorMap | undefined;

/**
 * Validate `value`; on failure, every issue in English and Chinese. zod words its own messages
 * through a locale (its zh-CN one for the Chinese, parsed a second time only when the first fails);
 * a schema's custom messages are the schema's own words in both.
 */
export function validateSchema<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.infer<S> } | { ok: false; issues: SchemaIssue[] } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data };
  zhMap ??= z.locales.zhCN().localeError;
  const again = schema.safeParse(value, { error: zhMap });
  const zh = again.success ? [] : again.error.issues;
  return {
    ok: false,
    issues: r.error.issues.map((i, k) => {
      const at = i.path.map(String).join('.');
      const z = zh[k]?.message ?? i.message;
      return { path: i.path, code: i.code, message: { en: at ? `${at}: ${i.message}` : i.message, zh: at ? `${at}：${z}` : z } };
    }),
  };
}

/** What a value must be, as checkValue (engine) and variableTypeProblem (load) word it, in Chinese. */
const KIND_ZH: Record<string, string> = {
  'a string': '字符串',
  'a number': '数字',
  'true or false': 'true 或 false',
  'a list of strings': '字符串列表',
  'a list of numbers': '数字列表',
  'a mapping or list': '映射或列表',
  'a string, number or boolean': '字符串、数字或布尔值',
  'a list of strings/numbers': '字符串或数字的列表',
  'a version string': '版本号字符串',
  'a regular expression string': '正则表达式字符串',
  'a list of {from, to} version strings': '由 {from, to} 版本号组成的列表',
  'a list of CIDRs like 10.0.0.0/8': 'CIDR 列表（如 10.0.0.0/8）',
};

export function kindZh(en: string): string {
  const re = /^a valid regular expression \((.*)\)$/s.exec(en);
  return KIND_ZH[en] ?? (re ? `有效的正则表达式（${re[1]}）` : en);
}

/** A hand-written validator's problem (detection rules) with the path it points at in front, both languages. */
export function located(i: { path: PropertyKey[]; message: Bilingual }): Bilingual {
  const at = i.path.map(String).join('.');
  return at ? { en: `${at}: ${i.message.en}`, zh: `${at}：${i.message.zh}` } : i.message;
}
