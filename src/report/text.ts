import type { Evidence, Report, Result } from '../model/result.js';
import { SEVERITIES, STATUSES, type Status } from '../model/status.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Check } from '../model/check.js';
import type { Bilingual, Severity } from '../model/status.js';
import type { Verdict } from './index.js';

/** This report's own words ({zh, en} as data); `{name}` placeholders. */
const WORDS: Record<string, Bilingual> = {
  'host.unreachable': { zh: '无法连接', en: 'UNREACHABLE' },
  'host.host_key_unknown': { zh: '主机密钥未知', en: 'HOST KEY UNKNOWN' },
  'host.host_key_changed': { zh: '主机密钥已变化', en: 'HOST KEY CHANGED' },
  'host.auth_failed': { zh: '认证失败', en: 'AUTHENTICATION FAILED' },
  'host.timeout': { zh: '超时', en: 'TIMED OUT' },
  'host.collection_failed': { zh: '采集失败', en: 'COLLECTION FAILED' },
  'host.notEvaluated': { zh: '（未核查，{n} 项检查无法判定）', en: '(not audited: {n} checks could not be decided)' },
  'keys.accepted': {
    zh: '本次运行接受了 {n} 个此前未知的主机密钥并已写入 known_hosts，请通过其他渠道（控制台、机房）核对以下指纹：',
    en: '{n} host key(s) unknown before this run were accepted and written to known_hosts; verify these fingerprints out of band (console, data centre):',
  },
  'merge.partial': {
    zh: '部分合并（--partial）：仅含分片 {shards}，集群检查只依据这些分片判定，“通过”一律记为错误',
    en: 'PARTIAL MERGE (--partial): shards {shards} only; fleet checks judged over them alone, and none of them can pass',
  },
  'verdict.pass': { zh: '结论：通过（以 {failOn} 及以上严重程度的不通过或错误项为准）', en: 'Verdict: PASS (no fail or error at or above {failOn})' },
  'verdict.fail': { zh: '结论：不通过，退出码 1（{why}）', en: 'Verdict: FAIL, exit 1 ({why})' },
  'verdict.findings': { zh: '{n} 项达到 {failOn} 及以上严重程度的不通过或错误', en: '{n} fail or error result(s) at or above {failOn}' },
  'verdict.unaudited': { zh: '{n} 台主机无法核查：{hosts}', en: '{n} host(s) not audited: {hosts}' },
};

export function word(key: string, lang: Lang, args: Record<string, string | number> = {}): string {
  const w = WORDS[key];
  if (!w) return key;
  return w[lang].replace(/\{(\w+)\}/g, (_, k: string) => String(args[k] ?? `{${k}}`));
}

function verdictLine(v: Verdict, lang: Lang): string {
  const failOn = (SEVERITIES as readonly string[]).includes(v.failOn) ? translator(lang)(`severity.${v.failOn as Severity}`) : v.failOn;
  const why = [
    ...(v.unaudited.length ? [word('verdict.unaudited', lang, { n: v.unaudited.length, hosts: v.unaudited.join(lang === 'zh' ? '、' : ', ') })] : []),
    ...(v.findings ? [word('verdict.findings', lang, { n: v.findings, failOn })] : []),
  ];
  return why.length ? word('verdict.fail', lang, { why: why.join(lang === 'zh' ? '；' : '; ') }) : word('verdict.pass', lang, { failOn });
}

export interface TextOptions {
  lang: Lang;
  color: boolean;
  /** Show evidence for passing results too. */
  verbose?: boolean;
  /** Remediation text per check id, when the pack is at hand. */
  checks?: Map<string, Check>;
  verdict?: Verdict;
}

const COLORS: Record<Status, string> = {
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  error: '\x1b[35m',
  manual: '\x1b[33m',
  not_applicable: '\x1b[90m',
  waived: '\x1b[36m',
};

