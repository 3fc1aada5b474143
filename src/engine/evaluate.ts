import type { Check, Condition, LeafCondition } from '../model/check.js';
import type { Evidence, Result } from '../model/result.js';
import type { Status } from '../model/status.js';
import { combineAll, combineAny, combineNone } from './combine.js';
import { lookup } from './paths.js';
import { operators } from './operators.js';
import { absentBecause, ENGINE_WORDS, factErrorMessage, noValue, unknownOperator } from './messages.js';
import type { Bilingual } from '../model/status.js';

/**
 * The pure evaluator: (checks, facts, context) -> results. No I/O, no clock (the audit time is in the
 * context), no environment. Prepared once, evaluated many times (OPA's model).
 */
export interface EvalContext {
  now: Date;
  variables: Record<string, unknown>;
  host: { name: string; roles: string[] };
  /** family -> where its facts came from (commands, files), for evidence. */
  sources?: Record<string, string[]>;
}

interface Outcome {
  status: Status;
  evidence: Evidence[];
}

const MAX_ELEMENT_EVIDENCE = 20;
const FACT_ABSENT = ENGINE_WORDS.factAbsent;

export function evaluateCheck(check: Check, facts: Record<string, unknown>, ctx: EvalContext): Result {
  const base = {
    check: check.id,
    host: check.scope === 'fleet' ? '*' : ctx.host.name,
    severity: check.severity,
    article: check.article,
    title: check.title,
  };
  const gate = applicability(check, facts, ctx);
  if (gate) return { ...base, ...gate };
  const out = evalCondition(check.expect, facts, undefined, ctx, undefined);
  return { ...base, status: out.status, evidence: out.evidence };
}

function applicability(check: Check, facts: Record<string, unknown>, ctx: EvalContext): Outcome | null {
  const a = check.applies;
  if (!a) return null;
  if (a.os && check.scope !== 'fleet') {
    const kernel = lookup(facts, 'os.kernel');
    // Facts without an os family (hand-written cases) are not filtered by OS.
    if (kernel.kind === 'value' && !a.os.includes(String(kernel.value))) {
      return { status: 'not_applicable', evidence: [{ fact: 'os.kernel', actual: kernel.value, op: 'in', expected: a.os, status: 'not_applicable' }] };
    }
  }
  if (a.roles && check.scope !== 'fleet' && !a.roles.some((r) => ctx.host.roles.includes(r))) {
    return {
      status: 'not_applicable',
      evidence: [{ fact: 'inventory.roles', actual: ctx.host.roles, op: 'in', expected: a.roles, status: 'not_applicable', source: ['inventory'] }],
    };
  }
  if (a.when) {
    const w = evalCondition(a.when, facts, undefined, ctx, undefined);
    if (w.status === 'error' || w.status === 'manual') return w;
    if (w.status !== 'pass') return { status: 'not_applicable', evidence: w.evidence.map((e) => ({ ...e, status: 'not_applicable' as Status })) };
  }
  return null;
}

function evalCondition(c: Condition, root: unknown, element: unknown, ctx: EvalContext, elementPath: string | undefined): Outcome {
  if ('all' in c) return combineChildren(c.all, combineAll, root, element, ctx, elementPath);
  if ('any' in c) return combineChildren(c.any, combineAny, root, element, ctx, elementPath);
  if ('none' in c) return combineChildren(c.none, combineNone, root, element, ctx, elementPath);
  if ('each' in c) return evalEach(c.each, root, element, ctx, elementPath);
  return evalLeaf(c, root, element, ctx, elementPath);
}

function combineChildren(
  children: Condition[],
  combine: (s: Status[]) => Status,
  root: unknown,
  element: unknown,
  ctx: EvalContext,
  elementPath: string | undefined,
): Outcome {
  const outs = children.map((ch) => evalCondition(ch, root, element, ctx, elementPath));
  return { status: combine(outs.map((o) => o.status)), evidence: outs.flatMap((o) => o.evidence) };
}

