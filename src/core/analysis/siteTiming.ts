/**
 * Host-time percentiles per guest RIP. The summary's per-reason histograms (histogram.ts) are 800
 * doubles each, far too many for every RIP of a trace; a site gets a coarse one instead: the fine
 * buckets merged four at a time (4 per power of two, a percentile within 12.5 %), plus its exact min
 * and max. Only the first SITE_TIMING_LIMIT distinct RIPs get one, so the memory stays bounded
 * (≤ 7.4 MB) whatever the trace; the sites of a real trace number in the thousands.
 *
 * Storage (SiteTimings) is shaped by the hot path: every exit updates its site's counters, sites are
 * hit at random, and the 200 uint32 counters of a full histogram (800 bytes) cost a cache miss per
 * exit once a few thousand sites are live. One instruction's host times span a few powers of two, so
 * a site keeps a window of WINDOW_BUCKETS uint16 counters (96 bytes), and its min and max in the
 * caller's site record (one cache line fewer per exit); a time outside the window or a counter about
 * to overflow moves that site to a full
 * uint32 histogram, kept aside. The counts are exact either way.
 */
import type { Histogram, SiteTiming } from '../model/summary';
import { BUCKET_COUNT, bucketIndex, bucketLowerBound } from './histogram';

/** Fine buckets per coarse one, as a shift. */
export const COARSE_SHIFT = 2;
/** Coarse buckets per site. */
export const COARSE_BUCKETS = BUCKET_COUNT >> COARSE_SHIFT;
/** Distinct RIPs (in order of first appearance) that get per-site timing. */
export const SITE_TIMING_LIMIT = 8192;

/**
 * A site's timing header: three doubles (min, max, window base) that the caller keeps inside its own
 * per-site record at offset `h`, so that counting an exit touches the site's record and one counter
 * line, not a third line for these (initTimingHeader() sets them up).
 */
export const TIMING_HEADER_DOUBLES = 3;
const MIN = 0;
const MAX = 1;
const BASE = 2;
/** Window base of a site with no time yet / of a site whose counts moved to a full histogram. */
const NO_BASE = -1;
const SPILLED = -2;
/** Uint16 counters per site window: 12 powers of two. */
const WINDOW_BUCKETS = 48;
/** A site's window starts this many coarse buckets (4 powers of two) below its first time. */
const WINDOW_BELOW = 16;
const UINT16_MAX = 0xffff;

/** Makes rec[h … h+2] the timing header of a site with no time yet. */
export function initTimingHeader(rec: Float64Array, h: number): void {
  rec[h + MIN] = Infinity;
  rec[h + MAX] = -Infinity;
  rec[h + BASE] = NO_BASE;
}

/**
 * Exact coarse host-time histograms for sites 0 … SITE_TIMING_LIMIT-1 (indices given by the caller),
 * whose min, max and window base live in the caller's timing header `rec[h …]` of the same site.
 */
export class SiteTimings {
  private counters = new Uint16Array(0);
  private readonly full = new Map<number, Uint32Array>();

  /** Counts host time `durationNs` (fine histogram bucket `bucket`) at site `i` < SITE_TIMING_LIMIT. */
  add(rec: Float64Array, h: number, i: number, bucket: number, durationNs: number): void {
    if (durationNs < rec[h + MIN]) rec[h + MIN] = durationNs;
    if (durationNs > rec[h + MAX]) rec[h + MAX] = durationNs;
    const c = bucket >> COARSE_SHIFT;
    let base = rec[h + BASE];
    if (base < 0) {
      if (base === SPILLED) {
        (this.full.get(i) as Uint32Array)[c]++;
        return;
      }
      base = rec[h + BASE] = Math.max(0, c - WINDOW_BELOW);
    }
    const k = c - base;
    if (k >= 0 && k < WINDOW_BUCKETS) {
      const at = i * WINDOW_BUCKETS + k;
      if (at >= this.counters.length) this.grow(i);
      const n = this.counters[at];
      if (n < UINT16_MAX) {
        this.counters[at] = n + 1;
        return;
      }
    }
    this.spill(rec, h, i)[c]++;
  }

