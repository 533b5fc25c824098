/**
 * Small fixed-size caches that turn repeated byte sequences (comms, reason names, RIPs) into shared
 * strings without decoding every line. Direct-mapped: a collision just replaces the slot, so memory
 * stays constant whatever the trace size, and a miss costs one string allocation.
 */
import { copyBytes, utf8 } from './bytes';

/** FNV-1a over a byte range. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/**
 * Interns byte ranges as values of type T (by default their UTF-8 string). With a DataView of the
 * input, hashing and the key comparison go 4 bytes at a time (comms and reason names are 3–20 bytes).
 */
export class ByteInterner<T = string> {
  private readonly keys: (Uint8Array | undefined)[];
  private readonly keyViews: (DataView | undefined)[];
  private readonly values: (T | undefined)[];
  private readonly mask: number;

  /** `size` must be a power of two; `make` builds the value on a miss. */
  constructor(
    size: number,
    private readonly make: (buf: Uint8Array, start: number, end: number) => T = utf8 as unknown as (buf: Uint8Array, start: number, end: number) => T,
  ) {
    this.keys = new Array(size);
    this.keyViews = new Array(size);
    this.values = new Array(size);
    this.mask = size - 1;
  }

  /** The value for bytes [start, end) of buf; `dv`, when given, must view the same bytes as buf. */
  get(buf: Uint8Array, start: number, end: number, dv?: DataView): T {
    const len = end - start;
    let slot: number;
    if (dv !== undefined) {
      // FNV-1a over 4-byte words, then the tail bytes: every byte counts (`CPU 0/KVM` vs `CPU 1/KVM`).
      let h = 0x811c9dc5 ^ len;
      let i = start;
      for (; i + 4 <= end; i += 4) h = Math.imul(h ^ dv.getUint32(i, true), 0x01000193);
      for (; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
      slot = (h ^ (h >>> 16)) & this.mask;
    } else slot = hashBytes(buf, start, end) & this.mask;
    const key = this.keys[slot];
    if (key !== undefined && key.length === len) {
      let i = 0;
      if (dv !== undefined) {
        const kv = this.keyViews[slot] as DataView;
        while (i + 4 <= len && kv.getUint32(i, true) === dv.getUint32(start + i, true)) i += 4;
      }
      while (i < len && key[i] === buf[start + i]) i++;
      if (i === len) return this.values[slot] as T;
    }
    const value = this.make(buf, start, end);
    const copy = copyBytes(buf, start, end);
    this.keys[slot] = copy;
    this.keyViews[slot] = new DataView(copy.buffer);
    this.values[slot] = value;
    return value;
  }
}

/** Lower-case hex of 16-bit values (small integers format fast; 32-bit ones go through the double path). */
function hex16(v: number): string {
  return v.toString(16);
}

/** Canonical `0x..` text of a 64-bit value given as two unsigned 32-bit halves. */
export function hexText(hi: number, lo: number): string {
  const l = hex16(lo >>> 16) + hex16(lo & 0xffff).padStart(4, '0');
  if (hi === 0) return '0x' + (lo >>> 16 === 0 ? hex16(lo & 0xffff) : l);
  const h = hi >>> 16 === 0 ? hex16(hi & 0xffff) : hex16(hi >>> 16) + hex16(hi & 0xffff).padStart(4, '0');
  return '0x' + h + l.padStart(8, '0');
}

/**
 * Interns 64-bit values (as hi/lo halves) as canonical hex strings. Keyed by value, so `0x00ff`, `ff`
 * and `0xFF` share one string. Starts small (parsers are cheap to create) and doubles while misses
 * show the trace has more distinct values, up to 2^maxBits slots.
 */
export class HexInterner {
  private his!: Int32Array;
  private los!: Int32Array;
  private values!: (string | undefined)[];
  private shift = 0;
  private bits: number;
  private misses = 0;

  constructor(
    private readonly maxBits = 14,
    startBits = 8,
  ) {
    this.bits = Math.min(startBits, maxBits);
    this.allocate();
  }

  private allocate(): void {
    const size = 1 << this.bits;
    this.his = new Int32Array(size);
    this.los = new Int32Array(size);
    this.values = new Array(size);
    this.shift = 32 - this.bits;
    this.misses = 0;
  }

  get(hi: number, lo: number): string {
    // Zero is most qualifications (info2, most info1): no hashing for it.
    if ((hi | lo) === 0) return '0x0';
    // Multiplicative hashing (the top bits are the best mixed) into 2-way sets: slot and slot ^ 1.
    const slot = (Math.imul(hi ^ (lo >>> 15), 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b)) >>> this.shift;
    const v = this.values[slot];
    if (v !== undefined && this.los[slot] === (lo | 0) && this.his[slot] === (hi | 0)) return v;
    const other = slot ^ 1;
    const w = this.values[other];
    if (w !== undefined && this.los[other] === (lo | 0) && this.his[other] === (hi | 0)) return w;
    const s = hexText(hi, lo);
    if (++this.misses > 2 << this.bits && this.bits < this.maxBits) {
      this.bits++;
      this.allocate();
      return s;
    }
    // Newest in the first way, the previous occupant moves to the second.
    if (v !== undefined) {
      this.his[other] = this.his[slot];
      this.los[other] = this.los[slot];
      this.values[other] = v;
    }
    this.his[slot] = hi;
    this.los[slot] = lo;
    this.values[slot] = s;
    return s;
  }
}
