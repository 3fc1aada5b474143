/**
 * `gwsec agent verify --anchors COLLECTOR`: the agent asks a collector, over its own mutual-TLS
 * identity, for the checkpoints held for it and the SM2 key bound at its enrolment, then verifies
 * its local archive against them (src/journal/offhost.ts). The collector answers only for the
 * agent its certificate names, so one web server cannot read another's anchors.
 */
import { resolve } from 'node:path';
import type { Io } from '../../src/app/io.js';
import { detectLang } from '../../src/i18n/index.js';
import { offHostLines, verifyOffHost, type HeldCheckpoint, type OffHostResult } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadConfig } from './config.js';
import { loadEnrolment, parseEndpoints, type Endpoint } from './enrolment-file.js';
import { collectorDir } from './reporter-config.js';
import { CollectorSession, type Credentials } from './session.js';

export interface HeldAnchors {
  agent_id: string;
  sm2_public_key: string;
  checkpoints: Array<HeldCheckpoint & { signature_ok: boolean }>;
  gaps: number;
  endpoint: Endpoint;
}

/** `--anchors` names collectors (not a file) when it is `collector` (the enrolled ones) or HOST:PORT[,…]. */
export function anchorsAreCollector(v: string): boolean {
  return v === 'collector' || /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}(,\s*(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5})*$/.test(v);
}

/** Every page from the first collector that answers; the others are tried in order on failure. */
export async function fetchAnchors(endpoints: Endpoint[], creds: Credentials, o: { timeoutMs?: number } = {}): Promise<HeldAnchors> {
  const errors: string[] = [];
  for (const ep of endpoints) {
    let s: CollectorSession | undefined;
    try {
      s = await CollectorSession.connect(ep, creds, o);
      const out: HeldAnchors = { agent_id: '', sm2_public_key: '', checkpoints: [], gaps: 0, endpoint: ep };
      for (;;) {
        const a = await s.request({ kind: 'anchors_request', offset: out.checkpoints.length });
        if (a.kind !== 'anchors') throw new GwsecError('collector_protocol_error', { en: `expected anchors, got ${a.kind}`, zh: `应收到检查点（anchors），实际收到 ${a.kind}` });
        Object.assign(out, { agent_id: a.agent_id, sm2_public_key: a.sm2_public_key, gaps: a.gaps });
        out.checkpoints.push(...a.checkpoints);
        if (!a.checkpoints.length || out.checkpoints.length >= a.total) return out;
      }
    } catch (e) {
      errors.push(`${ep.host}:${ep.port}: ${(e as Error).message}`);
    } finally {
      s?.close();
    }
  }
  throw new GwsecError('collector_unreachable', { en: `no collector answered: ${errors.join('; ')}`, zh: `没有采集中心应答，无法取得检查点：${errors.join('；')}` });
}

export async function agentVerifyOffHost(o: { config: string; anchors: string; archive?: string; format: 'text' | 'json'; lang?: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const en = loadEnrolment(collectorDir(cfg));
  if (!en) throw new GwsecError(
      'usage_error',
      {
        en: `this agent is not enrolled with a collector (no enrolment in ${collectorDir(cfg)}): gwsec agent enrol first`,
        zh: `本代理尚未注册到采集中心（${collectorDir(cfg)} 中无注册信息）：请先运行 gwsec agent enrol`,
      },
      { file: cfg.file },
    );
  const endpoints = o.anchors === 'collector' ? en.enrolment.endpoints : parseEndpoints(o.anchors);
  const held = await fetchAnchors(endpoints, { key: en.key, cert: en.cert, ca: en.ca });
  if (!held.checkpoints.length)
    throw new GwsecError('collector_no_anchors', {
      en: `${held.endpoint.host}:${held.endpoint.port} holds no checkpoints of ${held.agent_id}: nothing to verify against (has it reported?)`,
      zh: `采集中心 ${held.endpoint.host}:${held.endpoint.port} 没有代理 ${held.agent_id} 的检查点，无法异地校验（该代理是否已上报？）`,
    });
  const r: OffHostResult = await verifyOffHost(resolve(o.archive ?? cfg.archive.dir), { agent: held.agent_id, held: held.checkpoints, publicKeyPem: held.sm2_public_key, gaps: held.gaps });
  const where = `${held.endpoint.host}:${held.endpoint.port}`;
  const lang = detectLang(o.lang, io.env);
  if (o.format === 'json') io.out(JSON.stringify({ ...r, collector: where }, null, 2) + '\n');
  else io.out(offHostLines(r, lang === 'zh' ? `采集中心 ${where} ` : `collector ${where}`, lang).join('\n') + '\n');
  return r.ok ? 0 : 1;
}
