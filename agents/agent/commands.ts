import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Io } from '../../src/app/io.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadConfig } from './config.js';

/** `gwsec agent run`: foreground until SIGTERM/SIGINT, then a final checkpoint and exit 0. */
export async function agentRun(o: { config: string }, _io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { runAgent } = await import('./runner.js');
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await runAgent(cfg, { signal: ac.signal });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  return 0;
}

export async function agentInstall(o: { configDir: string; unitDir: string; programDir?: string }, io: Io): Promise<number> {
  const { installAgent } = await import('./install.js');
  const r = installAgent(o);
  io.out(`program installed: ${r.programDir} (the unit runs it from there) / 程序已安装到 ${r.programDir}\n`);
  io.out(`unit written: ${r.unitPath} (ReadWritePaths: ${r.writable.join(' ')})\n`);
  io.out(r.configWritten ? `default config written: ${r.configPath}\n` : `config kept (already there): ${r.configPath}\n`);
  io.out(`next: systemctl daemon-reload && systemctl enable --now gwsec-agent / 下一步：systemctl daemon-reload && systemctl enable --now gwsec-agent\n`);
  return 0;
}

export async function agentStatus(o: { config: string; format: 'text' | 'json'; lang?: 'zh' | 'en' }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { statusReport } = await import('./status.js');
  io.out(await statusReport(cfg.state_dir, o.format, { lang: o.lang, retentionDays: cfg.retention_days, now: io.now() }));
  return 0;
}

/** `gwsec agent alerts`: the local alert store, newest activity last; `--since 1h` by last-seen. */
export async function agentAlerts(o: { config: string; since?: string; format: 'text' | 'json'; lang?: string; tz?: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { alertTimesIn } = await import('../../src/app/alert-times.js');
  const times = alertTimesIn(o.tz);
  const { readAlerts } = await import('./detect/store.js');
  const { formatAlert } = await import('../../src/detect/format.js');
  const { detectLang } = await import('../../src/i18n/index.js');
  let list = readAlerts(cfg.detections.alerts_file);
  if (o.since !== undefined) {
    const ms = sinceMs(o.since);
    const from = io.now().getTime() - ms;
    list = list.filter((s) => Date.parse(s.alert.lastSeen) >= from || Date.parse(s.storedAt) >= from);
  }
  if (o.format === 'json') io.out(JSON.stringify(list.map((s) => s.alert), null, 2) + '\n');
  else {
    const lang = detectLang(o.lang, io.env);
    for (const s of list) io.out(formatAlert(s.alert, lang, times));
    io.out(lang === 'zh' ? `共 ${list.length} 条告警\n` : `${list.length} alert(s)\n`);
  }
  return 0;
}

function sinceMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s);
  if (!m) throw new GwsecError('usage_error', { en: `--since ${s}: give a duration like 30m, 1h, 7d`, zh: `--since ${s}：请给出时长，如 30m、1h、7d` });
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** `gwsec agent baseline`: accept the current web roots and host state (after a legitimate publish). */
export async function agentBaseline(o: { config: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { recordBaseline } = await import('./detect/index.js');
  const r = await recordBaseline(cfg);
  if (!cfg.detections.web_roots.length && !r.drift && !r.names)
    throw new GwsecError(
      'usage_error',
      { en: 'nothing to baseline: the config has no detections.web_roots, detections.drift_interval_s or detections.sites', zh: '没有可建立基线的对象：配置中未设置 detections.web_roots、detections.drift_interval_s 或 detections.sites' },
      { file: cfg.file },
    );
  io.out(`baseline recorded: ${r.files} file(s) under ${cfg.detections.web_roots.length} web root(s)${r.drift ? ', host snapshot' : ''}${r.names ? `, ${r.names} name(s)' addresses` : ''} / 已记录基线：${r.files} 个文件${r.drift ? '，主机快照' : ''}${r.names ? `，${r.names} 个域名的解析地址` : ''}\n`);
  return 0;
}

export interface Problem {
  kind: string;
  segment?: string;
  seq?: number;
  detail: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.segment && `segment ${p.segment}`, p.seq !== undefined && `seq ${p.seq}`].filter(Boolean).join(', ');
  return `${p.kind}${where ? ` (${where})` : ''}: ${p.detail}`;
}

function publicKey(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new GwsecError('agent_key_error', { en: `cannot read public key: ${(e as Error).message}`, zh: `无法读取公钥：${(e as Error).message}` }, { file: path });
  }
}