/** Human report: grouped by host, then article; counts by state and, for failures, by severity. */
export function formatText(report: Report, o: TextOptions): string {
  const tr = translator(o.lang);
  const paint = (s: Status, text: string) => (o.color ? `${COLORS[s]}${text}\x1b[0m` : text);
  const lines: string[] = [tr('report.title', { pack: `${report.pack.id} ${report.pack.version}` }), ''];
  if (report.merge?.partial) {
    lines.push(paint('error', word('merge.partial', o.lang, { shards: report.merge.shards.map((s) => `${s.index}/${report.merge!.count}`).join(', ') || '-' })));
    for (const p of report.merge.problems ?? []) lines.push(`  ${p}`);
    lines.push('');
  }
  if (report.acceptedHostKeys?.length) {
    // Trust on first use is only as good as the out-of-band check that follows it.
    lines.push(paint('manual', word('keys.accepted', o.lang, { n: report.acceptedHostKeys.length })));
    for (const k of report.acceptedHostKeys) lines.push(`  ${k.host}  ${k.type}  ${k.fingerprint}`);
    lines.push('');
  }
  const groups = new Map<string, Result[]>();
  for (const r of report.results) groups.set(r.host, [...(groups.get(r.host) ?? []), r]);
  for (const [host, results] of groups) {
    const h = report.hosts.find((x) => x.name === host);
    lines.push(
      host === '*'
        ? tr('report.fleet')
        : tr('report.host', { host, transport: h?.transport ?? '?', platform: h?.platform.pretty ?? h?.platform.os ?? '?', ms: h?.durationMs ?? 0 }),
    );
    if (h?.error) {
      // Nothing was collected: one line with the reason, not one ERROR line per check.
      const colon = o.lang === 'zh' ? '：' : ': ';
      const n = results.filter((r) => r.status === 'error').length;
      lines.push(`  ${paint('error', `${word(`host.${h.status ?? 'collection_failed'}`, o.lang)}${colon}${h.error.message}`)} ${word('host.notEvaluated', o.lang, { n })}`, '');
      continue;
    }
    for (const n of h?.notices ?? []) lines.push(`  ${paint('manual', n)}`);
    const byArticle = new Map<string, Result[]>();
    for (const r of results) byArticle.set(r.article, [...(byArticle.get(r.article) ?? []), r]);
    const articles = [...byArticle.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const a of articles) {
      lines.push(`  ${tr('report.article', { article: a })}`);
      for (const r of byArticle.get(a)!) {
        const label = tr(`status.${r.status}`).padEnd(o.lang === 'zh' ? 4 : 7);
        const sev = tr(`severity.${r.severity}`);
        lines.push(`    ${paint(r.status, label)} ${sev.padEnd(o.lang === 'zh' ? 2 : 8)} ${r.check}  ${r.title[o.lang]}`);
        if ((r.status !== 'pass' && r.status !== 'not_applicable') || o.verbose) {
          // For a finding, the leaves that decided it; passing leaves only add noise (JSON keeps all).
          const decisive = o.verbose ? r.evidence : r.evidence.filter((e) => e.status !== 'pass');
          const shown = decisive.length ? decisive : r.evidence;
          for (const e of shown.slice(0, 8)) lines.push(`           ${formatEvidence(e, tr)}`);
          if (shown.length > 8) lines.push(`           … +${shown.length - 8}`);
        }
        const fix = o.checks?.get(r.check)?.remediation[o.lang];
        if (r.status === 'fail' && fix) lines.push(`           ${tr('report.remediation')}: ${fix.trim().split('\n')[0]}`);
      }
    }
    lines.push('');
  }
  lines.push(`${tr('report.summary')}: ${STATUSES.map((s) => `${paint(s, tr(`status.${s}`))} ${report.summary[s]}`).join('  ')}`);
  const failing = report.results.filter((r) => r.status === 'fail');
  const bySev = SEVERITIES.map((s) => [s, failing.filter((r) => r.severity === s).length] as const).filter(([, n]) => n > 0);
  lines.push(`${tr('report.failuresBySeverity')}: ${bySev.length ? bySev.map(([s, n]) => `${tr(`severity.${s}`)} ${n}`).join('  ') : tr('report.none')}`);
  if (o.verdict) lines.push(verdictLine(o.verdict, o.lang));
  return lines.join('\n') + '\n';
}

function formatEvidence(e: Evidence, tr: ReturnType<typeof translator>): string {
  const actual = short(e.actual);
  const expected = e.op ? ` (${tr('report.expected')} ${e.op} ${short(e.expected)})` : '';
  const src = e.source?.length ? ` [${e.source.slice(0, 2).join(', ')}${e.source.length > 2 ? ', …' : ''}]` : '';
  const msg = e.message ? ` — ${e.message}` : '';
  return `${e.fact} = ${actual}${expected}${msg}${src}`;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
  return s.length > 120 ? s.slice(0, 117) + '…' : s;
}
