import type { Bilingual, Severity } from './status.js';
import type { Location } from './errors.js';

/**
 * A leaf condition: `{ fact, op, value }` or `{ fact, op, var }` (a pack variable).
 * Inside `each`, a fact path starting with `@` is relative to the current element (`@` alone is
 * the element itself, `@.port` a field of it).
 * `missing` says what an absent fact (undefined/null, not a collection error) means; default `error`.
 */
export interface LeafCondition {
  fact: string;
  op: string;
  value?: unknown;
  var?: string;
  missing?: 'error' | 'manual' | 'not_applicable' | 'fail' | 'pass';
  /** Optional bilingual note shown with the evidence when this leaf fails. */
  message?: Bilingual;
}

export interface EachCondition {
  each: {
    fact: string; // an array
    where?: Condition; // filter; elements where this is not `pass` are skipped (error propagates)
    expect: Condition; // every selected element must pass
    min?: number; // at least this many selected elements, else fail (default 0)
    missing?: LeafCondition['missing'];
  };
}

export type Condition =
  | LeafCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { none: Condition[] }
  | EachCondition;

export interface Applies {
  os?: string[]; // kernel family, e.g. [linux]
  roles?: string[]; // host must have at least one of these inventory roles
  when?: Condition; // not pass -> not_applicable (error stays error)
}

export type CheckScope = 'host' | 'fleet';

export interface Check {
  id: string;
  article: string; // "40.7", "41.3"
  title: Bilingual;
  severity: Severity;
  scope: CheckScope;
  applies?: Applies;
  expect: Condition;
  /** Status when `expect` fails, for advisory checks (e.g. info-level recommendations). Default fail. */
  rationale: Bilingual;
  remediation: Bilingual;
  references: string[];
  tags?: string[];
  /** Where the check was loaded from (for errors and reports). */
  source?: Location;
  /** Every regular expression its conditions use (`matches` values, or a variable's default), located for `policy lint`'s ReDoS check. */
  regexes?: RegexSite[];
  /** Where each fact path is written, keyed by the YAML path of its key (`expect.all.0.fact`), for `policy lint`. */
  factSites?: Record<string, Location>;
}

export interface RegexSite {
  source: string;
  location: Location;
  /** The pack variable it came from, when the condition says `var:`. */
  variable?: string;
}

export interface CheckCase {
  name?: string;
  /** Text some evidence message must contain, in either language (why the case is not_applicable or manual). */
  because?: string;
  facts: Record<string, unknown>;
  variables?: Record<string, unknown>;
  host?: { roles?: string[] };
  /** For fleet checks: several hosts. */
  hosts?: Array<{ name: string; roles?: string[]; facts: Record<string, unknown> }>;
  source?: Location;
  /** Keys in its facts that are not snake_case, located (`policy lint` rejects those that are field names, not map keys). */
  oddKeys?: OddKey[];
}

export interface OddKey {
  /** Keys from the facts root (a host's facts root for `hosts[i].facts`); list indices are numbers. */
  path: Array<string | number>;
  /** Under `hosts[i].facts` of a fleet case: the path is relative to one host's facts. */
  host: boolean;
  location: Location;
}

export type CaseFile = Partial<Record<'pass' | 'fail' | 'not_applicable' | 'error' | 'manual', CheckCase[]>>;

export interface VariableDecl {
  type: 'string' | 'number' | 'boolean' | 'string[]' | 'number[]' | 'object';
  default: unknown;
  description: Bilingual;
}

export interface Pack {
  id: string;
  title: Bilingual;
  version: string;
  dir: string;
  variables: Record<string, VariableDecl>;
  checks: Check[];
  cases: Map<string, CaseFile>;
}
