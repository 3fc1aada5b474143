import type { Condition, Pack } from '../model/check.js';
import type { Bilingual } from '../model/status.js';
import { GwsecError } from '../model/errors.js';
import { baseKind, isSnakeCase, schemaAt, snakeCase, t, type FactType } from '../model/schema.js';
import type { Location } from '../model/errors.js';
import type { Collector, Deriver } from '../collectors/types.js';
import { operators, type FactKind } from '../engine/operators.js';
import { fleetSeparationSchema } from '../facts/separation.js';
import { checkRedos, describeRedos, type RedosVerdict } from '../util/redos.js';
import { provedSafe } from './redos-safe.js';

/**
 * Type-check every fact path of every check against the declared schemas of collectors and
 * derivers, and every operator against the type found there — before any host is touched. Every
 * regular expression a check uses is checked for catastrophic backtracking (recheck): facts come
 * from hosts that may be hostile, and a vulnerable `matches` would let one stall the audit.
 * Fact keys are snake_case: a camelCase key in a fact path or in a case's facts (schema version 1's
 * `keyBits`) is a located error that names the right spelling, not a bare "unknown path".
 */
export function lintPack(pack: Pack, collectors: Collector[], derivers: Deriver[]): GwsecError[] {
  const { families, hostRoot, fleetRoot } = factRoots(collectors, derivers);
  const errors: GwsecError[] = [];
  for (const check of pack.checks) {
    const root = check.scope === 'fleet' ? fleetRoot : hostRoot;
    const report = (msg: Bilingual) => errors.push(new GwsecError('policy_lint_error', { en: `${check.id}: ${msg.en}`, zh: `${check.id}：${msg.zh}` }, check.source));
    /** A camelCase field name in a path is its own located error (and no "unknown path" after it). */
    const badCase = (path: string, element: FactType | undefined, at: PropertyKey[]): boolean => {
      const odd = oddSegments(path, root, element);
      if (!odd.length) return false;
      const where: Location | undefined = check.factSites?.[at.join('.')] ?? check.source;
      errors.push(new GwsecError('policy_fact_case', { en: `${check.id}: fact ${path}: ${caseAdvice(odd).en}`, zh: `${check.id}：事实 ${path}：${caseAdvice(odd).zh}` }, where));
      return true;
    };
    const visit = (c: Condition, element: FactType | undefined, at: PropertyKey[]) => {
      if ('all' in c) c.all.forEach((x, i) => visit(x, element, [...at, 'all', i]));
      else if ('any' in c) c.any.forEach((x, i) => visit(x, element, [...at, 'any', i]));
      else if ('none' in c) c.none.forEach((x, i) => visit(x, element, [...at, 'none', i]));
      else if ('each' in c) {
        if (badCase(c.each.fact, element, [...at, 'each', 'fact'])) return;
        const ft = resolve(c.each.fact, root, element);
        if (!ft) return report(unknownPath(c.each.fact, families));
        const inner = strip(ft);
        if (inner.kind !== 'array' && inner.kind !== 'any') return report({ en: `each.fact ${c.each.fact} is ${baseKind(ft)}, not a list`, zh: `each.fact ${c.each.fact} 的类型是 ${baseKind(ft)}，不是列表` });
        const el = inner.kind === 'array' ? inner.of : t.any;
        if (c.each.where) visit(c.each.where, el, [...at, 'each', 'where']);
        visit(c.each.expect, el, [...at, 'each', 'expect']);
      } else {
        if (badCase(c.fact, element, [...at, 'fact'])) return;
        const ft = resolve(c.fact, root, element);
        if (!ft) return report(unknownPath(c.fact, families));
        const op = operators.get(c.op);
        if (op && !fits(op.facts, ft)) report({ en: `operator ${c.op} takes ${op.facts.join('|')}, but ${c.fact} is ${baseKind(ft)}`, zh: `运算符 ${c.op} 接受 ${op.facts.join('|')}，但 ${c.fact} 的类型是 ${baseKind(ft)}` });
      }
    };
    visit(check.expect, undefined, ['expect']);
    if (check.applies?.when) visit(check.applies.when, undefined, ['applies', 'when']);
    for (const list of Object.values(pack.cases.get(check.id) ?? {})) {
      for (const c of list ?? []) {
        for (const k of c.oddKeys ?? []) {
          const odd = oddKeyAt(k.path, k.host ? hostRoot : root);
          if (odd) errors.push(new GwsecError('policy_fact_case', { en: `${check.id}: case facts key ${k.path.join('.')}: ${caseAdvice([odd]).en}`, zh: `${check.id}：用例事实键 ${k.path.join('.')}：${caseAdvice([odd]).zh}` }, k.location));
        }
      }
    }
    for (const r of check.regexes ?? []) {
      const v: RedosVerdict = provedSafe(r.source) ? { status: 'safe' } : checkRedos(r.source);
      if (v.status === 'safe') continue;
      const what = r.variable ? { en: `variable ${r.variable}'s regular expression`, zh: `变量 ${r.variable} 的正则表达式` } : { en: 'regular expression', zh: '正则表达式' };
      const why = describeRedos(v);
      errors.push(new GwsecError('policy_regex_redos', { en: `${check.id}: ${what.en} /${r.source}/ ${why.en}`, zh: `${check.id}：${what.zh} /${r.source}/ ${why.zh}` }, r.location));
    }
  }
  return errors;
}

