/**
 * The streaming aggregator: a TraceSink that folds every ExitRecord into fixed-size counters as the
 * parser emits it, and turns them into a TraceSummary at the end. It keeps no record: memory grows
 * with distinct reasons, vCPUs and RIPs only (plus fixed histograms, a ≤2000-bin timeline and the
 * first warnings), never with the number of exits.
 *
 * Per exit the work is one Map lookup by RIP and a handful of increments, no allocation; through
 * `compactExit` (parsers that key reasons and RIPs, model/trace.ts) not even the lookup. Counters
 * are kept per "pair" — a (reason, category) combination, e.g. EXCEPTION_NMI/pagefault — so an exit
 * updates one histogram, not one per reason and one per category; the reason and category views
 * are sums of pairs, made once in `finish`. A site remembers its first pair, which gives the
 * aggregate of most exits without a second lookup.
 */
import { CATEGORIES, type ExitRecord, type Isa } from '../model/exit';
import type { AggregateTable, CompactExit, ExitKeys, TraceFormat, TraceMeta, TraceSink, TraceWarning } from '../model/trace';
import type { TraceSummary } from '../model/summary';
import { categoryIndex, CATEGORY_COUNT, HLT_INDEX } from './categoryIndex';
import { bucketIndex } from './histogram';
import { categoryViews, describePairs, PairAggregate, reasonViews, VcpuAggregate, vcpuViews } from './pairAggregates';
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

/** vCPU ids below this index an array; larger (unusual) ids go to a Map. */
const DENSE_VCPUS = 1024;

/** An Int32Array of at least `min` entries holding `a`, the rest -1 (unmapped). */
function grown(a: Int32Array, min: number): Int32Array {
  const out = new Int32Array(Math.max(min, 2 * a.length, 64)).fill(-1);
  out.set(a);
  return out;
}

/** How one parser's keys (ExitKeys) map to this builder's pairs and sites; -1 = not mapped yet. */
class KeyMap {
  /** (reason key · CATEGORY_COUNT + category) → pair index. */
  pairs: Int32Array = new Int32Array(0);
  /** Site key → site index. */
  sites: Int32Array = new Int32Array(0);
  /** Reason key → 1 when its ISA is SVM. */
  svm: Uint8Array = new Uint8Array(0);
  constructor(readonly keys: ExitKeys) {}
}

