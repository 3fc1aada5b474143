/**
 * zh-CN and en message catalogs. zh by default when LANG/LC_ALL starts with zh, else en; `--lang`
 * overrides. Catalog parity (same keys in both) is tested.
 */
import type { ErrorLang } from '../model/errors.js';

export type Lang = 'zh' | 'en';

export const catalogs = {
  en: {
    'status.pass': 'PASS',
    'status.fail': 'FAIL',
    'status.not_applicable': 'N/A',
    'status.error': 'ERROR',
    'status.manual': 'MANUAL',
    'status.waived': 'WAIVED',
    'severity.critical': 'critical',
    'severity.high': 'high',
    'severity.medium': 'medium',
    'severity.low': 'low',
    'severity.info': 'info',
    'report.title': 'gwsec audit — {pack}',
    'report.host': 'Host {host} ({transport}, {platform}, {ms} ms)',
    'report.article': 'Article {article}',
    'report.summary': 'Summary',
    'report.failuresBySeverity': 'Failures by severity',
    'report.none': 'none',
    'report.expected': 'expected',
    'report.actual': 'actual',
    'report.fleet': 'Fleet checks',
    'report.remediation': 'Fix',
    'cli.policyTest.ok': '{n} cases passed',
    'cli.policyTest.failed': '{n} of {total} cases failed',
    'cli.policyLint.ok': '{checks} checks type-checked against {families} fact families: no problems',
    'cli.internal': 'internal error — please report this at the project tracker with the stack above',
    'cli.unrecorded': 'fixture {host} has no recording of: {what}',
    'progress.hosts': 'hosts',
    'progress.running': 'running {n}',
    'progress.longest': 'longest {host} {s} s',
    'progress.failed': '{n} could not be audited',
    'progress.summary': '{done}/{total} hosts audited',
    'progress.elapsed': '{t} elapsed',
    'progress.eta': 'ETA {t}',
    'progress.hostOk': '[{done}/{total}] {host} ok ({ms} ms)',
    'progress.hostError': '[{done}/{total}] {host} error: {error} ({ms} ms)',
    'fixture.recorded': '{dir}: {cmds} commands, {files} files, {denied} denied, {redacted} reduced to what the checks read',
    'collector.tokenHint': 'one-time enrolment token, valid until {expires}; on the web server run:',
  },
  zh: {
    'status.pass': '通过',
    'status.fail': '不通过',
    'status.not_applicable': '不适用',
    'status.error': '错误',
    'status.manual': '需人工',
    'status.waived': '已豁免',
    'severity.critical': '严重',
    'severity.high': '高',
    'severity.medium': '中',
    'severity.low': '低',
    'severity.info': '提示',
    'report.title': 'gwsec 安全基线核查 — {pack}',
    'report.host': '主机 {host}（{transport}，{platform}，{ms} 毫秒）',
    'report.article': '第 {article} 项',
    'report.summary': '汇总',
    'report.failuresBySeverity': '不通过项按严重程度',
    'report.none': '无',
    'report.expected': '期望',
    'report.actual': '实际',
    'report.fleet': '集群检查',
    'report.remediation': '整改',
    'cli.policyTest.ok': '{n} 个用例全部通过',
    'cli.policyTest.failed': '{total} 个用例中有 {n} 个未通过',
    'cli.policyLint.ok': '已按 {families} 个事实族对 {checks} 项检查做类型校验：未发现问题',
    'cli.internal': '内部错误——请将上面的堆栈信息报告给项目维护者',
    'cli.unrecorded': '样本主机 {host} 未录制：{what}',
    'progress.hosts': '台主机',
    'progress.running': '进行中 {n}',
    'progress.longest': '最久 {host} {s} s',
    'progress.failed': '{n} 台无法核查',
    'progress.summary': '{done}/{total} 台主机已核查',
    'progress.elapsed': '已用 {t}',
    'progress.eta': '预计还需 {t}',
    'progress.hostOk': '[{done}/{total}] {host} 完成（{ms} 毫秒）',
    'progress.hostError': '[{done}/{total}] {host} 出错：{error}（{ms} 毫秒）',
    'fixture.recorded': '{dir}：已录制 {cmds} 条命令、{files} 个文件，{denied} 个无权读取，{redacted} 项仅保留核查所需内容',
    'collector.tokenHint': '一次性注册令牌，有效期至 {expires}；请在网站服务器上执行：',
  },
} as const;

export type MessageKey = keyof (typeof catalogs)['en'];

/** `--lang both` (reports: evidence in both languages) takes the rest of its words from LANG. */
export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag === 'zh' || flag === 'zh-CN') return 'zh';
  if (flag === 'en') return 'en';
  const loc = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return loc.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function translator(lang: Lang): (key: MessageKey, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => catalogs[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** The language of an error on stderr: `--lang zh|en|both` as given (yargs may not have parsed it yet), else LANG's. */
export function errorLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ErrorLang {
  let flag: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--lang') flag = argv[i + 1];
    else if (a.startsWith('--lang=')) flag = a.slice(7);
  });
  return flag === 'both' ? 'both' : detectLang(flag, env);
}
