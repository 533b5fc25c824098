/**
 * Host-time percentiles per guest RIP. The summary's per-reason histograms (histogram.ts) are 800
 * doubles each, far too many for every RIP of a trace; a site gets a coarse one instead: the fine
 * buckets merged four at a time (4 per power of two, a percentile within 12.5 %), plus its exact min
 * and max. Only the first SITE_TIMING_LIMIT distinct RIPs get one, so the memory stays bounded
 * (≤ 6.6 MB) whatever the trace; the sites of a real trace number in the thousands.
 *
 * Storage (SiteTimings) is shaped by the hot path: every exit updates its site's counters, sites are
 * hit at random (each a cache miss once a few thousand are live). A site's min and max sit in the
 * caller's site record, which the exit touches anyway; its counters are a full uint32 histogram at a
 * fixed place, so the address of the one counter an exit bumps depends on the site and the bucket
 * only, and the CPU loads it alongside the site record instead of after it.
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
 * A site's timing header: two doubles (min, max) that the caller keeps inside its own per-site record
 * at offset `h` (initTimingHeader() sets them up).
 */
export const TIMING_HEADER_DOUBLES = 2;
const MIN = 0;
const MAX = 1;

/** Makes rec[h … h+1] the timing header of a site with no time yet. */
export function initTimingHeader(rec: Float64Array, h: number): void {
  rec[h + MIN] = Infinity;
  rec[h + MAX] = -Infinity;
}

/**
 * Exact coarse host-time histograms for sites 0 … SITE_TIMING_LIMIT-1 (indices given by the caller),
 * whose min and max live in the caller's timing header `rec[h …]` of the same site.
 */
export class SiteTimings {
  private counters = new Uint32Array(0);

  /** Counts host time `durationNs` (fine histogram bucket `bucket`) at site `i` < SITE_TIMING_LIMIT. */
  add(rec: Float64Array, h: number, i: number, bucket: number, durationNs: number): void {
    const at = i * COARSE_BUCKETS + (bucket >> COARSE_SHIFT);
    if (at >= this.counters.length) this.grow(i);
    this.counters[at]++;
    if (durationNs < rec[h + MIN]) rec[h + MIN] = durationNs;
    if (durationNs > rec[h + MAX]) rec[h + MAX] = durationNs;
  }

  /** Site i's timing, its exits' host time summing to totalNs (undefined when none had a time). */
  timing(rec: Float64Array, h: number, i: number, totalNs: number): SiteTiming | undefined {
    if (rec[h + MAX] === -Infinity || (i + 1) * COARSE_BUCKETS > this.counters.length) return undefined;
    return siteTiming(this.counters, i * COARSE_BUCKETS, totalNs, rec[h + MIN], rec[h + MAX]);
  }

  private grow(i: number): void {
    const sites = Math.min(SITE_TIMING_LIMIT, Math.max(256, 2 * (i + 1)));
    const counters = new Uint32Array(sites * COARSE_BUCKETS);
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
