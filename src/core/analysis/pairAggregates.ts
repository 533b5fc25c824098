/**
 * The aggregates the SummaryBuilder keeps per (reason, category) pair and per vCPU, and the views a
 * TraceSummary shows of them — per reason, per category, per vCPU, per site — made once at the end.
 */
import { CATEGORIES, type Category } from '../model/exit';
import type { Histogram, SiteSummary, TimingStats, VcpuSummary } from '../model/summary';
import { categoryCountsFrom, CATEGORY_COUNT, zeroCategoryCounts } from './categoryIndex';
import { TimingAccumulator } from './histogram';

/** Counters of one (reason, category) combination: the unit every exit is counted in. */
export class PairAggregate {
  readonly timing = new TimingAccumulator();
  count = 0;
  constructor(
    readonly index: number,
    readonly reasonName: string,
    /** The category string as the record carried it (compared by identity on the hot path). */
    readonly category: string,
    readonly categoryIndex: number,
  ) {}
}

/** Counters of one vCPU. */
export class VcpuAggregate {
  exits = 0;
  totalNs = 0;
  readonly categories = new Float64Array(CATEGORY_COUNT);
}

/** Per-reason view: sums of each reason's pairs, most exits first, then by name. */
export function reasonViews(pairsByReason: ReadonlyMap<string, readonly (PairAggregate | undefined)[]>) {
  const reasons = [...pairsByReason.entries()].map(([name, byCat]) => {
    const own = byCat.filter((p): p is PairAggregate => p !== undefined);
    const count = own.reduce((a, p) => a + p.count, 0);
    // The category most of the reason's exits fell into (ties: earlier in display order).
    const dominant = own.reduce((best, p) => (p.count > best.count || (p.count === best.count && p.categoryIndex < best.categoryIndex) ? p : best));
    return { name, count, pairs: own, category: CATEGORIES[dominant.categoryIndex] };
  });
  reasons.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byReason: Record<string, number> = {};
  const reasonCategory: Record<string, Category> = {};
  const timing: Record<string, TimingStats> = {};
  const histograms: Record<string, Histogram> = {};
  for (const r of reasons) {
    const acc = TimingAccumulator.merge(r.pairs.map((p) => p.timing));
    byReason[r.name] = r.count;
    reasonCategory[r.name] = r.category;
    timing[r.name] = acc.stats();
    histograms[r.name] = acc.histogram();
  }
  return { byReason, reasonCategory, timing, histograms };
}

/** Per-category view: sums of the pairs of each category, every category present. */
export function categoryViews(pairs: readonly PairAggregate[]) {
  const byCategory = zeroCategoryCounts();
  const timeByCategory = zeroCategoryCounts();
  const categoryTiming = {} as Record<Category, TimingStats>;
  let totalNs = 0;
  CATEGORIES.forEach((c, ci) => {
    const own = pairs.filter((p) => p.categoryIndex === ci);
    const acc = TimingAccumulator.merge(own.map((p) => p.timing));
    byCategory[c] = own.reduce((a, p) => a + p.count, 0);
    timeByCategory[c] = acc.totalNs;
    categoryTiming[c] = acc.stats();
    totalNs += acc.totalNs;
  });
  return { byCategory, timeByCategory, categoryTiming, totalNs };
}

/** Per-vCPU view, by vCPU number. */
export function vcpuViews(dense: readonly (VcpuAggregate | undefined)[], sparse: ReadonlyMap<number, VcpuAggregate>): VcpuSummary[] {
  const perVcpu: VcpuSummary[] = [];
  const add = (vcpu: number, va: VcpuAggregate) => perVcpu.push({ vcpu, exits: va.exits, totalNs: va.totalNs, byCategory: categoryCountsFrom(va.categories) });
  dense.forEach((va, vcpu) => va && add(vcpu, va));
  for (const [vcpu, va] of sparse) add(vcpu, va);
  return perVcpu.sort((a, b) => a.vcpu - b.vcpu);
}

/** A site's pair counts as its non-zero categories (display order) and reasons (most first). */
export function describePairs(pairs: readonly PairAggregate[], counts: ReadonlyMap<number, number>): Pick<SiteSummary, 'byCategory' | 'byReason'> {
  const cats = new Float64Array(CATEGORY_COUNT);
  const reasons = new Map<string, number>();
  for (const [index, n] of counts) {
    if (n === 0) continue;
    const p = pairs[index];
    cats[p.categoryIndex] += n;
    reasons.set(p.reasonName, (reasons.get(p.reasonName) ?? 0) + n);
  }
  const byCategory: Partial<Record<Category, number>> = {};
  CATEGORIES.forEach((c, i) => cats[i] !== 0 && (byCategory[c] = cats[i]));
  const byReason: Record<string, number> = {};
  for (const [name, n] of [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) byReason[name] = n;
  return { byCategory, byReason };
}
