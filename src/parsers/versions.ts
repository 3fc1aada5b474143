/** Version strings of security-relevant products, and distro package version comparison. */

export interface LibraryVersion {
  flavor: 'openssl' | 'tongsuo' | 'babassl' | 'libressl' | 'other';
  version: string; // upstream version: 1.0.2k, 3.0.15, 8.4.0
  raw: string;
}

/** `openssl version`: "OpenSSL 1.0.2k-fips  26 Jan 2017", "OpenSSL 3.0.15 3 Sep 2024 (Library: …)", "Tongsuo 8.4.0 …". */
export function parseOpensslVersion(text: string): LibraryVersion | null {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  const m = /^(OpenSSL|Tongsuo|BabaSSL|LibreSSL)\s+(\d+\.\d+\.\d+[a-z]*)/i.exec(line);
  if (!m) return null;
  return { flavor: m[1]!.toLowerCase() as LibraryVersion['flavor'], version: m[2]!, raw: line };
}

/** `ssh -V` (on stderr): "OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.15 3 Sep 2024". */
export function parseSshVersion(text: string): { version: string; vendor_suffix: string | null; linked_openssl: string | null; raw: string } | null {
  const line = text.split(/\r?\n/).find((l) => /^OpenSSH_/.test(l.trim()))?.trim();
  if (!line) return null;
  const m = /^OpenSSH_(\d+\.\d+(?:p\d+)?)(?:\s+([^,]+))?(?:,\s*(.*))?$/.exec(line);
  if (!m) return null;
  return { version: m[1]!, vendor_suffix: m[2]?.trim() ?? null, linked_openssl: m[3]?.trim() ?? null, raw: line };
}

export interface InstalledPackage {
  name: string;
  version: string; // as the package manager writes it: 1:9.2p1-2+deb12u3, 1.0.2k-19.el7 (epoch 0 dropped)
  upstream: string; // 9.2p1, 1.0.2k
}

/**
 * The packages collector's query output: a `#dpkg` or `#rpm` marker line, then
 *   dpkg: `${Package}\t${Version}\t${db:Status-Abbrev}`  (only "ii" counts as installed)
 *   rpm:  `%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}`      ("package x is not installed" lines skipped)
 */
export function parsePackageQuery(text: string): { manager: 'dpkg' | 'rpm' | null; packages: InstalledPackage[] } {
  const lines = text.split(/\r?\n/);
  const manager = lines[0]?.trim() === '#dpkg' ? 'dpkg' : lines[0]?.trim() === '#rpm' ? 'rpm' : null;
  const packages: InstalledPackage[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    if (f.length < 2 || !f[0] || !f[1]) continue;
    if (manager === 'dpkg' && !(f[2] ?? '').startsWith('ii')) continue;
    let version = f[1].trim();
    if (manager === 'rpm') version = version.replace(/^(\(none\)|0):/, '');
    packages.push({ name: f[0].trim(), version, upstream: upstreamOf(version) });
  }
  return { manager, packages };
}

/** Strip epoch and distro revision: 1:9.2p1-2+deb12u3 -> 9.2p1; 1.0.2k-19.el7 -> 1.0.2k. */
export function upstreamOf(v: string): string {
  const noEpoch = v.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  return dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
}

/** dpkg's version ordering (deb-version(7)): epoch, then upstream and revision with verrevcmp. */
export function compareDpkg(a: string, b: string): number {
  const split = (v: string) => {
    const e = /^(\d+):/.exec(v);
    const rest = e ? v.slice(e[0].length) : v;
    const dash = rest.lastIndexOf('-');
    return { epoch: e ? Number(e[1]) : 0, up: dash >= 0 ? rest.slice(0, dash) : rest, rev: dash >= 0 ? rest.slice(dash + 1) : '' };
  };
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return verrevcmp(x.up, y.up) || verrevcmp(x.rev, y.rev);
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/\d/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/\d/.test(a[i]!)) || (j < b.length && !/\d/.test(b[j]!))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /\d/.test(a[i]!) && j < b.length && /\d/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i]!)) return 1;
    if (j < b.length && /\d/.test(b[j]!)) return -1;
    if (firstDiff) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

/** rpm's ordering (rpmvercmp over [epoch:]version-release). */
export function compareRpm(a: string, b: string): number {
  const split = (v: string) => {
    const e = /^(\d+):/.exec(v);
    const rest = e ? v.slice(e[0].length) : v;
    const dash = rest.lastIndexOf('-');
    return { epoch: e ? Number(e[1]) : 0, ver: dash >= 0 ? rest.slice(0, dash) : rest, rel: dash >= 0 ? rest.slice(dash + 1) : '' };
  };
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return rpmvercmp(x.ver, y.ver) || (x.rel && y.rel ? rpmvercmp(x.rel, y.rel) : 0);
}

function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const seg = /~|\^|[0-9]+|[A-Za-z]+/g;
  const sa = a.match(seg) ?? [];
  const sb = b.match(seg) ?? [];
  for (let k = 0; k < Math.max(sa.length, sb.length); k++) {
    const x = sa[k];
    const y = sb[k];
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      continue;
    }
    if (x === '^' || y === '^') {
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      continue;
    }
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d/.test(x);
    const yn = /^\d/.test(y);
    if (xn !== yn) return xn ? 1 : -1;
    if (xn) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
