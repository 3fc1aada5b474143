
export interface Issue {
  path: PropertyKey[];
  message: { zh: string; en: string };
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
    out.push({ path, message: { en: 'a condition must be a mapping: {fact, op, value}, {all: [...]}, {any: [...]}, {none: [...]} or {each: {...}}', zh: '条件须为映射：{fact, op, value}、{all: [...]}、{any: [...]}、{none: [...]} 或 {each: {...}}' } });
    return;
  }
  const o = c as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const comb of ['all', 'any', 'none'] as const) {
    if (comb in o) {
      if (keys.length !== 1) out.push({ path, message: { en: `'${comb}' must stand alone, found also: ${keys.filter((k) => k !== comb).join(', ')}`, zh: `“${comb}”须单独使用，但同时出现了：${keys.filter((k) => k !== comb).join('、')}` } });
      const list = o[comb];
      if (!Array.isArray(list) || list.length === 0) out.push({ path: [...path, comb], message: { en: `'${comb}' takes a non-empty list of conditions`, zh: `“${comb}”须为非空的条件列表` } });
      else list.forEach((ch, i) => validateCondition(ch, [...path, comb, i], ops, inEach, out));
      return;
    }
  }
  if ('each' in o) {
    if (keys.length !== 1) out.push({ path, message: { en: `'each' must stand alone`, zh: '“each”须单独使用' } });
    const e = o.each as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) {
      out.push({ path: [...path, 'each'], message: { en: `'each' takes {fact, where?, expect, min?}`, zh: '“each”的格式为 {fact, where?, expect, min?}' } });
      return;
    }
    for (const k of Object.keys(e)) if (!['fact', 'where', 'expect', 'min', 'missing'].includes(k)) out.push({ path: [...path, 'each', k], message: { en: `unknown key '${k}' in each`, zh: `each 中有未知的键“${k}”` } });
    if (typeof e.fact !== 'string' || !FACT_PATH.test(e.fact)) out.push({ path: [...path, 'each', 'fact'], message: { en: 'each.fact must be a fact path to a list', zh: 'each.fact 须为指向列表的事实路径' } });
    if (e.where !== undefined) validateCondition(e.where, [...path, 'each', 'where'], ops, true, out);
    if (e.expect === undefined) out.push({ path: [...path, 'each'], message: { en: 'each needs expect', zh: 'each 须有 expect' } });
    else validateCondition(e.expect, [...path, 'each', 'expect'], ops, true, out);
    if (e.min !== undefined && !(Number.isInteger(e.min) && (e.min as number) >= 0)) out.push({ path: [...path, 'each', 'min'], message: { en: 'min must be a whole number ≥ 0', zh: 'min 须为不小于 0 的整数' } });
    if (e.missing !== undefined && !MISSING.includes(e.missing as string)) out.push({ path: [...path, 'each', 'missing'], message: { en: `missing must be one of ${MISSING.join(', ')}`, zh: `missing 须为以下之一：${MISSING.join('、')}` } });
    return;
  }
  for (const k of keys) if (!['fact', 'op', 'value', 'var', 'missing', 'message'].includes(k)) out.push({ path: [...path, k], message: { en: `unknown key '${k}' in condition`, zh: `条件中有未知的键“${k}”` } });
  if (typeof o.fact !== 'string' || !FACT_PATH.test(o.fact)) {
    out.push({ path: [...path, 'fact'], message: { en: 'fact must be a dotted fact path like sshd.effective.permitrootlogin', zh: 'fact 须为以点分隔的事实路径，如 sshd.effective.permitrootlogin' } });
  } else if (o.fact.startsWith('@') && !inEach) {
    out.push({ path: [...path, 'fact'], message: { en: `'${o.fact}' refers to an each element outside each`, zh: `“${o.fact}”在 each 之外引用了 each 的元素` } });
  }
  if (typeof o.op !== 'string') out.push({ path: [...path, 'op'], message: { en: 'op is required', zh: '缺少 op' } });
  else if (!ops.has(o.op)) out.push({ path: [...path, 'op'], message: { en: `unknown operator '${o.op}' (known: ${[...ops].join(' ')})`, zh: `未知的运算符“${o.op}”（可用：${[...ops].join(' ')}）` } });
  if (o.value !== undefined && o.var !== undefined) out.push({ path, message: { en: 'give either value or var, not both', zh: 'value 与 var 只能给出其一' } });
  if (o.var !== undefined && (typeof o.var !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(o.var))) out.push({ path: [...path, 'var'], message: { en: 'var names an UPPER_CASE pack variable', zh: 'var 须为大写的策略包变量名' } });
  if (o.missing !== undefined && !MISSING.includes(o.missing as string)) out.push({ path: [...path, 'missing'], message: { en: `missing must be one of ${MISSING.join(', ')}`, zh: `missing 须为以下之一：${MISSING.join('、')}` } });
}
