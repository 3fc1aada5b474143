import { loadInventory } from '../inventory/load.js';
import { loadPack, resolveVariables } from '../policy/load.js';
import { defaultPackDir } from '../util/paths.js';
import type { Io } from './io.js';

/** `gwsec inventory check FILE`: schema, duplicates, roles, and every variable override's type. */
export async function inventoryCheck(o: { file: string; pack?: string; lang?: string }, io: Io): Promise<number> {
  const inv = await loadInventory(o.file);
  const pack = loadPack(o.pack ?? defaultPackDir(), { cases: false });
  for (const h of inv.hosts) resolveVariables(pack, h.vars, { file: `${inv.file}:${h.line} (host ${h.name})` });
  const zh = (o.lang ?? io.env.LANG ?? '').startsWith('zh');
  io.out(
    zh
      ? `${o.file}：有效；${inv.hosts.length} 台主机，运营单位类别 ${inv.operator.class}，站点域名 ${inv.site.domains.length} 个\n`
      : `${o.file}: valid; ${inv.hosts.length} host(s), operator class ${inv.operator.class}, ${inv.site.domains.length} site domain(s)\n`,
  );
  return 0;
}
