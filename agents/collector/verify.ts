/**
 * `gwsec collector verify AGENT --archive DIR`: the agent's local archive against the checkpoints
 * this collector holds, with the SM2 key bound at enrolment (src/journal/offhost.ts says what that
 * catches). The agent's side of the same check is `gwsec agent verify --anchors COLLECTOR`.
 */
import type { Io } from '../../src/app/io.js';
import { detectLang } from '../../src/i18n/index.js';
import { offHostLines, verifyOffHost, type OffHostResult } from '../../src/journal/index.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadCollectorConfig } from './config.js';
import { openStore } from './store/index.js';
import type { CollectorStore } from './store/types.js';

export type { OffHostResult };

export async function verifyAgainstStore(store: CollectorStore, agentRef: string, archive: string): Promise<OffHostResult> {
  const agents = (await store.listAgents()).filter((a) => a.id === agentRef || a.name === agentRef);
  if (agents.length !== 1) throw new GwsecError(
      'usage_error',
      agents.length
        ? { en: `${agentRef} names ${agents.length} agents: give the id`, zh: `名称 ${agentRef} 对应 ${agents.length} 个代理：请给出代理编号` }
        : { en: `no agent ${agentRef} at this collector`, zh: `本采集中心没有代理 ${agentRef}` },
    );
  const agent = agents[0]!;
  const held = await store.checkpoints(agent.id);
  if (!held.length) throw new GwsecError('collector_no_anchors', {
      en: `the collector holds no checkpoints of ${agent.id}: nothing to verify against (has it reported?)`,
      zh: `采集中心没有代理 ${agent.id} 的检查点，无法异地校验（该代理是否已上报？）`,
    });
  return verifyOffHost(archive, { agent: agent.id, held, publicKeyPem: agent.sm2_public_key, gaps: (await store.gaps(agent.id)).length });
}

export async function collectorVerify(o: { config: string; agent: string; archive: string; format: 'text' | 'json'; lang?: string }, io: Io): Promise<number> {
  const cfg = loadCollectorConfig(o.config);
  const store = await openStore(cfg, { readOnly: true });
  let r: OffHostResult;
  try {
    r = await verifyAgainstStore(store, o.agent, o.archive);
  } finally {
    await store.close();
  }
  const lang = detectLang(o.lang, io.env);
  if (o.format === 'json') io.out(JSON.stringify(r, null, 2) + '\n');
  else io.out(offHostLines(r, lang === 'zh' ? '本采集中心' : 'this collector', lang).join('\n') + '\n');
  return r.ok ? 0 : 1;
}
