/**
 * Bounded log-linear histogram of host times (ns) and the timing statistics built on it.
 *
 * Layout: values 0…31 ns get one bucket each (exact); above that every power of two [2^e, 2^(e+1))
 * is cut into SUB_BUCKETS = 16 equal buckets of width 2^(e-4). A bucket's width is therefore at most
 * 1/16 of its lower bound, and a percentile reported at the bucket's midpoint is within
 * 1/32 = 3.125 % of the true sample value (then clamped to the exact min/max, which only helps).
 * 800 buckets cover 0 … 2^53 ns (104 days); larger values land in the last bucket.
 * Memory per histogram is fixed (800 doubles), whatever the number of exits.
 */
import type { Histogram, TimingStats } from '../model/summary';

/** Sub-buckets per power of two; sets the relative error (see RELATIVE_ERROR). */
export const SUB_BUCKETS = 16;

/** Worst-case relative error of a reported percentile: half a bucket width over its lower bound. */
export const RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

/** Buckets per histogram: 32 exact ones for 0…31, then 16 per power of two for exponents 5…52. */
export const BUCKET_COUNT = 2 * SUB_BUCKETS + (52 - 4) * SUB_BUCKETS;

const TWO_POW_32 = 4294967296;

/**
 * Bucket of a non-negative value. Branches instead of Math.log2 because this runs once per exit:
 * clz32 gives the exponent exactly, with no floating-point rounding at powers of two.
 */
export function bucketIndex(value: number): number {
  if (!(value >= 32)) return value > 0 ? Math.floor(value) : 0;
  let exponent: number;
  let sub: number;
  if (value < TWO_POW_32) {
    exponent = 31 - Math.clz32(value);
    sub = (value >>> (exponent - 4)) & 15;
  } else {
    exponent = 63 - Math.clz32(Math.floor(value / TWO_POW_32));
    if (exponent > 52) return BUCKET_COUNT - 1;
    sub = Math.floor(value / 2 ** (exponent - 4)) & 15;
  }
  return SUB_BUCKETS + (exponent - 4) * SUB_BUCKETS + sub;
}

/** Smallest value that falls in bucket `index`. */
export function bucketLowerBound(index: number): number {
  if (index < 2 * SUB_BUCKETS) return index;
  const exponent = 4 + Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
  return (SUB_BUCKETS + sub) * 2 ** (exponent - 4);
}

/** Number of integer values in bucket `index` (1 in the exact region). */
export function bucketWidth(index: number): number {
  if (index < 2 * SUB_BUCKETS) return 1;
  return 2 ** (Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS));
}

/**
 * Count, total, min, max and histogram of a group of host times. One per reason and per category;
 * `add` is on the per-exit path and allocates nothing.
 */
export class TimingAccumulator {
  count = 0;
  totalNs = 0;
  minNs = Infinity;
  maxNs = -Infinity;
  readonly buckets = new Float64Array(BUCKET_COUNT);

  /** Sum of several accumulators (a reason's or a category's pairs): exact, since buckets align. */
  static merge(parts: readonly TimingAccumulator[]): TimingAccumulator {
    const out = new TimingAccumulator();
    for (const p of parts) {
      out.count += p.count;
      out.totalNs += p.totalNs;
      if (p.minNs < out.minNs) out.minNs = p.minNs;
      if (p.maxNs > out.maxNs) out.maxNs = p.maxNs;
      for (let i = 0; i < BUCKET_COUNT; i++) out.buckets[i] += p.buckets[i];
    }
    return out;
  }

  /** Records one duration whose bucket the caller already computed (shared by reason and category). */
  addBucketed(durationNs: number, bucket: number): void {
    this.count++;
    this.totalNs += durationNs;
    if (durationNs < this.minNs) this.minNs = durationNs;
    if (durationNs > this.maxNs) this.maxNs = durationNs;
    this.buckets[bucket]++;
  }

  /** Records one duration. */
  add(durationNs: number): void {
    this.addBucketed(durationNs, bucketIndex(durationNs));
  }

  /**
   * Nearest-rank percentile (p in 0…1): the midpoint of the bucket holding the ⌈p·n⌉-th smallest
   * value, rounded to whole ns and clamped to [min, max]. Null when nothing was recorded.
   */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.buckets[i];
      if (seen >= rank) {
        const lower = bucketLowerBound(i);
        const mid = Math.round(lower + (bucketWidth(i) - 1) / 2);
        return Math.min(this.maxNs, Math.max(this.minNs, mid));
      }
    }
    return this.maxNs;
  }

  /** The summary's view: exact count/total/min/max/mean, histogram-based p50/p95/p99. */
  stats(): TimingStats {
    if (this.count === 0) return emptyTimingStats();
    return {
      count: this.count,
      totalNs: this.totalNs,
      minNs: this.minNs,
      maxNs: this.maxNs,
      meanNs: this.totalNs / this.count,
      p50Ns: this.percentile(0.5),
      p95Ns: this.percentile(0.95),
      p99Ns: this.percentile(0.99),
    };
  }

  /** Sparse `[lowerBoundNs, count]` pairs of the non-empty buckets, ascending. */
  histogram(): Histogram {
    const out: Array<readonly [number, number]> = [];
    for (let i = 0; i < BUCKET_COUNT; i++) if (this.buckets[i] !== 0) out.push([bucketLowerBound(i), this.buckets[i]]);
    return out;
  }
}

/** Statistics of a group with no measured time (all nulls, zero count). */
export function emptyTimingStats(): TimingStats {
  return { count: 0, totalNs: 0, minNs: null, maxNs: null, meanNs: null, p50Ns: null, p95Ns: null, p99Ns: null };
}
