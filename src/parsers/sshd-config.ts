import { globToRegex } from '../util/glob.js';
/**
 * sshd_config parsing the way OpenSSH 9.x sshd reads it (servconf.c), for hosts where `sshd -T`
 * cannot run (not root, or no binary). Pure: the files come in, the effective global settings go out.
 *
 * Rules followed (each checked against `sshd -T` of openssh-server 9.2p1):
 *  - keywords are case-insensitive; `Keyword value`, `Keyword=value`, quoted args, trailing `# …`;
 *  - the first value read wins (except accumulating keywords such as AllowUsers, ListenAddress);
 *  - `Include` takes globs, relative ones against /etc/ssh, expanded in lexical order, in place;
 *  - a `Match` block lasts to the next Match or the end of its file; `Match all` returns to the
 *    global section (not inside a file included from a Match); Match settings never change the
 *    global values `sshd -T` prints, but are recorded separately;
 *  - values are validated on every occurrence, even ones that lose or sit in a Match block: one bad
 *    value makes sshd refuse to start, reported as config_valid: false with sshd's message.
 */
import { posix } from 'node:path';
import {
  DEFAULT_CIPHERS, DEFAULT_HOSTKEY_ALGS, DEFAULT_KEX, DEFAULT_MACS, KNOWN_CIPHERS, KNOWN_KEX,
  KNOWN_KEY_ALGS, KNOWN_MACS, SSHD_ACCUMULATING, SSHD_ALIASES, SSHD_DEFAULTS, SSHD_KEYWORDS,
} from './sshd-defaults.js';

export interface ConfigFile {
  path: string;
  content: string;
}

export interface SshdMatchBlock {
  criteria: string;
  file: string;
  line: number;
  settings: Record<string, string>;
}

export interface SshdAlgorithms {
  ciphers: string[];
  macs: string[];
  kex: string[];
  hostkey: string[];
}

export interface SshdEffectiveConfig {
  config_valid: boolean;
  config_error?: string;
  /** lowercase keyword -> value as `sshd -T` prints it (first line for multi-line keywords). */
  effective: Record<string, string>;
  /** Keywords printed on several lines (listenaddress, port, allowusers, hostkey, acceptenv …). */
  multi: Record<string, string[]>;
  match_blocks: SshdMatchBlock[];
  algorithms: SshdAlgorithms;
  files_read: string[];
  unknown_keywords: string[];
}

export const SSHD_MAIN_CONFIG = '/etc/ssh/sshd_config';
const SSHDIR = '/etc/ssh';
const MAX_INCLUDE_DEPTH = 16;

const FLAG = new Set([
  'usepam', 'hostbasedauthentication', 'hostbasedusesnamefrompacketonly', 'pubkeyauthentication',
  'kerberosauthentication', 'kerberosorlocalpasswd', 'kerberosticketcleanup', 'kerberosgetafstoken',
  'gssapiauthentication', 'gssapicleanupcredentials', 'gssapistrictacceptorcheck', 'gssapikeyexchange',
  'gssapistorecredentialsonrekey', 'passwordauthentication', 'kbdinteractiveauthentication',
  'printmotd', 'printlastlog', 'ignoreuserknownhosts', 'x11forwarding', 'x11uselocalhost',
  'strictmodes', 'permitemptypasswords', 'tcpkeepalive', 'usedns', 'disableforwarding', 'permittty',
  'permituserrc', 'exposeauthinfo', 'streamlocalbindunlink', 'allowagentforwarding',
]);

