/**
 * nginx directive tree -> web sites (one per `server` block in `http`), with inheritance resolved:
 * ssl_* and access_log from http to server, allow/deny from server to location (nginx replaces,
 * never merges, array directives defined at a deeper level).
 */
import { all, first, type NginxDirective } from './nginx.js';
import { evaluateCipherString, isLoopback, nginxDefaultProtocols, nginxProtocols, rfc8998Suites, type WebListen, type WebLocation, type WebSite } from './tls.js';

export interface NginxContext {
  version: string | null;
  openssl: string | null;
  prefix: string; // relative paths (certificates, roots) resolve against this
}

export interface NginxModel {
  user: string | null;
  sites: WebSite[];
}

const SSL_INHERITED = ['ssl_protocols', 'ssl_ciphers', 'ssl_certificate', 'ssl_sign_certificate', 'ssl_enc_certificate', 'enable_ntls', 'ssl_verify_client', 'ssl_conf_command', 'access_log', 'allow', 'deny', 'root', 'ssl'];

function parseListen(d: NginxDirective, sslOn: boolean): WebListen | null {
  const spec = d.args[0] ?? '';
  if (spec.startsWith('unix:')) return null;
  let address = '*';
  let port = 80;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (v6) {
    address = `[${v6[1]}]`;
    if (v6[2]) port = Number(v6[2]);
  } else if (/^\d+$/.test(spec)) {
    port = Number(spec);
  } else {
    const i = spec.lastIndexOf(':');
    if (i >= 0) {
      address = spec.slice(0, i);
      port = Number(spec.slice(i + 1));
    } else address = spec;
  }
  const ssl = sslOn || d.args.slice(1).some((a) => a === 'ssl' || a === 'quic');
  return { address, port, ssl, loopback: isLoopback(address) };
}

/** Directives effective at a level: own if present, else inherited. */
function pick(own: NginxDirective[], inherited: NginxDirective[], names: string[]): NginxDirective[] {
  const has = own.some((d) => names.includes(d.name));
  return has ? own.filter((d) => names.includes(d.name)) : inherited.filter((d) => names.includes(d.name));
}

function accessOf(rules: NginxDirective[]): { allow: string[]; deny_all: boolean } {
  const allow: string[] = [];
  let denyAll = false;
  for (const r of rules) {
    if (r.name === 'deny' && r.args[0] === 'all') {
      denyAll = true;
      break;
    }
    if (r.name === 'allow' && r.args[0]) allow.push(r.args[0]);
  }
  return { allow, deny_all: denyAll };
}

function returnCode(list: NginxDirective[]): { code: number; target: string } | null {
  const r = first(list, 'return');
  if (!r) return null;
  const code = Number(r.args[0]);
  if (isNaN(code)) return { code: 302, target: r.args[0] ?? '' };
  return { code, target: r.args[1] ?? '' };
}

