/**
 * Conditions over one event's fields: `{ field, <op>: value }`, `{ all: [...] }`, `{ any: [...] }`,
 * `{ not: cond }`. Validated with located issues (against the field registry of the rule's source
 * type), then compiled once into a closure.
 */
import type { DetectEvent, FieldValue } from './event.js';
import { FIELDS, type FieldKind, type SourceType } from './fields.js';

export interface Issue {
  path: PropertyKey[];
  message: { zh: string; en: string };
}

export type Predicate = (e: DetectEvent) => boolean;

/** Operators and the field kinds they apply to. `matches` is a JavaScript regex, case-insensitive. */
export const OPS: Record<string, FieldKind[]> = {
  eq: ['string', 'number'],
  ne: ['string', 'number'],
  in: ['string', 'number'],
  not_in: ['string', 'number'],
  contains: ['list', 'string'],
  matches: ['string'],
  prefix: ['string'],
  gt: ['number'],
  ge: ['number'],
  lt: ['number'],
  le: ['number'],
  exists: ['string', 'number', 'list'],
};

const SHAPE = { en: 'a condition: {field, <op>: value}, {all: [...]}, {any: [...]} or {not: {...}}', zh: '条件：{field, <运算符>: 值}、{all: [...]}、{any: [...]} 或 {not: {...}}' };

export function validateWhere(c: unknown, path: PropertyKey[], type: SourceType, out: Issue[]): void {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    out.push({ path, message: { en: `expected ${SHAPE.en}`, zh: `应为${SHAPE.zh}` } });
    return;
  }
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const comb of ['all', 'any'] as const) {
    if (comb in o) {
      if (keys.length !== 1) out.push({ path, message: { en: `'${comb}' must stand alone, found also: ${keys.filter((k) => k !== comb).join(', ')}`, zh: `“${comb}”须单独使用，但同时出现了：${keys.filter((k) => k !== comb).join('、')}` } });
      const list = o[comb];
      if (!Array.isArray(list) || list.length === 0) out.push({ path: [...path, comb], message: { en: `'${comb}' takes a non-empty list of conditions`, zh: `“${comb}”须为非空的条件列表` } });
      else list.forEach((ch, i) => validateWhere(ch, [...path, comb, i], type, out));
      return;
    }
  }
  if ('not' in o) {
    if (keys.length !== 1) out.push({ path, message: { en: `'not' must stand alone`, zh: '“not”须单独使用' } });
    validateWhere(o.not, [...path, 'not'], type, out);
    return;
  }
  const f = o.field;
  const kind = typeof f === 'string' ? FIELDS[type][f] : undefined;
  if (typeof f !== 'string') out.push({ path, message: { en: `expected ${SHAPE.en}`, zh: `应为${SHAPE.zh}` } });
  else if (!kind) out.push({ path: [...path, 'field'], message: { en: `unknown field '${f}' for source ${type} (known: ${Object.keys(FIELDS[type]).join(', ')})`, zh: `日志源 ${type} 没有字段“${f}”（可用：${Object.keys(FIELDS[type]).join('、')}）` } });
  const ops = keys.filter((k) => k !== 'field');
  if (ops.length !== 1) {
    out.push({ path, message: { en: `give exactly one operator (${Object.keys(OPS).join(' ')}), found: ${ops.join(', ') || 'none'}`, zh: `须且只能给出一个运算符（${Object.keys(OPS).join(' ')}），实际为：${ops.join('、') || '无'}` } });
    return;
  }
  const op = ops[0]!;
  const v = o[op];
  if (!(op in OPS)) {
    out.push({ path: [...path, op], message: { en: `unknown operator '${op}' (known: ${Object.keys(OPS).join(' ')})`, zh: `未知的运算符“${op}”（可用：${Object.keys(OPS).join(' ')}）` } });
    return;
  }
  if (kind && !OPS[op]!.includes(kind)) out.push({ path: [...path, op], message: { en: `'${op}' does not apply to ${kind} field '${f as string}'`, zh: `“${op}”不适用于 ${kind} 类型的字段“${f as string}”` } });
  const at = [...path, op];
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number';
  if ((op === 'in' || op === 'not_in') && !(Array.isArray(v) && v.length > 0 && v.every(scalar))) out.push({ path: at, message: { en: `'${op}' takes a non-empty list of values`, zh: `“${op}”须为非空的取值列表` } });
  else if (['gt', 'ge', 'lt', 'le'].includes(op) && typeof v !== 'number') out.push({ path: at, message: { en: `'${op}' takes a number`, zh: `“${op}”须为数字` } });
  else if (op === 'exists' && typeof v !== 'boolean') out.push({ path: at, message: { en: `'exists' takes true or false`, zh: '“exists”须为 true 或 false' } });
  else if (['eq', 'ne', 'contains', 'prefix'].includes(op) && !scalar(v)) out.push({ path: at, message: { en: `'${op}' takes a string or a number`, zh: `“${op}”须为字符串或数字` } });
  else if (op === 'matches') {
    if (typeof v !== 'string') out.push({ path: at, message: { en: `'matches' takes a regular expression (string)`, zh: '“matches”须为正则表达式（字符串）' } });
    else
      try {
        new RegExp(v, 'i');
      } catch (e) {
        out.push({ path: at, message: { en: `not a valid regular expression: ${(e as Error).message}`, zh: `不是有效的正则表达式：${(e as Error).message}` } });
      }
  }
}