async function verify(o: { archive: string; anchors?: string; publicKey?: string }) {
  const { verifyArchive } = await import('../../src/journal/index.js');
  return verifyArchive(resolve(o.archive), { anchors: o.anchors ? resolve(o.anchors) : undefined, publicKeyPem: publicKey(o.publicKey) });
}

type VerifyResult = Awaited<ReturnType<typeof verify>>;

/**
 * The assurance level in plain words, as strong as the checks behind it and no stronger: the
 * chain, whose keys the signatures were checked against, and whether anything outside this host
 * pins the chain. Shared by `verify` and `export`.
 */
export function assuranceLines(r: VerifyResult, o: { anchors?: string; publicKey?: string }, lang: 'zh' | 'en'): string[] {
  const zh = lang === 'zh';
  if (!r.ok)
    return [zh ? `归档已被篡改或损坏：${r.problems.length} 处问题` : `archive TAMPERED OR DAMAGED: ${r.problems.length} problem(s)`, ...(r.problems as Problem[]).map((p) => `  ${formatProblem(p)}`)];
  const out = [
    zh
      ? `哈希链完整：${r.records} 条记录（序号 ${r.firstSeq}–${r.lastSeq}），${r.segments} 个分段，SM3 链头 ${r.head}`
      : `chain intact: ${r.records} records (seq ${r.firstSeq}–${r.lastSeq}) in ${r.segments} segment(s), SM3 head ${r.head}`,
  ];
  if (!r.checkpointsChecked) out.push(zh ? '签名：尚无签名检查点（无签名可查）' : 'signatures: no signed checkpoints yet (nothing signed to check)');
  else if (o.publicKey)
    out.push(zh ? `签名：${r.checkpointsChecked} 个 SM2 签名检查点有效，按所给公钥 ${o.publicKey} 校验` : `signatures: ${r.checkpointsChecked} SM2-signed checkpoint(s) valid against the given public key ${o.publicKey}`);
  else
    out.push(
      zh
        ? `签名：${r.checkpointsChecked} 个 SM2 签名检查点有效，但所用公钥取自归档自身的 meta.json——能改写归档者也能替换公钥（用 --public-key 指定可信公钥）`
        : `signatures: ${r.checkpointsChecked} SM2-signed checkpoint(s) valid, but checked against keys stored in the archive's own meta.json — whoever can rewrite the archive can replace them (give --public-key)`,
    );
  if (r.anchorsChecked)
    out.push(
      zh
        ? `锚点：与 ${o.anchors} 中 ${r.anchorsChecked} 个锚点一致——锚点之前的记录不可能被整体重建而不被发现，前提是该锚点文件保存在本机之外`
        : `anchors: consistent with ${r.anchorsChecked} anchor(s) in ${o.anchors} — records up to them cannot have been re-chained unnoticed, provided that file is kept off this host`,
    );
  else
    out.push(
      zh
        ? '结论：哈希链和签名完整；未与本机之外的锚点比对——不能排除本机 root 对整个归档重建哈希链（用 --anchors 指定异地保存的锚点文件）'
        : 'assurance: chain and signatures intact; NOT anchored off-host — a full re-chain by root on this host cannot be excluded (give --anchors with a copy kept elsewhere)',
    );
  return out;
}

/** Exit 0 intact, 1 tampered (each problem named with where it is). */
export async function agentVerify(o: { archive: string; anchors?: string; publicKey?: string; format: 'text' | 'json'; lang?: 'zh' | 'en' }, io: Io): Promise<number> {
  const r = await verify(o);
  if (o.format === 'json') io.out(JSON.stringify({ ...r, assurance: assuranceLines(r, o, 'en') }, null, 2) + '\n');
  else io.out(assuranceLines(r, o, o.lang ?? 'en').join('\n') + '\n');
  return r.ok ? 0 : 1;
}

export interface ExportOptions {
  archive: string;
  from?: string;
  to?: string;
  source?: string;
  anchors?: string;
  publicKey?: string;
  format?: 'text' | 'json' | 'jsonl';
  output?: string;
  /** Zone for --from/--to values without an offset (default Asia/Shanghai). */
  tz?: string;
  lang?: 'zh' | 'en';
}

