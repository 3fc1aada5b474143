/**
 * Key renaming at the edge between in-process shapes (camelCase TypeScript) and what gwsec writes for
 * machines and disks (snake_case): one table per format, applied both ways. Pure.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `v` with every key found in `table` renamed, at any depth; the values under a key in `data` (maps
 * whose keys are names given by users or hosts, texts) are kept as they are. A new value: `v` is not changed.
 */
export function renameKeys(v: unknown, table: Readonly<Record<string, string>>, data: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, table, data));
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [table[k] ?? k, data.has(k) ? x : renameKeys(x, table, data)]));
}

/** The table the other way round (wire -> in-process). */
export function invertKeys(table: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(table).map(([k, w]) => [w, k]));
}
