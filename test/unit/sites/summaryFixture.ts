/** SYNTHETIC TraceSummary values for the site-index tests: only sites and totals matter here. */
import { CATEGORIES, type Category } from '../../../src/core/model/exit';
import type { SiteSummary, TimingStats, TraceSummary } from '../../../src/core/model/summary';

const zeros = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
const noTiming: TimingStats = { count: 0, totalNs: 0, minNs: null, maxNs: null, meanNs: null, p50Ns: null, p95Ns: null, p99Ns: null };

/** A summary whose only meaningful parts are `exits`, host time and `sites`. */
export function summaryWith(opts: { file?: string; exits: number; overheadNs: number; hltNs: number; sites: SiteSummary[] }): TraceSummary {
  return {
    format: 'perf-script',
    isa: 'vmx',
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    meta: {},
    aggregated: false,
    exits: opts.exits,
    byReason: {},
    byCategory: zeros(),
    timeByCategory: zeros(),
    reasonCategory: {},
    vcpus: [],
    perVcpu: [],
    timing: {},
    categoryTiming: Object.fromEntries(CATEGORIES.map((c) => [c, noTiming])) as Record<Category, TimingStats>,
    histograms: {},
    hlt: { exits: 0, totalNs: opts.hltNs },
    overhead: { exits: opts.exits, totalNs: opts.overheadNs },
    sites: opts.sites,
    siteCount: opts.sites.length + 7,
    startNs: 0,
    endNs: 1,
    durationNs: 1,
    timeline: null,
    warnings: [],
    warningCount: 0,
  };
}

/** A site with one category and one reason. */
export function site(rip: string, exits: number, totalNs: number, category: Category, reason: string, vcpus: number[]): SiteSummary {
  return { rip, exits, totalNs, byCategory: { [category]: exits }, byReason: { [reason]: exits }, vcpus };
}
