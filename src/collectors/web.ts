import { t, type FactType } from '../model/schema.js';
import { CollectError } from '../model/errors.js';
import type { Collector, CollectorOutput, FileContent } from './types.js';
import { parseNginxFiles, parseNginxV, splitNginxDump, type NginxVersionInfo } from '../parsers/nginx.js';
import { buildNginxSites } from '../parsers/nginx-sites.js';
import { parseApacheFiles, parseApacheV, parseEnvvars, apacheLast } from '../parsers/apache.js';
import { buildApacheSites } from '../parsers/apache-sites.js';
import { certFact, parseCertBundle, type CertFact } from '../parsers/cert-bundle.js';
import type { WebSite } from '../parsers/tls.js';

// ---------------------------------------------------------------------------------------------
/**
 * Web-root permissions: the snippet and its pure output parser.
 * The snippet finds the roots in the effective configuration (nginx `root`/`alias`, Apache
 * `DocumentRoot`/`Alias`), and prints `stat -c '%a %U %G %n'` for each root and its top-level entries,
 * plus `id` for each worker user the configuration names.
 */

export interface WebrootEntry {
  mode: string;
  owner: string;
  group: string;
  path: string;
}

export interface WorkerIdentity {
  user: string;
  uid: number | null;
  groups: string[]; // primary and supplementary group names
  error?: string;
}

export interface WebrootStat {
  users: WorkerIdentity[];
  roots: Array<{ path: string; entries: WebrootEntry[]; error?: string }>;
}

export function parseWebrootStat(text: string): WebrootStat {
  const users: WorkerIdentity[] = [];
  const roots: WebrootStat['roots'] = [];
  let section: { kind: 'user'; u: WorkerIdentity } | { kind: 'root'; r: WebrootStat['roots'][number] } | null = null;
  for (const line of text.split('\n')) {
    const h = /^# (user|root) (.+)$/.exec(line);
    if (h) {
      if (h[1] === 'user') {
        const u: WorkerIdentity = { user: h[2]!, uid: null, groups: [] };
        users.push(u);
        section = { kind: 'user', u };
      } else {
        const r = { path: h[2]!, entries: [] as WebrootEntry[] };
        roots.push(r);
        section = { kind: 'root', r };
      }
      continue;
    }
    if (!section || !line.trim()) continue;
    if (section.kind === 'user') {
      const m = /^uid=(\d+)\([^)]*\) gid=\d+\(([^)]*)\)(?: groups=(.*))?/.exec(line);
      if (m) {
        section.u.uid = Number(m[1]);
        const groups = [...(m[3] ?? '').matchAll(/\d+\(([^)]*)\)/g)].map((g) => g[1]!);
        section.u.groups = [...new Set([m[2]!, ...groups])];
      } else section.u.error = line.trim();
    } else {
      const m = /^([0-7]{3,4}) (\S+) (\S+) (.+)$/.exec(line);
      if (m) section.r.entries.push({ mode: m[1]!, owner: m[2]!, group: m[3]!, path: m[4]! });
      else if (section.r.entries.length === 0 && /cannot stat|No such file|Permission denied/.test(line)) section.r.error = line.trim();
    }
  }
  return { users, roots };
}

/** Whether the worker (user + its groups) may write an entry, from its mode bits. */
export function writableBy(e: WebrootEntry, who: WorkerIdentity): boolean {
  const digits = e.mode.slice(-3).split('').map(Number);
  const [o, g, x] = [digits[0]!, digits[1]!, digits[2]!];
  if (who.uid === 0) return true;
  if (e.owner === who.user) return (o & 2) !== 0;
  if (who.groups.includes(e.group)) return (g & 2) !== 0;
  return (x & 2) !== 0;
}

/** Shared shell: the effective web configuration text (nginx -T, else the usual files), no errors. */
export const WEB_CONF_SH = `PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin:/usr/local/nginx/sbin"
web_conf() {
  if command -v nginx >/dev/null 2>&1; then
    gw_memo nginx-T gw_to nginx -T 2>/dev/null || for f in /etc/nginx/nginx.conf /etc/nginx/conf.d/*.conf /etc/nginx/default.d/*.conf /etc/nginx/sites-enabled/* /usr/local/nginx/conf/nginx.conf /usr/local/nginx/conf/conf.d/*.conf; do [ -f "$f" ] && cat -- "$f"; done
  fi
  for f in /etc/apache2/apache2.conf /etc/apache2/sites-enabled/* /etc/apache2/conf-enabled/*.conf /etc/httpd/conf/httpd.conf /etc/httpd/conf.d/*.conf; do [ -f "$f" ] && cat -- "$f"; done
} 2>/dev/null
`;

