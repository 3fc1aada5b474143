import test from 'ava';
import { randomBytes } from 'node:crypto';
import sm from 'sm-crypto';
import { createSm3, hmacSm3, sm3 } from '../../src/crypto/index.js';

const { sm3: jsSm3 } = sm;

test('SM3 GB/T 32905 example 1: "abc"', (t) => {
  t.is(sm3('abc').toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
});

test('SM3 GB/T 32905 example 2: "abcd" x 16 (64 bytes)', (t) => {
  t.is(sm3('abcd'.repeat(16)).toString('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
});

test('streaming SM3 equals one-shot over chunk boundaries', (t) => {
  const data = randomBytes(10_000);
  const h = createSm3();
  for (let i = 0; i < data.length; i += 777) h.update(data.subarray(i, i + 777));
  t.deepEqual(h.digest(), sm3(data));
});

test('SM3 interop with sm-crypto on random inputs of many lengths', (t) => {
  for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 1000, 4097]) {
    const data = randomBytes(len);
    t.is(sm3(data).toString('hex'), jsSm3(Array.from(data)), `length ${len}`);
  }
});

test('HMAC-SM3 interop with sm-crypto for short, block-sized and long keys', (t) => {
  for (const keyLen of [1, 16, 32, 64, 65, 200]) {
    const key = randomBytes(keyLen);
    const data = randomBytes(300);
    t.is(hmacSm3(key, data).toString('hex'), jsSm3(Array.from(data), { key: key.toString('hex') }), `key length ${keyLen}`);
  }
});

test('HMAC-SM3 depends on the key', (t) => {
  t.notDeepEqual(hmacSm3('k1', 'message'), hmacSm3('k2', 'message'));
  t.is(hmacSm3('k1', 'message').length, 32);
});
