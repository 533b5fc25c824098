/**
 * Host-time percentiles per guest RIP. The summary's per-reason histograms (histogram.ts) are 800
 * doubles each, far too many for every RIP of a trace; a site gets a coarse one instead: the fine
 * buckets merged four at a time (4 per power of two, a percentile within 12.5 %), 200 uint32 counters.
 * plus its exact min and max. Only the first SITE_TIMING_LIMIT distinct RIPs get one, so the memory
 * stays bounded (6.7 MB at most) whatever the trace; the sites of a real trace number in the thousands.
 */
import type { Histogram, SiteTiming } from '../model/summary';
import { BUCKET_COUNT, bucketIndex, bucketLowerBound } from './histogram';

/** Fine buckets per coarse one, as a shift. */
export const COARSE_SHIFT = 2;
/** Coarse buckets per site. */
export const COARSE_BUCKETS = BUCKET_COUNT >> COARSE_SHIFT;
/** Distinct RIPs (in order of first appearance) that get per-site timing. */
export const SITE_TIMING_LIMIT = 8192;

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
