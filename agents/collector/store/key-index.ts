/**
 * The embedded store's duplicate index: which (kind, agent, id) it holds, and for alerts the
 * largest count. A Map of strings costs ~180 bytes a key; this open-addressing table keeps a 64-bit
 * digest (SHA-1, first 8 bytes), a count and a reference to the key spelt out in full elsewhere (the
 * store's keys file, on disk): 20 bytes a slot, at most 70 % full (29–57 bytes a key), so a collector
 * holding a million alerts spends ~30–60 MB on it. A digest match is confirmed against the full key
 * before it counts: two keys sharing a digest (about 3 in 10^8 at a million keys) each get their own
 * slot, so a colliding alert is stored, never taken for a duplicate of the other.
 * Serialisable, so a clean restart loads it instead of reading the whole journal.
 */
import { hash } from 'node:crypto';

const MAGIC = 0x6b696432; // "kid2" (the first version had no key references)

/** A key's 64-bit digest as two 32-bit halves (injectable: tests force collisions). */
export type Digest = (key: string) => readonly [number, number];
export const sha1Digest: Digest = (key) => {
  const d = hash('sha1', key, 'buffer');
  return [d.readUInt32LE(0), d.readUInt32LE(4)];
};

/** Where keys are spelt out in full: `write` returns a reference (≥ 1), `read` gives the key back. */
export interface KeySpelling {
  write(key: string): number;
  read(ref: number): string;
}

export class KeyIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** 0 = slot free or key removed (a removed key keeps its slot: probes stay intact). */
  private counts: Float64Array;
  /** The slot's key in `spelling` (0: slot never used). */
  private refs: Uint32Array;
  private used = 0;
  private live = 0;

  constructor(
    private readonly spelling: KeySpelling,
    capacity = 1 << 14,
    private readonly digest: Digest = sha1Digest,
  ) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.counts = new Float64Array(n);
    this.refs = new Uint32Array(n);
  }

  get size(): number {
    return this.live;
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.counts.byteLength + this.refs.byteLength;
  }

  get(key: string): number | undefined {
    const i = this.find(key, false);
    return i < 0 || this.counts[i] === 0 ? undefined : this.counts[i];
  }

  set(key: string, count: number): void {
    if ((this.used + 1) * 10 > this.hi.length * 7) this.grow();
    const i = this.find(key, true);
    if (this.counts[i] === 0) this.live++;
    this.counts[i] = Math.max(1, count);
  }

  delete(key: string): void {
    const i = this.find(key, false);
    if (i >= 0 && this.counts[i] !== 0) {
      this.counts[i] = 0;
      this.live--;
    }
  }

  toBuffer(): Buffer {
    const n = this.hi.length;
    const head = Buffer.alloc(16);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(n, 4);
    head.writeUInt32LE(this.used, 8);
    head.writeUInt32LE(this.live, 12);
    const part = (a: Uint32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return Buffer.concat([head, part(this.hi), part(this.lo), part(this.counts), part(this.refs)]);
  }

  /**
   * null when the buffer is not a whole index (a torn or foreign file): the caller rebuilds. The
   * spelling must be the one the index was saved with (the store checks that).
   */
  static fromBuffer(b: Buffer, spelling: KeySpelling, digest: Digest = sha1Digest): KeyIndex | null {
    if (b.length < 16 || b.readUInt32LE(0) !== MAGIC) return null;
    const n = b.readUInt32LE(4);
    if (n < 16 || (n & (n - 1)) !== 0 || b.length !== 16 + n * 20) return null;
    const k = new KeyIndex(spelling, n, digest);
    const copy = (off: number, len: number) => new Uint8Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + off + len));
    k.hi = new Uint32Array(copy(16, n * 4).buffer);
    k.lo = new Uint32Array(copy(16 + n * 4, n * 4).buffer);
    k.counts = new Float64Array(copy(16 + n * 8, n * 8).buffer);
    k.refs = new Uint32Array(copy(16 + n * 16, n * 4).buffer);
    k.used = b.readUInt32LE(8);
    k.live = b.readUInt32LE(12);
    return k;
  }

  private find(key: string, insert: boolean): number {
    const [h, d] = this.digest(key);
    // (0, 0) marks a never-used slot.
    const l = h === 0 && d === 0 ? 1 : d;
    const mask = this.hi.length - 1;
    for (let i = l & mask; ; i = (i + 1) & mask) {
      // Same digest: the same key only if it is spelt the same (else a collision: probe on).
      if (this.hi[i] === h && this.lo[i] === l && this.spelling.read(this.refs[i]!) === key) return i;
      if (this.hi[i] === 0 && this.lo[i] === 0) {
        if (!insert) return -1;
        this.hi[i] = h;
        this.lo[i] = l;
        this.refs[i] = this.spelling.write(key);
        this.used++;
        return i;
      }
    }
  }

  private grow(): void {
    const { hi, lo, counts, refs } = this;
    const n = hi.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.counts = new Float64Array(n);
    this.refs = new Uint32Array(n);
    this.used = 0;
    const mask = n - 1;
    // Removed keys are dropped here; live ones re-placed by their digest.
    for (let j = 0; j < hi.length; j++) {
      if (counts[j] === 0) continue;
      const h = hi[j]!;
      const l = lo[j]!;
      let i = l & mask;
      while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = h;
      this.lo[i] = l;
      this.counts[i] = counts[j]!;
      this.refs[i] = refs[j]!;
      this.used++;
    }
  }
}
