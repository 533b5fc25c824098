import { lowestClear } from './plru';

/**
 * A set-associative tag store on typed arrays: the building block of the simulator's TLBs,
 * paging-structure caches and nested TLB. Replacement is bit-PLRU ("not recently used": one
 * used-bit per way, cleared when all are set — the pseudo-LRU family real TLBs and caches
 * implement; see plru.ts), which finds a victim in O(1) instead of scanning for the oldest entry. Keys are exact
 * integers below 2^53 (stored as doubles); the caller passes a small integer `hint` whose low
 * bits pick the set, so no hashing or allocation happens per lookup. Each entry can carry an
 * integer payload (a TLB entry remembers the guest leaf slot it translates through).
 *
 * Every TLB lookup of the simulated MMU lands here, so the scans are shaped for V8: a set occupies
 * `stride` slots (its ways rounded up to a multiple of 4, padding slots always empty) and each
 * loop iteration compares four keys, which saves the per-iteration array reloads and interrupt
 * checks V8 emits in a loop; the PLRU update is plru.ts's touched() written out (a call that size
 * is not always inlined). Entry indices (find, value) are slot indices in that layout.
 */
export class SetAssoc {
  readonly entries: number;
  readonly ways: number;
  readonly sets: number;
  private readonly setMask: number;
  /** Slots per set (ways rounded up to a multiple of 4). */
  private readonly stride: number;
  private readonly full: number;
  private readonly tags: Float64Array;
  private readonly vals: Int32Array;
  /** Per set: bit w set = way w used recently. */
  private readonly used: Int32Array;

  /** `entries` 0 makes a structure that never hits (a CPU without that cache). At most 32 ways. */
  constructor(entries: number, ways: number) {
    const sets = entries === 0 ? 0 : entries / ways;
    if (entries < 0 || ways < 0 || ways > 32 || (entries > 0 && (ways === 0 || !Number.isInteger(sets) || (sets & (sets - 1)) !== 0))) {
      throw new Error(`bad set-associative geometry: ${entries} entries, ${ways} ways (need ≤ 32 ways and a power-of-two number of sets)`);
    }
    this.entries = entries;
    this.ways = entries === 0 ? 0 : ways;
    this.sets = sets;
    this.setMask = sets > 0 ? sets - 1 : 0;
    this.stride = (this.ways + 3) & ~3;
    this.full = ways >= 32 ? -1 : (1 << ways) - 1;
    this.tags = new Float64Array(Math.max(sets * this.stride, 1)).fill(-1);
    this.vals = new Int32Array(Math.max(sets * this.stride, 1));
    this.used = new Int32Array(Math.max(this.sets, 1));
  }

  /** Slot of `key` in the set starting at slot `b`, or -1 (four keys per iteration, see above). */
  private scan(b: number, key: number): number {
    const tags = this.tags;
    for (let i = b, end = b + this.stride; i < end; i += 4) {
      if (tags[i] === key) return i;
      if (tags[i + 1] === key) return i + 1;
      if (tags[i + 2] === key) return i + 2;
      if (tags[i + 3] === key) return i + 3;
    }
    return -1;
  }

  /** Index of `key`'s entry (marked used), or -1. */
  find(key: number, hint: number): number {
    // No sets: stride 0, the scan finds nothing.
    const set = hint & this.setMask;
    const b = set * this.stride;
    const i = this.scan(b, key);
    if (i >= 0) {
      const bit = 1 << (i - b);
      const n = this.used[set] | bit;
      this.used[set] = n ^ ((n ^ bit) & -(Math.clz32((n & this.full) ^ this.full) >>> 5));
    }
    return i;
  }

  /** True on a hit (and the entry is marked used). */
  lookup(key: number, hint: number): boolean {
    return this.find(key, hint) >= 0;
  }

  /** Payload of the entry at `index` (from find). */
  value(index: number): number {
    return this.vals[index];
  }

  /** Inserts `key` with payload `val` (replacing a not-recently-used entry of its set). */
  insert(key: number, hint: number, val = 0): void {
    if (this.sets === 0) return;
    const set = hint & this.setMask;
    const b = set * this.stride;
    const i = this.scan(b, key);
    const u = this.used[set];
    const bit = i >= 0 ? 1 << (i - b) : lowestClear(u, this.full);
    const slot = b + 31 - Math.clz32(bit);
    this.tags[slot] = key;
    this.vals[slot] = val;
    const n = u | bit;
    this.used[set] = n ^ ((n ^ bit) & -(Math.clz32((n & this.full) ^ this.full) >>> 5));
  }

  /** Inserts a key known to be absent (just missed): no duplicate scan. */
  insertNew(key: number, hint: number, val: number): void {
    if (this.sets === 0) return;
    const set = hint & this.setMask;
    const u = this.used[set];
    const bit = lowestClear(u, this.full);
    const slot = set * this.stride + 31 - Math.clz32(bit);
    this.tags[slot] = key;
    this.vals[slot] = val;
    const n = u | bit;
    this.used[set] = n ^ ((n ^ bit) & -(Math.clz32((n & this.full) ^ this.full) >>> 5));
  }

  /** Lookup, inserting on a miss; true on a hit. */
  access(key: number, hint: number): boolean {
    if (this.sets === 0) return false;
    const set = hint & this.setMask;
    const b = set * this.stride;
    const i = this.scan(b, key);
    const u = this.used[set];
    if (i >= 0) {
      const bit = 1 << (i - b);
      const n = u | bit;
      this.used[set] = n ^ ((n ^ bit) & -(Math.clz32((n & this.full) ^ this.full) >>> 5));
      return true;
    }
    const bit = lowestClear(u, this.full);
    this.tags[b + 31 - Math.clz32(bit)] = key;
    const n = u | bit;
    this.used[set] = n ^ ((n ^ bit) & -(Math.clz32((n & this.full) ^ this.full) >>> 5));
    return false;
  }

  private drop(i: number): void {
    this.tags[i] = -1;
    const set = Math.floor(i / this.stride);
    this.used[set] &= ~(1 << (i - set * this.stride));
  }

  /** Drops one key if present. */
  invalidate(key: number, hint: number): void {
    if (this.sets === 0) return;
    const b = (hint & this.setMask) * this.stride;
    for (let i = b, end = b + this.stride; i < end; i++) {
      if (this.tags[i] === key) this.drop(i);
    }
  }

  /** Drops every entry. */
  flush(): void {
    this.tags.fill(-1);
    this.used.fill(0);
  }

  /**
   * Drops every entry whose key is not ≡ `keep` modulo `modulus` — used to flush all TLB entries
   * but the global ones, whose keys carry a reserved tag in their low bits.
   */
  flushExcept(modulus: number, keep: number): void {
    const tags = this.tags;
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i];
      if (t !== -1 && t % modulus !== keep) this.drop(i);
    }
  }

  /** Drops every entry whose key is ≡ `tag` modulo `modulus` (one PCID's entries). */
  flushOnly(modulus: number, tag: number): void {
    const tags = this.tags;
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i];
      if (t !== -1 && t % modulus === tag) this.drop(i);
    }
  }

  /** Number of valid entries (tests and statistics). */
  occupancy(): number {
    let n = 0;
    for (let i = 0; i < this.tags.length; i++) if (this.tags[i] !== -1) n++;
    return n;
  }
}
