/**
 * The regular expressions a detection rule uses: every `matches:` value in its `where` conditions,
 * located in the rule file. `gwsec detect lint` checks each with recheck (issue 19): rules run on
 * attacker-written log lines, so a pattern that backtracks catastrophically would let one crafted
 * request stall detection. Pure: a parsed file in, sites out.
 */
import type { RegexSite } from '../model/check.js';
import type { LocatedYaml } from '../policy/yaml.js';

export function ruleRegexSites(y: LocatedYaml): RegexSite[] {
  const out: RegexSite[] = [];
  const walk = (v: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'matches' && typeof x === 'string') out.push({ source: x, location: y.locate([...path, k]) });
        else walk(x, [...path, k]);
      }
    }
  };
  walk(y.value, []);
  return out;
}
