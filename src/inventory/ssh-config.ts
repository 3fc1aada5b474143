import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { globToRegex } from '../transport/fixture.js';
import { wildcardToRegex } from '../transport/known-hosts.js';

/**
 * The subset of ssh_config(5) a bastion user relies on: Host patterns (wildcards, negation), first
 * value wins, IdentityFile accumulates, HostName/User/Port/ProxyJump, Include. `Match` blocks are
 * skipped (reported in `ignored`), as they cannot be evaluated without a real connection.
 */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
  connectTimeoutS?: number;
  serverAliveIntervalS?: number;
  userKnownHostsFile?: string;
  strictHostKeyChecking?: string;
}

interface Block {
  patterns: string[];
  options: Array<[string, string]>;
}

export function parseSshConfig(text: string, baseDir = join(homedir(), '.ssh'), depth = 0): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  let skipping = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = unquote(m[2]!.trim());
    if (key === 'host') {
      blocks.push({ patterns: value.split(/\s+/), options: [] });
      skipping = false;
    } else if (key === 'match') {
      skipping = true;
    } else if (key === 'include' && depth < 8) {
      for (const pat of value.split(/\s+/)) {
        const p = expandTilde(pat);
        const full = isAbsolute(p) ? p : join(baseDir, p);
        for (const f of expandGlob(full)) {
          // included files' Host blocks are spliced in place
          const inner = parseSshConfig(readFileSync(f, 'utf8'), baseDir, depth + 1);
          blocks[blocks.length - 1]!.options.push(...inner[0]!.options);
          blocks.push(...inner.slice(1));
        }
      }
    } else if (!skipping) {
      blocks[blocks.length - 1]!.options.push([key, value]);
    }
  }
  return blocks;
}

export function resolveHost(blocks: Block[], alias: string): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  const set = new Set<string>();
  for (const b of blocks) {
    if (!matches(b.patterns, alias)) continue;
    for (const [k, v] of b.options) {
      if (k === 'identityfile') {
        out.identityFiles.push(expandTokens(expandTilde(v), alias, out));
        continue;
      }
      if (set.has(k)) continue; // first obtained value wins
      set.add(k);
      switch (k) {
        case 'hostname':
          out.hostName = v.replace(/%h/g, alias);
          break;
        case 'user':
          out.user = v;
          break;
        case 'port':
          out.port = Number(v);
          break;
        case 'proxyjump':
          if (v.toLowerCase() !== 'none') out.proxyJump = v;
          break;
        case 'connecttimeout':
          out.connectTimeoutS = Number(v);
          break;
        case 'serveraliveinterval':
          out.serverAliveIntervalS = Number(v);
          break;
        case 'userknownhostsfile':
          out.userKnownHostsFile = expandTilde(v.split(/\s+/)[0]!);
          break;
        case 'stricthostkeychecking':
          out.strictHostKeyChecking = v.toLowerCase();
          break;
      }
    }
  }
  return out;
}

export function loadSshConfig(file?: string): Block[] {
  const path = file ?? join(homedir(), '.ssh', 'config');
  if (!existsSync(path)) return [];
  return parseSshConfig(readFileSync(path, 'utf8'), dirname(path));
}

function matches(patterns: string[], alias: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const neg = p.startsWith('!');
    if (wildcardToRegex(neg ? p.slice(1) : p).test(alias)) {
      if (neg) return false; // a negated match excludes the block whatever else matches
      hit = true;
    }
  }
  return hit;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

export function expandTilde(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
}

function expandTokens(p: string, alias: string, c: SshHostConfig): string {
  return p
    .replace(/%d/g, homedir())
    .replace(/%h/g, c.hostName ?? alias)
    .replace(/%r/g, c.user ?? '')
    .replace(/%p/g, String(c.port ?? 22))
    .replace(/%%/g, '%');
}

function expandGlob(path: string): string[] {
  if (!/[*?[]/.test(path)) return existsSync(path) ? [path] : [];
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const re = globToRegex(path);
  return readdirSafe(dir).map((f) => join(dir, f)).filter((f) => re.test(f)).sort();
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
