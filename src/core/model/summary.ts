/**
 * The summary of one trace: plain, readonly, JSON-serialisable aggregates. It is what the CLI prints
 * with `--json`, what the extension posts to webviews (never raw events), and what comparisons read.
 * Memory is bounded by what is aggregated (reasons, vCPUs, sites, histogram buckets), not by trace size.
 */
import type { Category, Isa } from './exit';
import type { AggregateTable, TraceFormat, TraceMeta, TraceWarning } from './trace';

/**
 * Host time statistics for a group of exits, from kvm_exit to the next kvm_entry of the same vCPU.
 * Percentiles come from a bounded log-linear histogram (relative error ≤ 1/16, i.e. ~3 % at the
 * bucket midpoint); they are null when the input has no per-exit times (aggregated formats).
 */
export interface TimingStats {
  /** Exits with a measured time (an exit with no closing entry has none). */
  readonly count: number;
  readonly totalNs: number;
  readonly minNs: number | null;
  readonly maxNs: number | null;
  readonly meanNs: number | null;
  readonly p50Ns: number | null;
  readonly p95Ns: number | null;
  readonly p99Ns: number | null;
}

/** Sparse histogram: `[lowerBoundNs, count]` pairs of the non-empty log-linear buckets, ascending. */
export type Histogram = ReadonlyArray<readonly [number, number]>;

/** Per-category (or per-reason) counters. All categories are present, zeros included. */
export type CategoryCounts = Readonly<Record<Category, number>>;

/** A guest RIP that caused exits ("site"), with what kind of exits. */
export interface SiteSummary {
  readonly rip: string;
  readonly exits: number;
  readonly totalNs: number;
  /** Only the non-zero categories. */
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
  readonly byReason: Readonly<Record<string, number>>;
  readonly vcpus: readonly number[];
  /**
   * Host times of the site's exits that have one (absent when none has, or when the site was not among
   * the first SITE_TIMING_LIMIT distinct RIPs of the trace). Percentiles come from a coarse per-site
   * histogram: 4 buckets per power of two, so within 12.5 % of the true value
   * (clamped to the exact min and max).
   */
  readonly timing?: SiteTiming;
  /** Filled in by symbolisation. */
  readonly symbol?: string;
  readonly offset?: number;
  readonly file?: string;
  readonly line?: number;
}

/** Per-site host-time statistics; `histogram` lets lines with several RIPs merge them exactly. */
export interface SiteTiming {
  readonly count: number;
  readonly meanNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly p50Ns: number;
  readonly p95Ns: number;
  /** `[lowerBoundNs, count]` of the non-empty coarse buckets (see coarseLowerBound), ascending. */
  readonly histogram: Histogram;
}

export interface VcpuSummary {
  readonly vcpu: number;
  readonly exits: number;
  readonly totalNs: number;
  readonly byCategory: CategoryCounts;
}

/** Exits per time bin, for the "exits over time" chart. Bins widen (×2) to stay bounded. */
export interface Timeline {
  readonly startNs: number;
  readonly binNs: number;
  readonly counts: readonly number[];
}

export interface TraceSummary {
  readonly format: TraceFormat;
  readonly isa: Isa | 'unknown';
  /** The file as the user named it. */
  readonly file?: string;
  readonly meta: TraceMeta;
  /** True for perf-kvm-stat and kvm-stat input: counts come from tables, no RIPs, no percentiles. */
  readonly aggregated: boolean;
  /** Number of VM exits (for perf-kvm-stat: the samples of its vmexit table). */
  readonly exits: number;
  /** Kernel reason name → exits. */
  readonly byReason: Readonly<Record<string, number>>;
  readonly byCategory: CategoryCounts;
  /** Host time per category, ns. */
  readonly timeByCategory: CategoryCounts;
  /** Reason → category, for every reason in byReason. */
  readonly reasonCategory: Readonly<Record<string, Category>>;
  readonly vcpus: readonly number[];
  readonly perVcpu: readonly VcpuSummary[];
  /** Reason → host-time statistics. */
  readonly timing: Readonly<Record<string, TimingStats>>;
  /** Category → host-time statistics. */
  readonly categoryTiming: Readonly<Record<Category, TimingStats>>;
  /** Reason → sparse host-time histogram. */
  readonly histograms: Readonly<Record<string, Histogram>>;
  /** HLT is idle, not overhead: reported apart. */
  readonly hlt: { readonly exits: number; readonly totalNs: number };
  /** Everything but HLT. */
  readonly overhead: { readonly exits: number; readonly totalNs: number };
  /** Top sites by exits (bounded); siteCount says how many distinct RIPs there were. */
  readonly sites: readonly SiteSummary[];
  readonly siteCount: number;
  readonly startNs: number | null;
  readonly endNs: number | null;
  readonly durationNs: number | null;
  readonly timeline: Timeline | null;
  /** First warnings (bounded); warningCount is the total. */
  readonly warnings: readonly TraceWarning[];
  readonly warningCount: number;
  /** perf kvm stat / kvm_stat tables as read. */
  readonly tables?: readonly AggregateTable[];
}
