/**
 * Category ⇄ small-integer mapping, so the per-exit hot path indexes typed arrays instead of
 * building objects keyed by category names.
 */
import { CATEGORIES, type Category } from '../model/exit';
import type { CategoryCounts } from '../model/summary';

/** Number of categories; the stride of every per-category typed array. */
export const CATEGORY_COUNT = CATEGORIES.length;

/** Index of `other`: where a record with an unknown category string is counted rather than dropped. */
export const OTHER_INDEX = CATEGORIES.indexOf('other');

/** Index of `hlt`: HLT is idle time, reported apart from the overhead. */
export const HLT_INDEX = CATEGORIES.indexOf('hlt');

const INDEX: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(CATEGORIES.map((c, i) => [c, i])) as Record<string, number>,
);

/** Position of a category in CATEGORIES; unknown strings map to `other` so no exit is lost. */
export function categoryIndex(category: string): number {
  const i = INDEX[category];
  return i === undefined ? OTHER_INDEX : i;
}

/** Every category with a zero count, in display order (the summary always lists all of them). */
export function zeroCategoryCounts(): Record<Category, number> {
  const out = {} as Record<Category, number>;
  for (const c of CATEGORIES) out[c] = 0;
  return out;
}

/** Turns a CATEGORY_COUNT-long slice of a numeric array into a full CategoryCounts object. */
export function categoryCountsFrom(values: ArrayLike<number>, offset = 0): CategoryCounts {
  const out = {} as Record<Category, number>;
  for (let i = 0; i < CATEGORY_COUNT; i++) out[CATEGORIES[i]] = values[offset + i];
  return out;
}
