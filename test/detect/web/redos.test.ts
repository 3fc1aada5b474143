/**
 * Every regular expression of the web inspection is checked by recheck (a ReDoS checker): the
 * literals are read from the TypeScript sources with the compiler's parser, so a new regex cannot
 * slip past; the two built at run time are exported and checked too.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { CODE_CALL_RE } from '../../../src/detect/web/code.js';
import { SENSITIVE_GATE, STRONG_GATE } from '../../../src/detect/web/path.js';
import { UA_RE } from '../../../src/detect/web/scanners.js';
import { packageRoot } from '../../../src/util/paths.js';
import { checkRedos } from '../../../src/util/redos.js';
import { scaled } from '../../helpers/time.js';

const DIR = join(packageRoot(), 'src', 'detect', 'web');

function literals(): Array<{ where: string; source: string; flags: string }> {
  const out: Array<{ where: string; source: string; flags: string }> = [];
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.ts')).sort()) {
    const text = readFileSync(join(DIR, f), 'utf8');
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const lit = n.getText(sf);
        const end = lit.lastIndexOf('/');
        out.push({ where: `${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`, source: lit.slice(1, end), flags: lit.slice(end + 1) });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

test('the regex collector finds the literals (guards against a parser change making the check vacuous)', (t) => {
  const all = literals();
  t.true(all.length >= 40, `only ${all.length} regex literals found`);
  t.true(all.some((r) => r.where.startsWith('html.ts')));
  t.true(all.some((r) => r.where.startsWith('normalise.ts')));
});

test('no regex of the web inspection is vulnerable to catastrophic backtracking (recheck)', (t) => {
  t.timeout(scaled(110_000));
  const all = [...literals(), { where: 'code.ts CODE_CALL_RE', source: CODE_CALL_RE.source, flags: CODE_CALL_RE.flags }, { where: 'scanners.ts UA_RE', source: UA_RE.source, flags: UA_RE.flags }, { where: 'path.ts SENSITIVE_GATE', source: SENSITIVE_GATE.source, flags: '' }, { where: 'path.ts STRONG_GATE', source: STRONG_GATE.source, flags: '' }];
  const bad: string[] = [];
  for (const r of all) {
    // recheck's own time limit is generous so a loaded machine gives `safe`/`vulnerable`, not `unknown`
    const res = checkRedos(r.source, r.flags.replace(/[gy]/g, ''), scaled(60_000));
    if (res.status !== 'safe') bad.push(`${r.where} /${r.source}/${r.flags}: ${res.status}${res.status === 'vulnerable' ? ` (attack ${JSON.stringify(res.attack.slice(0, 40))})` : ` (${res.reason})`}`);
  }
  t.deepEqual(bad, []);
});