export const WEBROOT_SH = `${WEB_CONF_SH}
command -v nginx >/dev/null 2>&1 || command -v apache2 >/dev/null 2>&1 || command -v httpd >/dev/null 2>&1 || exit 0
users=$(web_conf | tr ';' '\\n' | awk '{ sub(/^.*[^$]\\{[ \\t]*/, ""); sub(/^[ \\t]*\\}[ \\t]*/, "") } $1=="user"||$1=="User"{u=$2; gsub(/[";]/,"",u); print u}' | sort -u | head -n 4)
for u in $users nobody; do
  case "$u" in
    '\${'*'}') n=\${u#??}; n=\${n%?}
      case "$n" in *[!A-Z_]*) continue ;; esac
      u=$(sed -n "s/^export $n=//p" /etc/apache2/envvars 2>/dev/null | tr -d '"' | head -n 1) ;;
  esac
  [ -n "$u" ] && echo "$u"
done | sort -u | while IFS= read -r u; do
  printf '# user %s\\n' "$u"; id -- "$u" 2>&1
done
web_conf | tr ';' '\\n' | awk '{ sub(/^.*[^$]\\{[ \\t]*/, ""); sub(/^[ \\t]*\\}[ \\t]*/, "") } $1=="root"||$1=="alias"||$1=="DocumentRoot"{p=$2} $1=="Alias"{p=$3} p!=""{gsub(/[";\\047]/,"",p); print p; p=""}' | sort -u | head -n 16 | while IFS= read -r r; do
  case "$r" in /*) ;; *) continue ;; esac
  case "$r" in *'$'*) continue ;; esac
  [ "$r" = / ] || r=\${r%/}
  printf '# root %s\\n' "$r"
  stat -c '%a %U %G %n' -- "$r" "$r"/* 2>&1 | head -n 64
done
`;

/**
 * Web servers (nginx incl. Tengine/Tongsuo builds, Apache httpd): sites with listeners, TLS
 * settings, redirects, admin-ish locations and access rules, access logging; the served
 * certificates (public data, reduced to a summary); web-root permissions against the worker user.
 * Effective configuration first (`nginx -T`), else the config tree on disk.
 */

export interface WebFacts {
  installed: boolean;
  servers_installed: string[];
  nginx: { version: string | null; flavour: string; openssl: string | null; tongsuo: boolean; config_source: 'nginx -T' | 'files'; effective_error: string | null; warnings: string[] } | null;
  apache: { version: string | null; openssl: string | null; config_source: 'files'; warnings: string[] } | null;
  collected_at: string | null; // host clock (UTC) when collected; certificate days_left is relative to it
  sites: WebSite[];
  tls_site_count: number;
  certificates: CertFact[];
  worker: { users: string[]; identities: WorkerIdentity[] };
  webroots: Array<{ path: string; mode: string | null; owner: string | null; group: string | null; writable_by_worker: boolean | null; writable_entries: string[]; error?: { code: string; message: string } }>;
  sm_probe: { status: 'confirmed' | 'refused' | 'not_run' | 'error'; confirmed: boolean | null; reason: string; targets: Array<{ port: number; mode: string; status: string; detail: string }> };
}

const siteSchema = t.obj({
  server: t.enum('nginx', 'apache'),
  server_names: t.arr(t.str),
  listens: t.arr(t.obj({ address: t.str, port: t.num, ssl: t.bool, loopback: t.bool })),
  tls: t.nullable(
    t.obj({
      protocols: t.arr(t.str),
      protocols_source: t.enum('config', 'default'),
      ciphers: t.str,
      ciphers_source: t.enum('config', 'default'),
      weak_ciphers: t.arr(t.str),
      weak_suites: t.arr(t.str),
      certificates: t.arr(t.str),
      ntls: t.bool,
      sign_certificate: t.nullable(t.str),
      enc_certificate: t.nullable(t.str),
      rfc8998_suites: t.arr(t.str),
      sm_configured: t.bool,
    }),
  ),
  plain_public: t.bool,
  redirects_to_https: t.bool,
  refuses_plain: t.bool,
  access_log_off: t.bool,
  client_cert_required: t.bool,
  allow: t.arr(t.str),
  deny_all: t.bool,
  locations: t.arr(
    t.obj({ path: t.str, modifier: t.str, alias: t.nullable(t.str), allow: t.arr(t.str), deny_all: t.bool, blocked: t.bool, client_cert_required: t.bool, file: t.str, line: t.num }),
  ),
  roots: t.arr(t.str),
  file: t.str,
  line: t.num,
});

