/**
 * Host-time percentiles per guest RIP. The summary's per-reason histograms (histogram.ts) are 800
 * doubles each, far too many for every RIP of a trace; a site gets a coarse one instead: the fine
 * buckets merged four at a time (4 per power of two, a percentile within 12.5 %), plus its exact min
 * and max. Only the first SITE_TIMING_LIMIT distinct RIPs get one, so the memory stays bounded
 * (≤ 7.6 MB) whatever the trace; the sites of a real trace number in the thousands.
 *
 * Storage (SiteTimings) is shaped by the hot path: every exit updates its site's counters, sites are
 * hit at random, and the 200 uint32 counters of a full histogram (800 bytes) cost a cache miss per
 * exit once a few thousand sites are live. One instruction's host times span a few powers of two, so
 * a site keeps a window of WINDOW_BUCKETS uint16 counters next to its min and max (128 bytes, two
 * cache lines); a time outside the window or a counter about to overflow moves that site to a full
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

/** Doubles per site in SiteTimings: min, max, window base (then the counters, as uint16). */
const STRIDE_DOUBLES = 16;
const MIN = 0;
const MAX = 1;
const BASE = 2;
/** Window base of a site with no time yet / of a site whose counts moved to a full histogram. */
const NO_BASE = -1;
const SPILLED = -2;
/** Uint16 counters per site window, from the 4th double on: 12 powers of two. */
const WINDOW_BUCKETS = (STRIDE_DOUBLES - 4) * 4;
/** A site's window starts this many coarse buckets (4 powers of two) below its first time. */
const WINDOW_BELOW = 16;
const UINT16_MAX = 0xffff;

/** Exact coarse host-time histograms, min and max for sites 0 … SITE_TIMING_LIMIT-1 (indices given by the caller). */
export class SiteTimings {
  private buffer = new ArrayBuffer(0);
  private doubles = new Float64Array(0);
  private counters = new Uint16Array(0);
  private readonly full = new Map<number, Uint32Array>();

  /** Counts host time `durationNs` (fine histogram bucket `bucket`) at site `i` < SITE_TIMING_LIMIT. */
  add(i: number, bucket: number, durationNs: number): void {
    const o = i * STRIDE_DOUBLES;
    if (o >= this.doubles.length) this.grow(i);
    const d = this.doubles;
    if (durationNs < d[o + MIN]) d[o + MIN] = durationNs;
    if (durationNs > d[o + MAX]) d[o + MAX] = durationNs;
    const c = bucket >> COARSE_SHIFT;
    let base = d[o + BASE];
    if (base < 0) {
      if (base === SPILLED) {
        (this.full.get(i) as Uint32Array)[c]++;
        return;
      }
      base = d[o + BASE] = Math.max(0, c - WINDOW_BELOW);
    }
    const k = c - base;
    if (k >= 0 && k < WINDOW_BUCKETS) {
      const at = o * 4 + 16 + k;
      const n = this.counters[at];
      if (n < UINT16_MAX) {
        this.counters[at] = n + 1;
        return;
      }
    }
    this.spill(i)[c]++;
  }

  /** Moves site i's window into a full histogram (from now on its counts go there). */
  private spill(i: number): Uint32Array {
    const o = i * STRIDE_DOUBLES;
    const histogram = this.histogram(i);
    this.full.set(i, histogram);
    this.doubles[o + BASE] = SPILLED;
    this.counters.fill(0, o * 4 + 16, o * 4 + 16 + WINDOW_BUCKETS);
    return histogram;
  }

  /** Site i's coarse counters as a full histogram (a copy, COARSE_BUCKETS long). */
  private histogram(i: number): Uint32Array {
    const o = i * STRIDE_DOUBLES;
    const full = this.full.get(i);
    if (full !== undefined) return full.slice();
    const out = new Uint32Array(COARSE_BUCKETS);
    const base = o < this.doubles.length ? this.doubles[o + BASE] : NO_BASE;
    if (base >= 0) for (let k = 0; k < WINDOW_BUCKETS && base + k < COARSE_BUCKETS; k++) out[base + k] = this.counters[o * 4 + 16 + k];
    return out;
  }

  /** Site i's timing, its exits' host time summing to totalNs (undefined when none had a time). */
  timing(i: number, totalNs: number): SiteTiming | undefined {
    const o = i * STRIDE_DOUBLES;
    if (o >= this.doubles.length) return undefined;
    return siteTiming(this.histogram(i), 0, totalNs, this.doubles[o + MIN], this.doubles[o + MAX]);
  }

  private grow(i: number): void {
    const sites = Math.min(SITE_TIMING_LIMIT, Math.max(1024, 2 * (i + 1)));
    const buffer = new ArrayBuffer(sites * STRIDE_DOUBLES * 8);
    new Uint8Array(buffer).set(new Uint8Array(this.buffer));
    const doubles = new Float64Array(buffer);
    for (let o = this.doubles.length; o < doubles.length; o += STRIDE_DOUBLES) {
      doubles[o + MIN] = Infinity;
      doubles[o + MAX] = -Infinity;
      doubles[o + BASE] = NO_BASE;
    }
    this.buffer = buffer;
    this.doubles = doubles;
    this.counters = new Uint16Array(buffer);
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
