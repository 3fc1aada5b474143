import { GwsecError, GwsecErrorList, formatLocation } from '../model/errors.js';
import type { Bilingual } from '../model/status.js';
import { parseYaml } from './yaml.js';

/**
 * A waiver: an accepted exception for one check on some hosts, with who owns it, who approved it,
 * why, and until when. Loaded and validated in full before any host is touched; applying it is
 * a pure step between evaluation and the report (src/audit/waive.ts).
 */
export interface Waiver {
  check: string;
  /** Host name globs (web-*); none: every host. Fleet results are host "*". */
  hosts?: string[];
  /** Inventory tags; a host with any of them matches. */
  tags?: string[];
  justification: string;
  owner: string;
  approver?: string;
  /** YYYY-MM-DD, the last day the waiver applies. */
  expires: string;
  ticket?: string;
  /** file:line of the entry, for every message about it. */
  where: string;
}

export interface WaiverFile {
  file: string;
  waivers: Waiver[];
}

export interface WaiverLoadOptions {
  /** Known check ids (the pack's). */
  checks: ReadonlySet<string>;
  /** Today's date, YYYY-MM-DD (the caller's clock: this module has none). */
  today: string;
  /** Keep expired waivers (they then waive nothing and the report lists them) instead of refusing the file. */
  allowExpired?: boolean;
}

const KEYS = new Set(['check', 'hosts', 'tags', 'justification', 'owner', 'approver', 'expires', 'ticket']);

/** A real calendar date written YYYY-MM-DD (2027-02-30 is not one). */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The local calendar date of a moment, YYYY-MM-DD (waiver expiry is a date on the auditor's calendar). */
export function localDate(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Parse and validate a waiver file; every problem is reported with file:line, all at once. */
export function parseWaivers(file: string, text: string, o: WaiverLoadOptions): WaiverFile {
  const y = parseYaml(file, text, 'waiver_parse_error');
  const problems: GwsecError[] = [];
  const bad = (path: PropertyKey[], message: Bilingual) => problems.push(new GwsecError('waiver_invalid', message, y.locate(path)));
  const root = y.value as { waivers?: unknown } | null;
  if (!root || typeof root !== 'object' || !Array.isArray(root.waivers)) {
    throw new GwsecError('waiver_invalid', { en: 'a waiver file is a mapping with a list under `waivers:`', zh: '豁免文件须为映射，并在 `waivers:` 下列出各项豁免' }, y.locate([]));
  }
  const waivers: Waiver[] = [];
  root.waivers.forEach((raw: unknown, i: number) => {
    const at = (k?: string): PropertyKey[] => (k ? ['waivers', i, k] : ['waivers', i]);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad(at(), { en: `waiver ${i + 1}: expected a mapping (check, justification, owner, expires, …)`, zh: `第 ${i + 1} 项豁免：应为映射（check、justification、owner、expires 等）` });
    const w = raw as Record<string, unknown>;
    for (const k of Object.keys(w)) if (!KEYS.has(k)) bad(at(k), { en: `waiver ${i + 1}: unknown key "${k}" (known: ${[...KEYS].join(', ')})`, zh: `第 ${i + 1} 项豁免：未知的键“${k}”（可用：${[...KEYS].join('、')}）` });
    const str = (k: string, required: boolean): string | undefined => {
      const v = w[k];
      if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) {
        if (required) bad(at(), { en: `waiver ${i + 1}: missing ${k}`, zh: `第 ${i + 1} 项豁免：缺少 ${k}` });
        return undefined;
      }
      if (typeof v !== 'string' && typeof v !== 'number') {
        bad(at(k), { en: `waiver ${i + 1}: ${k} must be text`, zh: `第 ${i + 1} 项豁免：${k} 须为文本` });
        return undefined;
      }
      return String(v).trim();
    };
    const list = (k: string): string[] | undefined => {
      const v = w[k];
      if (v === undefined) return undefined;
      const items = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(items) || !items.length || items.some((x) => typeof x !== 'string' || !x)) {
        bad(at(k), { en: `waiver ${i + 1}: ${k} must be a non-empty list of names`, zh: `第 ${i + 1} 项豁免：${k} 须为非空的名称列表` });
        return undefined;
      }
      return items as string[];
    };
    const check = str('check', true);
    if (check && !o.checks.has(check)) bad(at('check'), { en: `waiver ${i + 1}: unknown check id "${check}"`, zh: `第 ${i + 1} 项豁免：检查项编号“${check}”不存在` });
    const justification = str('justification', true);
    const owner = str('owner', true);
    const expires = str('expires', true);
    if (expires !== undefined) {
      if (!isIsoDate(expires)) bad(at('expires'), { en: `waiver ${i + 1}: expires "${expires}" is not a date written YYYY-MM-DD`, zh: `第 ${i + 1} 项豁免：到期日“${expires}”不是 YYYY-MM-DD 格式的日期` });
      else if (expires < o.today && !o.allowExpired) bad(at('expires'), {
          en: `waiver ${i + 1} (${check ?? '?'}): expired on ${expires}; renew it (new date, approver) or remove it`,
          zh: `第 ${i + 1} 项豁免（${check ?? '?'}）已于 ${expires} 到期：请续期（新的到期日和批准人）或删除`,
        });
    }
    const where = formatLocation({ file, line: y.locate(at()).line });
    const hosts = list('hosts');
    const tags = list('tags');
    const approver = str('approver', false);
    const ticket = str('ticket', false);
    if (check && justification && owner && expires) {
      waivers.push({ check, justification, owner, expires, where, ...(hosts ? { hosts } : {}), ...(tags ? { tags } : {}), ...(approver ? { approver } : {}), ...(ticket ? { ticket } : {}) });
    }
  });
  if (problems.length) throw problems.length === 1 ? problems[0]! : new GwsecErrorList(problems);
  return { file, waivers };
}
