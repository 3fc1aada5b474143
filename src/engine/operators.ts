import { cidrContains, isValidCidr } from '../util/ip.js';
import { compareVersions } from '../util/version.js';
import type { Bilingual } from '../model/status.js';

/**
 * The operator registry. Each operator declares what fact shapes it accepts and what its value must
 * be; `gwsec policy lint` checks both against collector schemas and pack variables before any host
 * is touched. `test` is pure: the audit time comes in through `now`.
 */
export type FactKind = 'scalar' | 'string' | 'number' | 'array' | 'object' | 'any';
export type ValueKind = 'scalar' | 'list' | 'number' | 'string' | 'regex' | 'boolean' | 'version' | 'ranges' | 'cidrs';

export interface OperatorContext {
  now: Date;
}

/** `true`/`false`, or why the fact cannot be compared, in both languages (becomes `error`). */
export type OpOutcome = boolean | { unusable: Bilingual };

/** Why a fact cannot be compared: these are evidence messages. */
const NOT = {
  string: { zh: '该事实不是字符串', en: 'not a string' },
  arrayOrString: { zh: '该事实既不是列表也不是字符串', en: 'not an array or string' },
  array: { zh: '该事实不是列表', en: 'not an array' },
  length: { zh: '该事实没有长度', en: 'no length' },
  version: { zh: '该事实不是版本号字符串', en: 'not a version string' },
  address: { zh: '该事实不是 IP 地址', en: 'not an address' },
} satisfies Record<string, Bilingual>;

export interface Operator {
  name: string;
  facts: FactKind[];
  value: ValueKind;
  description: string;
  test(actual: unknown, expected: unknown, ctx: OperatorContext): OpOutcome;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Numbers compare numerically; a numeric string fact ("600") compares as a number. */
function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

/** Scalars compare loosely across number/string ("22" == 22), case-sensitively otherwise. */
function scalarEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null && (typeof a === 'number' || typeof b === 'number')) return na === nb;
  return false;
}

const compiled = new Map<string, RegExp>();
export function compileRegex(src: string): RegExp {
  let re = compiled.get(src);
  if (!re) {
    re = src.startsWith('(?i)') ? new RegExp(src.slice(4), 'i') : new RegExp(src);
    compiled.set(src, re);
  }
  return re;
}

function numeric(cmp: (a: number, b: number) => boolean) {
  return (actual: unknown, expected: unknown): OpOutcome => {
    const a = asNumber(actual);
    const b = asNumber(expected);
    if (a === null) return { unusable: { zh: `不是数值：${JSON.stringify(actual)}`, en: `not a number: ${JSON.stringify(actual)}` } };
    if (b === null) return { unusable: { zh: `期望值不是数值：${JSON.stringify(expected)}`, en: `expected value is not a number: ${JSON.stringify(expected)}` } };
    return cmp(a, b);
  };
}