/** Multistate keywords: accepted word (lowercase) -> what `sshd -T` prints. */
const MULTISTATE: Record<string, Record<string, string>> = {
  permitrootlogin: {
    'without-password': 'without-password', 'prohibit-password': 'without-password',
    'forced-commands-only': 'forced-commands-only', yes: 'yes', no: 'no',
  },
  ignorerhosts: { yes: 'yes', no: 'no', 'shosts-only': 'shosts-only' },
  allowtcpforwarding: { yes: 'yes', all: 'yes', no: 'no', local: 'local', remote: 'remote' },
  allowstreamlocalforwarding: { yes: 'yes', all: 'yes', no: 'no', local: 'local', remote: 'remote' },
  gatewayports: { yes: 'yes', no: 'no', clientspecified: 'clientspecified' },
  compression: { yes: 'yes', delayed: 'yes', no: 'no' },
  addressfamily: { any: 'any', inet: 'inet', inet6: 'inet6' },
  permittunnel: { yes: 'yes', no: 'no', 'point-to-point': 'point-to-point', ethernet: 'ethernet' },
};

const TIME = new Set(['clientaliveinterval', 'logingracetime']);
const INT = new Set(['clientalivecountmax', 'maxauthtries', 'maxsessions', 'x11displayoffset']);

interface AlgList {
  known: Set<string>;
  defaults: string[];
  error: string; // sshd's message prefix
}
const ALG_LISTS: Record<string, AlgList> = {
  ciphers: { known: KNOWN_CIPHERS, defaults: DEFAULT_CIPHERS, error: 'Bad SSH2 cipher spec' },
  macs: { known: KNOWN_MACS, defaults: DEFAULT_MACS, error: 'Bad SSH2 mac spec' },
  kexalgorithms: { known: KNOWN_KEX, defaults: DEFAULT_KEX, error: 'Bad SSH2 KexAlgorithms' },
  hostkeyalgorithms: { known: KNOWN_KEY_ALGS, defaults: DEFAULT_HOSTKEY_ALGS, error: 'Bad key types' },
  pubkeyacceptedalgorithms: { known: KNOWN_KEY_ALGS, defaults: DEFAULT_HOSTKEY_ALGS, error: 'Bad key types' },
  hostbasedacceptedalgorithms: { known: KNOWN_KEY_ALGS, defaults: DEFAULT_HOSTKEY_ALGS, error: 'Bad key types' },
};

const AUTH_METHODS = new Set(['publickey', 'password', 'keyboard-interactive', 'hostbased', 'gssapi-with-mic', 'none']);

