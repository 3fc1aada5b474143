import test from 'ava';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nativeSign, verify as nativeVerify } from 'node:crypto';
import sm from 'sm-crypto';
import {
  generateSm2KeyPair,
  importSm2PrivateKey,
  importSm2PublicKey,
  sm2PrivateKeyFromHex,
  sm2PrivateKeyToHex,
  sm2PublicKeyFromHex,
  sm2PublicKeyFromPrivate,
  sm2PublicKeyToHex,
  sm2Sign,
  sm2Verify,
  sm2VerifyDigest,
  sm2Za,
  sm3,
} from '../../src/crypto/index.js';
import { GwsecError } from '../../src/model/errors.js';

const { sm2: jsSm2 } = sm;
const MSG = Buffer.from('gwsec checkpoint 42 / 检查点');

// OpenSSL test/recipes/30-test_evp_data/evppkey_sm2.txt: SM2_key1 and raw-digest Verify vectors on the
// recommended curve (GB/T 32918.2 Annex A uses a different example curve, so it cannot run natively).
const OPENSSL_SM2_KEY1 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg0JFWczAXva2An9m7
2MaT9gIwWTFptvlKrxyO4TjMmbWhRANCAAQ5OirZ4n5DrKqrhaGdO4VZHhRAYVcX
Wt3Te/d/8Mr57Tf886i09VwDhSMmH8pmNq/mp6+ioUgqYG9cs6GLLioe
-----END PRIVATE KEY-----
`;
const OPENSSL_VECTORS = [
  {
    e: 'D7AD397F6FFA5D4F7F11E7217F241607DC30618C236D2C09C1B9EA8FDADEE2E8',
    sig: '3046022100AB1DB64DE7C40EDBDE6651C9B8EBDB804673DB836E5D5C7FE15DCF9ED2725037022100EBA714451FF69B0BB930B379E192E7CD5FA6E3C41C7FBD8303B799AB54A54621',
  },
  {
    e: 'B1139602C6ECC9E15E2F3F9C635A1AFE737058BC15387479C1EA0D0B3D90E9E5',
    sig: '3045022100E6E0414EBD3A656C35602AF14AB20287DBF30D57AF75C49A188ED4B42391F22402202F54F277C606F4605E1CE9514947FFDDF94C67A539804A4ED17F852288BDBE2E',
  },
];

test('SM2 known-answer: OpenSSL evppkey_sm2.txt verify vectors', (t) => {
  const pub = sm2PublicKeyFromPrivate(OPENSSL_SM2_KEY1);
  for (const v of OPENSSL_VECTORS) {
    const e = Buffer.from(v.e, 'hex');
    const sig = Buffer.from(v.sig, 'hex');
    t.true(sm2VerifyDigest(pub, e, sig));
    const flipped = Buffer.from(e);
    flipped[31]! ^= 1;
    t.false(sm2VerifyDigest(pub, flipped, sig));
  }
});

test('sign and verify round trip; wrong message, ID, key or signature fail', (t) => {
  const k = generateSm2KeyPair();
  const other = generateSm2KeyPair();
  const sig = sm2Sign(k.privateKeyPem, MSG);
  t.true(sm2Verify(k.publicKeyPem, MSG, sig));
  t.false(sm2Verify(k.publicKeyPem, Buffer.from('gwsec checkpoint 43'), sig));
  t.false(sm2Verify(k.publicKeyPem, MSG, sig, 'ALICE123@YAHOO.COM'));
  t.false(sm2Verify(other.publicKeyPem, MSG, sig));
  const bad = Buffer.from(sig);
  bad[bad.length - 1]! ^= 0x01;
  t.false(sm2Verify(k.publicKeyPem, MSG, bad));
  t.false(sm2Verify(k.publicKeyPem, MSG, Buffer.from('3006020100020100', 'hex')), 'r = s = 0');
  t.false(sm2Verify(k.publicKeyPem, MSG, Buffer.concat([sig, Buffer.from([0])])), 'trailing byte');
  t.false(sm2Verify(k.publicKeyPem, MSG, Buffer.alloc(0)));
  // Signatures are randomised (fresh k) but both verify.
  const sig2 = sm2Sign(k.privateKeyPem, MSG);
  t.notDeepEqual(sig, sig2);
  t.true(sm2Verify(k.publicKeyPem, MSG, sig2));
});

test('SM2 interop: sm-crypto verifies our signatures (hash, der, default and custom ID)', (t) => {
  for (let i = 0; i < 4; i++) {
    const k = generateSm2KeyPair();
    const pubHex = sm2PublicKeyToHex(k.publicKeyPem);
    const msg = Buffer.from(`message ${i} ${'x'.repeat(i * 50)}`);
    const sig = sm2Sign(k.privateKeyPem, msg);
    t.true(jsSm2.doVerifySignature(Array.from(msg), sig.toString('hex'), pubHex, { hash: true, der: true }));
    const sigId = sm2Sign(k.privateKeyPem, msg, 'ALICE123@YAHOO.COM');
    t.true(jsSm2.doVerifySignature(Array.from(msg), sigId.toString('hex'), pubHex, { hash: true, der: true, userId: 'ALICE123@YAHOO.COM' }));
    t.false(jsSm2.doVerifySignature(Array.from(msg), sigId.toString('hex'), pubHex, { hash: true, der: true }));
  }
});

test('SM2 interop: we verify sm-crypto signatures and use its hex keys', (t) => {
  for (let i = 0; i < 4; i++) {
    const kp = jsSm2.generateKeyPairHex();
    const priv = sm2PrivateKeyFromHex(kp.privateKey);
    const pub = sm2PublicKeyFromHex(kp.publicKey);
    t.is(sm2PublicKeyToHex(sm2PublicKeyFromPrivate(priv)), kp.publicKey);
    t.is(sm2PrivateKeyToHex(priv), kp.privateKey.padStart(64, '0'));
    const msg = Buffer.from(`sm-crypto message ${i}`);
    const sig = Buffer.from(jsSm2.doSignature(Array.from(msg), kp.privateKey, { hash: true, der: true, publicKey: kp.publicKey }), 'hex');
    t.true(sm2Verify(pub, msg, sig));
    t.false(sm2Verify(pub, Buffer.concat([msg, Buffer.from('!')]), sig));
    // Our signature with a key imported from sm-crypto's hex verifies there too.
    const ours = sm2Sign(priv, msg);
    t.true(jsSm2.doVerifySignature(Array.from(msg), ours.toString('hex'), kp.publicKey, { hash: true, der: true }));
  }
});

test('why not crypto.sign: native SM2 on a PEM key hashes Z with an EMPTY ID (cross-checked both ways)', (t) => {
  const k = generateSm2KeyPair();
  const native = nativeSign(null, MSG, createPrivateKey(k.privateKeyPem));
  t.false(sm2Verify(k.publicKeyPem, MSG, native), 'native signature is not a standard default-ID one');
  const eEmpty = sm3(Buffer.concat([sm2Za(k.publicKeyPem, ''), MSG]));
  t.true(sm2VerifyDigest(k.publicKeyPem, eEmpty, native), 'our verifier checks OpenSSL signatures');
  t.true(nativeVerify(null, MSG, createPublicKey(k.publicKeyPem), sm2Sign(k.privateKeyPem, MSG, '')), 'OpenSSL checks ours');
});

test('PEM import and export: generated keys are PKCS#8 / SPKI on the SM2 curve', (t) => {
  const k = generateSm2KeyPair();
  t.regex(k.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  t.regex(k.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  t.is(importSm2PublicKey(sm2PublicKeyFromPrivate(k.privateKeyPem)), importSm2PublicKey(k.publicKeyPem));
  const der = createPrivateKey(k.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  t.is(sm2PrivateKeyToHex(importSm2PrivateKey(der)), sm2PrivateKeyToHex(k.privateKeyPem));
  const spkiDer = createPublicKey(k.publicKeyPem).export({ type: 'spki', format: 'der' });
  t.is(importSm2PublicKey(spkiDer), importSm2PublicKey(k.publicKeyPem));
  // Our own PEM encoding is accepted by OpenSSL and gives the same key.
  const rebuilt = sm2PrivateKeyFromHex(sm2PrivateKeyToHex(k.privateKeyPem));
  t.deepEqual(createPrivateKey(rebuilt).export({ type: 'pkcs8', format: 'der' }), der);
  // A compressed public key converts to the same point.
  const hex = sm2PublicKeyToHex(k.publicKeyPem);
  const y = BigInt('0x' + hex.slice(66));
  const compressed = (y & 1n ? '03' : '02') + hex.slice(2, 66);
  t.is(sm2PublicKeyToHex(sm2PublicKeyFromHex(compressed)), hex);
});

test('non-SM2 and malformed keys are refused with crypto_invalid_key', (t) => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const p256Pem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const p256Pub = p256.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  for (const f of [() => sm2Sign(p256Pem, MSG), () => sm2Verify(p256Pub, MSG, Buffer.alloc(8)), () => sm2Sign('not a key', MSG), () => sm2PublicKeyFromHex('04' + '11'.repeat(64)), () => sm2PrivateKeyFromHex('0')]) {
    const e = t.throws(f);
    t.true(e instanceof GwsecError && e.code === 'crypto_invalid_key', String(e?.message));
  }
});
