/** The collector's commands (cli/commands/collector.ts turns argv into these options). */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Io } from '../../src/app/io.js';
import { GwsecError } from '../../src/model/errors.js';
import { SEVERITIES, makeToken, parseTtl, type Severity } from '../../src/protocol/index.js';
import { writeFileAtomic } from '../../src/util/fs.js';
import { detectLang, translator } from '../../src/i18n/index.js';
import { createCa, fingerprint, issueServerCert } from './ca.js';
import { defaultConfigYaml, loadCollectorConfig } from './config.js';
import { openStore } from './store/index.js';
import type { CollectorStore } from './store/types.js';

export const DEFAULT_PORT = 6443;

/** `gwsec collector init DIR`: CA, server certificate, collector.yaml. Refuses to overwrite. */
export function collectorInit(o: { dir: string; name?: string; listen?: string; serverNames?: string[]; caFrom?: string }, io: Io): number {
  const dir = resolve(o.dir);
  const cfgPath = join(dir, 'collector.yaml');
  if (existsSync(cfgPath)) throw new GwsecError('usage_error', { en: `${cfgPath} exists: not overwritten (its CA issued the agents' certificates)`, zh: `${cfgPath} 已存在，不予覆盖（各代理的证书由其中的 CA 签发）` }, { file: cfgPath });
  const [host, portS] = (o.listen ?? `0.0.0.0:${DEFAULT_PORT}`).split(/:(?=\d+$)/);
  const port = Number(portS);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) throw new GwsecError('usage_error', { en: `--listen ${o.listen}: expected HOST:PORT`, zh: `--listen ${o.listen}：应为 主机:端口` });
  const name = o.name ?? hostname().split('.')[0] ?? 'collector';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (o.caFrom) {
    // Scale-out: a second collector shares the first one's CA, so any collector takes any agent.
    for (const f of ['ca.crt', 'ca.key']) copyFileSync(join(resolve(o.caFrom), f), join(dir, f));
  } else {
    const ca = createCa(name);
    writeFileAtomic(join(dir, 'ca.key'), ca.keyPem, 0o600);
    writeFileAtomic(join(dir, 'ca.crt'), ca.certPem, 0o644);
  }
  const ca = { certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'ca.key'), 'utf8') };
  const names = o.serverNames?.length ? o.serverNames : [...new Set([hostname(), 'localhost', '127.0.0.1', ...(host !== '0.0.0.0' && host !== '::' ? [host] : [])])];
  const srv = issueServerCert(ca, names);
  writeFileAtomic(join(dir, 'server.key'), srv.keyPem, 0o600);
  writeFileAtomic(join(dir, 'server.crt'), srv.certPem, 0o644);
  mkdirSync(join(dir, 'store'), { recursive: true, mode: 0o700 });
  writeFileAtomic(cfgPath, defaultConfigYaml({ name, host, port }), 0o600);
  io.out(`collector initialised in ${dir} / 采集中心已初始化\n`);
  io.out(`  CA fingerprint (SHA-256) / CA 指纹: ${fingerprint(ca.certPem)}\n`);
  io.out(`  server certificate names / 服务器证书名称: ${names.join(', ')}\n`);
  io.out(`next / 下一步: gwsec collector run -c ${cfgPath}\n`);
  return 0;
}