/** Split one config line like servconf.c: keyword, then args (quotes, `=`, trailing comment). */
export function tokenizeLine(line: string): { keyword: string; args: string[] } | null {
  const s = line.replace(/[\s\f]+$/, '');
  const m = /^[\s]*([^\s=]+)\s*(?:=\s*)?(.*)$/.exec(s);
  if (!m || m[1] === undefined || m[1].startsWith('#')) return null;
  const args: string[] = [];
  const rest = m[2] ?? '';
  let i = 0;
  while (i < rest.length) {
    while (i < rest.length && /\s/.test(rest[i] ?? '')) i++;
    if (i >= rest.length) break;
    if (rest[i] === '#') break; // a comment may start any new word
    let arg = '';
    let quote: string | null = null;
    while (i < rest.length) {
      const c = rest[i] ?? '';
      if (quote) {
        if (c === quote) quote = null;
        else if (c === '\\' && /["'\\]/.test(rest[i + 1] ?? '')) arg += rest[++i];
        else arg += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (/\s/.test(c)) break;
      else if (c === '\\' && /["'\\ ]/.test(rest[i + 1] ?? '')) arg += rest[++i]; // argv_split() escapes only these
      else arg += c;
      i++;
    }
    args.push(arg);
  }
  return { keyword: m[1], args };
}

/** convtime(): "90", "5m", "1h30m" -> seconds; null when invalid. */
export function convtime(s: string): number | null {
  // Unambiguous on purpose: `^(\d+[smhdw]?)+$` backtracked exponentially on `1111…1x` (ReDoS, issue 19).
  if (!/^(?:\d+[sSmMhHdDwW])*\d+[sSmMhHdDwW]?$/.test(s)) return null;
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const part of s.matchAll(/(\d+)([sSmMhHdDwW]?)/g)) {
    total += Number(part[1]) * (part[2] ? (mult[part[2].toLowerCase()] ?? 1) : 1);
  }
  return total > 2147483647 ? null : total;
}

/**
 * sshd's match_pattern (`*`, `?`), used by `-name*` removals in algorithm lists. A linear matcher, not
 * a RegExp: `-*a*a*a*a*a*a*a*a*` from a hostile sshd_config made `^.*a.*a….*$` backtrack polynomially
 * in the number of stars (issue 19).
 */
function wildcard(pattern: string): { test(name: string): boolean } {
  return { test: (name) => globMatch(pattern, name) };
}

function globMatch(p: string, s: string): boolean {
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** kex_assemble_names(): apply `+`, `-`, `^` to the default list; keep known names, no duplicates. */
export function assembleAlgorithms(spec: string, defaults: string[], known: Set<string>): string[] {
  const items = (s: string) => s.split(',').filter((x) => x !== '');
  let out: string[];
  if (spec.startsWith('+')) out = [...defaults, ...items(spec.slice(1))];
  else if (spec.startsWith('^')) out = [...items(spec.slice(1)), ...defaults];
  else if (spec.startsWith('-')) {
    const pats = items(spec.slice(1)).map(wildcard);
    out = defaults.filter((d) => !pats.some((p) => p.test(d)));
  } else out = items(spec);
  return [...new Set(out)].filter((x) => known.has(x));
}


function globFiles(pattern: string, paths: string[]): string[] {
  if (!/[*?[]/.test(pattern)) return paths.includes(pattern) ? [pattern] : [];
  const re = globToRegex(pattern);
  const dotOk = (pattern.split('/').pop() ?? '').startsWith('.');
  return paths
    .filter((p) => re.test(p) && (dotOk || !(p.split('/').pop() ?? '').startsWith('.')))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type Validated = { value: string } | { error: string };

function validate(kw: string, rawKw: string, args: string[], where: string): Validated {
  const extra = (): Validated => ({ error: `${where}: keyword ${rawKw} extra arguments at end of line` });
  const a0 = args[0] ?? '';
  if (FLAG.has(kw) || MULTISTATE[kw]) {
    const table = MULTISTATE[kw] ?? { yes: 'yes', no: 'no' };
    const v = table[a0.toLowerCase()];
    if (v === undefined) return { error: `${where}: unsupported option "${a0}".` };
    return args.length > 1 ? extra() : { value: v };
  }
  if (TIME.has(kw)) {
    const n = convtime(a0);
    if (n === null) return { error: `${where}: invalid time value.` };
    return args.length > 1 ? extra() : { value: String(n) };
  }
  if (INT.has(kw)) {
    if (!/^-?\d+$/.test(a0)) return { error: `${where}: ${rawKw} integer value invalid.` };
    if (Number(a0) < 0) return { error: `${where}: ${rawKw} integer value too small.` };
    return args.length > 1 ? extra() : { value: String(Number(a0)) };
  }
  const alg = ALG_LISTS[kw];
  if (alg) {
    const body = /^[+^]/.test(a0) ? a0.slice(1) : a0;
    if (!a0.startsWith('-') && !body.split(',').filter((x) => x).every((n) => alg.known.has(n))) {
      return { error: `${where}: ${alg.error} '${a0}'.` };
    }
    return args.length > 1 ? extra() : { value: a0 };
  }
  if (kw === 'authenticationmethods') {
    if (a0 === 'any') return args.length > 1 ? { error: `${where}: "any" must appear alone in AuthenticationMethods` } : { value: 'any' };
    const ok = args.every((list) =>
      list.split(',').every((m) => AUTH_METHODS.has(m.split(':')[0] ?? '') && !(m.includes(':') && !m.startsWith('keyboard-interactive:'))),
    );
    return ok ? { value: args.join(' ') } : { error: `${where}: invalid AuthenticationMethods method list.` };
  }
  if (kw === 'loglevel' || kw === 'syslogfacility') return { value: a0.toUpperCase() };
  return { value: args.join(' ') };
}

/** Format ListenAddress entries like `sshd -T` ("addr:port", IPv6 in brackets). */
function listenAddresses(addrs: string[], ports: string[], family: string): string[] {
  const fmt = (host: string, port: string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  if (addrs.length === 0) {
    const hosts = family === 'inet' ? ['0.0.0.0'] : family === 'inet6' ? ['::'] : ['::', '0.0.0.0'];
    return hosts.flatMap((h) => ports.map((p) => fmt(h, p)));
  }
  const out: string[] = [];
  for (const a of addrs) {
    const host = a.split(/\s+/)[0] ?? a;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
    const v4 = /^([^:]+):(\d+)$/.exec(host);
    if (v6?.[1]) out.push(...(v6[2] ? [fmt(v6[1], v6[2])] : ports.map((p) => fmt(v6[1] as string, p))));
    else if (v4?.[1] && v4[2]) out.push(fmt(v4[1], v4[2]));
    else out.push(...ports.map((p) => fmt(host, p)));
  }
  return out;
}

/**
 * Parse sshd_config and everything it includes. `files` is every file the collector fetched (the
 * main config, its includes); anything not in it is absent, like a glob that matches nothing.
 */
export function parseSshdConfig(files: ConfigFile[], mainPath = SSHD_MAIN_CONFIG): SshdEffectiveConfig {
  const contents = new Map(files.map((f) => [f.path, f.content]));
  const paths = [...contents.keys()];
  const global = new Map<string, string>();
  const accum = new Map<string, string[]>();
  const matchBlocks: SshdMatchBlock[] = [];
  const errors: string[] = [];
  const unknown = new Set<string>();
  const read: string[] = [];

  const readFile = (path: string, depth: number, inherited: SshdMatchBlock | null): void => {
    const text = contents.get(path);
    if (text === undefined) return;
    read.push(path);
    let current = inherited;
    const lines = text.split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
      const tok = tokenizeLine(lines[n] ?? '');
      if (!tok) continue;
      const where = `${path} line ${n + 1}`;
      const rawKw = tok.keyword;
      const lower = rawKw.toLowerCase();
      if (!(lower in SSHD_KEYWORDS)) {
        // Real sshd refuses unknown keywords; vendor builds add their own, so we only note them.
        unknown.add(rawKw);
        continue;
      }
      if (tok.args.length === 0) {
        errors.push(`${where}: no argument after keyword "${rawKw}"`);
        continue;
      }
      if (lower === 'match') {
        const criteria = tok.args.join(' ');
        if (criteria.toLowerCase() === 'all' && inherited === null) current = null;
        else {
          current = { criteria, file: path, line: n + 1, settings: {} };
          matchBlocks.push(current);
        }
        continue;
      }
      if (current && SSHD_KEYWORDS[lower] === false) {
        errors.push(`${where}: Directive '${rawKw}' is not allowed within a Match block`);
        continue;
      }
      if (lower === 'include') {
        if (depth >= MAX_INCLUDE_DEPTH) {
          errors.push(`${where}: Too many recursive configuration includes`);
          continue;
        }
        for (const arg of tok.args) {
          const pattern = posix.normalize(arg.startsWith('/') ? arg : `${SSHDIR}/${arg}`);
          for (const f of globFiles(pattern, paths)) readFile(f, depth + 1, current);
        }
        continue;
      }
      const kw = SSHD_ALIASES[lower] ?? lower;
      const v = validate(kw, rawKw, tok.args, where);
      if ('error' in v) {
        errors.push(v.error);
        continue;
      }
      if (current) {
        if (!(kw in current.settings)) current.settings[kw] = v.value;
        continue;
      }
      if (SSHD_ACCUMULATING.has(kw)) {
        const list = accum.get(kw) ?? [];
        if (kw === 'subsystem') {
          const name = tok.args[0] ?? '';
          if (list.some((s) => s.split(' ')[0] === name)) {
            errors.push(`${where}: Subsystem '${name}' already defined.`);
            continue;
          }
        }
        if (kw === 'allowusers' || kw === 'denyusers' || kw === 'allowgroups' || kw === 'denygroups' || kw === 'acceptenv') {
          list.push(...tok.args);
        } else list.push(v.value);
        accum.set(kw, list);
      } else if (!global.has(kw)) global.set(kw, v.value);
    }
  };

  if (!contents.has(mainPath)) errors.push(`${mainPath}: No such file or directory`);
  else readFile(mainPath, 0, null);

  const effective: Record<string, string> = { ...SSHD_DEFAULTS };
  for (const [k, v] of global) effective[k] = v;
  const multi: Record<string, string[]> = {};
  const ports = accum.get('port') ?? ['22'];
  multi.port = ports;
  multi.listenaddress = listenAddresses(accum.get('listenaddress') ?? [], ports, effective.addressfamily ?? 'any');
  multi.hostkey = accum.get('hostkey') ?? ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key'];
  for (const [k, v] of accum) if (!(k in multi)) multi[k] = v;
  for (const [k, v] of Object.entries(multi)) if (v[0] !== undefined) effective[k] = v[0];

  const algorithms: SshdAlgorithms = {
    ciphers: assembleAlgorithms(global.get('ciphers') ?? DEFAULT_CIPHERS.join(','), DEFAULT_CIPHERS, KNOWN_CIPHERS),
    macs: assembleAlgorithms(global.get('macs') ?? DEFAULT_MACS.join(','), DEFAULT_MACS, KNOWN_MACS),
    kex: assembleAlgorithms(global.get('kexalgorithms') ?? DEFAULT_KEX.join(','), DEFAULT_KEX, KNOWN_KEX),
    hostkey: assembleAlgorithms(global.get('hostkeyalgorithms') ?? DEFAULT_HOSTKEY_ALGS.join(','), DEFAULT_HOSTKEY_ALGS, KNOWN_KEY_ALGS),
  };
  effective.ciphers = algorithms.ciphers.join(',');
  effective.macs = algorithms.macs.join(',');
  effective.kexalgorithms = algorithms.kex.join(',');
  effective.hostkeyalgorithms = algorithms.hostkey.join(',');
  for (const k of ['pubkeyacceptedalgorithms', 'hostbasedacceptedalgorithms']) {
    effective[k] = assembleAlgorithms(global.get(k) ?? DEFAULT_HOSTKEY_ALGS.join(','), DEFAULT_HOSTKEY_ALGS, KNOWN_KEY_ALGS).join(',');
  }

  const result: SshdEffectiveConfig = {
    config_valid: errors.length === 0,
    effective,
    multi,
    match_blocks: matchBlocks,
    algorithms,
    files_read: read,
    unknown_keywords: [...unknown],
  };
  if (errors[0] !== undefined) result.config_error = errors[0];
  return result;
}

/** Parse `sshd -T` output: one `keyword value` per line, lowercase keywords. */
export function parseSshdT(stdout: string): Pick<SshdEffectiveConfig, 'effective' | 'multi' | 'algorithms'> {
  const effective: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^([a-z0-9]+)(?:\s+(.*))?$/.exec(line.trim());
    if (!m?.[1]) continue;
    const kw = m[1];
    const value = (m[2] ?? '').trim();
    // Own keys only: a hostile `constructor` or `__proto__` line must not reach Object.prototype.
    if (Object.hasOwn(effective, kw)) {
      (Object.hasOwn(multi, kw) ? multi[kw]! : (multi[kw] = [effective[kw] as string])).push(value);
    } else effective[kw] = value;
  }
  for (const k of SSHD_ACCUMULATING) if (Object.hasOwn(effective, k) && !Object.hasOwn(multi, k)) multi[k] = [effective[k] as string];
  const list = (k: string) => (effective[k] ? (effective[k] as string).split(',').filter((x) => x) : []);
  return {
    effective,
    multi,
    algorithms: { ciphers: list('ciphers'), macs: list('macs'), kex: list('kexalgorithms'), hostkey: list('hostkeyalgorithms') },
  };
}
