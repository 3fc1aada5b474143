import { collectors, derivers } from '../audit/registry.js';
import { lintPack } from '../policy/lint.js';
import { loadPack } from '../policy/load.js';
import { runCases } from '../policy/tester.js';
import { detectLang, translator } from '../i18n/index.js';
import { formatLocation, GwsecErrorList } from '../model/errors.js';
import { defaultPackDir } from '../util/paths.js';
import type { Io } from './io.js';

export interface PolicyOptions {
  pack?: string;
  lang?: string;
  checks?: string[];
  format?: 'text' | 'json';
}

export function policyList(o: PolicyOptions, io: Io): number {
  const pack = loadPack(o.pack ?? defaultPackDir());
  const lang = detectLang(o.lang, io.env);
  if (o.format === 'json') {
    io.out(JSON.stringify(pack.checks.map((c) => ({ id: c.id, article: c.article, severity: c.severity, scope: c.scope, title: c.title })), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...pack.checks.map((c) => c.id.length), 10);
  for (const c of pack.checks) io.out(`${c.id.padEnd(width)}  ${c.article.padEnd(5)}  ${c.severity.padEnd(8)}  ${c.title[lang]}\n`);
  return 0;
}

export function policyLint(o: PolicyOptions, io: Io): number {
  const pack = loadPack(o.pack ?? defaultPackDir()); // load errors are thrown: exit 2 with file:line
  const problems = lintPack(pack, collectors, derivers);
  if (problems.length) throw new GwsecErrorList(problems);
  io.out(translator(detectLang(o.lang, io.env))('cli.policyLint.ok', { checks: pack.checks.length, families: collectors.length + derivers.length }) + '\n');
  return 0;
}

/** Every case of every check; per failing case, expected vs actual with the evidence. Exit 1 on any. */
export function policyTest(o: PolicyOptions, io: Io): number {
  const pack = loadPack(o.pack ?? defaultPackDir());
  const outcomes = runCases(pack, o.checks);
  const lang = detectLang(o.lang, io.env);
  const tr = translator(lang);
  const failed = outcomes.filter((x) => !x.ok);
  if (o.format === 'json') io.out(JSON.stringify(outcomes, null, 2) + '\n');
  else {
    for (const f of failed) {
      io.out(`✗ ${f.check} — ${f.name}${f.location ? ` (${formatLocation(f.location)})` : ''}\n`);
      io.out(`    expected ${f.expected}${f.because ? ` because "${f.because}"` : ''}, got ${f.actual}\n`);
      for (const e of f.evidence.slice(0, 6)) io.out(`    ${e.fact} = ${JSON.stringify(e.actual)} [${e.status}]${e.message ? ` ${e.message[lang]}` : ''}\n`);
    }
    io.out((failed.length ? tr('cli.policyTest.failed', { n: failed.length, total: outcomes.length }) : tr('cli.policyTest.ok', { n: outcomes.length })) + '\n');
  }
  return failed.length ? 1 : 0;
}
