/**
 * The streaming aggregator: a TraceSink that folds every ExitRecord into fixed-size counters as the
 * parser emits it, and turns them into a TraceSummary at the end. It keeps no record: memory grows
 * with distinct reasons, vCPUs and RIPs only (plus fixed histograms, a ≤2000-bin timeline and the
 * first warnings), never with the number of exits.
 *
 * Per exit the work is one Map lookup by RIP and a handful of increments, no allocation. Counters
 * are kept per "pair" — a (reason, category) combination, e.g. EXCEPTION_NMI/pagefault — so an exit
 * updates one histogram, not one per reason and one per category; the reason and category views
 * are sums of pairs, made once in `finish`. A site remembers its first pair, which gives the
 * aggregate of most exits without a second lookup.
 */
import { CATEGORIES, type Category, type ExitRecord, type Isa } from '../model/exit';
import type { AggregateTable, TraceFormat, TraceMeta, TraceSink, TraceWarning } from '../model/trace';
import type { Histogram, SiteSummary, TimingStats, TraceSummary, VcpuSummary } from '../model/summary';
import { categoryCountsFrom, categoryIndex, CATEGORY_COUNT, HLT_INDEX, zeroCategoryCounts } from './categoryIndex';
import { bucketIndex, TimingAccumulator } from './histogram';
import { TimelineBuilder } from './timeline';
import { SiteTable } from './siteTable';
import { summarizeTables, type ReasonCategoryFn } from './aggregatedTables';

/** Default number of top sites kept in a summary. */
export const DEFAULT_MAX_SITES = 200;

/** Warnings kept verbatim; the rest are only counted. */
export const MAX_KEPT_WARNINGS = 1000;

/**
 * Aggregated tables kept (perf kvm stat live prints one report per interval, so a long capture
 * has many); past this, only the latest kvm_stat screen is still kept, since that is the one counted.
 */
export const MAX_KEPT_TABLES = 1000;

/** Options of the aggregation itself (independent of parsing). */
export interface SummaryBuilderOptions {
  /** Top sites to keep (default DEFAULT_MAX_SITES). */
  readonly maxSites?: number;
  /** Category of a reason name, for aggregated tables that have names only. */
  readonly reasonCategory?: ReasonCategoryFn;
}

/** Counters of one (reason, category) combination. */
class PairAggregate {
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

class VcpuAggregate {
  exits = 0;
  totalNs = 0;
  readonly categories = new Float64Array(CATEGORY_COUNT);
}

/** vCPU ids below this index an array; larger (unusual) ids go to a Map. */
const DENSE_VCPUS = 1024;

/**
 * Aggregates what a parser reports. Feed it as the parser's sink (or call `exit` directly with
 * synthetic records), then call `finish` once.
 */
export class SummaryBuilder implements TraceSink {
  private readonly maxSites: number;
  private readonly reasonCategoryFn: ReasonCategoryFn;
  private readonly pairs: PairAggregate[] = [];
  /** reason name → pairs of that reason, by category index. */
  private readonly pairsByReason = new Map<string, (PairAggregate | undefined)[]>();
  private lastPair: PairAggregate | null = null;
  private readonly denseVcpus: (VcpuAggregate | undefined)[] = [];
  private readonly sparseVcpus = new Map<number, VcpuAggregate>();
  private readonly sites = new SiteTable();
  private readonly timeline = new TimelineBuilder();
  private exits = 0;
  private svm = 0;
  private startNs = Infinity;
  private endNs = -Infinity;
  private negativeDurations = 0;
  private firstNegativeLine = 0;
  private readonly keptWarnings: TraceWarning[] = [];
  private warningCount = 0;
  private readonly tables: AggregateTable[] = [];
  private droppedTables = 0;
  private latestDroppedScreen: AggregateTable | undefined;
  private metaSeen: TraceMeta = {};

  constructor(options: SummaryBuilderOptions = {}) {
    this.maxSites = options.maxSites ?? DEFAULT_MAX_SITES;
    this.reasonCategoryFn = options.reasonCategory ?? (() => 'other');
  }

