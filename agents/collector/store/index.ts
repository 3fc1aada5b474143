/** Opens the store a collector config names. */
import { readFileSync } from 'node:fs';
import { GwsecError } from '../../../src/model/errors.js';
import type { CollectorConfig } from '../config.js';
import type { CollectorStore } from './types.js';

export type { CollectorStore } from './types.js';

export async function openStore(cfg: Pick<CollectorConfig, 'store'>, o: { readOnly?: boolean } = {}): Promise<CollectorStore> {
  const s = cfg.store;
  if (s.type === 'embedded') {
    const { EmbeddedStore } = await import('./embedded.js');
    return EmbeddedStore.open(s.dir, o);
  }
  let password: string | undefined;
  if (s.password_file) {
    try {
      password = readFileSync(s.password_file, 'utf8').trim();
    } catch (e) {
      throw new GwsecError('collector_config_error', { en: `cannot read the PostgreSQL password file: ${(e as Error).message}`, zh: `无法读取 PostgreSQL 密码文件：${(e as Error).message}` }, { file: s.password_file });
    }
  }
  const { PostgresStore } = await import('./postgres.js');
  try {
    return await PostgresStore.open({ host: s.host, port: s.port, database: s.database, user: s.user, password });
  } catch (e) {
    throw new GwsecError('collector_store_error', { en: `cannot open the PostgreSQL store at ${s.host}:${s.port}/${s.database}: ${(e as Error).message}`, zh: `无法打开 PostgreSQL 存储 ${s.host}:${s.port}/${s.database}：${(e as Error).message}` });
  }
}
