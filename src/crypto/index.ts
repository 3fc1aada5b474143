/** The SM crypto core: SM3, HMAC-SM3, SM4 and standard SM2 signatures on native OpenSSL. */
export { sm3, createSm3, hmacSm3 } from './sm3.js';
export { sm4Encrypt, sm4Decrypt } from './sm4.js';
export {
  generateSm2KeyPair,
  importSm2PrivateKey,
  importSm2PublicKey,
  sm2PublicKeyFromPrivate,
  sm2PrivateKeyToHex,
  sm2PublicKeyToHex,
  sm2PrivateKeyFromHex,
  sm2PublicKeyFromHex,
  sm2Za,
  sm2Sign,
  sm2Verify,
  sm2VerifyDigest,
} from './sm2.js';
