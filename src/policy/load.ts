import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { z } from 'zod';
import type { CaseFile, Check, CheckCase, Condition, LeafCondition, OddKey, Pack, RegexSite, VariableDecl } from '../model/check.js';
import type { Location } from '../model/errors.js';
import { isSnakeCase } from '../model/schema.js';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { checkValue, operators } from '../engine/operators.js';
import { validateCondition, type Issue } from './conditions.js';
import { casesSchema, checkSchema, packSchema, variablesFileSchema } from './schemas.js';
import { parseYaml, type LocatedYaml } from './yaml.js';
import { kindZh, validateSchema, type SchemaIssue } from './issues.js';
import { readPrecompiled } from './precompiled.js';

/**
 * Load and validate a whole pack directory. Every problem in every file is collected and reported
 * with file:line:column before anything runs (exit 2), never just the first. Audits pass
 * `cases: false`: case files are then only matched to checks by name, not parsed (their YAML is
 * about half of the pack's load time, and only `policy test` and `policy lint` need them).
 */
export function loadPack(dir: string, o: { cases?: boolean; precompiled?: boolean } = {}): Pack {
  // the shipped pack, validated at build time, when dir holds exactly what was compiled (precompiled.ts)
  const pre = o.cases === false && o.precompiled !== false ? readPrecompiled(dir) : null;
  if (pre) return pre;
  const errors: GwsecError[] = [];
  const packFile = join(dir, 'pack.yaml');
  let meta: z.infer<typeof packSchema> = { id: basename(dir), title: { zh: basename(dir), en: basename(dir) }, version: '0' };
  if (!existsSync(packFile)) throw new GwsecError('policy_pack_error', { en: 'not a policy pack: pack.yaml is missing', zh: '不是策略包：缺少 pack.yaml' }, { file: packFile });
  const packYaml = readYaml(packFile, errors);
  const parsedMeta = packYaml ? validate(packSchema, packYaml, errors) : null;
  if (parsedMeta) meta = parsedMeta;

  const variables: Record<string, VariableDecl> = {};
  const varOrigin = new Map<string, string>();
  const addVars = (vars: Record<string, VariableDecl> | undefined, y: LocatedYaml, prefix: PropertyKey[]) => {
    for (const [name, decl] of Object.entries(vars ?? {})) {
      const at = y.locate([...prefix, name]);
      if (varOrigin.has(name)) {
        errors.push(new GwsecError('policy_duplicate_variable', { en: `variable ${name} is already declared in ${varOrigin.get(name)}`, zh: `变量 ${name} 已在 ${varOrigin.get(name)} 中声明` }, at));
        continue;
      }
      const bad = variableTypeProblem(decl.type, decl.default);
      if (bad) errors.push(new GwsecError('policy_variable_type', { en: `variable ${name}: default must be ${bad}`, zh: `变量 ${name}：默认值须为${kindZh(bad)}` }, y.locate([...prefix, name, 'default'])));
      variables[name] = decl as VariableDecl;
      varOrigin.set(name, `${y.file}:${at.line}`);
    }
  };
  if (packYaml && meta.variables) addVars(meta.variables as Record<string, VariableDecl>, packYaml, ['variables']);

  const files = walk(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  const varFiles = files.filter((f) => relative(dir, f).startsWith('variables/'));
  for (const f of varFiles) {
    const y = readYaml(f, errors);
    if (!y) continue;
    const parsed = validate(variablesFileSchema, y, errors);
    if (parsed) addVars(parsed as Record<string, VariableDecl>, y, []);
  }

  const checks: Check[] = [];
  const cases = new Map<string, CaseFile>();
  const caseFiles: Array<{ id: string; file: string }> = [];
  const seen = new Map<string, string>();
  const checkFiles = files.filter((f) => f !== packFile && !varFiles.includes(f) && !relative(dir, f).startsWith('data/'));
  for (const f of checkFiles) {
    const name = basename(f).replace(/\.ya?ml$/, '');
    if (name.endsWith('.cases')) {
      caseFiles.push({ id: name.slice(0, -'.cases'.length), file: f });
      continue;
    }
    const y = readYaml(f, errors);
    if (!y) continue;
    const parsed = validate(checkSchema, y, errors);
    if (!parsed) continue;
    const issues: Issue[] = [];
    validateCondition(parsed.expect, ['expect'], opNames, false, issues);
    if (parsed.applies?.when !== undefined) validateCondition(parsed.applies.when, ['applies', 'when'], opNames, false, issues);
    // located at the condition itself: the message need not repeat its path
    for (const i of issues) errors.push(new GwsecError('policy_schema_error', i.message, y.locate(i.path)));
    if (issues.length) continue;
    if (parsed.id !== name) {
      errors.push(new GwsecError('policy_id_mismatch', { en: `check id '${parsed.id}' differs from its file name '${name}' (rename one)`, zh: `检查项编号“${parsed.id}”与文件名“${name}”不一致（请修改其一）` }, y.locate(['id'])));
    }
    if (seen.has(parsed.id)) {
      errors.push(new GwsecError('policy_duplicate_id', { en: `duplicate check id '${parsed.id}' (also in ${seen.get(parsed.id)})`, zh: `检查项编号“${parsed.id}”重复（另见 ${seen.get(parsed.id)}）` }, y.locate(['id'])));
      continue;
    }
    seen.set(parsed.id, f);
    const check: Check = { ...(parsed as unknown as Check), source: y.locate([]) };
    varProblems(check, variables).forEach((p) => errors.push(new GwsecError('policy_variable_error', p.message, y.locate(p.path))));
    check.regexes = regexSites(check, variables, y);
    check.factSites = factSites(check, y);
    checks.push(check);
  }

  for (const { id, file } of caseFiles) {
    if (!seen.has(id)) {
      errors.push(new GwsecError('policy_orphan_cases', { en: `cases for unknown check '${id}'`, zh: `用例对应的检查项“${id}”不存在` }, { file, line: 1 }));
      continue;
    }
    if (o.cases === false) continue;
    const y = readYaml(file, errors);
    if (!y) continue;
    const parsed = validate(casesSchema, y, errors);
    if (!parsed) continue;
    const cf: CaseFile = {};
    for (const [status, list] of Object.entries(parsed)) {
      cf[status as keyof CaseFile] = (list ?? []).map((c, i) => {
        const odd = oddKeys(c, [status, i], y);
        return { ...c, source: y.locate([status, i]), ...(odd.length ? { oddKeys: odd } : {}) };
      });
      (list ?? []).forEach((c, i) => {
        for (const v of Object.keys(c.variables ?? {})) {
          if (!variables[v]) errors.push(new GwsecError('policy_variable_error', { en: `case sets unknown variable ${v}`, zh: `用例设置了未声明的变量 ${v}` }, y.locate([status, i, 'variables', v])));
        }
      });
    }
    cases.set(id, cf);
  }

  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  checks.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return { id: meta.id, title: meta.title, version: meta.version, dir, variables, checks, cases };
}

const opNames: ReadonlySet<string> = new Set(operators.keys());

function readYaml(file: string, errors: GwsecError[]): LocatedYaml | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    errors.push(new GwsecError('policy_read_error', { en: `cannot read: ${(e as Error).message}`, zh: `无法读取：${(e as Error).message}` }, { file }));
    return null;
  }
  try {
    return parseYaml(file, text);
  } catch (e) {
    if (e instanceof GwsecError) errors.push(e);
    else throw e;
    return null;
  }
}

