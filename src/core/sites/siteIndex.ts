/**
 * The per-file, per-line index the editor annotations, hovers and the hot-sites view read: plain
 * serialisable data (post it, store it, JSON it) plus O(1) lookups. Built once per trace (and
 * baseline) by a pure function; the UI only looks things up.
 */
import type { Category } from '../model/exit';
import { coarsePercentile, mergeHistograms } from '../analysis/siteTiming';
import type { Histogram, SiteSummary, TraceSummary } from '../model/summary';
import { canonicalRip } from '../symbols/address';
import type { SymbolResolution } from '../symbols/symbolModel';
import { compareToBaseline, type BaselineComparison } from './compareMath';
import { lineKey, siteMatchKey, symbolOffsetKey, type SiteLocation } from './siteKey';

/** Index data version; bump when a field changes meaning. */
export const SITE_INDEX_VERSION = 1;

/** Exits of one source line (all RIPs that resolved to it), against the trace and the baseline. */
export interface LineStats {
  readonly exits: number;
  /** Host time of those exits, ns. */
  readonly totalNs: number;
  /** exits / exits of the whole trace (0 for an empty trace). */
  readonly share: number;
  /** totalNs / host time of the whole trace (0 when the trace has no times). */
  readonly timeShare: number;
  /** Only non-zero categories. */
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
  readonly byReason: Readonly<Record<string, number>>;
  /** Sorted vCPU ids. */
  readonly vcpus: readonly number[];
  /** The RIPs that make up this line, most exits first. */
  readonly rips: readonly string[];
  /** Containing function of the line's busiest RIP. */
  readonly symbol?: string;
  /**
   * totalNs / timed exits; a site without a `timing` block (past the per-site timing limit, or from
   * an older cached summary) counts all its exits as timed.
   */
  readonly meanNs?: number;
  /** From the per-site coarse histograms of the line's RIPs (within 12.5 %); absent when none has one. */
  readonly p95Ns?: number;
  /** Present when a baseline was given: its exits at the same `file:line`, delta and ratio. */
  readonly baseline?: BaselineComparison;
}

/** One source file's lines, keyed by the 1-based line number (as a string: JSON object keys). */
export interface FileStats {
  readonly exits: number;
  readonly totalNs: number;
  readonly lines: Readonly<Record<string, LineStats>>;
}

/** One RIP inside an unresolved group. */
export interface UnresolvedSite {
  readonly rip: string;
  readonly offset?: number;
  readonly exits: number;
  readonly totalNs: number;
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
  /** Matched by `symbol+offset`; absent for raw addresses, which are never matched. */
  readonly baseline?: BaselineComparison;
}

/** Sites without a source line: grouped by containing symbol, or alone under their raw address. */
export interface UnresolvedGroup {
  /** The symbol name, or the raw RIP when no symbol is known. */
  readonly key: string;
  readonly symbol?: string;
  readonly exits: number;
  readonly totalNs: number;
  readonly share: number;
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
  readonly byReason: Readonly<Record<string, number>>;
  readonly vcpus: readonly number[];
  /** Most exits first. */
  readonly sites: readonly UnresolvedSite[];
  /** The baseline's unresolved exits in the same symbol; absent for raw addresses. */
  readonly baseline?: BaselineComparison;
}

/** The serialisable part of a SiteIndex. */
export interface SiteIndexData {
  readonly version: number;
  /** The trace file, as the summary names it. */
  readonly trace?: string;
  /** Exits of the whole trace: the denominator of `share`. */
  readonly exits: number;
  /** Host time of the whole trace (overhead + HLT), ns: the denominator of `timeShare`. */
  readonly totalNs: number;
  /** Distinct RIPs in the trace, and how many of them (the summary's top sites) are indexed. */
  readonly siteCount: number;
  readonly indexedSites: number;
  /** Keyed by workspace-relative path (`/` separators) when mapped, else the recorded path. */
  readonly files: Readonly<Record<string, FileStats>>;
  /** Most exits first. */
  readonly unresolved: readonly UnresolvedGroup[];
  /** Largest `exits` of any line, for heat buckets. */
  readonly maxLineExits: number;
  readonly baseline?: { readonly trace?: string; readonly exits: number };
}

/** The index: its data as own enumerable fields (JSON/structuredClone copy exactly those) plus lookups. */
export interface SiteIndex extends SiteIndexData {
  /** O(1): the line's stats, or undefined when no indexed exit maps to it. */
  line(file: string, line: number): LineStats | undefined;
  /** O(1): one file's lines and totals. */
  file(file: string): FileStats | undefined;
}

/** A trace to index: its summary, and resolutions for its site RIPs (else the sites' own location fields). */
export interface IndexInput {
  readonly summary: TraceSummary;
  readonly resolutions?: ReadonlyMap<string, SymbolResolution>;
}

