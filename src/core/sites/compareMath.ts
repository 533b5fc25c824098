/**
 * The one definition of "change against a baseline" used by the site index and the build comparison:
 * A is the baseline, B the trace being looked at. Delta = B − A; ratio = B / A, null when A = 0
 * (a site that is new has no finite ratio, and 0/0 says nothing).
 */

/** A count next to its baseline. */
export interface BaselineComparison {
  /** A: the baseline's value. */
  readonly exits: number;
  /** B − A. */
  readonly delta: number;
  /** B / A, or null when A = 0. */
  readonly ratio: number | null;
}

/** B − A. */
export function delta(baseline: number, current: number): number {
  return current - baseline;
}

/** B / A, or null when the baseline is 0. */
export function ratio(baseline: number, current: number): number | null {
  return baseline === 0 ? null : current / baseline;
}

/** Both at once, as stored on index lines (`baseline: {exits, delta, ratio}`). */
export function compareToBaseline(baseline: number, current: number): BaselineComparison {
  return { exits: baseline, delta: delta(baseline, current), ratio: ratio(baseline, current) };
}
