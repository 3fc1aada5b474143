import { createHmac, randomBytes } from 'node:crypto';

/** The name OpenSSH looks a host up by: `addr` on port 22, `[addr]:port` otherwise. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `|1|salt|HMAC-SHA1(salt, name)`, as `ssh-keygen -H` writes it. */
export function hashedPattern(pattern: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(pattern).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

/** A `.pub` file's "type base64 comment" → "type base64". */
export function publicKeyOf(pubFile: string): string {
  const [type, b64] = pubFile.trim().split(/\s+/);
  if (!type || !b64) throw new Error(`harness: not a public key: ${pubFile.slice(0, 60)}`);
  return `${type} ${b64}`;
}

/** One line per name (no comma lists), so plain and hashed files hold the same entries. */
export function knownHostsLines(names: string[], key: string, hashed: boolean): string[] {
  return names.map((n) => `${hashed ? hashedPattern(n) : n} ${key}`);
}