export const webSchema: FactType = t.obj({
  installed: t.bool,
  servers_installed: t.arr(t.str),
  nginx: t.nullable(t.obj({ version: t.nullable(t.str), flavour: t.str, openssl: t.nullable(t.str), tongsuo: t.bool, config_source: t.str, effective_error: t.nullable(t.str), warnings: t.arr(t.str) })),
  apache: t.nullable(t.obj({ version: t.nullable(t.str), openssl: t.nullable(t.str), config_source: t.str, warnings: t.arr(t.str) })),
  collected_at: t.nullable(t.str),
  sites: t.arr(siteSchema),
  tls_site_count: t.num,
  certificates: t.arr(
    t.obj({
      path: t.str,
      role: t.enum('server', 'sign', 'enc'),
      subject: t.str,
      issuer: t.str,
      not_before: t.str,
      not_after: t.str,
      key_type: t.str,
      key_bits: t.nullable(t.num),
      curve: t.nullable(t.str),
      sig_alg: t.str,
      sha256_fingerprint: t.str,
      self_signed: t.bool,
      chain_length: t.num,
      days_left: t.nullable(t.num),
    }),
  ),
  worker: t.obj({ users: t.arr(t.str), identities: t.arr(t.obj({ user: t.str, uid: t.nullable(t.num), groups: t.arr(t.str), error: t.nullable(t.str) })) }),
  webroots: t.arr(t.obj({ path: t.str, mode: t.nullable(t.str), owner: t.nullable(t.str), group: t.nullable(t.str), writable_by_worker: t.nullable(t.bool), writable_entries: t.arr(t.str) })),
  sm_probe: t.obj({ status: t.enum('confirmed', 'refused', 'not_run', 'error'), confirmed: t.nullable(t.bool), reason: t.str, targets: t.arr(
      t.obj({
        address: t.str,
        port: t.num,
        mode: t.str,
        status: t.str,
        detail: t.str,
        suite: t.str,
        certificates: t.arr(t.obj({ subject: t.str, key_alg: t.str, sig_alg: t.str })),
      }),
    ),
  }),
});

const PATH_SH = 'PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin:/usr/local/nginx/sbin"';
const TAB = '\t'; // a literal tab: the include regexes run in sed -E on hosts and in JS for fixtures
const NGINX_INCLUDE = `^[ ${TAB}]*include[ ${TAB}]+["']?([^;"' ${TAB}#]+)["']?[ ${TAB}]*;.*$`;
const APACHE_INCLUDE = `^[ ${TAB}]*[Ii][Nn][Cc][Ll][Uu][Dd][Ee][A-Za-z]*[ ${TAB}]+"?([^" ${TAB}]+)"?.*$`;

const CERTS_SH = `${WEB_CONF_SH}
conf=$(web_conf); [ -n "$conf" ] || exit 0
printf '%s\\n' "$conf" | tr ';' '\\n' | awk '{ sub(/^.*[^$]\\{[ \\t]*/, ""); sub(/^[ \\t]*\\}[ \\t]*/, "") } $1=="ssl_certificate"||$1=="ssl_sign_certificate"||$1=="ssl_enc_certificate"||$1=="SSLCertificateFile"||$1=="SSLCertificateChainFile"{p=$2; gsub(/[";\\047]/,"",p); print p}' | sort -u | head -n 64 | while IFS= read -r p; do
  case "$p" in *'$'*|data:*) continue ;; esac
  case "$p" in /*) ;; *) for d in /etc/nginx /usr/local/nginx/conf /etc/httpd /etc/apache2; do [ -e "$d/$p" ] && { p="$d/$p"; break; }; done ;; esac
  printf '==> %s <==\\n' "$p"
  if [ ! -e "$p" ]; then echo '!! absent'
  elif [ ! -r "$p" ]; then echo '!! unreadable'
  else sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' -- "$p"; fi
done
`;

/** Roots of the usual layouts; the one nginx -V names (--conf-path) is tried first. */
const NGINX_ROOTS = ['/etc/nginx/nginx.conf', '/usr/local/nginx/conf/nginx.conf'];
const APACHE_ROOTS = ['/etc/apache2/apache2.conf', '/etc/httpd/conf/httpd.conf'];

function firstLines(s: string, n = 3): string {
  return s.split('\n').filter((l) => l.trim()).slice(0, n).join(' | ');
}

function readTree(out: CollectorOutput, roots: string[]): { root: string; files: FileContent[] } | null {
  for (const r of roots) {
    const files = out.tree(r);
    if (files.length) return { root: r, files };
  }
  return null;
}

