import test from 'ava';
import { randomBytes } from 'node:crypto';
import sm from 'sm-crypto';
import { sm4Decrypt, sm4Encrypt } from '../../src/crypto/index.js';
import { GwsecError } from '../../src/model/errors.js';

const { sm4: jsSm4 } = sm;
const VECTOR = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

test('SM4 GB/T 32907 example: one block, key = plaintext', (t) => {
  // CBC with a zero IV: the first ciphertext block is the plain block cipher output.
  const out = sm4Encrypt('cbc', VECTOR, Buffer.alloc(16), VECTOR);
  t.is(out.subarray(0, 16).toString('hex'), '681edf34d206965e86b3e94f536e4246');
  t.is(out.length, 32, 'PKCS#7 adds a full padding block to block-aligned input');
});

test('SM4-CBC round trip at and around block boundaries', (t) => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  for (const len of [0, 1, 15, 16, 17, 1000]) {
    const data = randomBytes(len);
    const c = sm4Encrypt('cbc', key, iv, data);
    t.is(c.length, (Math.floor(len / 16) + 1) * 16);
    t.deepEqual(sm4Decrypt('cbc', key, iv, c), data);
  }
});

test('SM4-CTR round trip keeps the length', (t) => {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const data = randomBytes(1234);
  const c = sm4Encrypt('ctr', key, iv, data);
  t.is(c.length, data.length);
  t.notDeepEqual(c, data);
  t.deepEqual(sm4Decrypt('ctr', key, iv, c), data);
});

test('SM4-CBC interop with sm-crypto both ways', (t) => {
  for (const len of [0, 5, 16, 333]) {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const data = randomBytes(len);
    const native = sm4Encrypt('cbc', key, iv, data);
    const js = jsSm4.encrypt(Array.from(data), key.toString('hex'), { mode: 'cbc', iv: iv.toString('hex'), output: 'array' });
    t.is(native.toString('hex'), Buffer.from(js).toString('hex'), `encrypt, length ${len}`);
    const back = jsSm4.decrypt(Array.from(native), key.toString('hex'), { mode: 'cbc', iv: iv.toString('hex'), output: 'array' });
    t.deepEqual(Buffer.from(back), data, `sm-crypto decrypts ours, length ${len}`);
    t.deepEqual(sm4Decrypt('cbc', key, iv, Buffer.from(js)), data, `we decrypt sm-crypto's, length ${len}`);
  }
});

test('SM4 rejects bad key and IV sizes and reports a wrong key', (t) => {
  const e1 = t.throws(() => sm4Encrypt('cbc', Buffer.alloc(15), Buffer.alloc(16), Buffer.alloc(1)));
  t.true(e1 instanceof GwsecError && e1.code === 'crypto_invalid_argument');
  t.throws(() => sm4Encrypt('ctr', Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(1)), { message: /IV/ });
  const c = sm4Encrypt('cbc', Buffer.alloc(16, 1), Buffer.alloc(16), Buffer.from('secret text'));
  // A wrong key yields bad padding almost always (1/256 chance of a valid final byte 0x01 otherwise).
  const wrong = Array.from({ length: 8 }, (_, i) => {
    try {
      sm4Decrypt('cbc', Buffer.alloc(16, i + 2), Buffer.alloc(16), c);
      return 'ok';
    } catch (e) {
      return (e as GwsecError).code;
    }
  });
  t.true(wrong.includes('crypto_decrypt_error'));
});
