/**
 * `gwsec detect lint | test` and `gwsec detect --file LOG` (offline hunting over a log file: the
 * same rules, parsers and engine as the agent; also how tests and benchmarks drive the rules).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { Alert } from '../model/alert.js';
import { GwsecError, GwsecErrorList, formatLocation } from '../model/errors.js';
import { detectLang } from '../i18n/index.js';
import { DetectionEngine, type EngineStats } from '../detect/engine.js';
import { isHostile } from '../detect/event.js';
import { formatAlert } from '../detect/format.js';
import { lineEvent } from '../detect/lines.js';
import { defaultRulesDir, loadRules, playbookIds, type Rule } from '../detect/load.js';
import { ruleRegexSites } from '../detect/regexes.js';
import { parseYaml } from '../policy/yaml.js';
import { checkRedos, describeRedos } from '../util/redos.js';
import { runRuleCases } from '../detect/tester.js';
import { parsers, type LogFormat } from '../parsers/loglines.js';
import type { Io } from './io.js';

export interface DetectOptions {
  rules?: string;
  lang?: string;
  only?: string[];
  format?: 'text' | 'json';
}

const T = {
  lintOk: { zh: '{n} 条检测规则校验通过，每条都有用例', en: '{n} detection rules valid, each with its cases' },
  testOk: { zh: '{n} 个检测用例全部通过', en: '{n} detection cases passed' },
  testFailed: { zh: '{total} 个检测用例中有 {n} 个未通过', en: '{n} of {total} detection cases failed' },
  hunted: { zh: '{alerts} 条告警，{lines} 行（其中 {hostile} 行可疑/畸形，{unparsed} 行无法解析），{mb} MB，{s} 秒（{rate} MB/s）', en: '{alerts} alert(s) from {lines} lines ({hostile} hostile, {unparsed} unparsed), {mb} MB in {s} s ({rate} MB/s)' },
};

function tr(lang: 'zh' | 'en', m: { zh: string; en: string }, vars: Record<string, string | number>): string {
  return m[lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

export function detectLint(o: DetectOptions, io: Io): number {
  const set = loadRules(o.rules, { playbooks: playbookIds() }); // every problem thrown, located: exit 2
  // Every `matches` pattern checked for catastrophic backtracking (recheck; rules read attacker text).
  const dir = o.rules ?? defaultRulesDir();
  const problems: GwsecError[] = [];
  for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x) && !/\.cases\.ya?ml$/.test(x)).sort()) {
    const file = join(dir, f);
    for (const r of ruleRegexSites(parseYaml(file, readFileSync(file, 'utf8'), 'detect_rule_error'))) {
      const v = checkRedos(r.source, 'i');
      if (v.status !== 'safe') problems.push(new GwsecError('detect_regex_redos', `regular expression /${r.source}/i ${describeRedos(v)}`, r.location));
    }
  }
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

export interface HuntOptions extends DetectOptions {
  file: string;
  source?: LogFormat;
  /** Year for classic syslog stamps (default: the file's modification year). */
  year?: number;
  host?: string;
}

export interface HuntResult {
  alerts: Alert[];
  lines: number;
  bytes: number;
  hostile: number;
  unparsed: number;
  ms: number;
  format: LogFormat;
  stats: EngineStats;
}

const CHUNK = 4 << 20;

/** Guess a file's format from its first lines (web access log or syslog/auth). */
export function sniffFormat(sample: string): LogFormat {
  const lines = sample.split('\n').slice(0, 20).filter(Boolean);
  const web = lines.filter((l) => parsers.nginx(l)?.status !== undefined).length;
  return web * 2 >= lines.length && web > 0 ? 'nginx' : 'auth';
}

/** Run the rule pack over a whole file; alerts coalesced by id (latest state). */
export function huntFile(o: HuntOptions, rules?: Rule[]): HuntResult {
  const set = rules ?? loadRules(o.rules, { cases: false }).rules;
  const t0 = performance.now();
  let fd: number;
  try {
    fd = openSync(o.file, 'r');
  } catch (e) {
    throw new GwsecError('detect_input_error', `cannot read log file: ${(e as Error).message}`, { file: o.file });
  }
  const st = statSync(o.file);
  const year = o.year ?? st.mtime.getFullYear();
  const engine = new DetectionEngine(set, o.host ?? hostname());
  const ctx = { year, notAfter: o.year === undefined ? st.mtime.getTime() : undefined, fallbackTime: st.mtime.getTime(), web: engine.wantsWebInspection };
  const alerts = new Map<string, Alert>();
  const buf = Buffer.allocUnsafe(CHUNK);
  let format = o.source;
  let carry = Buffer.alloc(0);
  let lines = 0;
  let bytes = 0;
  let hostile = 0;
  let unparsed = 0;
  const one = (line: string) => {
    lines++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (isHostile(line)) hostile++;
    const ev = lineEvent(format!, line, ctx);
    if (!ev) {
      unparsed++;
      return;
    }
    ctx.fallbackTime = ev.time;
    ev.ref = { source: o.file, seq: lines };
    for (const ch of engine.feed(ev)) alerts.set(ch.alert.id, ch.alert);
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      bytes += n;
      // Decode up to the last newline only (a UTF-8 sequence never contains 0x0a), carry the rest.
      const chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const last = chunk.lastIndexOf(10);
      if (last < 0) {
        carry = Buffer.from(chunk);
        continue;
      }
      const text = chunk.toString('utf8', 0, last + 1);
      carry = Buffer.from(chunk.subarray(last + 1));
      format ??= sniffFormat(text);
      let start = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
        one(text.slice(start, i));
        start = i + 1;
      }
    }
    if (carry.length) {
      const text = carry.toString('utf8');
      format ??= sniffFormat(text);
      one(text);
    }
  } finally {
    closeSync(fd);
  }
  return { alerts: [...alerts.values()], lines, bytes, hostile, unparsed, ms: performance.now() - t0, format: format ?? 'auth', stats: engine.stats() };
}

/** `gwsec detect --file LOG`: exit 0 no alert, 1 alerts found. */
export function detectFile(o: HuntOptions, io: Io): number {
  const r = huntFile(o);
  const lang = detectLang(o.lang, io.env);
  const sorted = r.alerts.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.rule.localeCompare(b.rule));
  if (o.format === 'json') io.out(JSON.stringify(sorted, null, 2) + '\n');
  else for (const a of sorted) io.out(formatAlert(a, lang));
  const mb = r.bytes / 1e6;
  io.err(tr(lang, T.hunted, { alerts: r.alerts.length, lines: r.lines, hostile: r.hostile, unparsed: r.unparsed, mb: mb.toFixed(1), s: (r.ms / 1000).toFixed(2), rate: (mb / (r.ms / 1000)).toFixed(0) }) + '\n');
  return r.alerts.length ? 1 : 0;
}

export { GwsecErrorList };
