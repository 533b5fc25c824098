/**
 * The comparison of 2–8 traces: for every category, reason and source site, the value in each trace
 * and, against the first trace (the baseline, A), the difference B − A and the ratio B / A.
 * Categories are the primary level: shadow-paging and EPT runs spend the same cost under different
 * reasons (a guest #PF intercept versus an EPT violation), so only categories line up across modes.
 * Pure and serialisable: the CLI prints it, the webview draws it, the HTML report embeds it.
 */
import { CATEGORIES, type Category } from '../model/exit';
import type { SiteSummary, TraceSummary } from '../model/summary';
import type { TraceFormat } from '../model/trace';
import { delta as deltaOf, ratio as ratioOf } from '../sites/compareMath';
import { siteMatchKey } from '../sites/siteKey';
import { labelTraces, type TraceLabel } from './labels';
import { buildMatrix, type BuildPagingMatrix } from './matrix';
import { cpuForTrace, measureWalkModel, type WalkModel } from './walkModel';
import { eptWhatIf, type EptWhatIf, type WhatIfOptions } from './whatIf';

export const MIN_TRACES = 2;
export const MAX_TRACES = 8;

/** One value per trace, and each trace against trace 0: `delta[i] = v[i] − v[0]`, `ratio[i] = v[i] / v[0]` (null when v[0] = 0). */
export interface ComparedSeries {
  readonly values: readonly number[];
  readonly delta: readonly number[];
  readonly ratio: ReadonlyArray<number | null>;
}

/** Exits (the series itself) plus host time, per category or reason. */
export interface ComparedGroup extends ComparedSeries {
  readonly timeNs: ComparedSeries;
}

export interface ComparedReason extends ComparedGroup {
  readonly category: Category;
}

/** A source site matched across traces by `file:line`, else `symbol+offset` (never by raw address). */
export interface ComparedSite extends ComparedSeries {
  readonly key: string;
  readonly file?: string;
  readonly line?: number;
  readonly symbol?: string;
  readonly offset?: number;
  /** RIPs of an unresolved site (present in one trace only: raw addresses are never matched). */
  readonly rip?: string;
  /** Categories of the site's exits, summed over traces, most frequent first. */
  readonly categories: readonly Category[];
  readonly timeNs: ComparedSeries;
}

export interface ComparedTrace extends TraceLabel {
  readonly format: TraceFormat;
  readonly isa: string;
  readonly aggregated: boolean;
  readonly exits: number;
  readonly durationNs: number | null;
  readonly simulated: boolean;
}

export interface Comparison {
  readonly traces: readonly ComparedTrace[];
  readonly totals: {
    readonly exits: ComparedSeries;
    /** All exits but HLT: the virtualisation overhead. */
    readonly overheadExits: ComparedSeries;
    readonly hostTimeNs: ComparedSeries;
    readonly overheadTimeNs: ComparedSeries;
  };
  readonly categories: Readonly<Record<Category, ComparedGroup>>;
  /** Every reason seen in any trace (absent = 0 there). */
  readonly reasons: Readonly<Record<string, ComparedReason>>;
  /** Top sites by exits summed over traces. */
  readonly sites: readonly ComparedSite[];
  /** Present when four traces form build {A, B} × paging {shadow, ept}. */
  readonly matrix?: BuildPagingMatrix;
  /** Facts a reader needs to trust the numbers (e.g. aggregated inputs without sites, no common reason). */
  readonly notes: readonly string[];
  /** The EPT what-if of every shadow-paging trace (absent when there is none or it was turned off). */
  readonly whatIf?: readonly TraceWhatIf[];
}

/** The EPT what-if of one trace of the comparison. */
export interface TraceWhatIf extends EptWhatIf {
  /** Index into Comparison.traces. */
  readonly trace: number;
  readonly label: string;
}

/** How the what-if is computed; `walkModel` replaces the simulator run (tests inject a fixed model). */
export interface CompareWhatIfOptions extends WhatIfOptions {
  readonly walkModel?: (cpu: WalkModel['cpu'], pages: WalkModel['pages']) => WalkModel;
}

export interface CompareInput {
  readonly summary: TraceSummary;
  /** Overrides the derived label. */
  readonly label?: string;
}

export interface CompareOptions {
  /** Sites kept (default 100). */
  readonly maxSites?: number;
  /** EPT what-if for shadow-paging traces (default on; `false` skips the simulator run). */
  readonly whatIf?: false | CompareWhatIfOptions;
}

/** A series from per-trace values. */
export function series(values: readonly number[]): ComparedSeries {
  const base = values[0] ?? 0;
  return { values, delta: values.map((v) => deltaOf(base, v)), ratio: values.map((v) => ratioOf(base, v)) };
}

