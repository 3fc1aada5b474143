import { readFileSync } from 'node:fs';
import type { Report } from '../model/result.js';
import { GwsecError } from '../model/errors.js';
import { localDate, parseWaivers, type WaiverFile } from '../policy/waivers.js';
import type { Lang } from '../i18n/index.js';
import type { Io } from './io.js';

/** Read and validate `--waivers FILE` against every check id of the pack (exit 2 with file:line). */
export function loadWaiverFile(file: string | undefined, checkIds: Iterable<string>, now: Date, allowExpired = false): WaiverFile | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GwsecError('input_file_error', { en: `cannot read the waiver file: ${(e as Error).message}`, zh: `无法读取豁免文件：${(e as Error).message}` }, { file });
  }
  return parseWaivers(file, text, { checks: new Set(checkIds), today: localDate(now), allowExpired });
}

const WORDS = {
  applied: { zh: '豁免文件 {file}：{n} 项结果已豁免', en: 'waiver file {file}: {n} result(s) waived' },
  expired: { zh: '豁免已过期（结果重新计入）：{check}，{where}，到期 {expires}，责任人 {owner}', en: 'waiver expired (the result counts again): {check}, {where}, expired {expires}, owner {owner}' },
  no_result: { zh: '豁免未匹配任何结果：{check}，{where}', en: 'waiver matched no result: {check}, {where}' },
  not_needed: { zh: '豁免无需使用（检查已通过或不适用）：{check}，{where}', en: 'waiver not needed (the check passes or does not apply): {check}, {where}' },
} as const;

function fill(t: string, v: Record<string, string | number>): string {
  return t.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? `{${k}}`));
}

/** What the waiver file did, on stderr (the reports carry the same in report.waivers). */
export function tellWaivers(report: Report, io: Io, lang: Lang): void {
  const w = report.waivers;
  if (!w) return;
  io.err(fill(WORDS.applied[lang], { file: w.file, n: w.applied }) + '\n');
  for (const e of w.expired) io.err(fill(WORDS.expired[lang], e) + '\n');
  for (const u of w.unmatched) io.err(fill(WORDS[u.reason][lang], u) + '\n');
}
