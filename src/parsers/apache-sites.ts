/**
 * Apache node tree -> web sites (one per <VirtualHost>, or the main server when there is none).
 * Server-config directives (outside any VirtualHost) are the defaults every vhost inherits.
 */
import { apacheFind, apacheLast, type ApacheNode } from './apache.js';
import { resolvePath } from './nginx.js';
import { apacheProtocols, evaluateCipherString, isLoopback, rfc8998Suites, type WebListen, type WebLocation, type WebSite } from './tls.js';

export interface ApacheContext {
  openssl: string | null;
  serverRoot: string;
}

export interface ApacheModel {
  user: string | null;
  group: string | null;
  sites: WebSite[];
}

const lc = (s: string): string => s.toLowerCase();

function access(block: ApacheNode[]): { allow: string[]; deny_all: boolean; blocked: boolean } | null {
  const req = apacheFind(block, 'Require');
  const allow: string[] = [];
  let denied = false;
  let any = false;
  for (const r of req) {
    any = true;
    const [kind, ...vals] = r.args.map((a, i) => (i === 0 ? lc(a) : a));
    if (kind === 'all' && lc(vals[0] ?? '') === 'denied') denied = true;
    else if (kind === 'all' && lc(vals[0] ?? '') === 'granted') allow.push('all');
    else if (kind === 'ip') allow.push(...vals);
    else if (kind !== 'not') allow.push(`${kind} ${vals.join(' ')}`.trim());
  }
  // 2.2-style access control (still accepted through mod_access_compat)
  for (const d of apacheFind(block, 'Deny')) {
    any = true;
    if (lc(d.args.join(' ')) === 'from all') denied = true;
  }
  for (const a of apacheFind(block, 'Allow')) {
    any = true;
    const v = a.args.slice(lc(a.args[0] ?? '') === 'from' ? 1 : 0);
    allow.push(...v.map((x) => (lc(x) === 'all' ? 'all' : x)));
  }
  if (!any) return null;
  // `Require ip …` alone denies everyone else
  const denyAll = denied || (allow.length > 0 && !allow.includes('all'));
  return { allow, deny_all: denyAll, blocked: denied && allow.length === 0 };
}

function parseVhostAddr(a: string, ssl: boolean): WebListen {
  const m = /^(.*):(\d+)$/.exec(a);
  const address = m ? m[1]! : a;
  const port = m ? Number(m[2]) : ssl ? 443 : 80;
  const addr = address === '_default_' ? '*' : address;
  return { address: addr, port, ssl, loopback: isLoopback(addr) };
}

export function buildApacheSites(nodes: ApacheNode[], ctx: ApacheContext): ApacheModel {
  const global = nodes.filter((n) => lc(n.name) !== 'virtualhost');
  const vhosts = apacheFind(nodes, 'VirtualHost');
  const user = apacheLast(global, 'User')?.args[0] ?? null;
  const group = apacheLast(global, 'Group')?.args[0] ?? null;
  const sites: WebSite[] = [];
  if (vhosts.length) {
    for (const v of vhosts) sites.push(buildSite(v.block ?? [], global, v.args, v.file, v.line, ctx));
  } else {
    const listens = apacheFind(global, 'Listen').map((l) => l.args[0] ?? '80');
    const first = apacheFind(global, 'Listen')[0] ?? nodes[0];
    sites.push(buildSite([], global, listens.length ? listens : ['*:80'], first?.file ?? '', first?.line ?? 0, ctx));
  }
  return { user, group, sites };
}