const str = (v: FieldValue): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Compile a validated condition. Missing fields make every operator false (except `exists: false`). */
export function compileWhere(c: unknown): Predicate {
  const o = c as Record<string, unknown>;
  if ('all' in o) return allOf(cheapestFirst(o.all as unknown[]).map(compileWhere));
  if ('any' in o) return anyOf(cheapestFirst(o.any as unknown[]).map(compileWhere));
  if ('not' in o) {
    const p = compileWhere(o.not);
    return (e) => !p(e);
  }
  const f = o.field as string;
  const op = Object.keys(o).find((k) => k !== 'field')!;
  const v = o[op];
  switch (op) {
    case 'eq':
      return (e) => str(e.fields[f]) === String(v);
    case 'ne':
      return (e) => e.fields[f] !== undefined && str(e.fields[f]) !== String(v);
    case 'in': {
      const set = new Set((v as unknown[]).map(String));
      const nums = numberSet(set);
      // A number field is looked up as a number: String(x) ∈ set ⇔ x ∈ nums (see numberSet), without
      // building a string per event.
      return (e) => {
        const x = e.fields[f];
        return typeof x === 'number' ? nums.has(x) : typeof x === 'string' && set.has(x);
      };
    }
    case 'not_in': {
      const set = new Set((v as unknown[]).map(String));
      return (e) => e.fields[f] !== undefined && !set.has(str(e.fields[f]) ?? '\0');
    }
    case 'contains': {
      const s = String(v);
      return (e) => {
        const x = e.fields[f];
        return Array.isArray(x) ? x.includes(s) : typeof x === 'string' && x.includes(s);
      };
    }
    case 'matches': {
      const re = new RegExp(v as string, 'i');
      return (e) => {
        const x = str(e.fields[f]);
        return x !== undefined && re.test(x);
      };
    }
    case 'prefix': {
      const s = String(v);
      return (e) => str(e.fields[f])?.startsWith(s) === true;
    }
    case 'exists':
      return (e) => (e.fields[f] !== undefined && e.fields[f] !== '') === v;
    default: {
      const n = v as number;
      const cmp = op === 'gt' ? (x: number) => x > n : op === 'ge' ? (x: number) => x >= n : op === 'lt' ? (x: number) => x < n : (x: number) => x <= n;
      return (e) => typeof e.fields[f] === 'number' && cmp(e.fields[f] as number);
    }
  }
}

/**
 * The numbers whose String() is in `set` ("200" → 200; "0200", "2e2", " 200" have no such number
 * and are left out, as String(200) is "200" only). For a number x: String(x) ∈ set ⇔ nums.has(x).
 */
export function numberSet(set: Set<string>): Set<number> {
  const nums = new Set<number>();
  for (const s of set) if (String(Number(s)) === s) nums.add(Number(s));
  return nums;
}

/**
 * Relative cost of evaluating a condition: set lookups, comparisons and literal tests cost a few
 * nanoseconds, a regular expression call tens to hundreds (issue 20: one `matches` per web line
 * cost ~60 ns). Combinators cost the sum of their parts.
 */
export function conditionCost(c: unknown): number {
  const o = c as Record<string, unknown>;
  if ('all' in o) return (o.all as unknown[]).reduce<number>((n, x) => n + conditionCost(x), 0);
  if ('any' in o) return (o.any as unknown[]).reduce<number>((n, x) => n + conditionCost(x), 0);
  if ('not' in o) return conditionCost(o.not);
  return 'matches' in o ? 20 : 1;
}

/**
 * The children of all/any in the order to evaluate them: cheapest first (stable, so equal costs keep
 * the rule's order). Conditions are pure and total (a missing field is false, never a throw), so
 * the result of all/any does not depend on the order, only what it costs: a regex runs only when
 * the set lookups and comparisons before it did not already decide.
 */
export function cheapestFirst(list: unknown[]): unknown[] {
  return list
    .map((c, i) => ({ c, i, cost: conditionCost(c) }))
    .sort((a, b) => a.cost - b.cost || a.i - b.i)
    .map((x) => x.c);
}

// Plain loops (no closure per call, as `every(p => p(e))` made) with the short lists unrolled.
function allOf(ps: Predicate[]): Predicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (let i = 0; i < ps.length; i++) if (!ps[i]!(e)) return false;
    return true;
  };
}

function anyOf(ps: Predicate[]): Predicate {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Predicate, Predicate];
    return (e) => a(e) || b(e);
  }
  return (e) => {
    for (let i = 0; i < ps.length; i++) if (ps[i]!(e)) return true;
    return false;
  };
}

/** The fields a condition tests (e.g. whether any rule reads a field that costs something to provide). */
export function conditionFields(c: unknown, out: Set<string> = new Set()): Set<string> {
  const o = c as Record<string, unknown>;
  if (!o || typeof o !== 'object') return out;
  if ('all' in o || 'any' in o) for (const x of (o.all ?? o.any) as unknown[]) conditionFields(x, out);
  else if ('not' in o) conditionFields(o.not, out);
  else if (typeof o.field === 'string') out.add(o.field);
  return out;
}
