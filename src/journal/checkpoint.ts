/**
 * Checkpoints: (seq, head hash, time) signed with SM2 over a fixed text form, so any SM2 stack can
 * check them. Kept in the archive and in an anchors file meant to be shipped off-host.
 */
import { sm2Sign, sm2Verify } from '../crypto/sm2.js';

export interface Checkpoint {
  seq: number;
  /** Chain head after record `seq`, 64 hex digits. */
  hash: string;
  /** ISO 8601. */
  time: string;
  /** Empty when the journal has no signer. */
  keyId: string;
  /** Base64 DER SM2 signature over checkpointMessage(); empty when unsigned. */
  signature: string;
}

export interface Signer {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function checkpointMessage(c: Pick<Checkpoint, 'seq' | 'hash' | 'time' | 'keyId'>): Buffer {
  return Buffer.from(`gwsec-journal-checkpoint/1\nseq=${c.seq}\nhash=${c.hash}\ntime=${c.time}\nkeyId=${c.keyId}\n`, 'utf8');
}

export function makeCheckpoint(seq: number, hash: string, time: string, signer?: Signer): Checkpoint {
  const base = { seq, hash, time, keyId: signer?.keyId ?? '' };
  const signature = signer ? sm2Sign(signer.privateKeyPem, checkpointMessage(base)).toString('base64') : '';
  return { ...base, signature };
}

export function checkpointSignatureOk(c: Checkpoint, publicKeyPem: string): boolean {
  if (!c.signature) return false;
  try {
    return sm2Verify(publicKeyPem, checkpointMessage(c), Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export function isCheckpoint(v: unknown): v is Checkpoint {
  const c = v as Checkpoint;
  return typeof c === 'object' && c !== null && Number.isSafeInteger(c.seq) && c.seq >= 0 && typeof c.hash === 'string' && /^[0-9a-f]{64}$/.test(c.hash)
    && typeof c.time === 'string' && typeof c.keyId === 'string' && typeof c.signature === 'string';
}
