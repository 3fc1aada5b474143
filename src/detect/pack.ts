/**
 * Every condition of one source type's rules compiled into ONE function (issue 20: the per-rule
 * closures cost 10–40 ns a condition, a call and a field read each, on every line). The generated
 * function reads each field a condition names once per event, evaluates a condition two rules share
 * once, and writes 1/0 per condition into `out`; it returns how many hold, so an event no condition
 * admits (most lines) costs the engine nothing more.
 *
 * It answers exactly as compileWhere's closures (conditions.ts) do, operator by operator, on any
 * field value (test/detect/pack.test.ts: every operator over edge values, every rule's cases, the
 * web-attack corpus). Only indexes, finite number literals and JSON-quoted strings are written into
 * the code; sets and regexes stay objects passed in, so no rule text can change the code's shape.
 */
import { cheapestFirst, numberSet } from './conditions.js';
import type { FieldValue } from './event.js';

/** Evaluate every condition of the pack: out[i] = 1 when condition i holds, else 0; returns the count of 1s. */
export type PackFn = (fields: Record<string, FieldValue>, out: Uint8Array) => number;

type Leaf = { field: string; op: string; v: unknown };

const lit = (s: string) => JSON.stringify(s);
const numLit = (n: number) => (Number.isFinite(n) ? (Object.is(n, -0) ? '-0' : String(n)) : undefined);

class Gen {
  readonly consts: unknown[] = [];
  private readonly vars = new Map<string, string>();
  private readonly uses = new Map<string, number>();
  private readonly shared = new Map<string, string>();

  k(x: unknown): string {
    this.consts.push(x);
    return `K[${this.consts.length - 1}]`;
  }

  field(name: string): string {
    let v = this.vars.get(name);
    if (!v) this.vars.set(name, (v = `v${this.vars.size}`));
    return v;
  }

  /** First pass: how often each leaf occurs (a leaf used twice is evaluated once). */
  count(c: unknown): void {
    const o = c as Record<string, unknown>;
    if ('all' in o) return (o.all as unknown[]).forEach((x) => this.count(x));
    if ('any' in o) return (o.any as unknown[]).forEach((x) => this.count(x));
    if ('not' in o) return this.count(o.not);
    const key = leafKey(leafOf(o));
    this.uses.set(key, (this.uses.get(key) ?? 0) + 1);
  }

  expr(c: unknown): string {
    const o = c as Record<string, unknown>;
    if ('all' in o) return `(${cheapestFirst(o.all as unknown[]).map((x) => this.expr(x)).join(' && ')})`;
    if ('any' in o) return `(${cheapestFirst(o.any as unknown[]).map((x) => this.expr(x)).join(' || ')})`;
    if ('not' in o) return `!${this.expr(o.not)}`;
    const leaf = leafOf(o);
    const key = leafKey(leaf);
    if ((this.uses.get(key) ?? 0) < 2) return this.leaf(leaf);
    let s = this.shared.get(key);
    if (!s) {
      s = `s${this.shared.size}`;
      this.shared.set(key, s);
      // Computed on first use (a regex may never be needed), kept for the other rules.
      this.sharedInit.push(`let ${s} = -1;`);
      this.sharedExpr.set(s, this.leaf(leaf));
    }
    return `((${s} < 0 ? (${s} = ${this.sharedExpr.get(s)!} ? 1 : 0) : ${s}) === 1)`;
  }

  readonly sharedInit: string[] = [];
  private readonly sharedExpr = new Map<string, string>();

  /** String(x) ∈ {String(v) of values} for a string or number x; false for anything else. */
  private inSet(x: string, values: unknown[]): string {
    const set = new Set(values.map(String));
    const nums = numberSet(set);
    const numTest = nums.size <= 4 && [...nums].every((n) => numLit(n) !== undefined) ? (nums.size ? [...nums].map((n) => `${x} === ${numLit(n)}`).join(' || ') : 'false') : `${this.k(nums)}.has(${x})`;
    const strTest = set.size <= 4 ? [...set].map((s) => `${x} === ${lit(s)}`).join(' || ') : `${this.k(set)}.has(${x})`;
    return `(typeof ${x} === "number" ? (${numTest}) : typeof ${x} === "string" && (${strTest}))`;
  }

