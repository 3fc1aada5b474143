import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * OpenSSH known_hosts checking: plain and hashed (`|1|salt|hmac`) host entries, `[host]:port` for
 * non-22 ports, wildcard patterns and negation, `@revoked` keys. Strict by default: a host whose
 * recorded keys do not include the presented one is `changed`, whatever the key type.
 */
export type HostKeyVerdict = 'match' | 'unknown' | 'changed' | 'revoked';

interface Entry {
  marker?: string;
  hosts: string; // the first field as written
  type: string;
  key: string; // base64 blob
}

export function parseKnownHosts(text: string): Entry[] {
  const out: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const marker = parts[0]!.startsWith('@') ? parts.shift() : undefined;
    if (parts.length < 3) continue;
    out.push({ marker, hosts: parts[0]!, type: parts[1]!, key: parts[2]! });
  }
  return out;
}

/** How OpenSSH names a host in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let hit = false;
  for (const pat of field.split(',')) {
    const neg = pat.startsWith('!');
    if (wildcardToRegex(neg ? pat.slice(1) : pat).test(name)) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

/** key: the raw public key blob the server presented (ssh2's hostVerifier argument). */
export function checkHostKey(entries: Entry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostLookupName(host, port);
  const b64 = key.toString('base64');
  const mine = entries.filter((e) => e.marker !== '@cert-authority' && hostMatches(e.hosts, name));
  if (mine.some((e) => e.marker === '@revoked' && e.key === b64)) return 'revoked';
  if (entries.some((e) => e.marker === '@revoked' && e.key === b64)) return 'revoked';
  const live = mine.filter((e) => e.marker === undefined);
  if (live.some((e) => e.key === b64)) return 'match';
  return live.length ? 'changed' : 'unknown';
}

/**
 * The file's entries, parsed once per content: a fleet of 100 hosts checks against the same file 100
 * times. Keyed by size and mtime, so an entry appended by --accept-new-host-keys is seen at once.
 */
export function loadKnownHosts(file: string): Entry[] {
  let st;
  try {
    st = statSync(file);
  } catch {
    return [];
  }
  const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const hit = parsed.get(file);
  if (hit?.key === key) return hit.entries;
  const entries = parseKnownHosts(readFileSync(file, 'utf8'));
  parsed.set(file, { key, entries });
  return entries;
}
const parsed = new Map<string, { key: string; entries: Entry[] }>();

/** Record a newly accepted key (hashed, like HashKnownHosts yes). Never called for changed keys. */
export function appendKnownHost(file: string, host: string, port: number, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(hostLookupName(host, port)).digest('base64')}`;
  appendFileSync(file, `${hashed} ${keyType(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}

/** The key type is the first string inside the SSH wire-format blob. */
export function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const n = key.readUInt32BE(0);
  return key.subarray(4, 4 + n).toString('latin1');
}

/** OpenSSH's fingerprint format: SHA256:<base64 without padding>. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH host patterns: only `*` and `?` are special (brackets are literal, as in `[host]:port`). */
export function wildcardToRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