/**
 * The archived lines (text: the original lines, a tampered block's lines marked; jsonl: one object
 * per record; json: one document with the verification), to stdout or `-o FILE` (temp + rename);
 * the verification statement on stderr. Exit 1 if not intact.
 */
export async function agentExport(o: ExportOptions, io: Io): Promise<number> {
  const { exportRecords, TAMPERED_MARK } = await import('./export.js');
  const { OFFICIAL_TZ, parseTime } = await import('../../src/incident/time.js');
  const tz = o.tz ?? OFFICIAL_TZ;
  const time = (s: string | undefined, flag: string) => {
    if (s === undefined) return undefined;
    try {
      return parseTime(s, tz, io.now());
    } catch {
      throw new GwsecError('usage_error', {
        en: `${flag} ${s}: not a time (e.g. "2025-01-31 08:00" in ${tz}, 2025-01-31T08:00:00+08:00, -2h)`,
        zh: `${flag} ${s}：不是有效的时间（例如 ${tz} 时间 "2025-01-31 08:00"、2025-01-31T08:00:00+08:00 或 -2h）`,
      });
    }
  };
  const from = time(o.from, '--from');
  const to = time(o.to, '--to');
  const format = o.format ?? 'text';
  const { createWriteStream } = await import('node:fs');
  const { rename } = await import('node:fs/promises');
  const dest = o.output ? resolve(o.output) : undefined;
  const tmp = dest ? `${dest}.tmp-${process.pid}` : undefined;
  const file = tmp ? createWriteStream(tmp, { mode: 0o600 }) : undefined;
  const write = (t: string) => (file ? file.write(t) : io.out(t));
  let n = 0;
  let bad = 0;
  let first: number | undefined;
  let last: number | undefined;
  let buf = '';
  const records: unknown[] = [];
  for await (const r of exportRecords(resolve(o.archive), { from, to, source: o.source })) {
    n++;
    if (!r.intact) bad++;
    first ??= r.seq;
    last = r.seq;
    if (format === 'json') records.push(r);
    else buf += format === 'jsonl' ? JSON.stringify(r) + '\n' : `${r.intact ? '' : TAMPERED_MARK}${r.line}\n`;
    if (buf.length > 1 << 16) {
      write(buf);
      buf = '';
    }
  }
  const v = await verify(o);
  const filter = { source: o.source ?? null, from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, time: 'archive receive time (when the agent read the line), UTC; --to exclusive', tz };
  if (format === 'json')
    buf = JSON.stringify({ archive: resolve(o.archive), filter, records: n, tampered_records: bad, verification: { ok: v.ok, problems: v.problems, notes: v.notes, assurance: assuranceLines(v, o, 'en') }, lines: records }, null, 1) + '\n';
  write(buf);
  if (file && tmp && dest) {
    await new Promise<void>((res, rej) => file.end((e?: Error | null) => (e ? rej(e) : res())));
    await rename(tmp, dest);
  }
  const zh = o.lang === 'zh';
  const lines = [
    zh
      ? `# gwsec 代理导出：${n} 行${n ? `（序号 ${first}..${last}）` : ''}；筛选：${o.source ? `来源=${o.source} ` : ''}${from ? `自 ${from.toISOString()} ` : ''}${to ? `至 ${to.toISOString()}（不含）` : ''}${!o.source && !from && !to ? '无' : ''}（按归档接收时间）；归档 ${resolve(o.archive)}${dest ? `；写入 ${dest}` : ''}`
      : `# gwsec agent export: ${n} line(s)${n ? `, seq ${first}..${last}` : ''}; filter: ${[o.source && `source=${o.source}`, from && `from=${from.toISOString()}`, to && `to=${to.toISOString()} (exclusive)`].filter(Boolean).join(' ') || 'none'} (by archive receive time, UTC); archive ${resolve(o.archive)}${dest ? `; written to ${dest}` : ''}`,
    ...(bad ? [zh ? `# ${bad} 行所在的数据块哈希不符或链接断裂，已标记（text：行首 ${TAMPERED_MARK.trim()}；json/jsonl："intact": false）` : `# ${bad} line(s) are in blocks whose hash or chain link does not verify: marked (text: prefixed ${TAMPERED_MARK.trim()}; json/jsonl: "intact": false)`] : []),
    ...assuranceLines(v, o, o.lang ?? 'en').map((l) => `# ${l}`),
  ];
  io.err(lines.join('\n') + '\n');
  return v.ok && !bad ? 0 : 1;
}
