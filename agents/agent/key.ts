import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentConfig } from './config.js';
import { generateSm2KeyPair, sm3 } from '../../src/crypto/index.js';
import { writeFileDurable } from './state.js';

/** Load the agent's SM2 key pair, generating it (private key 0600) on first start. */
export function loadOrCreateKey(cfg: AgentConfig): { keyId: string; privateKeyPem: string; publicKeyPem: string } {
  if (!existsSync(cfg.key.private)) {
    const kp = generateSm2KeyPair();
    mkdirSync(dirname(cfg.key.private), { recursive: true, mode: 0o700 });
    mkdirSync(dirname(cfg.key.public), { recursive: true, mode: 0o700 });
    // Public first: the private key's presence means the pair is complete (a crash in between regenerates).
    writeFileDurable(cfg.key.public, kp.publicKeyPem);
    writeFileDurable(cfg.key.private, kp.privateKeyPem);
  }
  const privateKeyPem = readFileSync(cfg.key.private, 'utf8');
  const publicKeyPem = readFileSync(cfg.key.public, 'utf8');
  return { keyId: sm3(Buffer.from(publicKeyPem)).toString('hex').slice(0, 16), privateKeyPem, publicKeyPem };
}
