import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { appendKnownHost, checkHostKey, fingerprint, keyType, loadKnownHosts, parseKnownHosts } from '../../src/transport/known-hosts.js';

/** An ed25519 public key in SSH wire format, as ssh2 hands it to hostVerifier. */
function sshKey(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const s = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([s(Buffer.from('ssh-ed25519')), s(raw)]);
}

const k1 = sshKey();
const k2 = sshKey();

test('plain, [host]:port, wildcard and negated entries', (t) => {
  const kh = parseKnownHosts(`web-01,10.0.0.11 ssh-ed25519 ${k1.toString('base64')}\n[127.0.0.1]:22001 ssh-ed25519 ${k2.toString('base64')}\n*.gov.cn,!evil.gov.cn ssh-ed25519 ${k1.toString('base64')}\n`);
  t.is(checkHostKey(kh, '10.0.0.11', 22, k1), 'match');
  t.is(checkHostKey(kh, '127.0.0.1', 22001, k2), 'match');
  t.is(checkHostKey(kh, '127.0.0.1', 22002, k2), 'unknown'); // another port is another host
  t.is(checkHostKey(kh, '127.0.0.1', 22001, k1), 'changed');
  t.is(checkHostKey(kh, 'www.gov.cn', 22, k1), 'match');
  t.is(checkHostKey(kh, 'evil.gov.cn', 22, k1), 'unknown');
});

test('hashed entries written by accept-new are found again; @revoked wins', (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'gwsec-kh-')), 'known_hosts');
  appendKnownHost(file, '127.0.0.1', 22005, k1);
  t.regex(readFileSync(file, 'utf8'), /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
  t.is(checkHostKey(loadKnownHosts(file), '127.0.0.1', 22005, k1), 'match');
  t.is(checkHostKey(loadKnownHosts(file), '127.0.0.1', 22005, k2), 'changed');
  const revoked = parseKnownHosts(`@revoked * ssh-ed25519 ${k1.toString('base64')}\nhost ssh-ed25519 ${k1.toString('base64')}\n`);
  t.is(checkHostKey(revoked, 'host', 22, k1), 'revoked');
});

test('key type and OpenSSH-style fingerprint', (t) => {
  t.is(keyType(k1), 'ssh-ed25519');
  t.regex(fingerprint(k1), /^SHA256:[A-Za-z0-9+/]{43}$/);
});
