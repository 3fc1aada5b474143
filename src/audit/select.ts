import type { Check } from '../model/check.js';
import { GwsecError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/status.js';
import { globToRegex } from '../util/glob.js';

/**
 * Which checks a run evaluates: `--check` and `--skip` take ids, globs (`a40-7-*`) and comma lists,
 * repeatable; `--severity S` keeps checks of severity S or above (critical > high > medium > low >
 * info). A check left out is neither collected for, evaluated, shown nor counted. Pure.
 */
export interface CheckSelection {
  check?: string[];
  skip?: string[];
  severity?: string;
}

export function patternsOf(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((p) => p.trim()).filter(Boolean);
}

export function selectChecks(checks: Check[], sel: CheckSelection): Check[] {
  const ids = checks.map((c) => c.id);
  const matcher = (flag: string, patterns: string[]) => {
    const res = patterns.map((p) => ({ p, re: globToRegex(p) }));
    for (const { p, re } of res) {
      if (!ids.some((id) => re.test(id))) {
        const near = nearest(p, ids);
        throw new GwsecError('usage_error', {
          en: `${flag} ${p} matches no check id${near ? ` — did you mean ${near}?` : ''} (gwsec policy list shows them all)`,
          zh: `${flag} ${p} 未匹配任何检查项编号${near ? `——是否要指定 ${near}？` : ''}（可用 gwsec policy list 查看全部检查项）`,
        });
      }
    }
    return (id: string) => res.some(({ re }) => re.test(id));
  };
  let out = checks;
  const only = patternsOf(sel.check);
  if (only.length) {
    const m = matcher('--check', only);
    out = out.filter((c) => m(c.id));
  }
  const skip = patternsOf(sel.skip);
  if (skip.length) {
    const m = matcher('--skip', skip);
    out = out.filter((c) => !m(c.id));
  }
  if (sel.severity !== undefined) {
    const s = sel.severity.trim().toLowerCase();
    if (!(SEVERITIES as readonly string[]).includes(s)) throw new GwsecError('usage_error', { en: `--severity ${sel.severity}: expected one of ${SEVERITIES.join(', ')}`, zh: `--severity ${sel.severity}：应为 ${SEVERITIES.join('、')} 之一` });
    const rank = SEVERITIES.indexOf(s as Severity);
    out = out.filter((c) => SEVERITIES.indexOf(c.severity) <= rank);
  }
  if (out.length === 0) throw new GwsecError('usage_error', { en: 'no check left to run: --check, --skip and --severity select nothing', zh: '没有可执行的检查项：--check、--skip 和 --severity 的组合未选中任何检查项' });
  return out;
}

/** The closest id by edit distance, when close enough to be a typo. */
function nearest(p: string, ids: string[]): string | undefined {
  if (/[*?[]/.test(p)) return undefined;
  let best: { id: string; d: number } | undefined;
  for (const id of ids) {
    const d = editDistance(p, id);
    if (!best || d < best.d) best = { id, d };
  }
  return best && best.d <= Math.max(2, Math.floor(p.length / 4)) ? best.id : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
