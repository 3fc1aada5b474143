/**
 * Every regular expression written in the TypeScript sources, found with the TypeScript compiler API:
 * regex literals (`/…/flags`) and `new RegExp(…)` / `RegExp(…)` calls. A call whose source is a string
 * literal (or a template without substitutions) is checked like a literal; any other source is
 * "dynamic" and listed, so a human says why it is safe (the allowlist in source-regexes.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundRegex {
  file: string; // relative to the repository root
  line: number;
  column: number;
  kind: 'literal' | 'constructor' | 'dynamic';
  source: string; // the pattern, or for dynamic ones the expression text
  flags: string;
}

export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return e === 'node_modules' ? [] : tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

export function extractRegexes(root: string, file: string): FoundRegex[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: FoundRegex[] = [];
  const at = (n: ts.Node) => {
    const p = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return { file: relative(root, file), line: p.line + 1, column: p.character + 1 };
  };
  const literalText = (n: ts.Expression | undefined): string | undefined =>
    n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined;
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const t = n.getText(sf);
      const end = t.lastIndexOf('/');
      out.push({ ...at(n), kind: 'literal', source: t.slice(1, end), flags: t.slice(end + 1) });
    } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
      const [src, flags] = n.arguments ?? [];
      const s = literalText(src);
      const f = flags === undefined ? '' : literalText(flags);
      if (s !== undefined && f !== undefined) out.push({ ...at(n), kind: 'constructor', source: s, flags: f });
      else out.push({ ...at(n), kind: 'dynamic', source: n.getText(sf), flags: f ?? '?' });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