function validate<T extends z.ZodType>(schema: T, y: LocatedYaml, errors: GwsecError[]): z.infer<T> | null {
  const r = validateSchema(schema, y.value ?? {});
  if (r.ok) return r.data;
  for (const issue of r.issues) errors.push(new GwsecError('policy_schema_error', issue.message, y.locate(issue.path)));
  return null;
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (e) {
    throw new GwsecError('policy_pack_error', { en: `cannot read pack directory: ${(e as Error).message}`, zh: `无法读取策略包目录：${(e as Error).message}` }, { file: dir });
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** null when `v` fits the declared variable type, else what it must be. */
export function variableTypeProblem(type: VariableDecl['type'], v: unknown): string | null {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? null : 'a string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'a number';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'true or false';
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'a list of strings';
    case 'number[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'number') ? null : 'a list of numbers';
    case 'object':
      return typeof v === 'object' && v !== null ? null : 'a mapping or list';
  }
}

/** Every `var:` must name a declared variable whose type fits the operator's value. */
function varProblems(check: Check, variables: Record<string, VariableDecl>): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  forEachLeaf(check, (c, path) => {
    const op = operators.get(c.op)!;
    if (c.var !== undefined) {
      const decl = variables[c.var];
      if (!decl) out.push({ path: [...path, 'var'], message: { en: `unknown pack variable ${c.var}`, zh: `策略包中没有变量 ${c.var}` } });
      else {
        const bad = checkValue(op.value, decl.default);
        if (bad) out.push({ path: [...path, 'var'], message: { en: `operator ${c.op} needs ${bad}, but ${c.var} is ${decl.type}`, zh: `运算符 ${c.op} 需要${kindZh(bad)}，但 ${c.var} 的类型是 ${decl.type}` } });
      }
    } else if (op.value !== 'boolean' || c.value !== undefined) {
      const bad = checkValue(op.value, op.value === 'version' && typeof c.value === 'number' ? String(c.value) : c.value);
      if (bad) out.push({ path: [...path, 'value'], message: { en: `operator ${c.op} needs ${bad}`, zh: `运算符 ${c.op} 需要${kindZh(bad)}` } });
    }
  });
  return out;
}

