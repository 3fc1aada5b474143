/**
 * Load and validate the detection rules (policies/detections/<id>.yaml, cases beside each as
 * <id>.cases.yaml). Every problem in every file is collected and reported with file:line:column
 * before anything runs (exit 2): `gwsec detect lint`, `gwsec agent run` and `gwsec detect` all
 * start here, so a malformed or unknown-kind rule never half-loads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GwsecError, GwsecErrorList, type Location } from '../model/errors.js';
import { parseYaml, type LocatedYaml } from '../policy/yaml.js';
import { located, validateSchema } from '../policy/issues.js';
import { packageRoot, shippedRulesDir } from '../util/paths.js';
import { validateWhere, type Issue } from './conditions.js';
import { FIELDS, type SourceType } from './fields.js';
import { casesSchema, durationMs, ruleSchema, type CasesData, type RuleData } from './schema.js';

export interface Rule extends RuleData {
  location: Location;
  suppressMs: number;
}

export interface RuleCases {
  data: CasesData;
  file: string;
  locate: (path: PropertyKey[]) => Location;
}

export interface RuleSet {
  dir: string;
  rules: Rule[];
  cases: Map<string, RuleCases>;
}

export const defaultRulesDir = shippedRulesDir;
export const defaultPlaybooksDir = (): string => join(packageRoot(), 'playbooks');

/** Playbook ids (file names) in a playbooks directory: what a rule's `playbook:` may name. */
export function playbookIds(dir = defaultPlaybooksDir()): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')));
}

/** Which logic kinds a source type takes. */
const KINDS_FOR: Record<SourceType, string[]> = {
  web: ['match', 'threshold', 'sequence', 'new_value'],
  auth: ['match', 'threshold', 'sequence', 'new_value'],
  file: ['file', 'threshold'],
  drift: ['drift'],
  process: ['match'],
  netstat: ['match'],
  dns: ['match', 'streak'],
  probe: ['match', 'streak'],
};

