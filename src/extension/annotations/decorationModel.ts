/**
 * What the editor shows on a guest source line, computed from the site index alone: the line's exits
 * under the category filter, the chosen metric's value, its heat bucket and the after-line text.
 * Pure (no `vscode`): the decoration controller only maps these records onto decoration types, and
 * the unit tests and `scripts/bench-decorations.js` run it in plain Node.
 *
 * Cost model: `prepareIndex` walks every indexed line once (when the index, metric or filter changes);
 * `fileDecorations` then touches only one file's lines, which is what runs per visible editor.
 */
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { BaselineComparison } from '../../core/sites/compareMath';
import type { LineStats, SiteIndex } from '../../core/sites/siteIndex';
import { CATEGORY_SHORT, cyclesOf, exitsWord, formatCompact, formatDelta, formatNs } from './format';

/** the annotations.metric setting. */
export type AnnotationMetric = 'exits' | 'hostTime' | 'cycles';

/** The metrics, as the setting's enum lists them. */
export const ANNOTATION_METRICS: readonly AnnotationMetric[] = ['exits', 'hostTime', 'cycles'];

/** What the annotations are computed with; derived from the settings and the trace's header. */
export interface AnnotationOptions {
  readonly metric: AnnotationMetric;
  /** Categories whose exits count; see {@link categoryFilter}. */
  readonly categories: ReadonlySet<Category>;
  /** `meta.cpuHz` of the trace, for the cycles metric; undefined when the trace does not say. */
  readonly cpuHz?: number;
}

/**
 * The category set of the annotations.categories setting: empty means every category but HLT (idle
 * time is not overhead); unknown names are ignored, so a typo cannot hide everything silently
 * (a list of only unknown names behaves as empty).
 */
export function categoryFilter(setting: readonly unknown[] | undefined): ReadonlySet<Category> {
  const known = new Set<string>(CATEGORIES);
  const picked = (setting ?? []).filter((c): c is Category => typeof c === 'string' && known.has(c));
  return new Set(picked.length > 0 ? picked : CATEGORIES.filter((c) => c !== 'hlt'));
}

/** The setting's value as a metric; anything else (a hand-edited settings.json) falls back to exits. */
export function normalizeMetric(metric: unknown): AnnotationMetric {
  return ANNOTATION_METRICS.includes(metric as AnnotationMetric) ? (metric as AnnotationMetric) : 'exits';
}

/** One line as the annotations see it, after the category filter. */
export interface LineView {
  /** Exits of the selected categories. */
  readonly exits: number;
  /** Host time of those exits, ns; estimated (`estimated`) when the line also has filtered-out exits. */
  readonly hostNs: number;
  /**
   * True when the line mixes selected and filtered-out categories: the index keeps one host time per
   * line, so the selected part is apportioned by exit count.
   */
  readonly estimated: boolean;
  /** Selected categories with exits on this line, most exits first. */
  readonly categories: readonly (readonly [Category, number])[];
  /** All-category comparison against the baseline, when one is set. */
  readonly baseline?: BaselineComparison;
}

/** Applies the category filter to one line; undefined when nothing is left to show. */
export function lineView(stats: LineStats, categories: ReadonlySet<Category>): LineView | undefined {
  const cats: [Category, number][] = [];
  let exits = 0;
  for (const c of CATEGORIES) {
    const n = stats.byCategory[c];
    if (n && categories.has(c)) {
      cats.push([c, n]);
      exits += n;
    }
  }
  // A line the baseline had and this trace lost keeps a (heat-less) annotation: it shows the gain.
  const gone = stats.exits === 0 && stats.baseline !== undefined && stats.baseline.exits > 0;
  if (exits === 0 && !gone) return undefined;
  cats.sort((a, b) => b[1] - a[1] || CATEGORIES.indexOf(a[0]) - CATEGORIES.indexOf(b[0]));
  const estimated = exits !== stats.exits && exits > 0;
  const hostNs = exits === stats.exits ? stats.totalNs : stats.exits > 0 ? (stats.totalNs * exits) / stats.exits : 0;
  return { exits, hostNs, estimated, categories: cats, ...(stats.baseline ? { baseline: stats.baseline } : {}) };
}

/** Heat bucket boundaries as a share of the hottest line's value: ≥5 % → 2, ≥20 % → 3, ≥50 % → 4. */
export const HEAT_THRESHOLDS: readonly number[] = [0.05, 0.2, 0.5];

/** 0 for no value, else 1–4 by {@link HEAT_THRESHOLDS} of `value / max`. */
export function heatBucket(value: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (!(value > 0) || !(max > 0)) return 0;
  const r = value / max;
  let b = 1;
  for (const t of HEAT_THRESHOLDS) if (r >= t) b++;
  return b as 1 | 2 | 3 | 4;
}

/** The index plus what every file's decorations share: the options and the hottest value. */
export interface PreparedIndex {
  readonly index: SiteIndex;
  readonly options: AnnotationOptions;
  /**
   * What the heat measures: `hostTime` for the time and cycles metrics when the trace has host times
   * (cycles are host ns × a constant, so they rank identically), else `exits`.
   */
  readonly basis: 'exits' | 'hostTime';
  /** Largest basis value of any line in any file: the heat is comparable across files. */
  readonly maxValue: number;
  /** True when the trace has host times at all (aggregated or entry-less traces have none). */
  readonly hasTime: boolean;
  /** Each file's decorations once computed: switching back to an editor costs a lookup. */
  readonly byFile: Map<string, readonly LineDecoration[]>;
}

