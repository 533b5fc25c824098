/**
 * Sorted address ranges with binary search: the lookup behind System.map / kallsyms / nm listings and
 * the `.syms.json` symbol and line tables. O(log n) per address, no per-lookup allocation.
 */

/** One range to index. `size` undefined means "until the next start" (System.map gives no sizes). */
export interface RangeEntry<T> {
  readonly start: bigint;
  readonly size?: bigint;
  readonly value: T;
}

/** A hit: the entry's start (for offsets) and its value. */
export interface RangeHit<T> {
  readonly start: bigint;
  readonly value: T;
}

/**
 * Immutable lookup table. Invariant: ranges do not overlap, except that an entry without a size
 * ends where the next one starts. When several entries share a start, the first one in the
 * constructor's input wins, so callers put the preferred entry (e.g. a function over a data alias) first.
 */
export class RangeTable<T> {
  private readonly starts: bigint[];
  private readonly ends: (bigint | undefined)[];
  private readonly values: T[];

  constructor(entries: readonly RangeEntry<T>[]) {
    // Stable sort keeps the caller's preference order among equal starts.
    const order = entries.map((_, i) => i).sort((a, b) => {
      const x = entries[a].start;
      const y = entries[b].start;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
    this.starts = [];
    this.ends = [];
    this.values = [];
    for (const i of order) {
      const e = entries[i];
      const n = this.starts.length;
      if (n > 0 && this.starts[n - 1] === e.start) continue;
      this.starts.push(e.start);
      this.ends.push(e.size === undefined ? undefined : e.start + e.size);
      this.values.push(e.value);
    }
  }

  get size(): number {
    return this.starts.length;
  }

  /** The entry with the greatest start ≤ addr, if addr lies inside it (sized) or before the next start. */
  find(addr: bigint): RangeHit<T> | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= addr) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return undefined;
    const end = this.ends[found];
    if (end !== undefined && addr >= end) return undefined;
    return { start: starts[found], value: this.values[found] };
  }
}
