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

/**
 * Fact keys are snake_case (`key_bits`, `days_left`): policies address them and saved facts and JSON
 * reports carry them, so one style everywhere. Keys of a `map` are the host's own names (sshd
 * keywords, `PASS_MAX_DAYS`, PAM stack files) and are not held to it.
 */
export function isSnakeCase(key: string): boolean {
  return /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(key);
}

/** `keyBits` -> `key_bits`, `sha256Fingerprint` -> `sha256_fingerprint`: the spelling a fact key should have. */
export function snakeCase(key: string): string {
  // One pass over the characters: the regex for an acronym's end, /([A-Z]+)([A-Z][a-z])/, backtracks
  // quadratically on a long run of capitals (test/redos).
  const upper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
  const lower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
  const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const sep = (c: string | undefined): boolean => c !== undefined && (c === '-' || /\s/.test(c));
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (sep(c)) {
      if (!sep(key[i - 1])) out += '_'; // a run of '-' and blanks is one '_'
      continue;
    }
    const prev = key[i - 1];
    // keyBits -> key_bits; HTTPServer -> http_server (a capital that ends an acronym and starts a word)
    if (upper(c) && (lower(prev) || digit(prev) || (upper(prev) && lower(key[i + 1])))) out += '_';
    out += c.toLowerCase();
  }
  return out;
}

/** Every field name a schema declares that is not snake_case, as a path (`web.certificates[].keyType`). */
export function nonSnakeFields(ft: FactType, path: string): string[] {
  switch (ft.kind) {
    case 'nullable':
      return nonSnakeFields(ft.of, path);
    case 'array':
      return nonSnakeFields(ft.of, `${path}[]`);
    case 'map':
      return nonSnakeFields(ft.of, `${path}.*`);
    case 'object':
      return Object.entries(ft.fields).flatMap(([k, v]) => [...(isSnakeCase(k) ? [] : [`${path}.${k}`]), ...nonSnakeFields(v, `${path}.${k}`)]);
    default:
      return [];
  }
}

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
