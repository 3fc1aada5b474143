/**
 * Regression over the development corpus (../shared/corpus/web-attacks), measured on the product's
 * path: every line goes through what `gwsec detect --file FILE --source nginx` runs (the agent's nginx
 * parser, the normaliser, the shipped rules of policies/detections/, the engine). Recall per category
 * and benign lines raising any alert stay at the targets. A development figure (the rules were
 * tuned on it); bench/webattacks.ts prints the table and the misses.
 */
import test from 'ava';
import { WEB_CATEGORIES, type WebCategory } from '../../../src/detect/web/index.js';
import { CATEGORY_RULE, huntLines, loadAttacks, loadBenign } from '../../helpers/web-corpus.js';

const TARGET: Record<WebCategory, number> = { sqli: 0.95, xss: 0.95, path_traversal: 0.9, command_injection: 0.9, code_injection: 0.9, scanner: 0.9 };

test('recall per category meets the target (≥ 95 % SQLi and XSS, ≥ 90 % the rest), every line parsed', async (t) => {
  const attacks = loadAttacks();
  t.is(attacks.length, 2411, 'the corpus README says 2,411 attack lines');
  const { verdicts } = await huntLines(attacks.map((a) => a.line));
  t.deepEqual(verdicts.flatMap((v, i) => (v.parsed ? [] : [attacks[i]!.line.slice(0, 120)])), [], 'unparsed corpus lines');
  const hit = Object.fromEntries(WEB_CATEGORIES.map((c) => [c, { n: 0, ok: 0 }])) as Record<WebCategory, { n: number; ok: number }>;
  attacks.forEach((a, i) => {
    hit[a.category].n++;
    if (verdicts[i]!.rules.includes(CATEGORY_RULE[a.category])) hit[a.category].ok++;
  });
  for (const c of WEB_CATEGORIES) {
    t.true(hit[c].n > 0, `${c}: no lines`);
    const recall = hit[c].ok / hit[c].n;
    t.true(recall >= TARGET[c], `${c}: recall ${(recall * 100).toFixed(1)} % < ${TARGET[c] * 100} %`);
  }
});

test('benign lines raising any alert of the shipped pack stay ≤ 0.1 %', async (t) => {
  const benign = loadBenign();
  t.is(benign.length, 20000);
  const { verdicts } = await huntLines(benign);
  t.is(verdicts.filter((v) => !v.parsed).length, 0, 'every benign line parsed');
  const flagged = verdicts.flatMap((v) => (v.rules.length ? [`${v.rules.join(',')}: ${v.target} <= ${v.evidence.join(' | ')}`] : []));
  t.true(flagged.length <= benign.length * 0.001, `${flagged.length} benign lines flagged:\n${flagged.slice(0, 20).join('\n')}`);
});
