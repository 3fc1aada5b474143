/**
 * The embedded store's duplicate index: which (kind, agent, id) it holds, and for alerts the
 * largest count. A Map of strings costs ~180 bytes a key; this open-addressing table keeps a 64-bit
 * digest (SHA-1, first 8 bytes) and a count, 16 bytes a slot at most 70 % full: ~8x less, so a
 * collector holding a million alerts spends ~20 MB on it. Two keys sharing a digest (about 3 in 10^8
 * at a million keys) would make the second a "duplicate": the price of the bound, stated here.
 * Serialisable, so a clean restart loads it instead of reading the whole journal.
 */
import { hash } from 'node:crypto';

const MAGIC = 0x6b696478; // "kidx"

export class KeyIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** 0 = slot free or key removed (a removed key keeps its slot: probes stay intact). */
  private counts: Float64Array;
  private used = 0;
  private live = 0;

  constructor(capacity = 1 << 14) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.counts = new Float64Array(n);
  }

  get size(): number {
    return this.live;
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.counts.byteLength;
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
    return Buffer.concat([head, Buffer.from(this.hi.buffer, this.hi.byteOffset, n * 4), Buffer.from(this.lo.buffer, this.lo.byteOffset, n * 4), Buffer.from(this.counts.buffer, this.counts.byteOffset, n * 8)]);
  }

  /** null when the buffer is not a whole index (a torn or foreign file): the caller rebuilds. */
  static fromBuffer(b: Buffer): KeyIndex | null {
    if (b.length < 16 || b.readUInt32LE(0) !== MAGIC) return null;
    const n = b.readUInt32LE(4);
    if (n < 16 || (n & (n - 1)) !== 0 || b.length !== 16 + n * 16) return null;
    const k = new KeyIndex(n);
    const copy = (off: number, len: number) => new Uint8Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + off + len));
    k.hi = new Uint32Array(copy(16, n * 4).buffer);
    k.lo = new Uint32Array(copy(16 + n * 4, n * 4).buffer);
    k.counts = new Float64Array(copy(16 + n * 8, n * 8).buffer);
    k.used = b.readUInt32LE(8);
    k.live = b.readUInt32LE(12);
    return k;
  }

  private find(key: string, insert: boolean): number {
    const d = hash('sha1', key, 'buffer');
    const h = d.readUInt32LE(0);
    let l = d.readUInt32LE(4);
    // (0, 0) marks a never-used slot.
    if (h === 0 && l === 0) l = 1;
    const mask = this.hi.length - 1;
    for (let i = l & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === h && this.lo[i] === l) return i;
      if (this.hi[i] === 0 && this.lo[i] === 0) {
        if (!insert) return -1;
        this.hi[i] = h;
        this.lo[i] = l;
        this.used++;
        return i;
      }
    }
  }

  private grow(): void {
    const { hi, lo, counts } = this;
    const n = hi.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.counts = new Float64Array(n);
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
      this.used++;
    }
  }
}
