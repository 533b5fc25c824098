/** Build comparison: N traces side by side, each against the first (the baseline). */
export { compareSummaries, series, MAX_TRACES, MIN_TRACES } from './compareModel';
export type { Comparison, ComparedGroup, ComparedReason, ComparedSeries, ComparedSite, ComparedTrace, CompareInput, CompareOptions } from './compareModel';
export { baseName, buildFromName, labelTraces, pagingFromName } from './labels';
export type { TraceLabel } from './labels';
export { buildMatrix } from './matrix';
export type { BuildPagingMatrix, MatrixCell } from './matrix';
