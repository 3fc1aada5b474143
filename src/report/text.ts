import type { Evidence, Report, Result } from '../model/result.js';
import { SEVERITIES, STATUSES, type Status } from '../model/status.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Bilingual, Severity } from '../model/status.js';
import type { FormatOptions, Verdict } from './options.js';
import { expectationWords, valueWords } from './expect-words.js';
import { displayWidth, padDisplay, wrap } from './width.js';
import { hostErrorMessage, inLang, type MessageLang } from './evidence.js';

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

/** The text report takes the registry's options as they are (verbose: evidence for passing results too, each leaf in its raw form). */
export type TextOptions = FormatOptions;

const COLORS: Record<Status, string> = {
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  error: '\x1b[35m',
  manual: '\x1b[33m',
  not_applicable: '\x1b[90m',
  waived: '\x1b[36m',
};

const MAX_EVIDENCE = 8;

/** Human report: grouped by host, then article; counts by state and, for failures, by severity. */
export function formatText(report: Report, o: TextOptions): string {
  const tr = translator(o.lang);
  const width = Math.max(40, o.columns ?? 80);
  const paint = (s: Status, text: string) => (o.color ? `${COLORS[s]}${text}\x1b[0m` : text);
  const lines: string[] = [];
  /** `text` wrapped to the width: the first line after `lead`, the rest indented by `indent`. */
  const put = (lead: string, text: string, indent = displayWidth(lead), colour?: Status) => {
    const parts = wrap(text, width, indent, displayWidth(lead));
    parts.forEach((part, k) => lines.push((k === 0 ? lead : ' '.repeat(indent)) + (colour ? paint(colour, part) : part)));
  };
  // Columns line up in display width (a Chinese character takes two).
  const statusW = Math.max(...STATUSES.map((st) => displayWidth(tr(`status.${st}`))));
  const sevW = Math.max(...SEVERITIES.map((sv) => displayWidth(tr(`severity.${sv}`))));
  const detail = 4 + statusW + 1 + sevW + 1;

  put('', tr('report.title', { pack: `${report.pack.id} ${report.pack.version}` }));
  lines.push('');
  if (report.merge?.partial) {
    put('', word('merge.partial', o.lang, { shards: report.merge.shards.map((x) => `${x.index}/${report.merge!.count}`).join(', ') || '-' }), 0, 'error');
    // a merged report written before problems were { zh, en } holds one English string each
    for (const p of report.merge.problems ?? []) put('  ', inLang(typeof p === 'string' ? { zh: p, en: p } : p, o));
    lines.push('');
  }
  if (report.acceptedHostKeys?.length) {
    // Trust on first use is only as good as the out-of-band check that follows it.
    put('', word('keys.accepted', o.lang, { n: report.acceptedHostKeys.length }), 0, 'manual');
    for (const k of report.acceptedHostKeys) lines.push(`  ${k.host}  ${k.type}  ${k.fingerprint}`);
    lines.push('');
  }
  const groups = new Map<string, Result[]>();
  for (const r of report.results) groups.set(r.host, [...(groups.get(r.host) ?? []), r]);
  for (const [host, results] of groups) {
    const h = report.hosts.find((x) => x.name === host);
    put('', host === '*' ? tr('report.fleet') : tr('report.host', { host, transport: h?.transport ?? '?', platform: h?.platform.pretty ?? h?.platform.os ?? '?', ms: h?.durationMs ?? 0 }), 2);
    if (h?.error) {
      // Nothing was collected: one line with the reason, not one ERROR line per check.
      const colon = o.lang === 'zh' ? '：' : ': ';
      const n = results.filter((r) => r.status === 'error').length;
      put('  ', `${word(`host.${h.status ?? 'collection_failed'}`, o.lang)}${colon}${inLang(hostErrorMessage(h.error), o)} ${word('host.notEvaluated', o.lang, { n })}`, 4, 'error');
      lines.push('');
      continue;
    }
    for (const n of h?.notices ?? []) put('  ', inLang(n, o), 4, 'manual');
    const byArticle = new Map<string, Result[]>();
    for (const r of results) byArticle.set(r.article, [...(byArticle.get(r.article) ?? []), r]);
    const articles = [...byArticle.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const a of articles) {
      lines.push(`  ${tr('report.article', { article: a })}`);
      for (const r of byArticle.get(a)!) {
        const lead = `    ${paint(r.status, padDisplay(tr(`status.${r.status}`), statusW))} ${padDisplay(tr(`severity.${r.severity}`), sevW)} `;
        put(lead, `${r.check}  ${r.title[o.lang]}`, detail);
        if ((r.status !== 'pass' && r.status !== 'not_applicable') || o.verbose) {
          // For a finding, the leaves that decided it; passing leaves only add noise (JSON keeps all).
          const decisive = o.verbose ? r.evidence : r.evidence.filter((e) => e.status !== 'pass');
          const shown = decisive.length ? decisive : r.evidence;
          for (const e of shown.slice(0, MAX_EVIDENCE)) put(' '.repeat(detail), o.verbose ? rawEvidence(e, tr, o) : evidenceWords(e, o), detail + 2);
          if (shown.length > MAX_EVIDENCE) lines.push(`${' '.repeat(detail)}… +${shown.length - MAX_EVIDENCE}`);
        } else if (r.status === 'not_applicable') {
          // why it does not apply, when a check says so (e.g. nothing to geolocate)
          const why = r.evidence.find((e) => e.message)?.message;
          if (why) put(' '.repeat(detail), inLang(why, o), detail + 2);
        }
        const fix = o.checks?.get(r.check)?.remediation[o.lang];
        if (r.status === 'fail' && fix) put(' '.repeat(detail), `${tr('report.remediation')}${o.lang === 'zh' ? '：' : ': '}${o.verbose ? fix.trim() : firstSentence(fix)}`, detail + 2);
      }
    }
    lines.push('');
  }
  put('', `${tr('report.summary')}: ${STATUSES.map((st) => `${paint(st, tr(`status.${st}`))} ${report.summary[st]}`).join('  ')}`);
  const failing = report.results.filter((r) => r.status === 'fail');
  const bySev = SEVERITIES.map((sv) => [sv, failing.filter((r) => r.severity === sv).length] as const).filter(([, n]) => n > 0);
  put('', `${tr('report.failuresBySeverity')}: ${bySev.length ? bySev.map(([sv, n]) => `${tr(`severity.${sv}`)} ${n}`).join('  ') : tr('report.none')}`);
  if (o.verdict) put('', verdictLine(o.verdict, o.lang), 2);
  return lines.join('\n') + '\n';
}

