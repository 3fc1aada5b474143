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

export async function agentInstall(o: { configDir: string; unitDir: string }, io: Io): Promise<number> {
  const { installAgent } = await import('./install.js');
  const r = installAgent(o);
  io.out(`unit written: ${r.unitPath}\n`);
  io.out(r.configWritten ? `default config written: ${r.configPath}\n` : `config kept (already there): ${r.configPath}\n`);
  io.out(`next: systemctl daemon-reload && systemctl enable --now gwsec-agent / 下一步：systemctl daemon-reload && systemctl enable --now gwsec-agent\n`);
  return 0;
}

export async function agentStatus(o: { config: string; format: 'text' | 'json' }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { statusReport } = await import('./status.js');
  io.out(statusReport(cfg.state_dir, o.format));
  return 0;
}

/** `gwsec agent alerts`: the local alert store, newest activity last; `--since 1h` by last-seen. */
export async function agentAlerts(o: { config: string; since?: string; format: 'text' | 'json'; lang?: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
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
    for (const s of list) io.out(formatAlert(s.alert, lang));
    io.out(lang === 'zh' ? `共 ${list.length} 条告警\n` : `${list.length} alert(s)\n`);
  }
  return 0;
}

function sinceMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s);
  if (!m) throw new GwsecError('usage_error', `--since ${s}: give a duration like 30m, 1h, 7d / 请给出时长，如 30m、1h、7d`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** `gwsec agent baseline`: accept the current web roots and host state (after a legitimate publish). */
export async function agentBaseline(o: { config: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const { recordBaseline } = await import('./detect/index.js');
  const r = await recordBaseline(cfg);
  if (!cfg.detections.web_roots.length && !r.drift)
    throw new GwsecError('usage_error', 'nothing to baseline: the config has no detections.web_roots and no detections.drift_interval_s / 配置中未设置 web_roots 或 drift_interval_s', { file: cfg.file });
  io.out(`baseline recorded: ${r.files} file(s) under ${cfg.detections.web_roots.length} web root(s)${r.drift ? ', host snapshot' : ''} / 已记录基线：${r.files} 个文件${r.drift ? '，主机快照' : ''}\n`);
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
    throw new GwsecError('agent_key_error', `cannot read public key: ${(e as Error).message}`, { file: path });
  }
}

async function verify(o: { archive: string; anchors?: string; publicKey?: string }) {
  const { verifyArchive } = await import('../../src/journal/index.js');
  return verifyArchive(resolve(o.archive), { anchors: o.anchors ? resolve(o.anchors) : undefined, publicKeyPem: publicKey(o.publicKey) });
}

/** Exit 0 intact, 1 tampered (each problem named with where it is). */
export async function agentVerify(o: { archive: string; anchors?: string; publicKey?: string; format: 'text' | 'json' }, io: Io): Promise<number> {
  const r = await verify(o);
  if (o.format === 'json') io.out(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) io.out(`archive intact: ${r.records} records, ${r.bytes} bytes of log text${o.anchors ? ', consistent with the anchors' : ''} / 归档完整：${r.records} 条记录\n`);
  else {
    io.out(`archive TAMPERED: ${r.problems.length} problem(s) / 归档已被篡改：${r.problems.length} 处问题\n`);
    for (const p of r.problems as Problem[]) io.out(`  ${formatProblem(p)}\n`);
  }
  return r.ok ? 0 : 1;
}

/** Original lines (filtered) on stdout; the verification statement on stderr. Exit 1 if not intact. */
export async function agentExport(o: { archive: string; from?: string; to?: string; source?: string; anchors?: string; publicKey?: string }, io: Io): Promise<number> {
  const { readRecords } = await import('../../src/journal/index.js');
  const time = (s: string | undefined, flag: string) => {
    if (s === undefined) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new GwsecError('usage_error', `${flag} ${s}: not a date/time (e.g. 2025-01-31T08:00:00+08:00) / 不是有效的时间`);
    return d;
  };
  const from = time(o.from, '--from');
  const to = time(o.to, '--to');
  let n = 0;
  let first: string | undefined;
  let last: string | undefined;
  let buf = '';
  for await (const r of readRecords(resolve(o.archive), { from, to, source: o.source })) {
    buf += r.line + '\n';
    if (buf.length > 1 << 16) {
      io.out(buf);
      buf = '';
    }
    n++;
    first ??= `${r.seq}`;
    last = `${r.seq}`;
  }
  io.out(buf);
  const v = await verify(o);
  const filt = [o.source && `source=${o.source}`, o.from && `from=${o.from}`, o.to && `to=${o.to}`].filter(Boolean).join(' ') || 'none';
  const lines = [
    `# gwsec agent export: ${n} line(s)${n ? `, seq ${first}..${last}` : ''}; filter: ${filt}; archive ${resolve(o.archive)}`,
    v.ok
      ? `# verification: the archive is intact (${v.records} records, SM3 hash chain and SM2-signed checkpoints checked${o.anchors ? ', against the off-host anchors' : ''}) / 校验：归档完整`
      : `# verification: the archive is NOT intact — ${v.problems.length} problem(s); do not rely on these lines without review / 校验：归档不完整`,
    ...(v.ok ? [] : (v.problems as Problem[]).map((p) => `#   ${formatProblem(p)}`)),
  ];
  io.err(lines.join('\n') + '\n');
  return v.ok ? 0 : 1;
}
