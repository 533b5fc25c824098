/**
 * The build × paging matrix: with four traces that are builds {A, B} × paging {shadow, ept}, the
 * questions users ask are "what does EPT buy each build" and "what does the new build cost under
 * each paging mode" — two differences read off a 2×2 table.
 */
import type { PagingMode } from '../model/trace';
import type { TraceLabel } from './labels';

export interface MatrixCell {
  /** Index into Comparison.traces. */
  readonly trace: number;
  readonly overheadExits: number;
  readonly overheadTimeNs: number;
}

export interface BuildPagingMatrix {
  /** Two build names, in the order their first trace appears. */
  readonly builds: readonly [string, string];
  readonly paging: readonly ['shadow', 'ept'];
  /** `cells[b][p]`: build b under paging p. */
  readonly cells: readonly [readonly [MatrixCell, MatrixCell], readonly [MatrixCell, MatrixCell]];
  /** Per build: EPT over shadow, overhead exits and time (ratio, null when shadow is 0). */
  readonly eptEffect: ReadonlyArray<{ readonly exitsRatio: number | null; readonly timeRatio: number | null }>;
  /** Per paging mode: build B over build A. */
  readonly buildEffect: ReadonlyArray<{ readonly exitsRatio: number | null; readonly timeRatio: number | null }>;
}

const PAGING: readonly PagingMode[] = ['shadow', 'ept'];

/** The matrix, or undefined unless exactly four traces cover both builds under both modes. */
export function buildMatrix(
  traces: readonly TraceLabel[],
  overheadExits: readonly number[],
  overheadTimeNs: readonly number[],
): BuildPagingMatrix | undefined {
  if (traces.length !== 4 || traces.some((t) => !t.paging || !t.build)) return undefined;
  const builds = [...new Set(traces.map((t) => t.build as string))];
  if (builds.length !== 2) return undefined;
  const cell = (b: string, p: PagingMode): MatrixCell | undefined => {
    const hits = traces.map((t, i) => ({ t, i })).filter(({ t }) => t.build === b && t.paging === p);
    if (hits.length !== 1) return undefined;
    const i = hits[0].i;
    return { trace: i, overheadExits: overheadExits[i], overheadTimeNs: overheadTimeNs[i] };
  };
  const rows = builds.map((b) => PAGING.map((p) => cell(b, p)));
  if (rows.some((r) => r.some((c) => c === undefined))) return undefined;
  const cells = rows as unknown as [[MatrixCell, MatrixCell], [MatrixCell, MatrixCell]];
  const r = (a: number, b: number) => (a === 0 ? null : b / a);
  return {
    builds: [builds[0], builds[1]],
    paging: ['shadow', 'ept'],
    cells,
    eptEffect: cells.map(([shadow, ept]) => ({
      exitsRatio: r(shadow.overheadExits, ept.overheadExits),
      timeRatio: r(shadow.overheadTimeNs, ept.overheadTimeNs),
    })),
    buildEffect: [0, 1].map((p) => ({
      exitsRatio: r(cells[0][p].overheadExits, cells[1][p].overheadExits),
      timeRatio: r(cells[0][p].overheadTimeNs, cells[1][p].overheadTimeNs),
    })),
  };
}
