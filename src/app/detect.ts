/**
 * `gwsec detect lint | test` and `gwsec detect --file LOG` (offline hunting over a log file: the
 * same rules, parsers and engine as the agent; also how tests and benchmarks drive the rules).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GwsecError, GwsecErrorList, formatLocation } from '../model/errors.js';
import { detectLang } from '../i18n/index.js';
import { formatAlert } from '../detect/format.js';
import { alertTimesIn } from './alert-times.js';
import { defaultRulesDir, loadRules, playbookIds } from '../detect/load.js';
import { ruleRegexSites } from '../detect/regexes.js';
import { parseYaml } from '../policy/yaml.js';
import { checkRedos, describeRedos } from '../util/redos.js';
import { runRuleCases } from '../detect/tester.js';
import { huntFile, huntFileParallel, type HuntOptions as BaseHuntOptions } from './hunt.js';
import type { Io } from './io.js';
import { huntInput } from './hunt-input.js';
import type { Readable } from 'node:stream';

export interface DetectOptions {
  rules?: string;
  lang?: string;
  only?: string[];
  format?: 'text' | 'json';
  /** Zone of the times shown in text (default Asia/Shanghai). */
  tz?: string;
}

const T = {
  lintOk: { zh: '{n} 条检测规则校验通过，每条都有用例', en: '{n} detection rules valid, each with its cases' },
  testOk: { zh: '{n} 个检测用例全部通过', en: '{n} detection cases passed' },
  testFailed: { zh: '{total} 个检测用例中有 {n} 个未通过', en: '{n} of {total} detection cases failed' },
  hunted: { zh: '{alerts} 条告警，{lines} 行（其中 {hostile} 行可疑/畸形，{unparsed} 行无法解析，{other} 行为错误日志、规则不读取），{mb} MB，{s} 秒（{rate} MB/s）', en: '{alerts} alert(s) from {lines} lines ({hostile} hostile, {unparsed} unparsed, {other} error-log lines no rule reads), {mb} MB in {s} s ({rate} MB/s)' },
};

function tr(lang: 'zh' | 'en', m: { zh: string; en: string }, vars: Record<string, string | number>): string {
  return m[lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/**
 * Every `matches` pattern of the rules in `dir` checked for catastrophic backtracking with recheck
 * (rules read attacker-written text): one located problem per unsafe pattern.
 */
export function ruleRegexProblems(dir: string): GwsecError[] {
  const problems: GwsecError[] = [];
  for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x) && !/\.cases\.ya?ml$/.test(x)).sort()) {
    const file = join(dir, f);
    for (const r of ruleRegexSites(parseYaml(file, readFileSync(file, 'utf8'), 'detect_rule_error'))) {
      const v = checkRedos(r.source, 'i');
      if (v.status !== 'safe') problems.push(new GwsecError('detect_regex_redos', { en: `regular expression /${r.source}/i ${describeRedos(v).en}`, zh: `正则表达式 /${r.source}/i ${describeRedos(v).zh}` }, r.location));
    }
  }
  return problems;
}

export function detectLint(o: DetectOptions, io: Io): number {
  const set = loadRules(o.rules, { playbooks: playbookIds() }); // every problem thrown, located: exit 2
  const problems = ruleRegexProblems(o.rules ?? defaultRulesDir());
  if (problems.length) throw problems.length === 1 ? problems[0]! : new GwsecErrorList(problems);
  io.out(tr(detectLang(o.lang, io.env), T.lintOk, { n: set.rules.length }) + '\n');
  return 0;
}

export function detectTest(o: DetectOptions, io: Io): number {
  const set = loadRules(o.rules, { playbooks: playbookIds() });
  const outcomes = runRuleCases(set, o.only);
  const lang = detectLang(o.lang, io.env);
  const failed = outcomes.filter((x) => !x.ok);
  if (o.format === 'json') io.out(JSON.stringify(outcomes.map(({ alerts, ...x }) => ({ ...x, alerts: alerts.length })), null, 2) + '\n');
  else {
    for (const f of failed) io.out(`✗ ${f.rule} — ${f.name}${f.location ? ` (${formatLocation(f.location)})` : ''}\n    ${f.problem}\n`);
    io.out((failed.length ? tr(lang, T.testFailed, { n: failed.length, total: outcomes.length }) : tr(lang, T.testOk, { n: outcomes.length })) + '\n');
  }
  return failed.length ? 1 : 0;
}

export type HuntOptions = DetectOptions & BaseHuntOptions;
export { huntFile };

/** `gwsec detect --file LOG` (`-`: standard input; gzip'd files are read decompressed): exit 0 no alert, 1 alerts found. */
export async function detectFile(o: HuntOptions, io: Io, stdin: Readable = process.stdin): Promise<number> {
  const times = alertTimesIn(o.tz);
  const input = await huntInput(o.file, stdin);
  let r;
  try {
    r = await huntFileParallel({ ...o, file: input.path, label: input.label });
  } finally {
    input.release();
  }
  const lang = detectLang(o.lang, io.env);
  const sorted = r.alerts.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.rule.localeCompare(b.rule));
  if (o.format === 'json') io.out(JSON.stringify(sorted, null, 2) + '\n');
  else for (const a of sorted) io.out(formatAlert(a, lang, times));
  const mb = r.bytes / 1e6;
  io.err(tr(lang, T.hunted, { alerts: r.alerts.length, lines: r.lines, hostile: r.hostile, unparsed: r.unparsed, other: r.other, mb: mb.toFixed(1), s: (r.ms / 1000).toFixed(2), rate: (mb / (r.ms / 1000)).toFixed(0) }) + '\n');
  return r.alerts.length ? 1 : 0;
}

export { GwsecErrorList };
