/**
 * SM4 (GB/T 32907) on Node's native OpenSSL: CBC with PKCS#7 padding, CTR without padding.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { GwsecError } from '../model/errors.js';

export type Sm4Mode = 'cbc' | 'ctr';

function check(mode: Sm4Mode, key: Buffer, iv: Buffer): string {
  if (mode !== 'cbc' && mode !== 'ctr') throw new GwsecError('crypto_invalid_argument', { en: `SM4 mode must be cbc or ctr, got ${String(mode)}`, zh: `SM4 工作模式须为 cbc 或 ctr，实际为 ${String(mode)}` });
  if (key.length !== 16) throw new GwsecError('crypto_invalid_argument', { en: `SM4 key must be 16 bytes, got ${key.length}`, zh: `SM4 密钥须为 16 字节，实际为 ${key.length} 字节` });
  if (iv.length !== 16) throw new GwsecError('crypto_invalid_argument', { en: `SM4 IV must be 16 bytes, got ${iv.length}`, zh: `SM4 初始向量须为 16 字节，实际为 ${iv.length} 字节` });
  return `sm4-${mode}`;
}

export function sm4Encrypt(mode: Sm4Mode, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(check(mode, key, iv), key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Throws `crypto_decrypt_error` on bad CBC padding (wrong key or corrupted data). */
export function sm4Decrypt(mode: Sm4Mode, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv(check(mode, key, iv), key, iv);
  try {
    return Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new GwsecError('crypto_decrypt_error', { en: `SM4-${mode.toUpperCase()} decryption failed: ${(e as Error).message}`, zh: `SM4-${mode.toUpperCase()} 解密失败：${(e as Error).message}` });
  }
}