  private leaf({ field, op, v }: Leaf): string {
    const x = this.field(field);
    switch (op) {
      case 'eq':
        return this.inSet(x, [v]); // str(x) === String(v)
      case 'ne':
        return `(${x} !== undefined && !${this.inSet(x, [v])})`; // a list's str() is undefined: never equal
      case 'in':
        return this.inSet(x, v as unknown[]);
      case 'not_in': {
        // !set.has(str(x) ?? '\0'): anything but a string or number is looked up as '\0'
        const set = new Set((v as unknown[]).map(String));
        return `(${x} !== undefined && !(typeof ${x} === "number" || typeof ${x} === "string" ? ${this.inSet(x, v as unknown[])} : ${set.has('\0')}))`;
      }
      case 'contains': {
        const s = lit(String(v));
        return `(Array.isArray(${x}) ? ${x}.includes(${s}) : typeof ${x} === "string" && ${x}.includes(${s}))`;
      }
      case 'matches': {
        const re = this.k(new RegExp(v as string, 'i'));
        return `(typeof ${x} === "string" ? ${re}.test(${x}) : typeof ${x} === "number" && ${re}.test(String(${x})))`;
      }
      case 'prefix': {
        const s = lit(String(v));
        return `(typeof ${x} === "string" ? ${x}.startsWith(${s}) : typeof ${x} === "number" && String(${x}).startsWith(${s}))`;
      }
      case 'exists':
        // (x !== undefined && x !== '') === v
        return v === true ? `(${x} !== undefined && ${x} !== "")` : v === false ? `(${x} === undefined || ${x} === "")` : 'false';
      default: {
        const n = v as number;
        const sign = op === 'gt' ? '>' : op === 'ge' ? '>=' : op === 'lt' ? '<' : '<=';
        return `(typeof ${x} === "number" && ${x} ${sign} ${numLit(n) ?? this.k(n)})`;
      }
    }
  }

  reads(): string[] {
    return [...this.vars].map(([name, v]) => `const ${v} = f[${lit(name)}];`);
  }
}

/** Identity of a leaf: numbers and strings kept apart (200 vs '200'), and NaN, ±Infinity, -0 each their own. */
const leafKey = (l: Leaf) => JSON.stringify([l.field, l.op, l.v], (_, x: unknown) => (typeof x === 'number' ? `n${Object.is(x, -0) ? '-0' : String(x)}` : typeof x === 'string' ? `s${x}` : x));

function leafOf(o: Record<string, unknown>): Leaf {
  const op = Object.keys(o).find((k) => k !== 'field')!;
  return { field: o.field as string, op, v: o[op] };
}

/** The source of the generated function (exported for tests and for reading). */
export function packSource(conds: unknown[]): { source: string; consts: unknown[] } {
  const g = new Gen();
  for (const c of conds) g.count(c);
  const body = conds.map((c, i) => `  if (${g.expr(c)}) { out[${i}] = 1; n++; } else out[${i}] = 0;`);
  const source = ['"use strict";', 'return function pack(f, out) {', ...g.reads().map((l) => `  ${l}`), ...g.sharedInit.map((l) => `  ${l}`), '  let n = 0;', ...body, '  return n;', '};'].join('\n');
  return { source, consts: g.consts };
}

/** Compile validated conditions (as compileWhere takes them) into one function. */
export function compilePack(conds: unknown[]): PackFn {
  const { source, consts } = packSource(conds);
  // Generated from validated rules: only indexes, finite numbers and JSON strings are spliced in (see above).
  return new Function('K', source)(consts) as PackFn;
}