function redirectsHttps(list: NginxDirective[]): boolean {
  const ret = returnCode(list);
  if (ret && [301, 302, 303, 307, 308].includes(ret.code) && /^https:\/\//i.test(ret.target)) return true;
  return all(list, 'rewrite').some((d) => /^https:\/\//i.test(d.args[1] ?? '') && !/\b(last|break)\b/.test(d.args[2] ?? ''));
}

export function buildNginxSites(directives: NginxDirective[], ctx: NginxContext): NginxModel {
  const user = first(directives, 'user')?.args[0] ?? null;
  const http = all(directives, 'http');
  const sites: WebSite[] = [];
  for (const h of http) {
    const httpDirs = h.block ?? [];
    const httpInherited = httpDirs.filter((d) => SSL_INHERITED.includes(d.name));
    for (const s of all(httpDirs, 'server')) sites.push(buildSite(s, httpInherited, ctx));
  }
  return { user, sites };
}

function resolveFile(p: string, prefix: string): string {
  return p.startsWith('/') || p.startsWith('$') || p.startsWith('data:') ? p : prefix.replace(/\/$/, '') + '/' + p;
}

function buildSite(s: NginxDirective, inherited: NginxDirective[], ctx: NginxContext): WebSite {
  const own = s.block ?? [];
  const eff = (names: string[]): NginxDirective[] => pick(own, inherited, names);
  const sslOn = eff(['ssl'])[0]?.args[0] === 'on';
  const listenDirs = all(own, 'listen');
  const listens = listenDirs.length ? listenDirs.map((d) => parseListen(d, sslOn)).filter((x): x is WebListen => x !== null) : [{ address: '*', port: 80, ssl: sslOn, loopback: false }];
  const serverNames = all(own, 'server_name').flatMap((d) => d.args);

  let tls: WebSite['tls'] = null;
  if (listens.some((l) => l.ssl)) {
    const protoDir = eff(['ssl_protocols'])[0];
    const cipherDir = eff(['ssl_ciphers'])[0];
    const ciphers = cipherDir?.args[0] ?? 'HIGH:!aNULL:!MD5';
    const ev = evaluateCipherString(ciphers, ctx.openssl);
    const ntls = eff(['enable_ntls'])[0]?.args[0] === 'on';
    const sign = eff(['ssl_sign_certificate'])[0]?.args[0] ?? null;
    const enc = eff(['ssl_enc_certificate'])[0]?.args[0] ?? null;
    const protocols = protoDir ? nginxProtocols(protoDir.args) : nginxDefaultProtocols(ctx.version);
    const confSuites = eff(['ssl_conf_command'])
      .filter((d) => /^ciphersuites$/i.test(d.args[0] ?? ''))
      .map((d) => d.args[1] ?? '');
    const rfc = [...new Set([...rfc8998Suites(ciphers), ...confSuites.flatMap(rfc8998Suites)])];
    tls = {
      protocols,
      protocols_source: protoDir ? 'config' : 'default',
      ciphers,
      ciphers_source: cipherDir ? 'config' : 'default',
      weak_ciphers: ev.weak,
      weak_suites: ev.weak_suites,
      certificates: eff(['ssl_certificate']).map((d) => resolveFile(d.args[0] ?? '', ctx.prefix)),
      ntls,
      sign_certificate: sign && resolveFile(sign, ctx.prefix),
      enc_certificate: enc && resolveFile(enc, ctx.prefix),
      rfc8998_suites: rfc,
      sm_configured: (ntls && !!sign && !!enc) || (rfc.length > 0 && protocols.includes('TLSv1.3')),
    };
  }

  const serverAccess = accessOf(eff(['allow', 'deny']));
  const clientCert = eff(['ssl_verify_client'])[0]?.args[0] === 'on';
  const locations: WebLocation[] = [];
  const roots = new Set<string>();
  const rootDir = eff(['root'])[0];
  if (rootDir) roots.add(resolveFile(rootDir.args[0] ?? '', ctx.prefix));

  const walk = (list: NginxDirective[], parentRules: NginxDirective[]): void => {
    for (const l of all(list, 'location')) {
      const body = l.block ?? [];
      const [a0, a1] = l.args;
      const modifier = a1 !== undefined && ['=', '~', '~*', '^~'].includes(a0!) ? a0! : '';
      const path = modifier ? (a1 ?? '') : (a0 ?? '');
      const rules = pick(body, parentRules, ['allow', 'deny']);
      const acc = accessOf(rules);
      const ret = returnCode(body);
      const alias = first(body, 'alias')?.args[0] ?? null;
      const root = first(body, 'root')?.args[0];
      if (alias && !alias.includes('$')) roots.add(resolveFile(alias, ctx.prefix));
      if (root && !root.includes('$')) roots.add(resolveFile(root, ctx.prefix));
      locations.push({
        path,
        modifier,
        alias,
        allow: acc.allow,
        deny_all: acc.deny_all,
        blocked: (acc.deny_all && acc.allow.length === 0) || (ret !== null && [403, 404, 410, 444].includes(ret.code)),
        client_cert_required: clientCert,
        file: l.file,
        line: l.line,
      });
      walk(body, rules);
    }
  };
  walk(own, eff(['allow', 'deny']));

  const ifBlocks = all(own, 'if').flatMap((d) => d.block ?? []);
  const rootLoc = all(own, 'location').find((l) => (l.args.length === 1 && l.args[0] === '/') || (l.args[0] === '^~' && l.args[1] === '/'));
  const ret = returnCode(own);
  const logs = eff(['access_log']);
  return {
    server: 'nginx',
    server_names: serverNames,
    listens,
    tls,
    plain_public: listens.some((l) => !l.ssl && !l.loopback),
    redirects_to_https: redirectsHttps(own) || redirectsHttps(ifBlocks) || (rootLoc ? redirectsHttps(rootLoc.block ?? []) : false),
    refuses_plain: ret !== null && [400, 403, 404, 444].includes(ret.code),
    access_log_off: logs.length > 0 && logs.every((d) => d.args[0] === 'off'),
    client_cert_required: clientCert,
    allow: serverAccess.allow,
    deny_all: serverAccess.deny_all,
    locations,
    roots: [...roots].map((r) => (r.length > 1 ? r.replace(/\/+$/, '') : r)),
    file: s.file,
    line: s.line,
  };
}