/** Walks all lines once to find the hottest value for the metric and filter. */
export function prepareIndex(index: SiteIndex, options: AnnotationOptions): PreparedIndex {
  const hasTime = index.totalNs > 0;
  const basis = options.metric !== 'exits' && hasTime ? 'hostTime' : 'exits';
  const cats = CATEGORIES.filter((c) => options.categories.has(c));
  let maxValue = 0;
  // The same arithmetic as lineView, without its allocations: this walks every line of the trace.
  for (const file of Object.values(index.files)) {
    for (const stats of Object.values(file.lines)) {
      let exits = 0;
      for (const c of cats) exits += stats.byCategory[c] ?? 0;
      if (exits === 0) continue;
      const value = basis === 'exits' ? exits : exits === stats.exits ? stats.totalNs : (stats.totalNs * exits) / stats.exits;
      if (value > maxValue) maxValue = value;
    }
  }
  return { index, options, basis, maxValue, hasTime, byFile: new Map() };
}

/** One decorated line: what the controller turns into a range and what the test hook reports. */
export interface LineDecoration {
  /** 1-based, as in the index and in `file:line`. */
  readonly line: number;
  /** 0: no heat background (a line only the baseline has), else 1 (cool) … 4 (hottest). */
  readonly bucket: 0 | 1 | 2 | 3 | 4;
  /** Exits of the selected categories. */
  readonly exits: number;
  readonly hostNs: number;
  /** The metric's value (exits, ns, or cycles; undefined for cycles without a known clock). */
  readonly value: number | undefined;
  /** After-line text, e.g. `⟲ 41.2k exits · CR3 38k · 3.10 ms`. */
  readonly text: string;
}

/**
 * The decorations of one file (keyed as in the index: workspace-relative, or the recorded path),
 * in line order, computed once per prepared index. Empty for a file the trace never exits in.
 */
export function fileDecorations(prepared: PreparedIndex, fileKey: string): readonly LineDecoration[] {
  let out = prepared.byFile.get(fileKey);
  if (!out) {
    out = computeFileDecorations(prepared, fileKey);
    prepared.byFile.set(fileKey, out);
  }
  return out;
}

function computeFileDecorations(prepared: PreparedIndex, fileKey: string): LineDecoration[] {
  const file = prepared.index.file(fileKey);
  if (!file) return [];
  const out: LineDecoration[] = [];
  for (const key of Object.keys(file.lines)) {
    const v = lineView(file.lines[key], prepared.options.categories);
    if (!v) continue;
    const basisValue = prepared.basis === 'hostTime' ? v.hostNs : v.exits;
    out.push({
      line: Number(key),
      bucket: heatBucket(basisValue, prepared.maxValue),
      exits: v.exits,
      hostNs: v.hostNs,
      value: metricValue(v, prepared.options),
      text: afterText(v, prepared),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The metric's value for a line. */
export function metricValue(v: LineView, options: AnnotationOptions): number | undefined {
  if (options.metric === 'exits') return v.exits;
  if (options.metric === 'hostTime') return v.hostNs;
  return cyclesOf(v.hostNs, options.cpuHz);
}

/**
 * `⟲ 41.2k exits · CR3 38k · 3.10 ms` (metric first; the category part names the top category and,
 * when the line has several, its count; `≈` marks apportioned time; `Δ` the change against the
 * baseline at the same line, all categories).
 */
export function afterText(v: LineView, prepared: Pick<PreparedIndex, 'options' | 'hasTime'>): string {
  const { metric, cpuHz } = prepared.options;
  const exits = `${formatCompact(v.exits)} ${exitsWord(v.exits)}`;
  const approx = v.estimated ? '≈' : '';
  const time = prepared.hasTime ? `${approx}${formatNs(v.hostNs)}` : undefined;
  const parts: string[] = [];
  if (metric === 'hostTime') {
    parts.push(time ?? 'host time n/a', exits);
  } else if (metric === 'cycles') {
    const cycles = cyclesOf(v.hostNs, cpuHz);
    parts.push(cycles !== undefined && prepared.hasTime ? `${approx}${formatCompact(cycles)} cycles` : 'cycles n/a', exits);
  } else {
    parts.push(exits);
  }
  if (v.categories.length === 1) parts.push(CATEGORY_SHORT[v.categories[0][0]]);
  else if (v.categories.length > 1) parts.push(`${CATEGORY_SHORT[v.categories[0][0]]} ${formatCompact(v.categories[0][1])}`);
  if (metric !== 'hostTime' && time !== undefined && v.exits > 0) parts.push(time);
  if (v.baseline) parts.push(`Δ ${formatDelta(v.baseline.delta, true)}`);
  return `⟲ ${parts.join(' · ')}`;
}

/** The line with the most selected exits in the whole index (ties: first file, then line, in order). */
export function hottestLine(index: SiteIndex, categories: ReadonlySet<Category>): { file: string; line: number; exits: number } | undefined {
  let best: { file: string; line: number; exits: number } | undefined;
  for (const file of Object.keys(index.files).sort()) {
    const lines = index.files[file].lines;
    for (const key of Object.keys(lines)) {
      const v = lineView(lines[key], categories);
      if (v && v.exits > 0 && (!best || v.exits > best.exits)) best = { file, line: Number(key), exits: v.exits };
    }
  }
  return best;
}