function evalEach(spec: Extract<Condition, { each: unknown }>['each'], root: unknown, element: unknown, ctx: EvalContext, elementPath: string | undefined): Outcome {
  const path = displayPath(spec.fact, elementPath);
  const found = lookup(root, spec.fact, element);
  const source = sourcesFor(path, ctx);
  if (found.kind === 'error') {
    return { status: 'error', evidence: [{ fact: path, actual: null, status: 'error', source, message: factErrorMessage(found.error) }] };
  }
  if (found.kind === 'missing') {
    const status = spec.missing ?? 'error';
    return { status, evidence: [{ fact: path, actual: null, status, source, message: FACT_ABSENT }] };
  }
  if (!Array.isArray(found.value)) {
    return { status: 'error', evidence: [{ fact: path, actual: found.value, status: 'error', source, message: ENGINE_WORDS.notAList }] };
  }
  const statuses: Status[] = [];
  const evidence: Evidence[] = [];
  let selected = 0;
  found.value.forEach((el, i) => {
    const elPath = `${path}[${i}]`;
    if (spec.where) {
      const w = evalCondition(spec.where, root, el, ctx, elPath);
      if (w.status === 'error') {
        statuses.push('error');
        evidence.push(...w.evidence);
        return;
      }
      if (w.status !== 'pass') return;
    }
    selected++;
    const o = evalCondition(spec.expect, root, el, ctx, elPath);
    statuses.push(o.status);
    if (o.status !== 'pass' && o.status !== 'not_applicable') evidence.push(...o.evidence);
  });
  let status = combineAll(statuses);
  if (selected < (spec.min ?? 0)) {
    status = status === 'error' ? 'error' : 'fail';
    evidence.push({ fact: path, actual: selected, op: 'length_ge', expected: spec.min, status: 'fail', source, message: ENGINE_WORDS.tooFew });
  }
  if (evidence.length > MAX_ELEMENT_EVIDENCE) {
    const more = evidence.length - MAX_ELEMENT_EVIDENCE;
    evidence.splice(MAX_ELEMENT_EVIDENCE);
    evidence.push({ fact: path, actual: `${more} more`, status, message: ENGINE_WORDS.truncated });
  }
  if (evidence.length === 0) {
    evidence.push({ fact: path, actual: `${selected} of ${found.value.length} element(s) checked`, status, source });
  }
  return { status, evidence };
}

function evalLeaf(c: LeafCondition, root: unknown, element: unknown, ctx: EvalContext, elementPath: string | undefined): Outcome {
  const path = displayPath(c.fact, elementPath);
  const source = sourcesFor(path, ctx);
  const op = operators.get(c.op);
  const expected = c.var !== undefined ? ctx.variables[c.var] : c.value;
  const ev = (status: Status, actual: unknown, message?: Bilingual): Outcome => ({
    status,
    evidence: [{ fact: path, actual, op: c.op, expected: c.var !== undefined ? { var: c.var, value: expected } : expected, status, source, ...(message ? { message } : {}) }],
  });
  // The loader and lint reject these; guard anyway so a hand-built check cannot pass by accident.
  if (!op) return ev('error', null, unknownOperator(c.op));
  if (expected === undefined && op.value !== 'boolean') return ev('error', null, noValue(c.var));
  const found = lookup(root, c.fact, element);
  if (found.kind === 'error') return ev('error', null, factErrorMessage(found.error));
  if (c.op === 'exists' || (c.op === 'empty' && found.kind === 'missing')) {
    const actual = found.kind === 'value' ? found.value : null;
    const present = op.test(actual, expected ?? true, { now: ctx.now }) === true;
    // A failed existence test says what the absence means, as any other failed leaf does.
    return ev(present ? 'pass' : 'fail', actual, !present && c.message ? c.message : undefined);
  }
  // An absent fact that means `manual` (an attestation not given) says what a person must declare.
  if (found.kind === 'missing') return ev(c.missing ?? 'error', null, c.missing === 'manual' && c.message ? absentBecause(c.message) : FACT_ABSENT);
  const outcome = op.test(found.value, op.value === 'version' ? String(expected) : expected, { now: ctx.now });
  if (typeof outcome === 'object') return ev('error', found.value, outcome.unusable);
  const failed = !outcome;
  const message = failed && c.message ? c.message : undefined;
  return ev(outcome ? 'pass' : 'fail', found.value, message);
}

function displayPath(fact: string, elementPath: string | undefined): string {
  if (fact === '@') return elementPath ?? '@';
  if (fact.startsWith('@.')) return `${elementPath ?? '@'}.${fact.slice(2)}`;
  return fact;
}

function sourcesFor(path: string, ctx: EvalContext): string[] | undefined {
  const family = path.split(/[.[]/)[0] ?? '';
  return ctx.sources?.[family];
}