function nginxFacts(out: CollectorOutput, v: NginxVersionInfo): { meta: NonNullable<WebFacts['nginx']>; sites: WebSite[]; user: string | null } {
  const tres = out.cmd('web-nginx-T');
  const dump = tres.exitCode === 0 ? splitNginxDump(tres.stdout) : null;
  let files: Map<string, string>;
  let root: string;
  let source: 'nginx -T' | 'files';
  let effectiveError: string | null = null;
  if (dump) {
    files = dump.files;
    root = dump.root;
    source = 'nginx -T';
  } else {
    effectiveError = firstLines(tres.stderr || tres.stdout) || `nginx -T exited ${tres.exitCode}`;
    const roots = v.conf_path ? [v.conf_path, ...NGINX_ROOTS.filter((r) => r !== v.conf_path)] : NGINX_ROOTS;
    const tree = readTree(out, roots);
    if (!tree) throw new CollectError('not_found', `nginx is installed but neither nginx -T (${effectiveError}) nor ${roots.join(', ')} could be read`);
    files = new Map(tree.files.map((f) => [f.path, f.content]));
    root = tree.root;
    source = 'files';
  }
  const prefix = root.replace(/\/[^/]*$/, '');
  const parsed = parseNginxFiles(files, root, prefix);
  const model = buildNginxSites(parsed.directives, { version: v.version, openssl: v.openssl, prefix });
  return {
    meta: { version: v.version, flavour: v.flavour, openssl: v.openssl, tongsuo: v.tongsuo, config_source: source, effective_error: effectiveError, warnings: parsed.warnings },
    sites: model.sites,
    user: model.user ?? v.user ?? 'nobody',
  };
}

function apacheFacts(out: CollectorOutput, vtext: string): { meta: NonNullable<WebFacts['apache']>; sites: WebSite[]; user: string | null } {
  const tree = readTree(out, APACHE_ROOTS);
  if (!tree) throw new CollectError('not_found', `Apache is installed but none of ${APACHE_ROOTS.join(', ')} could be read`);
  const debian = tree.root.startsWith('/etc/apache2');
  const vars = debian ? parseEnvvars(out.text('/etc/apache2/envvars') ?? '') : {};
  const files = new Map(tree.files.map((f) => [f.path, f.content]));
  const serverRoot = debian ? '/etc/apache2' : '/etc/httpd';
  const parsed = parseApacheFiles(files, tree.root, serverRoot, vars);
  const sr = apacheLast(parsed.nodes, 'ServerRoot')?.args[0];
  const openssl = /OpenSSL ([\w.-]+)/.exec(vtext)?.[1] ?? null;
  const model = buildApacheSites(parsed.nodes, { openssl, serverRoot: sr ?? serverRoot });
  return {
    meta: { version: parseApacheV(vtext), openssl, config_source: 'files', warnings: parsed.warnings },
    sites: model.sites,
    user: model.user ?? (debian ? 'www-data' : 'apache'),
  };
}

