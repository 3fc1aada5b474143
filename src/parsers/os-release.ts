/**
 * /etc/os-release (freedesktop.org os-release(5)): KEY=value lines, values optionally quoted with
 * shell-style escapes. Unknown keys are kept; comments and blank lines ignored.
 */
export function parseOsReleaseText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
    const inner = v.slice(1, -1);
    return q === '"' ? inner.replace(/\\(["\\`$])/g, '$1') : inner;
  }
  return v;
}

export type OsFamily = 'debian' | 'rhel' | 'suse' | 'other';

export interface OsIdentity {
  id: string; // lower-cased (openEuler writes ID="openEuler")
  id_like: string[];
  version_id: string | null;
  name: string | null;
  pretty_name: string | null;
  family: OsFamily;
  /** `<id>:<version>` for the EOL table: major version only where minor releases share a lifecycle. */
  release_key: string;
}

// Distributions whose point releases (9.3, 8.10) share one lifecycle: key on the major version.
const MAJOR_ONLY = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'anolis', 'opencloudos', 'alinux', 'tencentos', 'euleros', 'hce', 'ctyunos', 'bclinux', 'neokylin', 'fedora', 'amzn', 'scientific', 'cloudlinux', 'uos']);

// Domestic and other RHEL/Debian derivatives that do not always declare ID_LIKE.
const RHEL_LIKE = new Set(['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol', 'openeuler', 'anolis', 'opencloudos', 'alinux', 'tencentos', 'euleros', 'hce', 'ctyunos', 'bclinux', 'neokylin', 'kylin', 'amzn', 'scientific', 'cloudlinux']);
const DEBIAN_LIKE = new Set(['debian', 'ubuntu', 'uos', 'deepin', 'linuxmint', 'kali', 'raspbian']);

export function osIdentity(kv: Record<string, string>): OsIdentity {
  const id = (kv.ID ?? 'linux').toLowerCase();
  const idLike = (kv.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const versionId = kv.VERSION_ID ?? null;
  const family: OsFamily = [id, ...idLike].some((x) => DEBIAN_LIKE.has(x))
    ? 'debian'
    : [id, ...idLike].some((x) => RHEL_LIKE.has(x))
      ? 'rhel'
      : [id, ...idLike].some((x) => x === 'suse' || x.startsWith('opensuse') || x === 'sles')
        ? 'suse'
        : 'other';
  let key = versionId ?? 'unknown';
  if (versionId && MAJOR_ONLY.has(id)) key = versionId.split('.')[0]!;
  return {
    id,
    id_like: idLike,
    version_id: versionId,
    name: kv.NAME ?? null,
    pretty_name: kv.PRETTY_NAME ?? null,
    family,
    release_key: `${id}:${key}`,
  };
}

/** `uname -snrm`: "Linux web-01 5.10.0-28-amd64 x86_64". */
export function parseUname(text: string): { kernel: string; hostname: string | null; kernel_release: string | null; arch: string | null } {
  const f = text.trim().split(/\s+/);
  return {
    kernel: (f[0] ?? 'linux').toLowerCase(),
    hostname: f[1] ?? null,
    kernel_release: f[2] ?? null,
    arch: f[3] ?? null,
  };
}
