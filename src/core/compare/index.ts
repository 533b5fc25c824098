/** Build comparison: N traces side by side, each against the first (the baseline). */
export { compareSummaries, series, MAX_TRACES, MIN_TRACES } from './compareModel';
export type { Comparison, ComparedGroup, ComparedReason, ComparedSeries, ComparedSite, ComparedTrace, CompareInput, CompareOptions, CompareWhatIfOptions, TraceWhatIf } from './compareModel';
export { DEFAULT_MISSES_PER_MS, eptWhatIf, REMOVED_CATEGORIES } from './whatIf';
export type { EptWhatIf, Range, WhatIfOptions } from './whatIf';
export { cpuForTrace, measureWalkModel, WALK_PATTERN } from './walkModel';
export type { WalkModel } from './walkModel';
export { baseName, buildFromName, labelTraces, pagingFromName } from './labels';
export type { TraceLabel } from './labels';
export { buildMatrix } from './matrix';
export type { BuildPagingMatrix, MatrixCell } from './matrix';
