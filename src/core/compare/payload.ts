/**
 * What the compare page draws: the Comparison plus, per trace, the bounded series the charts need
 * (the exits-over-time timeline and the host-time histograms of the top reasons). Aggregates only,
 * never raw events, so the extension can post it to a webview and the CLI can embed it in an HTML
 * report; both hosts render the same payload with the same page code.
 */
import type { Histogram, Timeline, TraceSummary } from '../model/summary';
import type { Comparison } from './compareModel';

/** Bumped when the payload changes shape; the page refuses payloads of another version. */
export const COMPARE_PAYLOAD_VERSION = 1;

/** Reasons offered in the histogram chart by default. */
export const HISTOGRAM_REASONS = 8;

/** Per-trace chart series. */
export interface TraceSeries {
  readonly label: string;
  /** Exits per time bin (null for aggregated reports without times). */
  readonly timeline: Timeline | null;
  /** Reason → sparse host-time histogram, only for `ComparePayload.histogramReasons`. */
  readonly histograms: Readonly<Record<string, Histogram>>;
}

export interface ComparePayload {
  readonly version: number;
  /** Page title, e.g. "forkwait · shadow vs forkwait · ept". */
  readonly title: string;
  readonly comparison: Comparison;
  /** One per trace, in Comparison.traces order. */
  readonly series: readonly TraceSeries[];
  /** Reasons with histograms, most host time (summed over traces) first. */
  readonly histogramReasons: readonly string[];
  /** ISO time the payload was built (shown in reports). */
  readonly generatedAt?: string;
}

export interface PayloadOptions {
  readonly histogramReasons?: number;
  readonly generatedAt?: string;
}

/** Builds the payload; `summaries` must be the ones `comparison` was built from, in the same order. */
export function buildComparePayload(summaries: readonly TraceSummary[], comparison: Comparison, options: PayloadOptions = {}): ComparePayload {
  const time = (name: string) => summaries.reduce((sum, s) => sum + (s.timing[name]?.totalNs ?? 0), 0);
  const reasons = Object.keys(comparison.reasons)
    .filter((name) => summaries.some((s) => (s.histograms[name]?.length ?? 0) > 0))
    .sort((a, b) => time(b) - time(a) || a.localeCompare(b))
    .slice(0, options.histogramReasons ?? HISTOGRAM_REASONS);
  const series = summaries.map((s, i) => {
    const histograms: Record<string, Histogram> = {};
    for (const r of reasons) if (s.histograms[r]) histograms[r] = s.histograms[r];
    return { label: comparison.traces[i].label, timeline: s.timeline, histograms };
  });
  return {
    version: COMPARE_PAYLOAD_VERSION,
    title: comparison.traces.map((t) => t.label).join(' vs '),
    comparison,
    series,
    histogramReasons: reasons,
    ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the parts of a payload the page reads before it renders anything (the page is a separate
 * origin in VS Code and reads a file in the report; neither source is trusted blindly).
 */
export function looksLikeComparePayload(v: unknown): v is ComparePayload {
  if (!isRecord(v) || v.version !== COMPARE_PAYLOAD_VERSION || typeof v.title !== 'string') return false;
  const c = v.comparison;
  if (!isRecord(c) || !Array.isArray(c.traces) || c.traces.length < 2 || !isRecord(c.categories) || !isRecord(c.totals) || !isRecord(c.reasons)) return false;
  if (!Array.isArray(c.sites) || !Array.isArray(c.notes)) return false;
  if (!c.traces.every((t) => isRecord(t) && typeof t.label === 'string')) return false;
  return Array.isArray(v.series) && v.series.length === c.traces.length && Array.isArray(v.histogramReasons);
}
