/**
 * Compare upstream version strings as OpenSSL/OpenSSH/distros write them: "1.0.1f" > "1.0.1",
 * "9.2p1" < "9.3", "3.0.15" > "3.0.9". Numeric runs compare as numbers, letter runs lexically; when
 * one side runs out, the shorter is the lesser ("1.0.1" < "1.0.1a").
 */
export function compareVersions(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'number') {
      return 1; // "1.0.2" > "1.0.beta"
    } else if (typeof y === 'number') {
      return -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function tokens(v: string): Array<number | string> {
  return (v.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((t) => (/^\d/.test(t) ? Number(t) : t));
}
