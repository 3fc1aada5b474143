/**
 * A rules directory of the site's own gets what `gwsec detect lint` checks before the agent starts:
 * every `playbook:` names a shipped playbook, and no `matches` pattern backtracks catastrophically
 * (the rules read attacker-written lines; one such pattern would stall the detection worker). The
 * shipped pack is proved by `detect lint` in CI and is not re-checked at every start. recheck runs
 * in a child process: its worker and native helper must not stay in a months-long agent's memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GwsecError, GwsecErrorList, type Location } from '../../../src/model/errors.js';
import { defaultPlaybooksDir, defaultRulesDir, loadRules, playbookIds, type Rule } from '../../../src/detect/load.js';

/** Time for recheck over a whole custom pack (each pattern has its own 5 s limit inside). */
const LINT_TIMEOUT_MS = 120_000;

export function loadCheckedRules(dir: string | undefined): Rule[] {
  const own = dir !== undefined && resolve(dir) !== resolve(defaultRulesDir());
  // playbook ids are checked whenever the playbooks ship beside the program (they always do in a package)
  const playbooks = existsSync(defaultPlaybooksDir()) ? playbookIds() : undefined;
  const rules = loadRules(dir, { cases: false, playbooks }).rules; // every problem thrown, located
  if (own) checkRegexes(dir);
  return rules;
}

function checkRegexes(dir: string): void {
  const child = fileURLToPath(new URL('./lint-child.js', import.meta.url));
  const p = spawnSync(process.execPath, [child, dir], { encoding: 'utf8', timeout: LINT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  if (p.status === 0) return;
  let found: Array<{ code: string; message: string; zh?: string; location?: Location }> | undefined;
  try {
    found = JSON.parse(p.stdout) as typeof found;
  } catch {
    /* below */
  }
  if (!Array.isArray(found) || found.length === 0) {
    const why = (p.error?.message ?? p.stderr.trim()) || `exit ${p.status}`;
    throw new GwsecError('detect_rules_error', { en: `could not check the rules' regular expressions for catastrophic backtracking: ${why}`, zh: `无法检查规则中的正则表达式是否存在灾难性回溯：${why}` }, { file: dir });
  }
  const errors = found.map((x) => new GwsecError(x.code, { en: x.message, zh: x.zh ?? x.message }, x.location));
  throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
}