/** Builds the index of `input`, compared against `baseline` when one is set. */
export function buildSiteIndex(input: IndexInput, baseline?: IndexInput): SiteIndex {
  const current = locateSites(input);
  const base = baseline ? locateSites(baseline) : undefined;
  const traceExits = input.summary.exits;
  const traceNs = input.summary.overhead.totalNs + input.summary.hlt.totalNs;

  // Baseline exits per matching key, and per symbol for unresolved groups.
  const baseByKey = new Map<string, number>();
  const baseBySymbol = new Map<string, number>();
  const baseSymbolOffsets = new Map<string, Map<number, number>>();
  if (base) {
    for (const { site, loc } of base) {
      const key = siteMatchKey(loc);
      if (key !== undefined) baseByKey.set(key, (baseByKey.get(key) ?? 0) + site.exits);
      if (loc.line === undefined && loc.symbol !== undefined) {
        baseBySymbol.set(loc.symbol, (baseBySymbol.get(loc.symbol) ?? 0) + site.exits);
        if (loc.offset !== undefined) {
          let m = baseSymbolOffsets.get(loc.symbol);
          if (!m) baseSymbolOffsets.set(loc.symbol, (m = new Map()));
          m.set(loc.offset, (m.get(loc.offset) ?? 0) + site.exits);
        }
      }
    }
  }

  const lineAcc = new Map<string, Map<number, Acc>>();
  const groupAcc = new Map<string, { symbol?: string; acc: Acc; sites: UnresolvedSite[] }>();
  for (const { site, loc } of current) {
    if (loc.file !== undefined && loc.line !== undefined) {
      let lines = lineAcc.get(loc.file);
      if (!lines) lineAcc.set(loc.file, (lines = new Map()));
      let acc = lines.get(loc.line);
      if (!acc) lines.set(loc.line, (acc = newAcc()));
      addSite(acc, site, loc.symbol);
      continue;
    }
    const key = loc.symbol ?? canonicalRip(site.rip) ?? site.rip;
    let g = groupAcc.get(key);
    if (!g) groupAcc.set(key, (g = { symbol: loc.symbol, acc: newAcc(), sites: [] }));
    addSite(g.acc, site, loc.symbol);
    const u: { -readonly [K in keyof UnresolvedSite]: UnresolvedSite[K] } = {
      rip: site.rip,
      exits: site.exits,
      totalNs: site.totalNs,
      byCategory: { ...site.byCategory },
    };
    if (loc.offset !== undefined) u.offset = loc.offset;
    if (base && loc.symbol !== undefined && loc.offset !== undefined) {
      u.baseline = compareToBaseline(baseByKey.get(symbolOffsetKey(loc.symbol, loc.offset)) ?? 0, site.exits);
    }
    g.sites.push(u);
  }

  // Lines and symbols only the baseline has: the editor shows them as gone (exits 0, negative delta).
  if (base) {
    for (const { loc } of base) {
      if (loc.file !== undefined && loc.line !== undefined) {
        let lines = lineAcc.get(loc.file);
        if (!lines) lineAcc.set(loc.file, (lines = new Map()));
        if (!lines.has(loc.line)) lines.set(loc.line, newAcc());
      } else if (loc.symbol !== undefined && !groupAcc.has(loc.symbol)) {
        groupAcc.set(loc.symbol, { symbol: loc.symbol, acc: newAcc(), sites: [] });
      }
    }
  }

  const files: Record<string, FileStats> = Object.create(null);
  let maxLineExits = 0;
  for (const file of [...lineAcc.keys()].sort()) {
    const lines: Record<string, LineStats> = Object.create(null);
    let fileExits = 0;
    let fileNs = 0;
    const acc = lineAcc.get(file)!;
    for (const line of [...acc.keys()].sort((a, b) => a - b)) {
      const a = acc.get(line)!;
      const stats = finishLine(a, traceExits, traceNs);
      lines[String(line)] = base ? { ...stats, baseline: compareToBaseline(baseByKey.get(lineKey(file, line)) ?? 0, a.exits) } : stats;
      fileExits += a.exits;
      fileNs += a.totalNs;
      if (a.exits > maxLineExits) maxLineExits = a.exits;
    }
    files[file] = { exits: fileExits, totalNs: fileNs, lines };
  }

  const unresolved: UnresolvedGroup[] = [...groupAcc.entries()]
    .map(([key, g]) => {
      const a = finishLine(g.acc, traceExits, traceNs);
      const group: { -readonly [K in keyof UnresolvedGroup]: UnresolvedGroup[K] } = {
        key,
        exits: a.exits,
        totalNs: a.totalNs,
        share: a.share,
        byCategory: a.byCategory,
        byReason: a.byReason,
        vcpus: a.vcpus,
        sites: g.sites.sort((x, y) => y.exits - x.exits || compareRip(x.rip, y.rip)),
      };
      if (g.symbol !== undefined) {
        group.symbol = g.symbol;
        if (base) group.baseline = compareToBaseline(baseBySymbol.get(g.symbol) ?? 0, a.exits);
      }
      return group as UnresolvedGroup;
    })
    .sort((x, y) => y.exits - x.exits || (y.baseline?.exits ?? 0) - (x.baseline?.exits ?? 0) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

  const data: SiteIndexData = {
    version: SITE_INDEX_VERSION,
    ...(input.summary.file !== undefined ? { trace: input.summary.file } : {}),
    exits: traceExits,
    totalNs: traceNs,
    siteCount: input.summary.siteCount,
    indexedSites: input.summary.sites.length,
    files,
    unresolved,
    maxLineExits,
    ...(baseline
      ? { baseline: { ...(baseline.summary.file !== undefined ? { trace: baseline.summary.file } : {}), exits: baseline.summary.exits } }
      : {}),
  };
  return siteIndexFromData(data);
}

/**
 * Re-attaches the lookups to index data that went through JSON or postMessage. The lookups are
 * non-enumerable, so serialising the result again yields the same data.
 */
export function siteIndexFromData(data: SiteIndexData): SiteIndex {
  const index = { ...data } as SiteIndex;
  const files = data.files;
  const own = Object.prototype.hasOwnProperty;
  Object.defineProperty(index, 'line', {
    enumerable: false,
    value: (file: string, line: number): LineStats | undefined => {
      const f = own.call(files, file) ? files[file] : undefined;
      if (!f) return undefined;
      const key = String(line);
      return own.call(f.lines, key) ? f.lines[key] : undefined;
    },
  });
  Object.defineProperty(index, 'file', {
    enumerable: false,
    value: (file: string): FileStats | undefined => (own.call(files, file) ? files[file] : undefined),
  });
  return index;
}

interface Acc {
  exits: number;
  totalNs: number;
  timed: number;
  byCategory: Partial<Record<Category, number>>;
  byReason: Record<string, number>;
  vcpus: Set<number>;
  rips: { rip: string; exits: number }[];
  /** Exits per containing symbol, for the line's `symbol`. */
  symbols: Map<string, number>;
  /** Coarse host-time histograms of the line's sites that have one. */
  histograms: Histogram[];
  minNs: number;
  maxNs: number;
}

function newAcc(): Acc {
  return { exits: 0, totalNs: 0, timed: 0, byCategory: {}, byReason: {}, vcpus: new Set(), rips: [], symbols: new Map(), histograms: [], minNs: Infinity, maxNs: -Infinity };
}

function addSite(acc: Acc, site: SiteSummary, symbol: string | undefined): void {
  acc.exits += site.exits;
  acc.totalNs += site.totalNs;
  acc.timed += site.timing ? site.timing.count : site.exits;
  for (const [c, n] of Object.entries(site.byCategory) as [Category, number][]) acc.byCategory[c] = (acc.byCategory[c] ?? 0) + n;
  for (const [r, n] of Object.entries(site.byReason)) acc.byReason[r] = (acc.byReason[r] ?? 0) + n;
  for (const v of site.vcpus) acc.vcpus.add(v);
  acc.rips.push({ rip: site.rip, exits: site.exits });
  if (symbol !== undefined) acc.symbols.set(symbol, (acc.symbols.get(symbol) ?? 0) + site.exits);
  if (site.timing) {
    acc.histograms.push(site.timing.histogram);
    acc.minNs = Math.min(acc.minNs, site.timing.minNs);
    acc.maxNs = Math.max(acc.maxNs, site.timing.maxNs);
  }
}

function finishLine(a: Acc, traceExits: number, traceNs: number): LineStats {
  const rips = a.rips.sort((x, y) => y.exits - x.exits || compareRip(x.rip, y.rip)).map((r) => r.rip);
  let symbol: string | undefined;
  let best = -1;
  for (const [name, n] of [...a.symbols.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    if (n > best) {
      best = n;
      symbol = name;
    }
  }
  const out: { -readonly [K in keyof LineStats]: LineStats[K] } = {
    exits: a.exits,
    totalNs: a.totalNs,
    share: traceExits > 0 ? a.exits / traceExits : 0,
    timeShare: traceNs > 0 ? a.totalNs / traceNs : 0,
    byCategory: a.byCategory,
    byReason: a.byReason,
    vcpus: [...a.vcpus].sort((x, y) => x - y),
    rips,
  };
  if (symbol !== undefined) out.symbol = symbol;
  if (a.totalNs > 0 && a.timed > 0) out.meanNs = a.totalNs / a.timed;
  const merged = a.histograms.length === 1 ? a.histograms[0] : mergeHistograms(a.histograms);
  const p95 = coarsePercentile(merged, 0.95, a.minNs, a.maxNs);
  if (p95 !== null) out.p95Ns = p95;
  return out;
}

/** The location of each site: from the resolution map when given, else the site's own fields. */
function locateSites(input: IndexInput): { site: SiteSummary; loc: SiteLocation }[] {
  return input.summary.sites.map((site) => {
    if (!input.resolutions) return { site, loc: site };
    const r = input.resolutions.get(canonicalRip(site.rip) ?? site.rip);
    return { site, loc: r && r.precision !== 'none' ? r : {} };
  });
}

function compareRip(a: string, b: string): number {
  const x = canonicalRip(a);
  const y = canonicalRip(b);
  if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}