/** The schemas checks are typed against: a host's facts root (one family per collector and deriver) and the fleet root. */
export function factRoots(collectors: Collector[], derivers: Deriver[]): { families: Record<string, FactType>; hostRoot: FactType; fleetRoot: FactType } {
  const families: Record<string, FactType> = {};
  for (const c of collectors) families[c.id] = c.schema;
  for (const d of derivers) families[d.id] = d.schema;
  const hostRoot = t.obj(families);
  const fleetRoot = t.obj({
    fleet: t.obj({
      hosts: t.arr(t.obj({ name: t.str, roles: t.arr(t.str), public_ips: t.arr(t.str), host_key: t.str, facts: hostRoot })),
      site: t.obj({
        name: t.nullable(t.str),
        domains: t.nullable(t.arr(t.str)),
        resolved: t.nullable(t.arr(t.obj({ domain: t.str, address: t.str, country: t.nullable(t.str) }))),
      }),
      separation: fleetSeparationSchema,
    }),
  });
  return { families, hostRoot, fleetRoot };
}

/**
 * The field names in a fact path that are not snake_case. A segment under a `map` is the host's own
 * name (an sshd keyword, `PASS_MAX_DAYS`) and is not a field name; under `any` or past the end of
 * the schema every segment is taken as a field name.
 */
function oddSegments(path: string, root: FactType, element: FactType | undefined): string[] {
  if (path === '@') return [];
  const rel = path.startsWith('@.');
  const segs = rel ? path.slice(2).split('.') : path.split('.');
  let cur: FactType | undefined = rel ? element : root;
  const out: string[] = [];
  for (const seg of segs) {
    while (cur?.kind === 'nullable') cur = cur.of;
    if (cur?.kind === 'map') {
      cur = cur.of;
      continue;
    }
    if (!isSnakeCase(seg)) out.push(seg);
    cur = cur?.kind === 'object' ? cur.fields[seg] : cur?.kind === 'any' ? cur : undefined;
  }
  return out;
}

/** The last key of a case's facts path when it is a field name (not a map key) and not snake_case; list indices enter the list. */
function oddKeyAt(path: Array<string | number>, root: FactType): string | undefined {
  let cur: FactType | undefined = root;
  for (const [i, seg] of path.entries()) {
    while (cur?.kind === 'nullable') cur = cur.of;
    if (typeof seg === 'number') {
      cur = cur?.kind === 'array' ? cur.of : cur?.kind === 'any' ? cur : undefined;
    } else if (cur?.kind === 'map') {
      cur = cur.of;
    } else if (i === path.length - 1) {
      return isSnakeCase(seg) ? undefined : seg;
    } else {
      cur = cur?.kind === 'object' ? cur.fields[seg] : cur?.kind === 'any' ? cur : undefined;
    }
  }
  return undefined;
}

function caseAdvice(odd: string[]): Bilingual {
  const fixes = odd.map((s) => `${s} -> ${snakeCase(s)}`).join(', ');
  return {
    en: `fact keys are snake_case (${fixes}; older packs and saved facts spelled some in camelCase): rename it in the check and its cases`,
    zh: `事实键名采用 snake_case（${fixes}；旧版策略包和已保存的事实中有些写成了 camelCase）：请在检查项及其用例中改名`,
  };
}

function resolve(path: string, root: FactType, element: FactType | undefined): FactType | undefined {
  if (path === '@') return element;
  if (path.startsWith('@.')) return element ? schemaAt(element, path.slice(2).split('.')) : undefined;
  return schemaAt(root, path.split('.'));
}

function strip(ft: FactType): FactType {
  return ft.kind === 'nullable' ? strip(ft.of) : ft;
}

function fits(kinds: FactKind[], ft: FactType): boolean {
  const k = baseKind(ft);
  if (k === 'any' || kinds.includes('any')) return true;
  return kinds.some((x) => x === k || (x === 'scalar' && (k === 'string' || k === 'number' || k === 'boolean')));
}

function unknownPath(path: string, families: Record<string, FactType>): Bilingual {
  const fam = path.split('.')[0]!;
  if (!path.startsWith('@') && !(fam in families) && fam !== 'fleet') {
    const known = Object.keys(families).sort();
    return { en: `fact ${path}: no collector or deriver declares the family '${fam}' (known: ${known.join(', ')})`, zh: `事实 ${path}：没有采集器或推导器声明事实族“${fam}”（已有：${known.join('、')}）` };
  }
  return {
    en: `fact ${path} is not in the declared schema of its collector (add it to the collector's schema, or fix the path)`,
    zh: `事实 ${path} 不在其采集器声明的结构中（请在采集器的结构中添加，或改正路径）`,
  };
}