  /** Folds one exit in. Hot path: no allocation, one Map lookup (by RIP) in the common case. */
  exit(r: ExitRecord): void {
    const name = r.reasonName;
    const category = r.category;
    const rip = r.rip;
    let site = -1;
    let pa: PairAggregate;
    if (rip !== undefined) {
      site = this.sites.indexOf(rip);
      if (site < 0) {
        pa = this.pairFor(name, category);
        site = this.sites.insert(rip, pa.index);
      } else {
        pa = this.pairs[this.sites.firstPair(site)];
        if (pa.reasonName !== name || pa.category !== category) pa = this.pairFor(name, category);
      }
    } else {
      pa = this.pairFor(name, category);
    }
    this.lastPair = pa;
    this.exits++;
    pa.count++;
    if (r.isa === 'svm') this.svm++;

    const t = r.timeNs;
    if (t < this.startNs) this.startNs = t;
    if (t > this.endNs) this.endNs = t;
    this.timeline.add(t);

    let d = 0;
    const entry = r.entryNs;
    if (entry !== undefined) {
      if (entry >= t) {
        d = entry - t;
        pa.timing.addBucketed(d, bucketIndex(d));
        if (entry > this.endNs) this.endNs = entry;
      } else if (this.negativeDurations++ === 0) {
        this.firstNegativeLine = r.line;
      }
    }

    const v = r.vcpu;
    if (v !== undefined) {
      const va = v >= 0 && v < DENSE_VCPUS ? (this.denseVcpus[v] ?? this.newDenseVcpu(v)) : this.sparseVcpu(v);
      va.exits++;
      va.totalNs += d;
      va.categories[pa.categoryIndex]++;
    }
    if (site >= 0) this.sites.record(site, pa.index, d, v === undefined ? -1 : v);
  }

  /** The aggregate of (reason, category): the last one used, else found or created via the reason's list. */
  private pairFor(name: string, category: string): PairAggregate {
    const last = this.lastPair;
    if (last !== null && last.reasonName === name && last.category === category) return last;
    let byCategory = this.pairsByReason.get(name);
    if (byCategory === undefined) this.pairsByReason.set(name, (byCategory = new Array(CATEGORY_COUNT)));
    const ci = categoryIndex(category);
    let pa = byCategory[ci];
    if (pa === undefined) {
      pa = byCategory[ci] = new PairAggregate(this.pairs.length, name, category, ci);
      this.pairs.push(pa);
    }
    return pa;
  }

  /** Keeps the first MAX_KEPT_WARNINGS warnings and counts all. */
  warning(w: TraceWarning): void {
    if (this.warningCount++ < MAX_KEPT_WARNINGS) this.keptWarnings.push({ line: w.line, message: w.message });
  }

  /** Keeps the first MAX_KEPT_TABLES tables, and always the latest kvm_stat screen. */
  table(t: AggregateTable): void {
    if (this.tables.length < MAX_KEPT_TABLES) this.tables.push(t);
    else {
      this.droppedTables++;
      if (t.event === 'kvm_stat') this.latestDroppedScreen = t;
    }
  }

  /** Merges header metadata; later keys win. */
  meta(m: TraceMeta): void {
    this.metaSeen = { ...this.metaSeen, ...m };
  }

  private newDenseVcpu(v: number): VcpuAggregate {
    const va = new VcpuAggregate();
    this.denseVcpus[v] = va;
    return va;
  }

  private sparseVcpu(v: number): VcpuAggregate {
    let va = this.sparseVcpus.get(v);
    if (!va) this.sparseVcpus.set(v, (va = new VcpuAggregate()));
    return va;
  }

  /**
   * Builds the summary. `format` is what the parser recognised; `file` the name as the user gave it.
   * Input with no exits but with perf kvm stat / kvm_stat tables is summarised from the tables.
   */
  finish(format: TraceFormat, file?: string): TraceSummary {
    const warnings = [...this.keptWarnings];
    let warningCount = this.warningCount;
    const addWarning = (w: TraceWarning) => {
      warningCount++;
      if (warnings.length < MAX_KEPT_WARNINGS) warnings.push(w);
    };
    if (this.negativeDurations > 0)
      addWarning({
        line: this.firstNegativeLine,
        message: `${this.negativeDurations} exit(s) closed by a kvm_entry earlier than the exit (first at this line); their host time is ignored`,
      });
    const tables = this.latestDroppedScreen ? [...this.tables, this.latestDroppedScreen] : this.tables;
    if (this.droppedTables > 0)
      addWarning({
        line: this.latestDroppedScreen?.line ?? tables[tables.length - 1].line,
        message: `${this.droppedTables} more tables after the first ${MAX_KEPT_TABLES} were not kept${this.latestDroppedScreen ? ' (except the latest kvm_stat screen)' : ''}`,
      });
    const base = {
      format,
      ...(file !== undefined ? { file } : {}),
      meta: this.metaSeen,
      ...(tables.length > 0 ? { tables } : {}),
    };
    if (this.exits === 0 && tables.length > 0) {
      const part = summarizeTables(tables, this.metaSeen.isa, this.reasonCategoryFn);
      part.warnings.forEach(addWarning);
      const hlt = { exits: part.byCategory.hlt, totalNs: part.timeByCategory.hlt };
      let totalNs = 0;
      for (const c of CATEGORIES) totalNs += part.timeByCategory[c];
      return {
        ...base,
        isa: part.isa,
        aggregated: true,
        exits: part.exits,
        byReason: part.byReason,
        byCategory: part.byCategory,
        timeByCategory: part.timeByCategory,
        reasonCategory: part.reasonCategory,
        vcpus: part.vcpus,
        perVcpu: part.perVcpu,
        timing: part.timing,
        categoryTiming: part.categoryTiming,
        histograms: {},
        hlt,
        overhead: { exits: part.exits - hlt.exits, totalNs: totalNs - hlt.totalNs },
        sites: [],
        siteCount: 0,
        startNs: null,
        endNs: null,
        durationNs: null,
        timeline: null,
        warnings,
        warningCount,
      };
    }
    return { ...base, ...this.perExitFields(), warnings, warningCount };
  }