export const web: Collector<WebFacts> = {
  id: 'web',
  description: 'Web servers (nginx/Tengine/Tongsuo, Apache): sites, TLS, certificates, admin locations, access logs, web-root permissions',
  schema: webSchema,
  requests: [
    { kind: 'cmd', name: 'web-nginx-V', script: `${PATH_SH}\ncommand -v nginx >/dev/null 2>&1 || exit 127\ngw_to nginx -V 2>&1`, selfTimed: true },
    { kind: 'cmd', name: 'web-nginx-T', script: `${PATH_SH}\ncommand -v nginx >/dev/null 2>&1 || exit 127\ngw_memo nginx-T gw_to nginx -T`, timeoutS: 30, selfTimed: true },
    {
      kind: 'cmd',
      name: 'web-apache-v',
      script: `${PATH_SH}\nif command -v apache2 >/dev/null 2>&1; then gw_to apache2 -v; elif command -v httpd >/dev/null 2>&1; then gw_to httpd -v; else exit 127; fi\ngw_memo openssl-version gw_to openssl version 2>/dev/null || true`,
      selfTimed: true,
    },
    { kind: 'cmd', name: 'web-certs', script: CERTS_SH, timeoutS: 30 },
    { kind: 'cmd', name: 'web-webroot', script: WEBROOT_SH, timeoutS: 30 },
    { kind: 'cmd', name: 'web-clock', script: 'date -u +%Y-%m-%dT%H:%M:%SZ' },
    { kind: 'tree', path: '/etc/nginx/nginx.conf', include: NGINX_INCLUDE, base: '/etc/nginx' },
    { kind: 'tree', path: '/usr/local/nginx/conf/nginx.conf', include: NGINX_INCLUDE, base: '/usr/local/nginx/conf' },
    { kind: 'tree', path: '/etc/apache2/apache2.conf', include: APACHE_INCLUDE, base: '/etc/apache2' },
    { kind: 'tree', path: '/etc/httpd/conf/httpd.conf', include: APACHE_INCLUDE, base: '/etc/httpd' },
    { kind: 'file', path: '/etc/apache2/envvars' },
  ],
  parse(out) {
    const nv = out.cmdIfPresent('web-nginx-V');
    const av = out.cmdIfPresent('web-apache-v');
    const servers: string[] = [];
    const sites: WebSite[] = [];
    const users: string[] = [];
    let nginx: WebFacts['nginx'] = null;
    let apache: WebFacts['apache'] = null;
    if (nv) {
      const v = parseNginxV(nv.stdout + nv.stderr);
      const n = nginxFacts(out, v);
      nginx = n.meta;
      servers.push(v.flavour === 'tengine' ? 'tengine' : v.tongsuo ? 'nginx-tongsuo' : v.flavour);
      sites.push(...n.sites);
      if (n.user) users.push(n.user);
    }
    if (av) {
      const a = apacheFacts(out, av.stdout + av.stderr);
      apache = a.meta;
      servers.push('apache');
      sites.push(...a.sites);
      if (a.user) users.push(a.user);
    }
    const notRun: WebFacts['sm_probe'] = { status: 'not_run', confirmed: null, reason: 'not probed: the auditor knows no address for this host (fixture run or offline evaluation of saved facts)', targets: [] };
    if (!servers.length) {
      return { installed: false, servers_installed: [], nginx, apache, collected_at: null, sites: [], tls_site_count: 0, certificates: [], worker: { users: [], identities: [] }, webroots: [], sm_probe: notRun };
    }

    const clock = out.cmd('web-clock');
    const now = clock.exitCode === 0 && /^\d{4}-\d\d-\d\dT/.test(clock.stdout.trim()) ? clock.stdout.trim() : null;

    // Certificates the TLS sites serve; requested paths, each once.
    const wanted = new Map<string, CertFact['role']>();
    for (const s of sites) {
      if (!s.tls) continue;
      for (const c of s.tls.certificates) if (!wanted.has(c)) wanted.set(c, 'server');
      if (s.tls.sign_certificate) wanted.set(s.tls.sign_certificate, 'sign');
      if (s.tls.enc_certificate) wanted.set(s.tls.enc_certificate, 'enc');
    }
    let certificates: CertFact[] = [];
    if (wanted.size) {
      const res = out.cmd('web-certs');
      const bundle = parseCertBundle(res.stdout);
      certificates = [...wanted].filter(([p]) => !p.includes('$')).map(([p, role]) => certFact(p, role, bundle.get(p), now));
    }

    // Web roots against the worker identity.
    const wr = parseWebrootStat(out.cmd('web-webroot').stdout);
    const identities = wr.users.filter((u) => users.includes(u.user));
    const siteRoots = new Set(sites.flatMap((s) => s.roots));
    const webroots: WebFacts['webroots'] = [];
    for (const r of wr.roots) {
      if (!siteRoots.has(r.path) && !siteRoots.has(r.path + '/')) continue;
      const top = r.entries.find((e) => e.path === r.path);
      if (!top) {
        webroots.push({ path: r.path, mode: null, owner: null, group: null, writable_by_worker: null, writable_entries: [], error: { code: /Permission denied/.test(r.error ?? '') ? 'permission_denied' : 'not_found', message: r.error ?? `${r.path}: not statted` } });
        continue;
      }
      const unknown = identities.length === 0 || identities.some((i) => i.uid === null);
      const writable = r.entries.filter((e) => identities.some((i) => writableBy(e, i))).map((e) => e.path);
      webroots.push({
        path: r.path,
        mode: top.mode,
        owner: top.owner,
        group: top.group,
        writable_by_worker: unknown ? null : writable.length > 0,
        writable_entries: writable.slice(0, 20),
        ...(unknown ? { error: { code: 'not_found', message: `worker user ${users.join(', ')} could not be resolved with id` } } : {}),
      });
    }

    return {
      installed: true,
      servers_installed: servers,
      nginx,
      apache,
      collected_at: now,
      sites,
      tls_site_count: sites.filter((s) => s.tls).length,
      certificates,
      worker: { users, identities },
      webroots,
      sm_probe: notRun,
    };
  },
};