  /** Moves site i's window into a full histogram (from now on its counts go there). */
  private spill(rec: Float64Array, h: number, i: number): Uint32Array {
    const histogram = this.histogram(rec, h, i);
    this.full.set(i, histogram);
    rec[h + BASE] = SPILLED;
    this.counters.fill(0, i * WINDOW_BUCKETS, (i + 1) * WINDOW_BUCKETS);
    return histogram;
  }

  /** Site i's coarse counters as a full histogram (a copy, COARSE_BUCKETS long). */
  private histogram(rec: Float64Array, h: number, i: number): Uint32Array {
    const full = this.full.get(i);
    if (full !== undefined) return full.slice();
    const out = new Uint32Array(COARSE_BUCKETS);
    const base = rec[h + BASE];
    const o = i * WINDOW_BUCKETS;
    if (base >= 0 && o < this.counters.length) for (let k = 0; k < WINDOW_BUCKETS && base + k < COARSE_BUCKETS; k++) out[base + k] = this.counters[o + k];
    return out;
  }

  /** Site i's timing, its exits' host time summing to totalNs (undefined when none had a time). */
  timing(rec: Float64Array, h: number, i: number, totalNs: number): SiteTiming | undefined {
    if (rec[h + BASE] === NO_BASE) return undefined;
    return siteTiming(this.histogram(rec, h, i), 0, totalNs, rec[h + MIN], rec[h + MAX]);
  }

  private grow(i: number): void {
    const sites = Math.min(SITE_TIMING_LIMIT, Math.max(1024, 2 * (i + 1)));
    const counters = new Uint16Array(sites * WINDOW_BUCKETS);
    counters.set(this.counters);
    this.counters = counters;
  }
}

/** Smallest value of coarse bucket `c`. */
export function coarseLowerBound(c: number): number {
  return bucketLowerBound(c << COARSE_SHIFT);
}

/** Number of integer values in coarse bucket `c`. */
function coarseWidth(c: number): number {
  const next = c + 1 < COARSE_BUCKETS ? coarseLowerBound(c + 1) : 2 * coarseLowerBound(c);
  return next - coarseLowerBound(c);
}

/**
 * Nearest-rank percentile (p in 0…1) of a coarse histogram: the midpoint of the bucket holding the
 * ⌈p·n⌉-th smallest value, clamped to the exact [min, max]. Works on merged histograms too (lines
 * with several RIPs): buckets align.
 */
export function coarsePercentile(histogram: Histogram, p: number, minNs: number, maxNs: number): number | null {
  let n = 0;
  for (const [, count] of histogram) n += count;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [lower, count] of histogram) {
    seen += count;
    if (seen >= rank) return Math.min(maxNs, Math.max(minNs, Math.round(lower + (coarseWidth(bucketIndex(lower) >> COARSE_SHIFT) - 1) / 2)));
  }
  return null;
}

/** Sum of histograms with the same bucket bounds, ascending. */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const sums = new Map<number, number>();
  for (const h of parts) for (const [lower, count] of h) sums.set(lower, (sums.get(lower) ?? 0) + count);
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

/** The site's timing from its coarse counters at `offset` (undefined when no exit had a time). */
export function siteTiming(counters: Uint32Array, offset: number, totalNs: number, minNs: number, maxNs: number): SiteTiming | undefined {
  const histogram: Array<readonly [number, number]> = [];
  let count = 0;
  for (let c = 0; c < COARSE_BUCKETS; c++) {
    const k = counters[offset + c];
    if (k !== 0) {
      histogram.push([coarseLowerBound(c), k]);
      count += k;
    }
  }
  if (count === 0) return undefined;
  return { count, meanNs: totalNs / count, minNs, maxNs, p50Ns: coarsePercentile(histogram, 0.5, minNs, maxNs)!, p95Ns: coarsePercentile(histogram, 0.95, minNs, maxNs)!, histogram };
}
