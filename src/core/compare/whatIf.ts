/**
 * The EPT what-if for a shadow-paging trace: what EPT would remove (the measured pagefault, CR3 and
 * INVLPG exits and their host time) against what it would add (longer two-dimensional page walks on
 * every TLB miss, and the EPT violations of first touches in a freshly booted VM). An estimate, not a
 * measurement: every figure comes from one stated formula, and `assumptions` spells out each input,
 * so a reader can redo the sum or disagree with a parameter.
 *
 *   removed.hostNs  = Σ measured host time of pagefault + cr3 + invlpg exits
 *                     + (their exits without a measured time) × exit round trip
 *   misses          = missesPerMs × guest ms, guest ms = (duration − host time of all exits) / 1e6
 *   added.walkNs    = misses × (EPT refs per walk − shadow refs per walk) × ns per walk reference
 *   eptViolations   = 0 (warm VM) … ⌊pagefault exits ÷ 2⌋ (every demand fault a first touch),
 *                     each costing exit round trip + EPT-violation handler
 *   net.hostNs      = removed − added (low: pessimistic, high: optimistic)
 */
import type { Category } from '../model/exit';
import type { TraceSummary } from '../model/summary';
import type { WalkModel } from './walkModel';
import { formatCount, formatNs } from '../format';

/** Categories whose exits EPT makes disappear (guest page faults, CR3 loads, INVLPG run natively). */
export const REMOVED_CATEGORIES: readonly Category[] = ['pagefault', 'cr3', 'invlpg'];

/** A low / mid / high triple; `low` ≤ `mid` ≤ `high` for inputs, see each field for outputs. */
export interface Range {
  readonly low: number;
  readonly mid: number;
  readonly high: number;
}

/**
 * Default second-level TLB misses per millisecond of guest run time. Chosen from the simulator's own
 * workloads on skylake with 4 KB pages (shadow … EPT runs; `test/unit/compare/whatIf.test.ts` checks
 * the ranges still hold): forkwait (OS-heavy fork/exit loop) 1.3k–2.5k, kbuild (compile mix)
 * 5.3k–5.7k, gups (random updates over 128 MB) 8.9k–10.4k misses/ms.
 */
export const DEFAULT_MISSES_PER_MS: Range = { low: 1000, mid: 5000, high: 10000 };

export interface WhatIfOptions {
  /** TLB misses per ms of guest time (default DEFAULT_MISSES_PER_MS). */
  readonly missesPerMs?: Range;
}

/** The what-if for one shadow-paging trace. All times in ns. */
export interface EptWhatIf {
  /** Exits and host time EPT would remove. */
  readonly removed: {
    readonly exits: number;
    readonly hostNs: number;
    /** Per removed category: exits, measured host time, exits without a measured time. */
    readonly byCategory: Readonly<Partial<Record<Category, { readonly exits: number; readonly measuredNs: number; readonly untimedExits: number }>>>;
  };
  /** Costs EPT would add. */
  readonly added: {
    /** Extra page-walk time; null when the trace has no duration (aggregated reports). */
    readonly walkNs: Range | null;
    readonly tlbMisses: Range | null;
    readonly eptViolations: { readonly low: number; readonly high: number; readonly nsEach: number; readonly lowNs: number; readonly highNs: number };
  };
  /** removed − added: `low` assumes the high costs, `high` the low ones, `mid` the middle. Null without walk estimate. */
  readonly net: { readonly hostNs: Range | null; readonly exits: { readonly low: number; readonly high: number } };
  /** The inputs as used (so a UI can show them and tests can redo the sums). */
  readonly inputs: {
    readonly cpu: string;
    readonly cpuAssumed: boolean;
    readonly pages: '4k' | '2m';
    readonly guestNs: number | null;
    readonly missesPerMs: Range;
    readonly shadowRefsPerWalk: number;
    readonly eptRefsPerWalk: number;
    readonly extraRefsPerWalk: number;
    readonly nsPerWalkRef: number;
    readonly roundTripNs: number;
  };
  /** One sentence per assumption, numbers included; shown under the what-if in the UI and the report. */
  readonly assumptions: readonly string[];
  /** A one-line verdict for the panel header. */
  readonly verdict: string;
}

const ns = (cycles: number, hz: number) => (hz > 0 ? (cycles / hz) * 1e9 : 0);

const n = formatCount;
const t = (value: number) => formatNs(value);

/**
 * The what-if for `summary` (meant for a shadow-paging trace; nothing checks that, so it can also
 * be asked "what if this EPT run had taken its shadow exits"), using `model` for the walk and exit
 * costs of the trace's CPU (`cpuAssumed` when the trace names none).
 */
