/**
 * The numbers behind the compare page's charts, worked out without a DOM so they can be unit-tested
 * and so the page only maps them onto chart.js: grouped category bars, the per-category change
 * against the baseline, exits per millisecond over time, and host-time histograms per octave.
 */
import { CATEGORIES, type Category } from '../model/exit';
import type { Histogram, Timeline } from '../model/summary';
import type { Comparison } from './compareModel';

/** Which measure a category chart shows. */
export type CategoryMetric = 'exits' | 'hostTime';

/** Grouped bars: one label per category, one value per trace and label. */
export interface GroupedBars {
  readonly labels: readonly Category[];
  /** `values[trace][label]`. */
  readonly values: ReadonlyArray<readonly number[]>;
}

/** Categories where any trace has exits or host time, in CATEGORIES order. */
export function activeCategories(c: Comparison): Category[] {
  return CATEGORIES.filter((cat) => c.categories[cat].values.some((v) => v !== 0) || c.categories[cat].timeNs.values.some((v) => v !== 0));
}

/** Exits or host time per category and trace. */
export function categoryBars(c: Comparison, metric: CategoryMetric): GroupedBars {
  const labels = activeCategories(c);
  const values = c.traces.map((_, i) => labels.map((cat) => (metric === 'exits' ? c.categories[cat].values[i] : c.categories[cat].timeNs.values[i])));
  return { labels, values };
}

/** How a change reads: more, fewer, or within the neutral band. */
export type ChangeKind = 'up' | 'down' | 'neutral';

export interface DeltaBar {
  readonly category: Category;
  /** B − A. */
  readonly delta: number;
  /** (B − A) / A, or null when A = 0. */
  readonly relative: number | null;
  readonly kind: ChangeKind;
}

/**
 * B − A per category for trace `b` against the baseline. A change is neutral when its relative size
 * is below `neutral` (10 % by default); a category new in B (A = 0, B > 0) is always a change.
 */
export function deltaBars(c: Comparison, b: number, metric: CategoryMetric, neutral = 0.1): DeltaBar[] {
  return activeCategories(c).map((category) => {
    const s = metric === 'exits' ? c.categories[category] : c.categories[category].timeNs;
    const a = s.values[0];
    const delta = s.delta[b];
    const relative = a === 0 ? null : delta / a;
    const kind: ChangeKind = delta === 0 || (relative !== null && Math.abs(relative) < neutral) ? 'neutral' : delta > 0 ? 'up' : 'down';
    return { category, delta, relative, kind };
  });
}

/** A point of the exits-over-time chart: x in ms since the trace's first exit, y in exits per ms. */
export interface RatePoint {
  readonly x: number;
  readonly y: number;
}

/** Exits per millisecond per timeline bin (each bin plotted at its start); empty without a timeline. */
export function timelinePoints(t: Timeline | null): RatePoint[] {
  if (!t || t.binNs <= 0) return [];
  const binMs = t.binNs / 1e6;
  return t.counts.map((count, i) => ({ x: i * binMs, y: count / binMs }));
}

/** Histogram counts regrouped per power of two of ns: `[2^k, 2^(k+1))`, for a readable log-scale chart. */
export interface OctaveBins {
  /** Lower bounds (ns) of the octaves shown, ascending, contiguous from the lowest to the highest non-empty one. */
  readonly lowerNs: readonly number[];
  /** `counts[trace][octave]`. */
  readonly counts: ReadonlyArray<readonly number[]>;
}

/** Regroups sparse log-linear histograms (one per trace; undefined = no exits of that reason) per octave. */
export function octaveBins(histograms: ReadonlyArray<Histogram | undefined>): OctaveBins {
  const octave = (lowerNs: number) => (lowerNs < 1 ? 0 : Math.floor(Math.log2(lowerNs)));
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of histograms) {
    for (const [lower, count] of h ?? []) {
      if (count <= 0) continue;
      const k = octave(lower);
      lo = Math.min(lo, k);
      hi = Math.max(hi, k);
    }
  }
  if (lo > hi) return { lowerNs: [], counts: histograms.map(() => []) };
  const lowerNs = Array.from({ length: hi - lo + 1 }, (_, i) => 2 ** (lo + i));
  const counts = histograms.map((h) => {
    const row = new Array<number>(lowerNs.length).fill(0);
    for (const [lower, count] of h ?? []) if (count > 0) row[octave(lower) - lo] += count;
    return row;
  });
  return { lowerNs, counts };
}