  private perExitFields() {
    // Reason view: sum of the reason's pairs; most exits first, then by name.
    const reasons = [...this.pairsByReason.entries()].map(([name, byCat]) => {
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
    // Category view: sum of the pairs of each category.
    const byCategory = zeroCategoryCounts();
    const timeByCategory = zeroCategoryCounts();
    const categoryTiming = {} as Record<Category, TimingStats>;
    let totalNs = 0;
    CATEGORIES.forEach((c, ci) => {
      const own = this.pairs.filter((p) => p.categoryIndex === ci);
      const acc = TimingAccumulator.merge(own.map((p) => p.timing));
      byCategory[c] = own.reduce((a, p) => a + p.count, 0);
      timeByCategory[c] = acc.totalNs;
      categoryTiming[c] = acc.stats();
      totalNs += acc.totalNs;
    });
    const perVcpu: VcpuSummary[] = [];
    const addVcpu = (vcpu: number, va: VcpuAggregate) => perVcpu.push({ vcpu, exits: va.exits, totalNs: va.totalNs, byCategory: categoryCountsFrom(va.categories) });
    this.denseVcpus.forEach((va, vcpu) => va && addVcpu(vcpu, va));
    for (const [vcpu, va] of this.sparseVcpus) addVcpu(vcpu, va);
    perVcpu.sort((a, b) => a.vcpu - b.vcpu);
    const hltCategory = CATEGORIES[HLT_INDEX];
    const hlt = { exits: byCategory[hltCategory], totalNs: timeByCategory[hltCategory] };
    const isa: Isa | 'unknown' = this.metaSeen.isa ?? (this.exits === 0 ? 'unknown' : this.svm > this.exits - this.svm ? 'svm' : 'vmx');
    const hasTime = this.exits > 0;
    return {
      isa,
      aggregated: false,
      exits: this.exits,
      byReason,
      byCategory,
      timeByCategory,
      reasonCategory,
      vcpus: perVcpu.map((v) => v.vcpu),
      perVcpu,
      timing,
      categoryTiming,
      histograms,
      hlt,
      overhead: { exits: this.exits - hlt.exits, totalNs: totalNs - hlt.totalNs },
      sites: this.sites.top(this.maxSites, (counts) => this.describePairs(counts)),
      siteCount: this.sites.size,
      startNs: hasTime ? this.startNs : null,
      endNs: hasTime ? this.endNs : null,
      durationNs: hasTime ? this.endNs - this.startNs : null,
      timeline: this.timeline.result(),
    };
  }

  /** A site's pair counts as its non-zero categories (display order) and reasons (most first). */
  private describePairs(counts: ReadonlyMap<number, number>): Pick<SiteSummary, 'byCategory' | 'byReason'> {
    const cats = new Float64Array(CATEGORY_COUNT);
    const reasons = new Map<string, number>();
    for (const [index, n] of counts) {
      if (n === 0) continue;
      const p = this.pairs[index];
      cats[p.categoryIndex] += n;
      reasons.set(p.reasonName, (reasons.get(p.reasonName) ?? 0) + n);
    }
    const byCategory: Partial<Record<Category, number>> = {};
    CATEGORIES.forEach((c, i) => cats[i] !== 0 && (byCategory[c] = cats[i]));
    const byReason: Record<string, number> = {};
    for (const [name, n] of [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) byReason[name] = n;
    return { byCategory, byReason };
  }
}
