import { t } from '../model/schema.js';
import { isFactError } from '../model/errors.js';
import type { Deriver } from '../collectors/types.js';
import type { WebSite } from '../parsers/tls.js';

/**
 * Where the web configuration serves administration: locations/aliases matching ADMIN_PATHS,
 * listeners on ADMIN_PORTS, and (on back-end hosts) every site. For each such endpoint, whether it is
 * protected by a client certificate, an allow-list inside VPN_CIDRS ending in `deny all`, or loopback.
 * `exposures` are the ones a front end must not have at all (blocked locations do not count).
 */
export interface AdminEndpoint {
  site: string;
  path: string;
  port: number | null;
  reason: 'admin_path' | 'admin_port' | 'backend_site';
  client_cert_required: boolean;
  vpn_restricted: boolean;
  loopback_only: boolean;
  protected: boolean;
  file: string;
  line: number;
}

export interface WebAdminFacts {
  exposures: Array<{ site: string; kind: 'location' | 'alias' | 'port'; value: string; file: string; line: number }>;
  admin_endpoints: AdminEndpoint[];
}

export const webAdminSchema = t.obj({
  exposures: t.arr(t.obj({ site: t.str, kind: t.enum('location', 'alias', 'port'), value: t.str, file: t.str, line: t.num })),
  admin_endpoints: t.arr(
    t.obj({
      site: t.str,
      path: t.str,
      port: t.nullable(t.num),
      reason: t.enum('admin_path', 'admin_port', 'backend_site'),
      client_cert_required: t.bool,
      vpn_restricted: t.bool,
      loopback_only: t.bool,
      protected: t.bool,
      file: t.str,
      line: t.num,
    }),
  ),
});

// --- CIDR containment (IPv4 and IPv6) ---------------------------------------------------------
function ipToBig(ip: string): { v: bigint; bits: number } | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
    const p = ip.split('.').map(Number);
    if (p.some((x) => x > 255)) return null;
    return { v: p.reduce((a, x) => (a << 8n) | BigInt(x), 0n), bits: 32 };
  }
  if (!ip.includes(':')) return null;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(8 - h.length - tl.length).fill('0') : [];
  const groups = [...h, ...fill, ...tl];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return { v: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function parseCidr(c: string): { v: bigint; bits: number; len: number } | null {
  const [addr, len] = c.split('/');
  const ip = ipToBig(addr ?? '');
  if (!ip) return null;
  const l = len === undefined ? ip.bits : Number(len);
  if (!Number.isInteger(l) || l < 0 || l > ip.bits) return null;
  return { ...ip, len: l };
}

/** Is every address `inner` admits inside `outer`? */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a.bits !== b.bits || a.len < b.len) return false;
  const shift = BigInt(b.bits - b.len);
  return a.v >> shift === b.v >> shift;
}

// --- admin path matching ----------------------------------------------------------------------
const norm = (p: string): string => p.toLowerCase().replace(/\/+$/, '') || '/';

function nginxRegex(src: string, ci: boolean): RegExp | null {
  try {
    return new RegExp(src, ci ? 'i' : '');
  } catch {
    return null;
  }
}

export function matchesAdminPath(loc: { path: string; modifier: string; alias: string | null }, adminPaths: string[]): string | null {
  const regex = loc.modifier === '~' || loc.modifier === '~*' || /^LocationMatch$/i.test(loc.modifier) || /Match$/.test(loc.modifier);
  for (const ap of adminPaths) {
    const a = norm(ap);
    if (regex) {
      const re = nginxRegex(loc.path, loc.modifier !== '~');
      if (re && (re.test(a) || re.test(a + '/'))) return ap;
    } else {
      const l = norm(loc.path);
      if (l !== '/' && (l === a || l.startsWith(a + '/'))) return ap;
    }
    const base = a.split('/').pop();
    if (loc.alias && base && norm(loc.alias).split('/').pop() === base) return ap;
  }
  return null;
}

export function siteLabel(s: WebSite): string {
  const name = s.server_names.find((n) => n && n !== '_') ?? '_';
  return `${name}:${[...new Set(s.listens.map((l) => l.port))].join(',')}`;
}

export const webAdminDeriver: Deriver<WebAdminFacts | { error: unknown }> = {
  id: 'web_admin',
  description: 'Administration endpoints in the web configuration and how they are protected',
  schema: webAdminSchema,
  needs: ['web'],
  derive(facts, env) {
    const web = facts.web as { installed?: boolean; sites?: WebSite[] } | undefined;
    if (isFactError(web)) return { error: web.error };
    const adminPaths = (env.variables.ADMIN_PATHS as string[] | undefined) ?? [];
    const adminPorts = (env.variables.ADMIN_PORTS as number[] | undefined) ?? [];
    const vpn = (env.variables.VPN_CIDRS as string[] | undefined) ?? [];
    const backend = env.host.roles.includes('backend');
    const exposures: WebAdminFacts['exposures'] = [];
    const endpoints: AdminEndpoint[] = [];
    for (const s of web?.sites ?? []) {
      const label = siteLabel(s);
      const loopbackOnly = s.listens.every((l) => l.loopback);
      const vpnOk = (allow: string[], denyAll: boolean): boolean => denyAll && allow.length > 0 && vpn.length > 0 && allow.every((a) => vpn.some((c) => cidrWithin(a, c)));
      const endpoint = (path: string, port: number | null, reason: AdminEndpoint['reason'], cc: boolean, allow: string[], denyAll: boolean, file: string, line: number): void => {
        const vpnR = vpnOk(allow, denyAll);
        endpoints.push({ site: label, path, port, reason, client_cert_required: cc, vpn_restricted: vpnR, loopback_only: loopbackOnly, protected: cc || vpnR || loopbackOnly, file, line });
      };
      // a plain listener that only redirects to HTTPS (or refuses) serves nothing to administer
      const servesNothing = s.tls === null && (s.redirects_to_https || s.refuses_plain);
      if (backend && !servesNothing) endpoint('/', null, 'backend_site', s.client_cert_required, s.allow, s.deny_all, s.file, s.line);
      for (const l of s.listens) {
        if (!adminPorts.includes(l.port)) continue;
        if (!l.loopback) exposures.push({ site: label, kind: 'port', value: `${l.address}:${l.port}`, file: s.file, line: s.line });
        if (!backend) endpoint('/', l.port, 'admin_port', s.client_cert_required, s.allow, s.deny_all, s.file, s.line);
      }
      for (const loc of s.locations) {
        const hit = matchesAdminPath(loc, adminPaths);
        if (!hit || loc.blocked) continue;
        if (!loopbackOnly) exposures.push({ site: label, kind: loc.alias && norm(loc.path) !== norm(hit) ? 'alias' : 'location', value: loc.alias ? `${loc.path} -> ${loc.alias}` : loc.path, file: loc.file, line: loc.line });
        endpoint(loc.path, null, 'admin_path', loc.client_cert_required, loc.allow, loc.deny_all, loc.file, loc.line);
      }
    }
    return { exposures, admin_endpoints: endpoints };
  },
};
