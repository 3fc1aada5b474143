/** `gwsec agent enrol`: the command around enrol(); the token comes from a file or stdin where it can. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Io } from '../../src/app/io.js';
import { GwsecError } from '../../src/model/errors.js';
import { loadConfig } from './config.js';
import { collectorDir } from './reporter-config.js';
import { enrol, parseEndpoints } from './enrol.js';
import { loadOrCreateKey } from './key.js';

export async function agentEnrol(o: { config: string; collector: string; token?: string; tokenFile?: string; name?: string }, io: Io): Promise<number> {
  const cfg = loadConfig(o.config);
  const endpoints = parseEndpoints(o.collector);
  let token = o.token;
  if (o.tokenFile) {
    try {
      token = readFileSync(o.tokenFile === '-' ? 0 : o.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new GwsecError('usage_error', { en: `cannot read the token: ${(e as Error).message}`, zh: `无法读取注册令牌：${(e as Error).message}` }, { file: o.tokenFile });
    }
  }
  if (!token) throw new GwsecError('usage_error', { en: 'agent enrol needs --token-file FILE (or --token T)', zh: 'agent enrol 须提供注册令牌：--token-file 文件（或 --token 令牌）' });
  const key = loadOrCreateKey(cfg);
  const name = o.name ?? hostname().split('.')[0]!;
  const e = await enrol({ endpoints, token, name, dir: collectorDir(cfg), sm2PublicKeyPem: key.publicKeyPem });
  io.out(`enrolled as ${e.agent_id} with ${endpoints.map((x) => `${x.host}:${x.port}`).join(', ')}; certificate in ${collectorDir(cfg)} / 注册成功\n`);
  io.out('restart the agent to start reporting: systemctl restart gwsec-agent / 重启代理后开始上报\n');
  return 0;
}
