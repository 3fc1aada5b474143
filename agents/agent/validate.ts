/**
 * A small strict validator for the agent config, with zod's messages. The agent used zod for this
 * one schema, and zod stayed resident for the agent's whole life: 3.1 MB of V8 heap, 3.5–5 MiB of
 * peak RSS during ingest (measured). Each check returns the value (defaults applied) or records
 * issues at a path (which parseConfig turns into file:line:column).
 */
export type Path = Array<string | number>;
export interface Issue {
  path: Path;
  /** worded as zod words it, in English and as zod's zh-CN locale does */
  message: { zh: string; en: string };
}
export type Check<T> = (v: unknown, path: Path, issues: Issue[]) => T | undefined;
/** What a check yields: the config's types are derived from the schema, never written twice. */
export type Out<C> = C extends Check<infer T> ? T : never;
type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Out<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Out<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Out<S[K]>, undefined> };

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const expected = (what: string, v: unknown) => ({ en: `Invalid input: expected ${what}, received ${kind(v)}`, zh: `无效输入：期望 ${what}，实际接收 ${kind(v)}` });

export function str(o: { min?: number; pattern?: RegExp; message?: Issue['message'] } = {}): Check<string> {
  return (v, path, issues) => {
    if (typeof v !== 'string') return void issues.push({ path, message: expected('string', v) });
    if (o.min !== undefined && v.length < o.min) return void issues.push({ path, message: { en: `Too small: expected string to have >=${o.min} characters`, zh: `数值过小：期望 string >=${o.min} 字符` } });
    if (o.pattern && !o.pattern.test(v)) return void issues.push({ path, message: o.message ?? { en: `Invalid string: must match pattern ${o.pattern}`, zh: `无效字符串：必须满足正则表达式 ${o.pattern}` } });
    return v;
  };
}

export function num(o: { int?: boolean; min?: number; max?: number; positive?: boolean } = {}): Check<number> {
  return (v, path, issues) => {
    if (typeof v !== 'number' || Number.isNaN(v)) return void issues.push({ path, message: expected('number', v) });
    if (o.int && !Number.isInteger(v)) return void issues.push({ path, message: expected('int', v) });
    if (o.positive && !(v > 0)) return void issues.push({ path, message: { en: 'Too small: expected number to be >0', zh: '数值过小：期望 number >0' } });
    if (o.min !== undefined && v < o.min) return void issues.push({ path, message: { en: `Too small: expected number to be >=${o.min}`, zh: `数值过小：期望 number >=${o.min}` } });
    if (o.max !== undefined && v > o.max) return void issues.push({ path, message: { en: `Too big: expected number to be <=${o.max}`, zh: `数值过大：期望 number <=${o.max}` } });
    return v;
  };
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, path, issues) => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    issues.push({ path, message: { en: `Invalid option: expected one of ${values.map((x) => `"${x}"`).join('|')}`, zh: `无效选项：期望以下之一 ${values.map((x) => `"${x}"`).join('|')}` } });
    return undefined;
  };
}

/** Absent (undefined) is fine; with `def`, absent becomes def. */
export function optional<T>(c: Check<T>): Check<T | undefined>;
export function optional<T>(c: Check<T>, def: T): Check<T>;
export function optional<T>(c: Check<T>, def?: T): Check<T | undefined> {
  return (v, path, issues) => (v === undefined ? def : c(v, path, issues));
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A strict object: unknown keys are reported at the object (as zod does). */
export function object<S extends Shape>(shape: S): Check<ObjectOf<S>> {
  return (v, path, issues) => {
    if (!isPlain(v)) return void issues.push({ path, message: expected('object', v) });
    const before = issues.length;
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(shape)) {
      const r = check(v[k], [...path, k], issues);
      if (r !== undefined) out[k] = r;
    }
    const extra = Object.keys(v).filter((k) => !(k in shape));
    if (extra.length) issues.push({ path, message: { en: `Unrecognized key${extra.length > 1 ? 's' : ''}: ${extra.map((k) => `"${k}"`).join(', ')}`, zh: `出现未知的键(key): ${extra.map((k) => `"${k}"`).join(', ')}` } });
    return issues.length === before ? (out as ObjectOf<S>) : undefined;
  };
}

export function array<T>(item: Check<T>, o: { min?: number } = {}): Check<T[]> {
  return (v, path, issues) => {
    if (!Array.isArray(v)) return void issues.push({ path, message: expected('array', v) });
    if (o.min !== undefined && v.length < o.min) return void issues.push({ path, message: { en: `Too small: expected array to have >=${o.min} items`, zh: `数值过小：期望 array >=${o.min} 项` } });
    const before = issues.length;
    const out = v.map((x, i) => item(x, [...path, i], issues));
    return issues.length === before ? (out as T[]) : undefined;
  };
}

/** Objects told apart by their `type` key; `type` itself is checked by the chosen shape. */
export function byType<S extends Shape>(shapes: S): Check<Out<S[keyof S]>> {
  return (v, path, issues) => {
    const t = isPlain(v) ? v.type : undefined;
    const shape = typeof t === 'string' ? shapes[t] : undefined;
    if (!shape) return void issues.push({ path: [...path, 'type'], message: { en: `Invalid discriminator value. Expected ${Object.keys(shapes).map((k) => `'${k}'`).join(' | ')}`, zh: `无效的类型值：期望 ${Object.keys(shapes).map((k) => `'${k}'`).join(' | ')}` } });
    return shape(v, path, issues) as Out<S[keyof S]> | undefined;
  };
}

export function literal<T extends string>(value: T): Check<T> {
  return (v, path, issues) => (v === value ? value : void issues.push({ path, message: { en: `Invalid input: expected "${value}"`, zh: `无效输入：期望 "${value}"` } }));
}

export function bool(): Check<boolean> {
  return (v, path, issues) => (typeof v === 'boolean' ? v : void issues.push({ path, message: expected('boolean', v) }));
}
