/**
 * A fixed-size memo from short byte strings (a line's envelope prefix, a payload's `REASON rip 0xHEX`
 * region) to what parsing them once gave. A hit proves the bytes equal ones that were already parsed,
 * so the fast path skips both the parse and its validation.
 *
 * Layout, for the cache (lookups land at random: one per line, on megabytes of streaming text): an
 * entry is one run of doubles — tag and length, value, then the key's bytes — so a lookup that hits
 * its set's first entry reads one or two cache lines. Bytes are compared 8 at a time as doubles (the
 * last double overlaps the previous one when the length is not a multiple of 8, so every read stays
 * inside the range). Double equality is byte equality for every stored value but NaN and ±0, which
 * remember() refuses. Sets of two entries, newest first; memory is constant.
 */

/** Shortest byte string a memo holds (one double). */
export const MIN_MEMO_BYTES = 8;

/** Objects per memo (reason tokens, thread prefixes: few by design); the value packs an index below this. */
const MAX_OBJECTS = 4096;

/** Memo of byte strings → a non-negative int32 and an object (e.g. a site key and a reason token). */
export class ByteMemo<T> {
  private readonly setMask: number;
  /** Doubles per entry: [tag·128 + length (0: empty), int·4096 + object index, key bytes…]. */
  private readonly stride: number;
  private readonly entries: Float64Array;
  private readonly objects: T[] = [];
  private readonly objectIndex = new Map<T, number>();
  /** What the last successful lookup() found. */
  int = 0;
  object: T | undefined = undefined;

  /**
   * `setBits`: log2 of the number of 2-entry sets; `maxBytes`: longest key (a multiple of 8);
   * `hashedWords`: how many 4-byte words at the end of a key the hash mixes in besides the first
   * word (where keys of one kind differ).
   */
  constructor(
    setBits: number,
    readonly maxBytes: number,
    private readonly hashedWords: number,
  ) {
    this.setMask = (1 << setBits) - 1;
    this.stride = 2 + maxBytes / 8;
    this.entries = new Float64Array((2 << setBits) * this.stride);
  }

  /** Hash of [s, s + len): the first word and the last `hashedWords` words. */
  private hash(dv: DataView, s: number, len: number): number {
    let h = Math.imul(dv.getInt32(s, true) ^ len, 0x9e3779b1);
    const stop = Math.min(len, 4 * this.hashedWords);
    for (let k = 4; k <= stop; k += 4) h = Math.imul(h ^ dv.getInt32(s + len - k, true), 0x85ebca6b);
    return h ^ (h >>> 15);
  }

  /** Whether the entry at `base` holds exactly bytes [s, s + len). */
  private equals(base: number, dv: DataView, s: number, len: number): boolean {
    const w = this.entries;
    let i = base + 2;
    const last = s + len - 8;
    for (let p = s; p < last; p += 8, i++) if (w[i] !== dv.getFloat64(p, true)) return false;
    return w[i] === dv.getFloat64(last, true);
  }

  /**
   * Whether bytes [s, s + len) are remembered (MIN_MEMO_BYTES ≤ len ≤ maxBytes, inside the
   * DataView); on a hit `int` and `object` hold what was remembered.
   */
  lookup(dv: DataView, s: number, len: number): boolean {
    const h = this.hash(dv, s, len);
    const tag = h * 128 + len;
    const w = this.entries;
    let base = (h & this.setMask) * 2 * this.stride;
    if (w[base] !== tag || !this.equals(base, dv, s, len)) {
      base += this.stride;
      if (w[base] !== tag || !this.equals(base, dv, s, len)) return false;
    }
    const v = w[base + 1];
    const o = v & (MAX_OBJECTS - 1);
    this.int = (v - o) / MAX_OBJECTS;
    this.object = this.objects[o];
    return true;
  }

  /**
   * Remembers bytes [s, s + len) with `int` (0 ≤ int < 2^31) and `object` (silently not, for bytes
   * doubles cannot compare).
   */
  remember(dv: DataView, s: number, len: number, int: number, object: T): void {
    if (len < MIN_MEMO_BYTES || len > this.maxBytes) return;
    const last = s + len - 8;
    for (let p = s; ; p += 8) {
      const d = dv.getFloat64(Math.min(p, last), true);
      if (d !== d || d === 0) return;
      if (p >= last) break;
    }
    let o = this.objectIndex.get(object);
    if (o === undefined) {
      if (this.objects.length >= MAX_OBJECTS) this.clear();
      o = this.objects.length;
      this.objects.push(object);
      this.objectIndex.set(object, o);
    }
    const h = this.hash(dv, s, len);
    const w = this.entries;
    const n = this.stride;
    const base = (h & this.setMask) * 2 * n;
    // The newest entry goes first; the previous first moves to the second way.
    w.copyWithin(base + n, base, base + n);
    w[base] = h * 128 + len;
    w[base + 1] = int * MAX_OBJECTS + o;
    let i = base + 2;
    for (let p = s; p < last; p += 8, i++) w[i] = dv.getFloat64(p, true);
    w[i] = dv.getFloat64(last, true);
  }

  /** Forgets everything (when a caller handed out more objects than the memo indexes). */
  private clear(): void {
    this.entries.fill(0);
    this.objects.length = 0;
    this.objectIndex.clear();
  }
}
