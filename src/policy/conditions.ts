
export interface Issue {
  path: PropertyKey[];
  message: string;
}

const MISSING = ['error', 'manual', 'not_applicable', 'fail', 'pass'];
const FACT_PATH = /^(@|@\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*|[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*)$/;

/**
 * Structural validation of a condition tree, with the path of every problem so the loader can
 * point at file:line. Operator names and value types are checked here too; fact paths against
 * collector schemas are checked by lint.
 */
export function validateCondition(c: unknown, path: PropertyKey[], ops: ReadonlySet<string>, inEach: boolean, out: Issue[]): void {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    out.push({ path, message: 'a condition must be a mapping: {fact, op, value}, {all: [...]}, {any: [...]}, {none: [...]} or {each: {...}}' });
    return;
  }
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const comb of ['all', 'any', 'none'] as const) {
    if (comb in o) {
      if (keys.length !== 1) out.push({ path, message: `'${comb}' must stand alone, found also: ${keys.filter((k) => k !== comb).join(', ')}` });
      const list = o[comb];
      if (!Array.isArray(list) || list.length === 0) out.push({ path: [...path, comb], message: `'${comb}' takes a non-empty list of conditions` });
      else list.forEach((ch, i) => validateCondition(ch, [...path, comb, i], ops, inEach, out));
      return;
    }
  }
  if ('each' in o) {
    if (keys.length !== 1) out.push({ path, message: `'each' must stand alone` });
    const e = o.each as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) {
      out.push({ path: [...path, 'each'], message: `'each' takes {fact, where?, expect, min?}` });
      return;
    }
    for (const k of Object.keys(e)) if (!['fact', 'where', 'expect', 'min', 'missing'].includes(k)) out.push({ path: [...path, 'each', k], message: `unknown key '${k}' in each` });
    if (typeof e.fact !== 'string' || !FACT_PATH.test(e.fact)) out.push({ path: [...path, 'each', 'fact'], message: 'each.fact must be a fact path to a list' });
    if (e.where !== undefined) validateCondition(e.where, [...path, 'each', 'where'], ops, true, out);
    if (e.expect === undefined) out.push({ path: [...path, 'each'], message: 'each needs expect' });
    else validateCondition(e.expect, [...path, 'each', 'expect'], ops, true, out);
    if (e.min !== undefined && !(Number.isInteger(e.min) && (e.min as number) >= 0)) out.push({ path: [...path, 'each', 'min'], message: 'min must be a whole number ≥ 0' });
    if (e.missing !== undefined && !MISSING.includes(e.missing as string)) out.push({ path: [...path, 'each', 'missing'], message: `missing must be one of ${MISSING.join(', ')}` });
    return;
  }
  for (const k of keys) if (!['fact', 'op', 'value', 'var', 'missing', 'message'].includes(k)) out.push({ path: [...path, k], message: `unknown key '${k}' in condition` });
  if (typeof o.fact !== 'string' || !FACT_PATH.test(o.fact)) {
    out.push({ path: [...path, 'fact'], message: 'fact must be a dotted fact path like sshd.effective.permitrootlogin' });
  } else if (o.fact.startsWith('@') && !inEach) {
    out.push({ path: [...path, 'fact'], message: `'${o.fact}' refers to an each element outside each` });
  }
  if (typeof o.op !== 'string') out.push({ path: [...path, 'op'], message: 'op is required' });
  else if (!ops.has(o.op)) out.push({ path: [...path, 'op'], message: `unknown operator '${o.op}' (known: ${[...ops].join(' ')})` });
  if (o.value !== undefined && o.var !== undefined) out.push({ path, message: 'give either value or var, not both' });
  if (o.var !== undefined && (typeof o.var !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(o.var))) out.push({ path: [...path, 'var'], message: 'var names an UPPER_CASE pack variable' });
  if (o.missing !== undefined && !MISSING.includes(o.missing as string)) out.push({ path: [...path, 'missing'], message: `missing must be one of ${MISSING.join(', ')}` });
}