function buildSite(own: ApacheNode[], global: ApacheNode[], addrs: string[], file: string, line: number, ctx: ApacheContext): WebSite {
  const eff = (name: string): ApacheNode | undefined => apacheLast(own, name) ?? apacheLast(global, name);
  const ssl = lc(eff('SSLEngine')?.args[0] ?? 'off') === 'on';
  const listens = addrs.map((a) => parseVhostAddr(/^\d+$/.test(a) ? `*:${a}` : a, ssl));
  let tls: WebSite['tls'] = null;
  if (ssl) {
    const protoDir = eff('SSLProtocol');
    const cipherDir = eff('SSLCipherSuite');
    // SSLCipherSuite [protocol] cipher-spec: "TLSv1.3 TLS_…" sets the 1.3 suites
    const cipherArgs = apacheFind(own, 'SSLCipherSuite').concat(apacheFind(global, 'SSLCipherSuite'));
    const tls12 = cipherArgs.find((d) => d.args.length === 1 || lc(d.args[0] ?? '') === 'ssl');
    const tls13 = cipherArgs.find((d) => lc(d.args[0] ?? '') === 'tlsv1.3');
    const ciphers = tls12 ? tls12.args[tls12.args.length - 1]! : 'DEFAULT';
    const ev = evaluateCipherString(ciphers, ctx.openssl);
    const protocols = apacheProtocols(protoDir ? protoDir.args : ['all', '-SSLv3'], ctx.openssl);
    const rfc = rfc8998Suites(tls13?.args[1] ?? '');
    const certs = [apacheLast(own, 'SSLCertificateFile') ?? apacheLast(global, 'SSLCertificateFile')].filter((x): x is ApacheNode => !!x);
    tls = {
      protocols,
      protocols_source: protoDir ? 'config' : 'default',
      ciphers,
      ciphers_source: cipherDir ? 'config' : 'default',
      weak_ciphers: ev.weak,
      weak_suites: ev.weak_suites,
      certificates: certs.map((c) => resolvePath(c.args[0] ?? '', ctx.serverRoot)),
      ntls: false,
      sign_certificate: null,
      enc_certificate: null,
      rfc8998_suites: rfc,
      sm_configured: rfc.length > 0 && protocols.includes('TLSv1.3'),
    };
  }
  const clientCert = lc(eff('SSLVerifyClient')?.args[0] ?? 'none') === 'require';
  const siteAccess = access(own) ?? { allow: [], deny_all: false, blocked: false };
  const dirs = [...apacheFind(global, 'Directory'), ...apacheFind(own, 'Directory')];
  const locations: WebLocation[] = [];
  for (const sec of [...apacheFind(global, 'Location'), ...apacheFind(global, 'LocationMatch'), ...apacheFind(own, 'Location'), ...apacheFind(own, 'LocationMatch')]) {
    const acc = access(sec.block ?? []) ?? siteAccess;
    locations.push({
      path: sec.args[0] ?? '',
      modifier: sec.name,
      alias: null,
      allow: acc.allow,
      deny_all: acc.deny_all,
      blocked: 'blocked' in acc ? acc.blocked : false,
      client_cert_required: clientCert || lc(apacheLast(sec.block, 'SSLVerifyClient')?.args[0] ?? '') === 'require',
      file: sec.file,
      line: sec.line,
    });
  }
  for (const al of [...apacheFind(global, 'Alias'), ...apacheFind(own, 'Alias'), ...apacheFind(global, 'ScriptAlias'), ...apacheFind(own, 'ScriptAlias')]) {
    const target = al.args[1] ?? '';
    const dir = dirs.find((d) => (d.args[0] ?? '').replace(/\/$/, '') === target.replace(/\/$/, ''));
    const acc = (dir && access(dir.block ?? [])) ?? siteAccess;
    locations.push({ path: al.args[0] ?? '', modifier: al.name, alias: target, allow: acc.allow, deny_all: acc.deny_all, blocked: acc.blocked, client_cert_required: clientCert, file: al.file, line: al.line });
  }
  const redirect =
    [...apacheFind(own, 'Redirect'), ...apacheFind(own, 'RedirectPermanent'), ...apacheFind(own, 'RedirectMatch')].some((d) => {
      const a = d.args.filter((x) => !/^(permanent|temp|seeother|30\d)$/i.test(x));
      return /^https:\/\//i.test(a[a.length - 1] ?? '') && (lc(d.name) === 'redirectmatch' || a[0] === '/');
    }) || apacheFind(own, 'RewriteRule').some((d) => /^https:\/\//i.test(d.args[1] ?? '') && /R(=\d+)?[,\]]/i.test(d.args[2] ?? ''));
  const logs = [...apacheFind(own, 'CustomLog'), ...apacheFind(own, 'TransferLog'), ...apacheFind(global, 'CustomLog'), ...apacheFind(global, 'TransferLog')];
  const docRoot = eff('DocumentRoot')?.args[0];
  const roots = [docRoot, ...locations.map((l) => l.alias)].filter((x): x is string => !!x && !x.includes('$')).map((r) => resolvePath(r, ctx.serverRoot));
  return {
    server: 'apache',
    server_names: [...apacheFind(own, 'ServerName'), ...apacheFind(own, 'ServerAlias')].flatMap((d) => d.args),
    listens,
    tls,
    plain_public: listens.some((l) => !l.ssl && !l.loopback),
    redirects_to_https: redirect,
    refuses_plain: siteAccess.blocked,
    access_log_off: logs.length === 0,
    client_cert_required: clientCert,
    allow: siteAccess.allow,
    deny_all: siteAccess.deny_all,
    locations,
    roots: [...new Set(roots)],
    file,
    line,
  };
}