/** Calls `fn` on every leaf condition of a check (expect and applies.when), with its YAML path. */
function forEachLeaf(check: Check, fn: (leaf: LeafCondition, path: PropertyKey[]) => void): void {
  const visit = (c: Condition, path: PropertyKey[]) => {
    if ('all' in c) c.all.forEach((x, i) => visit(x, [...path, 'all', i]));
    else if ('any' in c) c.any.forEach((x, i) => visit(x, [...path, 'any', i]));
    else if ('none' in c) c.none.forEach((x, i) => visit(x, [...path, 'none', i]));
    else if ('each' in c) {
      if (c.each.where) visit(c.each.where, [...path, 'each', 'where']);
      visit(c.each.expect, [...path, 'each', 'expect']);
    } else fn(c, path);
  };
  visit(check.expect, ['expect']);
  if (check.applies?.when) visit(check.applies.when, ['applies', 'when']);
}

/** Every fact path a check writes (leaf `fact:` and `each.fact:`), located, keyed by its YAML path. */
function factSites(check: Check, y: LocatedYaml): Record<string, Location> {
  const out: Record<string, Location> = {};
  const visit = (c: Condition, path: PropertyKey[]) => {
    if ('all' in c) c.all.forEach((x, i) => visit(x, [...path, 'all', i]));
    else if ('any' in c) c.any.forEach((x, i) => visit(x, [...path, 'any', i]));
    else if ('none' in c) c.none.forEach((x, i) => visit(x, [...path, 'none', i]));
    else if ('each' in c) {
      out[[...path, 'each', 'fact'].join('.')] = y.locate([...path, 'each', 'fact']);
      if (c.each.where) visit(c.each.where, [...path, 'each', 'where']);
      visit(c.each.expect, [...path, 'each', 'expect']);
    } else out[[...path, 'fact'].join('.')] = y.locate([...path, 'fact']);
  };
  visit(check.expect, ['expect']);
  if (check.applies?.when) visit(check.applies.when, ['applies', 'when']);
  return out;
}

/** The keys of a case's facts that are not snake_case, located (lint decides which are field names). */
function oddKeys(c: CheckCase, at: PropertyKey[], y: LocatedYaml): OddKey[] {
  const out: OddKey[] = [];
  const walk = (v: unknown, path: Array<string | number>, yamlAt: PropertyKey[], host: boolean) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], [...yamlAt, i], host));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!isSnakeCase(k)) out.push({ path: [...path, k], host, location: y.locate([...yamlAt, k]) });
        walk(x, [...path, k], [...yamlAt, k], host);
      }
    }
  };
  walk(c.facts, [], [...at, 'facts'], false);
  (c.hosts ?? []).forEach((h, i) => walk(h.facts, [], [...at, 'hosts', i, 'facts'], true));
  return out;
}

/** The regular expressions a check's conditions use, each where it is written (policy lint checks them for ReDoS). */
function regexSites(check: Check, variables: Record<string, VariableDecl>, y: LocatedYaml): RegexSite[] {
  const out: RegexSite[] = [];
  forEachLeaf(check, (c, path) => {
    if (operators.get(c.op)?.value === 'regex') {
      const d = c.var !== undefined ? variables[c.var]?.default : c.value;
      const list = Array.isArray(d) ? d : [d];
      for (const v of list) if (typeof v === 'string') out.push({ source: v, location: y.locate([...path, c.var !== undefined ? 'var' : 'value']), ...(c.var !== undefined ? { variable: c.var } : {}) });
    }
  });
  return out;
}

/** Pack defaults overlaid with overrides (inventory, CLI, case); overrides are type-checked. */
export function resolveVariables(pack: Pack, overrides: Record<string, unknown> = {}, where?: { file: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(pack.variables)) out[k] = d.default;
  const errors: GwsecError[] = [];
  for (const [k, v] of Object.entries(overrides)) {
    const d = pack.variables[k];
    if (!d) errors.push(new GwsecError('variable_unknown', { en: `unknown pack variable ${k}`, zh: `策略包中没有变量 ${k}` }, where));
    else {
      const bad = variableTypeProblem(d.type, v);
      if (bad) errors.push(new GwsecError('variable_type', { en: `variable ${k} must be ${bad}`, zh: `变量 ${k} 须为${kindZh(bad)}` }, where));
      else out[k] = v;
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return out;
}
