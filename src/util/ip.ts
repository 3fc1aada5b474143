/** Small, dependency-free IPv4/IPv6 parsing and CIDR matching. */

export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export function parseIp(input: string): ParsedIp | null {
  let s = input.trim();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // ::ffff:a.b.c.d is an IPv4 address in disguise.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  if (mapped) s = mapped[1]!;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    return { family: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!s.includes(':')) return null;
  let head = s;
  let tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
    if (tail.includes('::')) return null;
  }
  const groups = (x: string): string[] | null => {
    if (x === '') return [];
    const g = x.split(':');
    // an embedded dotted quad at the end counts as two groups
    const last = g[g.length - 1]!;
    if (last.includes('.')) {
      const v4 = parseIp(last);
      if (!v4 || v4.family !== 4) return null;
      g.splice(g.length - 1, 1, ((v4.value >> 16n) & 0xffffn).toString(16), (v4.value & 0xffffn).toString(16));
    }
    return g.every((h) => /^[0-9a-f]{1,4}$/i.test(h)) ? g : null;
  };
  const h = groups(head);
  const tl = groups(tail);
  if (!h || !tl) return null;
  const missing = 8 - h.length - tl.length;
  if ((dbl < 0 && missing !== 0) || missing < 0) return null;
  const all = [...h, ...Array(dbl >= 0 ? missing : 0).fill('0'), ...tl];
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const n = parseIp(net ?? '');
  const a = parseIp(ip);
  if (!n || !a || n.family !== a.family) return false;
  const width = n.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return n.value >> shift === a.value >> shift;
}

export function isValidCidr(cidr: string): boolean {
  const [net, bits, extra] = cidr.split('/');
  if (extra !== undefined) return false;
  const n = parseIp(net ?? '');
  if (!n) return false;
  if (bits === undefined) return true;
  const b = Number(bits);
  return Number.isInteger(b) && b >= 0 && b <= (n.family === 4 ? 32 : 128);
}