/** Placeholder dictionary before the first compactExit: no parser hands out this object. */
const NO_KEYS: ExitKeys = {
  reasonName: () => 'other',
  reasonIsa: () => 'vmx',
  rip: () => '0x0',
};

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
  private keyMap = new KeyMap(NO_KEYS);
  private readonly keyMaps = new Map<ExitKeys, KeyMap>();
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
    const entry = r.entryNs;
    const v = r.vcpu;
    this.t = r.timeNs;
    this.entry = entry ?? 0;
    this.add(pa, site, r.isa === 'svm', entry !== undefined, v !== undefined, v ?? 0, r.line);
  }

  /**
   * The fast path (TraceSink.compactExit): the same as exit() for the record the arguments describe,
   * with the parser's keys mapped to pairs and sites through typed arrays — no string is looked up
   * after the first exit of each reason/category and each RIP.
   */
  compactExit(keys: ExitKeys, e: CompactExit): void {
    const reason = e.reasonKey;
    const category = e.category;
    const site = e.siteKey;
    const entryNs = e.entryNs;
    const vcpu = e.vcpu;
    let m = this.keyMap;
    if (m.keys !== keys) m = this.mapFor(keys);
    const slot = reason * CATEGORY_COUNT + category;
    let pi = slot < m.pairs.length ? m.pairs[slot] : -1;
    if (pi < 0) pi = this.mapPair(m, reason, category);
    const pa = this.pairs[pi];
    let si = -1;
    if (site >= 0) {
      si = site < m.sites.length ? m.sites[site] : -1;
      if (si < 0) si = this.mapSite(m, site, pa);
    }
    this.t = e.timeNs;
    this.entry = entryNs;
    this.add(pa, si, m.svm[reason] === 1, entryNs >= 0, vcpu >= 0, vcpu, e.line);
  }

  /** Time and entry time of the exit add() counts (fields: double arguments would be boxed per call). */
  private t = 0;
  private entry = 0;

  /** The counters one exit updates, whichever way it arrived. */
  private add(pa: PairAggregate, site: number, svm: boolean, hasEntry: boolean, hasVcpu: boolean, v: number, line: number): void {
    const t = this.t;
    const entry = this.entry;
    this.exits++;
    pa.count++;
    if (svm) this.svm++;

    if (t < this.startNs) this.startNs = t;
    if (t > this.endNs) this.endNs = t;
    this.timeline.add(t);

    let d = 0;
    let bucket = -1;
    if (hasEntry) {
      if (entry >= t) {
        d = entry - t;
        bucket = bucketIndex(d);
        pa.timing.addBucketed(d, bucket);
        if (entry > this.endNs) this.endNs = entry;
      } else if (this.negativeDurations++ === 0) {
        this.firstNegativeLine = line;
      }
    }

    if (hasVcpu) {
      const va = v >= 0 && v < DENSE_VCPUS ? (this.denseVcpus[v] ?? this.newDenseVcpu(v)) : this.sparseVcpu(v);
      va.exits++;
      va.totalNs += d;
      va.categories[pa.categoryIndex]++;
    }
    if (site >= 0) this.sites.record(site, pa.index, d, hasVcpu ? v : -1, bucket);
  }

  /** The key mapping for a dictionary (one per parser feeding this builder; normally just one). */
  private mapFor(keys: ExitKeys): KeyMap {
    let m = this.keyMaps.get(keys);
    if (m === undefined) this.keyMaps.set(keys, (m = new KeyMap(keys)));
    this.keyMap = m;
    return m;
  }

  private mapPair(m: KeyMap, reason: number, category: number): number {
    const pa = this.pairFor(m.keys.reasonName(reason), CATEGORIES[category] ?? 'other');
    const slot = reason * CATEGORY_COUNT + category;
    if (slot >= m.pairs.length) m.pairs = grown(m.pairs, slot + 1);
    m.pairs[slot] = pa.index;
    if (reason >= m.svm.length) {
      const svm = new Uint8Array(Math.max(2 * m.svm.length, reason + 1));
      svm.set(m.svm);
      m.svm = svm;
    }
    m.svm[reason] = m.keys.reasonIsa(reason) === 'svm' ? 1 : 0;
    return pa.index;
  }

  private mapSite(m: KeyMap, site: number, pa: PairAggregate): number {
    const rip = m.keys.rip(site);
    let si = this.sites.indexOf(rip);
    if (si < 0) si = this.sites.insert(rip, pa.index);
    if (site >= m.sites.length) m.sites = grown(m.sites, site + 1);
    m.sites[site] = si;
    return si;
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
    const reasons = reasonViews(this.pairsByReason);
    const categories = categoryViews(this.pairs);
    const perVcpu = vcpuViews(this.denseVcpus, this.sparseVcpus);
    const hltCategory = CATEGORIES[HLT_INDEX];
    const hlt = { exits: categories.byCategory[hltCategory], totalNs: categories.timeByCategory[hltCategory] };
    const isa: Isa | 'unknown' = this.metaSeen.isa ?? (this.exits === 0 ? 'unknown' : this.svm > this.exits - this.svm ? 'svm' : 'vmx');
    const hasTime = this.exits > 0;
    return {
      isa,
      aggregated: false,
      exits: this.exits,
      byReason: reasons.byReason,
      byCategory: categories.byCategory,
      timeByCategory: categories.timeByCategory,
      reasonCategory: reasons.reasonCategory,
      vcpus: perVcpu.map((v) => v.vcpu),
      perVcpu,
      timing: reasons.timing,
      categoryTiming: categories.categoryTiming,
      histograms: reasons.histograms,
      hlt,
      overhead: { exits: this.exits - hlt.exits, totalNs: categories.totalNs - hlt.totalNs },
      sites: this.sites.top(this.maxSites, (counts) => describePairs(this.pairs, counts)),
      siteCount: this.sites.size,
      startNs: hasTime ? this.startNs : null,
      endNs: hasTime ? this.endNs : null,
      durationNs: hasTime ? this.endNs - this.startNs : null,
      timeline: this.timeline.result(),
    };
  }
}