export function loadRules(dir = defaultRulesDir(), o: { cases?: boolean; playbooks?: Set<string> } = {}): RuleSet {
  const errors: GwsecError[] = [];
  if (!existsSync(dir)) throw new GwsecError('detect_rules_error', { en: 'detection rules directory not found', zh: '未找到检测规则目录' }, { file: dir });
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const rules: Rule[] = [];
  const cases = new Map<string, RuleCases>();
  const seen = new Map<string, string>();
  const names = new Set<string>();
  for (const f of files.filter((x) => !/\.cases\.ya?ml$/.test(x))) {
    const file = join(dir, f);
    names.add(f.replace(/\.ya?ml$/, ''));
    const y = read(file, errors);
    if (!y) continue;
    const r = parseRule(y, errors, o.playbooks);
    if (!r) continue;
    const name = basename(f).replace(/\.ya?ml$/, '');
    if (r.id !== name) errors.push(new GwsecError('detect_rule_error', { en: `rule id '${r.id}' differs from its file name '${name}' (rename one)`, zh: `规则编号“${r.id}”与文件名“${name}”不一致（请修改其一）` }, y.locate(['id'])));
    if (seen.has(r.id)) errors.push(new GwsecError('detect_rule_error', { en: `duplicate rule id '${r.id}' (also in ${seen.get(r.id)})`, zh: `规则编号“${r.id}”重复（另见 ${seen.get(r.id)}）` }, y.locate(['id'])));
    seen.set(r.id, file);
    rules.push(r);
  }
  if (o.cases !== false) {
    for (const f of files.filter((x) => /\.cases\.ya?ml$/.test(x))) {
      const file = join(dir, f);
      const id = f.replace(/\.cases\.ya?ml$/, '');
      if (!names.has(id)) {
        errors.push(new GwsecError('detect_cases_error', { en: `cases for unknown rule '${id}' (no ${id}.yaml beside it)`, zh: `用例对应的规则“${id}”不存在（同目录下没有 ${id}.yaml）` }, { file, line: 1 }));
        continue;
      }
      const y = read(file, errors);
      if (!y) continue;
      const p = validateSchema(casesSchema, y.value ?? {});
      if (!p.ok) {
        for (const i of p.issues) errors.push(new GwsecError('detect_cases_error', i.message, y.locate(i.path)));
        continue;
      }
      cases.set(id, { data: p.data, file, locate: y.locate });
    }
    for (const r of rules) if (!cases.has(r.id)) errors.push(new GwsecError('detect_cases_error', { en: `rule '${r.id}' has no cases: add ${r.id}.cases.yaml with fire: and no_fire: cases`, zh: `规则“${r.id}”没有用例：请添加 ${r.id}.cases.yaml，写明 fire: 和 no_fire: 用例` }, r.location));
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return { dir, rules, cases };
}

function read(file: string, errors: GwsecError[]): LocatedYaml | null {
  try {
    return parseYaml(file, readFileSync(file, 'utf8'), 'detect_parse_error');
  } catch (e) {
    if (e instanceof GwsecErrorList) errors.push(...e.errors);
    else if (e instanceof GwsecError) errors.push(e);
    else errors.push(new GwsecError('detect_parse_error', { en: `cannot read: ${(e as Error).message}`, zh: `无法读取：${(e as Error).message}` }, { file }));
    return null;
  }
}

/** Validate one rule document; problems go to `errors` located in the file. */
export function parseRule(y: LocatedYaml, errors: GwsecError[], playbooks?: Set<string>): Rule | null {
  const p = validateSchema(ruleSchema, y.value ?? {});
  if (!p.ok) {
    for (const i of p.issues) {
      // An unknown kind is reported at `kind` (zod reports the discriminator at the logic mapping).
      const kind = i.code === 'invalid_union' && i.path.join('.') === 'logic';
      const message = kind ? { en: i.message.en.replace(/^logic:/, 'logic.kind:'), zh: i.message.zh.replace(/^logic：/, 'logic.kind：') } : i.message;
      errors.push(new GwsecError('detect_rule_error', message, y.locate(kind ? [...i.path, 'kind'] : i.path)));
    }
    return null;
  }
  const r = p.data;
  const issues: Issue[] = [];
  const type = r.source;
  const lg = r.logic;
  if (!KINDS_FOR[type].includes(lg.kind)) issues.push({ path: ['logic', 'kind'], message: { en: `logic kind '${lg.kind}' does not read source ${type} (it takes: ${KINDS_FOR[type].join(', ')})`, zh: `逻辑类型“${lg.kind}”不读取日志源 ${type}（该日志源可用：${KINDS_FOR[type].join('、')}）` } });
  const fieldOk = (f: string | undefined, path: PropertyKey[], kind?: string) => {
    if (f === undefined) return;
    const k = FIELDS[type][f];
    if (!k) issues.push({ path, message: { en: `unknown field '${f}' for source ${type} (known: ${Object.keys(FIELDS[type]).join(', ')})`, zh: `日志源 ${type} 没有字段“${f}”（可用：${Object.keys(FIELDS[type]).join('、')}）` } });
    else if (kind && k !== kind) issues.push({ path, message: { en: `'${f}' is a ${k} field; this needs a ${kind} field`, zh: `“${f}”是 ${k} 类型的字段，此处需要 ${kind} 类型的字段` } });
  };
  if (lg.kind === 'sequence') {
    validateWhere(lg.first.where, ['logic', 'first', 'where'], type, issues);
    validateWhere(lg.then.where, ['logic', 'then', 'where'], type, issues);
  } else validateWhere(lg.where, ['logic', 'where'], type, issues);
  fieldOk(lg.key, ['logic', 'key']);
  if (lg.kind === 'threshold') fieldOk(lg.weight, ['logic', 'weight'], 'number');
  if (lg.kind === 'new_value') fieldOk(lg.value, ['logic', 'value']);
  (r.evidence ?? []).forEach((f, i) => fieldOk(f, ['evidence', i]));
  if (playbooks && !playbooks.has(r.playbook)) issues.push({ path: ['playbook'], message: { en: `no playbook '${r.playbook}' in playbooks/ (known: ${[...playbooks].sort().join(', ')})`, zh: `playbooks/ 中没有预案“${r.playbook}”（已有：${[...playbooks].sort().join('、')}）` } });
  for (const i of issues) errors.push(new GwsecError('detect_rule_error', located(i), y.locate(i.path)));
  if (issues.length) return null;
  return { ...r, location: y.locate([]), suppressMs: durationMs(r.suppress) };
}
