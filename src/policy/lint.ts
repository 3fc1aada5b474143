import type { Condition, Pack } from '../model/check.js';
import { GwsecError } from '../model/errors.js';
import { baseKind, schemaAt, t, type FactType } from '../model/schema.js';
import type { Collector, Deriver } from '../collectors/types.js';
import { operators, type FactKind } from '../engine/operators.js';
import { fleetSeparationSchema } from '../facts/separation.js';
import { checkRedos, describeRedos } from '../util/redos.js';

/**
 * Type-check every fact path of every check against the declared schemas of collectors and
 * derivers, and every operator against the type found there — before any host is touched. Every
 * regular expression a check uses is checked for catastrophic backtracking (recheck): facts come
 * from hosts that may be hostile, and a vulnerable `matches` would let one stall the audit.
 */
export function lintPack(pack: Pack, collectors: Collector[], derivers: Deriver[]): GwsecError[] {
  const families: Record<string, FactType> = {};
  for (const c of collectors) families[c.id] = c.schema;
  for (const d of derivers) families[d.id] = d.schema;
  const hostRoot = t.obj(families);
  const fleetRoot = t.obj({
    fleet: t.obj({
      hosts: t.arr(t.obj({ name: t.str, roles: t.arr(t.str), publicIps: t.arr(t.str), facts: hostRoot })),
      site: t.obj({
        name: t.nullable(t.str),
        domains: t.nullable(t.arr(t.str)),
        resolved: t.nullable(t.arr(t.obj({ domain: t.str, address: t.str, country: t.nullable(t.str) }))),
      }),
      separation: fleetSeparationSchema,
    }),
  });
  const errors: GwsecError[] = [];
  for (const check of pack.checks) {
    const root = check.scope === 'fleet' ? fleetRoot : hostRoot;
    const report = (msg: string) => errors.push(new GwsecError('policy_lint_error', `${check.id}: ${msg}`, check.source));
    const visit = (c: Condition, element: FactType | undefined) => {
      if ('all' in c) c.all.forEach((x) => visit(x, element));
      else if ('any' in c) c.any.forEach((x) => visit(x, element));
      else if ('none' in c) c.none.forEach((x) => visit(x, element));
      else if ('each' in c) {
        const ft = resolve(c.each.fact, root, element);
        if (!ft) return report(unknownPath(c.each.fact, families));
        const inner = strip(ft);
        if (inner.kind !== 'array' && inner.kind !== 'any') return report(`each.fact ${c.each.fact} is ${baseKind(ft)}, not a list`);
        const el = inner.kind === 'array' ? inner.of : t.any;
        if (c.each.where) visit(c.each.where, el);
        visit(c.each.expect, el);
      } else {
        const ft = resolve(c.fact, root, element);
        if (!ft) return report(unknownPath(c.fact, families));
        const op = operators.get(c.op);
        if (op && !fits(op.facts, ft)) report(`operator ${c.op} takes ${op.facts.join('|')}, but ${c.fact} is ${baseKind(ft)}`);
      }
    };
    visit(check.expect, undefined);
    if (check.applies?.when) visit(check.applies.when, undefined);
    for (const r of check.regexes ?? []) {
      const v = checkRedos(r.source);
      if (v.status === 'safe') continue;
      const what = r.variable ? `variable ${r.variable}'s regular expression` : 'regular expression';
      errors.push(new GwsecError('policy_regex_redos', `${check.id}: ${what} /${r.source}/ ${describeRedos(v)}`, r.location));
    }
  }
  return errors;
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

function unknownPath(path: string, families: Record<string, FactType>): string {
  const fam = path.split('.')[0]!;
  if (!path.startsWith('@') && !(fam in families) && fam !== 'fleet') {
    return `fact ${path}: no collector or deriver declares the family '${fam}' (known: ${Object.keys(families).sort().join(', ')})`;
  }
  return `fact ${path} is not in the declared schema of its collector (add it to the collector's schema, or fix the path)`;
}
