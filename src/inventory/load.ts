import { readFile } from 'node:fs/promises';
import { GwsecError, GwsecErrorList } from '../model/errors.js';
import { parseYaml } from '../policy/yaml.js';
import { validateSchema } from '../policy/issues.js';
import { inventorySchema, type Inventory, type InventoryHost } from './schema.js';

/**
 * Load and validate an inventory file: every problem reported with file:line:column (exit 2), and
 * nothing is touched before the whole file is valid. Defaults, role variables and host variables are
 * merged here (host over role over inventory-wide over defaults).
 */
export async function loadInventory(file: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GwsecError('inventory_read_error', { en: `cannot read inventory: ${(e as Error).message}`, zh: `无法读取主机清单：${(e as Error).message}` }, { file });
  }
  return parseInventory(file, text);
}

export function parseInventory(file: string, text: string): Inventory {
  const y = parseYaml(file, text, 'inventory_parse_error');
  const r = validateSchema(inventorySchema, y.value ?? {});
  if (!r.ok) {
    const errs = r.issues.map((i) => new GwsecError('inventory_schema_error', i.message, y.locate(i.path)));
    throw errs.length === 1 ? errs[0]! : new GwsecErrorList(errs);
  }
  const inv = r.data;
  const errors: GwsecError[] = [];
  const seen = new Map<string, number>();
  const hosts: InventoryHost[] = inv.hosts.map((h, i) => {
    const at = y.locate(['hosts', i]);
    if (seen.has(h.name)) errors.push(new GwsecError('inventory_duplicate_host', { en: `duplicate host name '${h.name}' (first at line ${seen.get(h.name)})`, zh: `主机名“${h.name}”重复（首次出现在第 ${seen.get(h.name)} 行）` }, at));
    seen.set(h.name, at.line ?? 0);
    const d = inv.defaults;
    const roleVars = Object.assign({}, ...h.roles.map((role) => inv.roles[role]?.vars ?? {}));
    for (const role of h.roles) {
      if (Object.keys(inv.roles).length && !inv.roles[role] && !['frontend', 'backend'].includes(role)) {
        errors.push(new GwsecError('inventory_unknown_role', { en: `host ${h.name}: role '${role}' is not declared under roles:`, zh: `主机 ${h.name}：角色“${role}”未在 roles: 下声明` }, y.locate(['hosts', i, 'roles'])));
      }
    }
    const sudo = h.sudo ?? d.sudo ?? false;
    const pj = h.proxy_jump === undefined ? d.proxy_jump : h.proxy_jump;
    return {
      name: h.name,
      address: h.address ?? d.address ?? h.name,
      port: h.port ?? d.port,
      user: h.user ?? d.user,
      identityFile: h.identity_file ?? d.identity_file,
      proxyJump: pj ?? undefined,
      sudo: sudo === true ? 'password' : sudo,
      roles: h.roles,
      tags: h.tags,
      publicIps: h.public_ip == null ? [] : Array.isArray(h.public_ip) ? h.public_ip : [h.public_ip],
      https: (h.https ?? []).map(String),
      vars: { ...(d.vars ?? {}), ...(inv.vars ?? {}), ...roleVars, ...(h.vars ?? {}) },
      attestations: { ...(inv.attestations ?? {}), ...(h.attestations ?? {}) },
      line: at.line,
    };
  });
  if (errors.length) throw errors.length === 1 ? errors[0]! : new GwsecErrorList(errors);
  return { file, site: inv.site, operator: inv.operator, hosts };
}

/** `--hosts` globs (web-*), `--tags` (any of), `--shard i/n` (stable by position). */
export function selectHosts(hosts: InventoryHost[], o: { hosts?: string[]; tags?: string[]; shard?: string }): InventoryHost[] {
  let out = hosts;
  if (o.hosts?.length) {
    const res = o.hosts.map((g) => new RegExp(`^${g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
    out = out.filter((h) => res.some((re) => re.test(h.name)));
  }
  if (o.tags?.length) out = out.filter((h) => h.tags.some((t) => o.tags!.includes(t)));
  if (o.shard) {
    const m = /^(\d+)\/(\d+)$/.exec(o.shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new GwsecError('usage_error', { en: `--shard takes i/n with 1 ≤ i ≤ n, got '${o.shard}'`, zh: `--shard 的格式应为 i/n 且 1 ≤ i ≤ n，实际为“${o.shard}”` });
    const i = Number(m[1]);
    const n = Number(m[2]);
    out = out.filter((_, k) => k % n === i - 1);
  }
  return out;
}
