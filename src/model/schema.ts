/**
 * A tiny declaration language for fact shapes. Collectors and derivers declare the shape of the
 * family they produce; `gwsec policy lint` walks check fact paths against these before any host is
 * touched. Every object may additionally carry `error: {code, message}` (a failed collection).
 */
export type FactType =
  | { kind: 'string'; enum?: readonly string[] }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'any' }
  | { kind: 'array'; of: FactType }
  | { kind: 'object'; fields: Record<string, FactType> }
  | { kind: 'map'; of: FactType } // any key, e.g. sshd keywords
  | { kind: 'nullable'; of: FactType };

export const t = {
  str: { kind: 'string' } as FactType,
  num: { kind: 'number' } as FactType,
  bool: { kind: 'boolean' } as FactType,
  any: { kind: 'any' } as FactType,
  enum: (...values: string[]): FactType => ({ kind: 'string', enum: values }),
  arr: (of: FactType): FactType => ({ kind: 'array', of }),
  obj: (fields: Record<string, FactType>): FactType => ({ kind: 'object', fields }),
  map: (of: FactType): FactType => ({ kind: 'map', of }),
  nullable: (of: FactType): FactType => ({ kind: 'nullable', of }),
};

export type BaseKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';

export function baseKind(ft: FactType): BaseKind {
  switch (ft.kind) {
    case 'nullable':
      return baseKind(ft.of);
    case 'map':
      return 'object';
    default:
      return ft.kind;
  }
}

/**
 * Resolve a dotted path (`sshd.effective.permitrootlogin`, `network.listeners`) inside a schema.
 * `[]` is never written in paths: arrays are entered with `each`. Returns undefined when the path
 * does not exist in the schema.
 */
export function schemaAt(root: FactType, segments: string[]): FactType | undefined {
  let cur: FactType | undefined = root;
  for (const seg of segments) {
    if (!cur) return undefined;
    while (cur.kind === 'nullable') cur = cur.of;
    if (cur.kind === 'any') return cur;
    if (cur.kind === 'object') {
      if (seg === 'error') return t.obj({ code: t.str, message: t.str });
      cur = cur.fields[seg];
    } else if (cur.kind === 'map') {
      if (seg === 'error') return t.obj({ code: t.str, message: t.str });
      cur = cur.of;
    } else {
      return undefined;
    }
  }
  return cur;
}
