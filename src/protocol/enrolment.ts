/**
 * Enrolment: one-time tokens and the agent's certificate request.
 *
 * One-time enrolment tokens: `gwsec1.<secret>.<CA fingerprint>`. The collector keeps only the
 * SHA-256 of the secret; the CA fingerprint lets the agent authenticate the collector on its very
 * first connection (before it has the CA), as kubeadm's discovery hash does.
 */
import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { GwsecError } from '../model/errors.js';

const RE = /^gwsec1\.([A-Za-z0-9_-]{43})\.([0-9a-f]{64})$/;

export function makeToken(caFingerprint: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `gwsec1.${secret}.${caFingerprint}`, hash: hashSecret(secret) };
}

export function parseToken(token: string): { secret: string; caFingerprint: string; hash: string } {
  const m = RE.exec(token.trim());
  if (!m) throw new GwsecError('enrol_bad_token', {
      en: 'not an enrolment token (expected gwsec1.<secret>.<CA fingerprint>, from `gwsec collector token`)',
      zh: '不是有效的注册令牌（应为 gwsec1.<密钥>.<CA 指纹>，由 `gwsec collector token` 生成）',
    });
  return { secret: m[1]!, caFingerprint: m[2]!, hash: hashSecret(m[1]!) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(`gwsec-enrol-token\0${secret}`).digest('hex');
}

/** `30m`, `1h`, `2d`, or seconds. */
export function parseTtl(s: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(s.trim());
  if (!m) throw new GwsecError('usage_error', { en: `--ttl ${s}: expected e.g. 30m, 1h, 2d`, zh: `--ttl ${s}：有效期格式应如 30m、1h、2d` });
  const n = Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]!;
  if (n < 1 || n > 30 * 86400) throw new GwsecError('usage_error', { en: `--ttl ${s}: between 1 second and 30 days`, zh: `--ttl ${s}：有效期须在 1 秒到 30 天之间` });
  return n;
}

/** Agent side: a fresh RSA key (Node's native generator, via forge) and a CSR for it; the key stays on the agent. */
export function makeCsr(name: string): { keyPem: string; csrPem: string } {
  const { pki, md } = forge;
  const keys = pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const csr = pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject([{ name: 'commonName', value: name }]);
  csr.sign(keys.privateKey, md.sha256.create());
  return { keyPem: pki.privateKeyToPem(keys.privateKey), csrPem: pki.certificationRequestToPem(csr) };
}