function timeOf(v: unknown): number | null {
  if (typeof v === 'number') return v * 1000; // epoch seconds
  if (typeof v === 'string') {
    const n = asNumber(v);
    if (n !== null) return n * 1000;
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

const list: Operator[] = [
  { name: 'eq', facts: ['scalar'], value: 'scalar', description: 'equals', test: (a, e) => scalarEq(a, e) },
  { name: 'ne', facts: ['scalar'], value: 'scalar', description: 'differs from', test: (a, e) => !scalarEq(a, e) },
  {
    name: 'in', facts: ['scalar'], value: 'list', description: 'is one of',
    test: (a, e) => (e as unknown[]).some((x) => scalarEq(a, x)),
  },
  {
    name: 'not_in', facts: ['scalar'], value: 'list', description: 'is none of',
    test: (a, e) => !(e as unknown[]).some((x) => scalarEq(a, x)),
  },
  { name: 'lt', facts: ['number', 'string'], value: 'number', description: '<', test: numeric((a, b) => a < b) },
  { name: 'le', facts: ['number', 'string'], value: 'number', description: '≤', test: numeric((a, b) => a <= b) },
  { name: 'gt', facts: ['number', 'string'], value: 'number', description: '>', test: numeric((a, b) => a > b) },
  { name: 'ge', facts: ['number', 'string'], value: 'number', description: '≥', test: numeric((a, b) => a >= b) },
  {
    name: 'matches', facts: ['string'], value: 'regex', description: 'matches',
    test: (a, e) => (typeof a === 'string' ? compileRegex(e as string).test(a) : { unusable: NOT.string }),
  },
  {
    name: 'not_matches', facts: ['string'], value: 'regex', description: 'does not match',
    test: (a, e) => (typeof a === 'string' ? !compileRegex(e as string).test(a) : { unusable: NOT.string }),
  },
  {
    name: 'contains', facts: ['array', 'string'], value: 'scalar', description: 'contains',
    test: (a, e) =>
      Array.isArray(a) ? a.some((x) => scalarEq(x, e)) : typeof a === 'string' ? a.includes(String(e)) : { unusable: NOT.arrayOrString },
  },
  {
    name: 'not_contains', facts: ['array', 'string'], value: 'scalar', description: 'does not contain',
    test: (a, e) =>
      Array.isArray(a) ? !a.some((x) => scalarEq(x, e)) : typeof a === 'string' ? !a.includes(String(e)) : { unusable: NOT.arrayOrString },
  },
  // exists/empty are evaluated before the missing-fact rule (see evaluate.ts).
  { name: 'exists', facts: ['any'], value: 'boolean', description: 'exists', test: (a, e) => (a !== undefined && a !== null) === e },
  {
    name: 'empty', facts: ['array', 'string', 'object'], value: 'boolean', description: 'is empty',
    test: (a, e) => {
      const isEmpty =
        a === undefined || a === null || (Array.isArray(a) ? a.length === 0 : typeof a === 'string' ? a.length === 0 : typeof a === 'object' ? Object.keys(a).length === 0 : false);
      return isEmpty === e;
    },
  },
  {
    name: 'subset_of', facts: ['array'], value: 'list', description: 'every element is one of',
    test: (a, e) => (Array.isArray(a) ? a.every((x) => (e as unknown[]).some((y) => scalarEq(x, y))) : { unusable: NOT.array }),
  },
  {
    name: 'disjoint', facts: ['array'], value: 'list', description: 'has no element among',
    test: (a, e) => (Array.isArray(a) ? !a.some((x) => (e as unknown[]).some((y) => scalarEq(x, y))) : { unusable: NOT.array }),
  },
  {
    name: 'length_le', facts: ['array', 'string'], value: 'number', description: 'length ≤',
    test: (a, e) => (Array.isArray(a) || typeof a === 'string' ? a.length <= (e as number) : { unusable: NOT.length }),
  },
  {
    name: 'length_ge', facts: ['array', 'string'], value: 'number', description: 'length ≥',
    test: (a, e) => (Array.isArray(a) || typeof a === 'string' ? a.length >= (e as number) : { unusable: NOT.length }),
  },
  {
    name: 'version_ge', facts: ['string'], value: 'version', description: 'version ≥',
    test: (a, e) => (typeof a === 'string' ? compareVersions(a, e as string) >= 0 : { unusable: NOT.version }),
  },
  {
    name: 'version_lt', facts: ['string'], value: 'version', description: 'version <',
    test: (a, e) => (typeof a === 'string' ? compareVersions(a, e as string) < 0 : { unusable: NOT.version }),
  },
  {
    name: 'version_in_ranges', facts: ['string'], value: 'ranges', description: 'version within one of the ranges',
    test: (a, e) =>
      typeof a === 'string'
        ? (e as Array<{ from: string; to: string }>).some((r) => compareVersions(a, r.from) >= 0 && compareVersions(a, r.to) <= 0)
        : { unusable: NOT.version },
  },
  {
    name: 'cidr_in', facts: ['string'], value: 'cidrs', description: 'address within one of',
    test: (a, e) => (typeof a === 'string' ? (e as string[]).some((c) => cidrContains(c, a)) : { unusable: NOT.address }),
  },
  {
    name: 'age_days_le', facts: ['string', 'number'], value: 'number', description: 'age in days ≤',
    test: (a, e, ctx) => {
      const t = timeOf(a);
      if (t === null) return { unusable: { zh: `不是时间：${JSON.stringify(a)}`, en: `not a time: ${JSON.stringify(a)}` } };
      return (ctx.now.getTime() - t) / 86_400_000 <= (e as number);
    },
  },
];

export const operators: ReadonlyMap<string, Operator> = new Map(list.map((o) => [o.name, o]));

/** Does a (variable or literal) value fit an operator's declared value kind? Returns a reason or null. */
export function checkValue(kind: ValueKind, v: unknown): string | null {
  switch (kind) {
    case 'scalar':
      return isScalar(v) ? null : 'a string, number or boolean';
    case 'list':
      return Array.isArray(v) && v.every(isScalar) ? null : 'a list of strings/numbers';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'a number';
    case 'string':
      return typeof v === 'string' ? null : 'a string';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'true or false';
    case 'version':
      return typeof v === 'string' || typeof v === 'number' ? null : 'a version string';
    case 'regex':
      if (typeof v !== 'string') return 'a regular expression string';
      try {
        compileRegex(v);
        return null;
      } catch (e) {
        return `a valid regular expression (${(e as Error).message})`;
      }
    case 'ranges':
      return Array.isArray(v) && v.every((r) => r && typeof r === 'object' && typeof r.from === 'string' && typeof r.to === 'string')
        ? null
        : 'a list of {from, to} version strings';
    case 'cidrs':
      return Array.isArray(v) && v.every((c) => typeof c === 'string' && isValidCidr(c)) ? null : 'a list of CIDRs like 10.0.0.0/8';
  }
}