export function eptWhatIf(summary: TraceSummary, model: WalkModel, cpuAssumed: boolean, options: WhatIfOptions = {}): EptWhatIf {
  const rates = options.missesPerMs ?? DEFAULT_MISSES_PER_MS;
  const roundTripNs = ns(model.exitRoundTripCycles, model.cpuHz);

  const byCategory: Partial<Record<Category, { exits: number; measuredNs: number; untimedExits: number }>> = {};
  let removedExits = 0;
  let removedNs = 0;
  let untimedTotal = 0;
  for (const c of REMOVED_CATEGORIES) {
    const exits = summary.byCategory[c] ?? 0;
    if (exits === 0) continue;
    const measuredNs = summary.timeByCategory[c] ?? 0;
    const timed = summary.categoryTiming?.[c]?.count ?? 0;
    const untimedExits = Math.max(0, exits - timed);
    byCategory[c] = { exits, measuredNs, untimedExits };
    removedExits += exits;
    removedNs += measuredNs + untimedExits * roundTripNs;
    untimedTotal += untimedExits;
  }

  const hostTimeNs = summary.overhead.totalNs + summary.hlt.totalNs;
  const guestNs = summary.durationNs === null ? null : Math.max(0, summary.durationNs - hostTimeNs);
  const extraRefs = Math.max(0, model.eptRefsPerWalk - model.shadowRefsPerWalk);
  const nsPerRef = ns(model.cyclesPerWalkRef, model.cpuHz);
  const scale = (f: (rate: number) => number): Range => ({ low: f(rates.low), mid: f(rates.mid), high: f(rates.high) });
  const tlbMisses = guestNs === null ? null : scale((rate) => (rate * guestNs) / 1e6);
  const walkNs = tlbMisses === null ? null : { low: tlbMisses.low * extraRefs * nsPerRef, mid: tlbMisses.mid * extraRefs * nsPerRef, high: tlbMisses.high * extraRefs * nsPerRef };

  const violationsHigh = Math.floor((summary.byCategory.pagefault ?? 0) / 2);
  const nsEach = ns(model.exitRoundTripCycles + model.eptViolationHandlerCycles, model.cpuHz);
  const eptViolations = { low: 0, high: violationsHigh, nsEach, lowNs: 0, highNs: violationsHigh * nsEach };

  const net = {
    hostNs:
      walkNs === null
        ? null
        : {
            low: removedNs - walkNs.high - eptViolations.highNs,
            mid: removedNs - walkNs.mid - (eptViolations.lowNs + eptViolations.highNs) / 2,
            high: removedNs - walkNs.low - eptViolations.lowNs,
          },
    exits: { low: removedExits - eptViolations.high, high: removedExits - eptViolations.low },
  };

  const cpuText = cpuAssumed ? `the ${model.cpu} CPU preset (the trace names no CPU; the simulator's default)` : `the ${model.cpu} CPU preset named in the trace header`;
  const assumptions = [
    `Removed: the ${n(removedExits)} pagefault, cr3 and invlpg exits and their measured host time (${t(removedNs - untimedTotal * roundTripNs)})` +
      (untimedTotal > 0 ? `, plus ${n(untimedTotal)} exits without a measured time at one exit round trip each (${t(roundTripNs)}, ${cpuText}).` : '.') +
      ' Under EPT the guest handles its page faults, CR3 loads and INVLPG natively; that guest work is paid in both modes and left out.',
    guestNs === null
      ? 'Added page walks: not estimated — the trace has no time range (an aggregated report), so its guest run time is unknown.'
      : `Added page walks: guest run time ${t(guestNs)} (trace duration minus host time in exits) × ${n(rates.low)} / ${n(rates.mid)} / ${n(rates.high)} second-level TLB misses per ms ` +
        `(low / mid / high; the simulator's forkwait, kbuild and gups workloads take about 1.3k–2.5k, 5.3k–5.7k and 8.9k–10.4k per ms on skylake) ` +
        `× ${extraRefs.toFixed(2)} extra memory references per walk (${model.eptRefsPerWalk.toFixed(2)} under EPT vs ${model.shadowRefsPerWalk.toFixed(2)} under shadow paging) ` +
        `× ${nsPerRef.toFixed(2)} ns per walk reference (${model.cyclesPerWalkRef.toFixed(1)} cycles at ${(model.cpuHz / 1e9).toFixed(2)} GHz).`,
    `Walk costs come from the simulator's MMU model on ${cpuText} with ${model.pages === '2m' ? '2 MB' : '4 KB'} pages, running ${model.pattern}` +
      (model.walks === 0 ? ': that pattern takes no TLB miss in this configuration, so no walk penalty is added.' : '.'),
    `First-touch EPT violations: 0 in a VM whose memory the host already backs, up to ${n(violationsHigh)} (pagefault exits ÷ 2: a shadow demand fault takes two #PF exits) if every guest demand fault touched a never-backed page; ` +
      `each costs an exit round trip plus the EPT-violation handler (${t(nsEach)}). Allocating the host page is paid in both modes and left out.`,
    'Not modelled: TLB flushes on VM exits, shadow-page-table memory, MMIO/port I/O/interrupt/HLT exits (unchanged by EPT), and any workload change between the runs.',
  ];

  const verdict =
    net.hostNs === null
      ? `EPT would remove ${n(removedExits)} exits (${t(removedNs)} of host time); the walk penalty cannot be estimated without a trace duration.`
      : net.hostNs.low > 0
        ? `EPT would save ${t(net.hostNs.low)} – ${t(net.hostNs.high)} of host time (mid ${t(net.hostNs.mid)}) under every assumption here.`
        : net.hostNs.high < 0
          ? `EPT would cost ${t(-net.hostNs.high)} – ${t(-net.hostNs.low)} more than it saves under every assumption here.`
          : `Depends on the TLB miss rate: from ${t(net.hostNs.low)} to +${t(net.hostNs.high)} of host time (mid ${t(net.hostNs.mid)}).`;

  return {
    removed: { exits: removedExits, hostNs: removedNs, byCategory },
    added: { walkNs, tlbMisses, eptViolations },
    net,
    inputs: {
      cpu: model.cpu,
      cpuAssumed,
      pages: model.pages,
      guestNs,
      missesPerMs: rates,
      shadowRefsPerWalk: model.shadowRefsPerWalk,
      eptRefsPerWalk: model.eptRefsPerWalk,
      extraRefsPerWalk: extraRefs,
      nsPerWalkRef: nsPerRef,
      roundTripNs,
    },
    assumptions,
    verdict,
  };
}
