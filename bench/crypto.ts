/**
 * (d) of issue 5: the SM crypto core on native OpenSSL vs sm-crypto (pure JS), same run, one core.
 * SM3 and SM4-CBC in MB/s, SM2 sign/verify per second (standard, default ID, with Z_A).
 */
import { createPrivateKey, randomBytes, sign as nativeSign } from 'node:crypto';
import sm from 'sm-crypto';
import { SMOKE } from './smoke.js';
import { generateSm2KeyPair, sm2PrivateKeyToHex, sm2PublicKeyToHex, sm2Sign, sm2Verify, sm3, sm4Encrypt } from '../src/crypto/index.js';

const { sm2: jsSm2, sm3: jsSm3, sm4: jsSm4 } = sm;

/** Best of 3 rates of `fn` over roughly `ms` each: units/s. */
function rate(units: number, fn: () => void, ms = SMOKE ? 30 : 700): number {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const t0 = performance.now();
    let dt = 0;
    do {
      fn();
      n++;
      dt = performance.now() - t0;
    } while (dt < ms / 3);
    best = Math.max(best, (n * units) / (dt / 1000));
  }
  return best;
}

export interface CryptoFigures {
  sm3: { native: number; js: number };
  sm4cbc: { native: number; js: number };
  sm2sign: { native: number; js: number; opensslEmptyId: number };
  sm2verify: { native: number; js: number };
}

export async function runCryptoBench(out: (s: string) => void = (s) => process.stdout.write(s)): Promise<CryptoFigures> {
  const big = randomBytes(SMOKE ? 1 << 20 : 16 << 20);
  const small = randomBytes(256 << 10);
  const smallArr = Array.from(small);
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const MB = 1e6;

  const f: CryptoFigures = {
    sm3: { native: rate(big.length / MB, () => sm3(big)), js: rate(small.length / MB, () => jsSm3(smallArr)) },
    sm4cbc: {
      native: rate(big.length / MB, () => sm4Encrypt('cbc', key, iv, big)),
      js: rate(small.length / MB, () => jsSm4.encrypt(smallArr, key.toString('hex'), { mode: 'cbc', iv: iv.toString('hex'), output: 'array' })),
    },
    sm2sign: { native: 0, js: 0, opensslEmptyId: 0 },
    sm2verify: { native: 0, js: 0 },
  };
  const k = generateSm2KeyPair();
  const dHex = sm2PrivateKeyToHex(k.privateKeyPem);
  const pubHex = sm2PublicKeyToHex(k.publicKeyPem);
  const msg = Buffer.from('gwsec-journal-checkpoint/1\nseq=123456\nhash=' + 'ab'.repeat(32) + '\n');
  const msgArr = Array.from(msg);
  const sig = sm2Sign(k.privateKeyPem, msg);
  const jsSig = jsSm2.doSignature(msgArr, dHex, { hash: true, der: true, publicKey: pubHex });
  if (!sm2Verify(k.publicKeyPem, msg, Buffer.from(jsSig, 'hex')) || !jsSm2.doVerifySignature(msgArr, sig.toString('hex'), pubHex, { hash: true, der: true })) {
    throw new Error('SM2 interop check failed before benchmarking');
  }
  const keyObj = createPrivateKey(k.privateKeyPem);
  f.sm2sign = {
    native: rate(1, () => sm2Sign(k.privateKeyPem, msg)),
    js: rate(1, () => jsSm2.doSignature(msgArr, dHex, { hash: true, der: true, publicKey: pubHex })),
    opensslEmptyId: rate(1, () => nativeSign(null, msg, keyObj)),
  };
  f.sm2verify = {
    native: rate(1, () => sm2Verify(k.publicKeyPem, msg, sig)),
    js: rate(1, () => jsSm2.doVerifySignature(msgArr, jsSig, pubHex, { hash: true, der: true })),
  };

  const row = (name: string, unit: string, a: number, b: number): string =>
    `${name.padEnd(22)} ${a.toFixed(1).padStart(10)} ${b.toFixed(1).padStart(10)} ${unit.padEnd(6)} ${(a / b).toFixed(1).padStart(7)}×\n`;
  out(`SM crypto core (Node ${process.versions.node}, OpenSSL ${process.versions.openssl}) — native vs sm-crypto, one core\n`);
  out(`${''.padEnd(22)} ${'native'.padStart(10)} ${'sm-crypto'.padStart(10)} ${'unit'.padEnd(6)} ${'ratio'.padStart(8)}\n`);
  out(row('SM3', 'MB/s', f.sm3.native, f.sm3.js));
  out(row('SM4-CBC encrypt', 'MB/s', f.sm4cbc.native, f.sm4cbc.js));
  out(row('SM2 sign (std, Z_A)', 'op/s', f.sm2sign.native, f.sm2sign.js));
  out(row('SM2 verify (std, Z_A)', 'op/s', f.sm2verify.native, f.sm2verify.js));
  out(`reference: OpenSSL crypto.sign on the same key (empty ID, not standard): ${f.sm2sign.opensslEmptyId.toFixed(0)} op/s\n`);
  return f;
}

export async function run(): Promise<void> {
  await runCryptoBench();
}