async function withStore<T>(config: string, f: (s: CollectorStore) => Promise<T>, readOnly = true): Promise<T> {
  const cfg = loadCollectorConfig(config);
  const store = await openStore(cfg, { readOnly });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** `gwsec collector token`: prints a one-time token; only its hash is stored. */
export async function collectorToken(o: { config: string; ttl?: string; lang?: string }, io: Io): Promise<number> {
  const cfg = loadCollectorConfig(o.config);
  const ttl = o.ttl ? parseTtl(o.ttl) : cfg.token_ttl_default_s;
  const t = makeToken(fingerprint(readFileSync(cfg.tls.ca_cert, 'utf8')));
  const now = io.now();
  const expires = new Date(now.getTime() + ttl * 1000);
  await withStore(o.config, (s) => s.addToken(t.hash, now, expires));
  io.out(`${t.token}\n`);
  io.err(`${translator(detectLang(o.lang, io.env))('collector.tokenHint', { expires: expires.toISOString() })}\n  gwsec agent enrol -c /etc/gwsec/agent.yaml --collector ${cfg.listen.host === '0.0.0.0' ? hostname() : cfg.listen.host}:${cfg.listen.port} --token-file FILE\n`);
  return 0;
}

export async function collectorAgents(o: { config: string; format: 'text' | 'json' }, io: Io): Promise<number> {
  return withStore(o.config, async (s) => {
    const cfg = loadCollectorConfig(o.config);
    // One pass over the gaps for all agents (the embedded store reads its journal for each call).
    const gaps = new Map<string, number>();
    for (const g of await s.gaps()) gaps.set(g.agent_id, (gaps.get(g.agent_id) ?? 0) + 1);
    const rows = await Promise.all((await s.listAgents()).map(async (a) => ({ ...a, health: (await s.latestHealth(a.id)) ?? null, gaps: gaps.get(a.id) ?? 0 })));
    if (o.format === 'json') return io.out(JSON.stringify(rows, null, 2) + '\n'), 0;
    if (!rows.length) io.out('no agents enrolled / 尚无已注册代理\n');
    for (const a of rows) {
      const flags = [
        a.revoked_at && `REVOKED ${a.revoked_at} 已吊销`,
        a.skew_ms !== null && Math.abs(a.skew_ms) > cfg.clock_skew_max_s * 1000 && `CLOCK SKEW ${Math.round(a.skew_ms / 1000)} s 时钟偏差`,
        a.gaps > 0 && `GAPS ${a.gaps} 上报缺口`,
        a.health?.last_error && `last error 最近错误: ${a.health.last_error}`,
      ].filter(Boolean);
      io.out(`${a.id}\t${a.name}\tlast seen ${a.last_seen ?? 'never'}\t${a.health ? `lag ${a.health.lag_records} outbox ${a.health.outbox_items}` : 'no health yet'}${flags.length ? '\t' + flags.join('; ') : ''}\n`);
    }
    return 0;
  });
}

export async function collectorAlerts(o: { config: string; since?: string; severity?: string; agent?: string; format: 'text' | 'json'; lang?: string }, io: Io): Promise<number> {
  const lang = detectLang(o.lang, io.env);
  let since: Date | undefined;
  if (o.since) {
    const rel = /^(\d+)([smhd])$/.exec(o.since);
    since = rel ? new Date(io.now().getTime() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's']!) : new Date(o.since);
    if (Number.isNaN(since.getTime())) throw new GwsecError('usage_error', { en: `--since ${o.since}: a time (2025-01-31T08:00:00+08:00) or an age (30m, 24h, 7d)`, zh: `--since ${o.since}：应为时间（如 2025-01-31T08:00:00+08:00）或时长（如 30m、24h、7d）` });
  }
  if (o.severity && !(SEVERITIES as readonly string[]).includes(o.severity)) throw new GwsecError('usage_error', { en: `--severity ${o.severity}: one of ${SEVERITIES.join(', ')}`, zh: `--severity ${o.severity}：应为 ${SEVERITIES.join('、')} 之一` });
  return withStore(o.config, async (s) => {
    const rows = await s.queryAlerts({ since, severity: o.severity as Severity | undefined, agent: o.agent });
    if (o.format === 'json') io.out(JSON.stringify(rows, null, 2) + '\n');
    else {
      if (!rows.length) io.out('no alerts / 无告警\n');
      for (const a of rows) io.out(`${a.lastSeen}\t${a.severity}\t${a.agent_id}\t${a.rule}\t×${a.count}\t${a.groupKey}\t${a.title[lang]}\n`);
    }
    return 0;
  });
}

export async function collectorRevoke(o: { config: string; agent: string }, io: Io): Promise<number> {
  return withStore(o.config, async (s) => {
    const all = await s.listAgents();
    const hits = all.filter((a) => a.id === o.agent || a.name === o.agent);
    if (hits.length !== 1) {
      throw new GwsecError(
        'usage_error',
        hits.length
          ? { en: `${o.agent} names ${hits.length} agents: give the id (${hits.map((a) => a.id).join(', ')})`, zh: `名称 ${o.agent} 对应 ${hits.length} 个代理：请给出代理编号（${hits.map((a) => a.id).join('、')}）` }
          : { en: `no agent ${o.agent}`, zh: `没有代理 ${o.agent}` },
      );
    }
    await s.revokeAgent(hits[0]!.id, io.now());
    io.out(`revoked ${hits[0]!.id}: its certificate is refused from now on, and connected sessions are closed within the revocation check interval / 已吊销\n`);
    return 0;
  });
}

/** Foreground until SIGTERM/SIGINT. */
export async function collectorRun(o: { config: string }, io: Io): Promise<number> {
  const cfg = loadCollectorConfig(o.config);
  const { runCollector } = await import('./run.js');
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await runCollector(cfg, { signal: ac.signal, log: (l) => io.out(l + '\n') });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  return 0;
}