/** Compares 2–8 summaries, trace 0 being the baseline. Throws a RangeError outside that range. */
export function compareSummaries(inputs: readonly CompareInput[], options: CompareOptions = {}): Comparison {
  if (inputs.length < MIN_TRACES || inputs.length > MAX_TRACES) {
    throw new RangeError(`Compare needs ${MIN_TRACES} to ${MAX_TRACES} traces, got ${inputs.length}.`);
  }
  const summaries = inputs.map((i) => i.summary);
  const labels = labelTraces(inputs.map((i) => ({ file: i.summary.file, meta: i.summary.meta, label: i.label })));
  const traces: ComparedTrace[] = summaries.map((s, i) => ({
    ...labels[i],
    format: s.format,
    isa: s.isa,
    aggregated: s.aggregated,
    exits: s.exits,
    durationNs: s.durationNs,
    simulated: s.meta.simulated === true,
  }));

  const categories = {} as Record<Category, ComparedGroup>;
  for (const c of CATEGORIES) {
    categories[c] = { ...series(summaries.map((s) => s.byCategory[c])), timeNs: series(summaries.map((s) => s.timeByCategory[c])) };
  }

  const reasons: Record<string, ComparedReason> = {};
  for (const name of unionOfReasons(summaries)) {
    const category = summaries.map((s) => s.reasonCategory[name]).find((c) => c !== undefined) ?? 'other';
    reasons[name] = {
      ...series(summaries.map((s) => s.byReason[name] ?? 0)),
      timeNs: series(summaries.map((s) => s.timing[name]?.totalNs ?? 0)),
      category,
    };
  }

  const totals = {
    exits: series(summaries.map((s) => s.exits)),
    overheadExits: series(summaries.map((s) => s.overhead.exits)),
    hostTimeNs: series(summaries.map((s) => s.overhead.totalNs + s.hlt.totalNs)),
    overheadTimeNs: series(summaries.map((s) => s.overhead.totalNs)),
  };

  const matrix = buildMatrix(traces, totals.overheadExits.values, totals.overheadTimeNs.values);
  const whatIf = options.whatIf === false ? [] : whatIfs(summaries, traces, options.whatIf ?? {});
  return {
    traces,
    totals,
    categories,
    reasons,
    sites: compareSites(summaries, options.maxSites ?? 100),
    ...(matrix ? { matrix } : {}),
    notes: notesFor(summaries, traces),
    ...(whatIf.length > 0 ? { whatIf } : {}),
  };
}

function whatIfs(summaries: readonly TraceSummary[], traces: readonly ComparedTrace[], options: CompareWhatIfOptions): TraceWhatIf[] {
  const model = options.walkModel ?? measureWalkModel;
  const out: TraceWhatIf[] = [];
  traces.forEach((t, i) => {
    if (t.paging !== 'shadow') return;
    const s = summaries[i];
    const { cpu, assumed } = cpuForTrace(s.meta.cpu);
    out.push({ trace: i, label: t.label, ...eptWhatIf(s, model(cpu, s.meta.pages ?? '4k'), assumed, options) });
  });
  return out;
}

function unionOfReasons(summaries: readonly TraceSummary[]): string[] {
  const names = new Set<string>();
  for (const s of summaries) for (const name of Object.keys(s.byReason)) names.add(name);
  // Largest first, so tables and charts read top-down.
  const total = (n: string) => summaries.reduce((sum, s) => sum + (s.byReason[n] ?? 0), 0);
  return [...names].sort((a, b) => total(b) - total(a) || a.localeCompare(b));
}

interface SiteAccumulator {
  readonly key: string;
  readonly first: SiteSummary;
  readonly exits: number[];
  readonly timeNs: number[];
  readonly categories: Map<Category, number>;
}

function compareSites(summaries: readonly TraceSummary[], maxSites: number): ComparedSite[] {
  const byKey = new Map<string, SiteAccumulator>();
  summaries.forEach((s, traceIndex) => {
    for (const site of s.sites) {
      // Unresolved sites keep their trace index in the key: they are listed, never matched.
      const key = siteMatchKey(site) ?? `rip:${traceIndex}:${site.rip}`;
      let acc = byKey.get(key);
      if (!acc) {
        acc = { key, first: site, exits: summaries.map(() => 0), timeNs: summaries.map(() => 0), categories: new Map() };
        byKey.set(key, acc);
      }
      acc.exits[traceIndex] += site.exits;
      acc.timeNs[traceIndex] += site.totalNs;
      for (const [c, n] of Object.entries(site.byCategory) as [Category, number][]) {
        acc.categories.set(c, (acc.categories.get(c) ?? 0) + n);
      }
    }
  });
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return [...byKey.values()]
    .sort((a, b) => sum(b.exits) - sum(a.exits) || a.key.localeCompare(b.key))
    .slice(0, maxSites)
    .map((acc) => {
      const resolvedByLine = acc.first.file !== undefined && acc.first.line !== undefined;
      return {
        key: acc.key,
        ...(resolvedByLine ? { file: acc.first.file, line: acc.first.line } : {}),
        ...(acc.first.symbol !== undefined ? { symbol: acc.first.symbol } : {}),
        ...(acc.first.offset !== undefined ? { offset: acc.first.offset } : {}),
        ...(acc.key.startsWith('rip:') ? { rip: acc.first.rip } : {}),
        ...series(acc.exits),
        timeNs: series(acc.timeNs),
        categories: [...acc.categories.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c),
      };
    });
}

function notesFor(summaries: readonly TraceSummary[], traces: readonly ComparedTrace[]): string[] {
  const notes: string[] = [];
  const reasonSets = summaries.map((s) => new Set(Object.keys(s.byReason)));
  const common = [...reasonSets[0]].filter((r) => reasonSets.every((set) => set.has(r)));
  if (common.length === 0) {
    notes.push('The traces have no exit reason in common: compare them by category.');
  }
  const isas = new Set(summaries.map((s) => s.isa).filter((i) => i !== 'unknown'));
  if (isas.size > 1) notes.push('The traces come from different ISAs (VMX and SVM): reason names differ, categories still line up.');
  traces.forEach((t, i) => {
    if (t.aggregated) notes.push(`${t.label} is an aggregated ${t.format} report: it has no per-site data and no percentiles.`);
    else if (summaries[i].sites.length > 0 && summaries[i].sites.every((s) => siteMatchKey(s) === undefined)) {
      notes.push(`${t.label} has no symbols: its sites are raw addresses and are not matched with other traces.`);
    }
  });
  return notes;
}