/** Evidence in words: `fact = value (expected one of: kylin, uos, … (12 in all)) — why [source]`. */
export function evidenceWords(e: Evidence, o: MessageLang): string {
  const lang = o.lang;
  const [open, close] = lang === 'zh' ? ['（', '）'] : [' (', ')'];
  const expected = e.op ? `${open}${expectationWords(e.op, e.expected, lang)}${close}` : '';
  const msg = e.message ? ` — ${inLang(e.message, o)}` : '';
  const src = e.source?.length ? ` [${e.source.slice(0, 2).join(', ')}${e.source.length > 2 ? ', …' : ''}]` : '';
  return `${e.fact} = ${valueWords(e.actual, lang)}${expected}${msg}${src}`;
}

/** --verbose: the leaf as the engine saw it (operator and JSON values, whole). */
function rawEvidence(e: Evidence, tr: ReturnType<typeof translator>, o: MessageLang): string {
  const expected = e.op ? ` (${tr('report.expected')} ${e.op} ${JSON.stringify(e.expected) ?? 'null'})` : '';
  const src = e.source?.length ? ` [${e.source.join(', ')}]` : '';
  const msg = e.message ? ` — ${inLang(e.message, o)}` : '';
  return `${e.fact} = ${JSON.stringify(e.actual) ?? 'null'}${expected}${msg}${src}`;
}

/** The remediation's first sentence (the whole text is in --verbose, JSON and the pack). */
function firstSentence(text: string): string {
  const t = text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const m = /^.+?(?:。|[.!?](?=\s+[A-Z(]))/u.exec(t);
  return (m ? m[0] : t).trim();
}
