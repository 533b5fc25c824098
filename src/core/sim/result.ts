/**
 * What a simulation reports: plain JSON-serialisable data. `cycles.total` is the simulated run
 * time and always equals the sum of its parts; exits are counted by reason, by category and per
 * site (guest RIP → source line), the per-site counts being what annotations on the simulated
 * trace must show.
 */
import type { Category } from '../model/exit';
import type { PagingMode } from '../model/trace';
import type { VmmCounters } from './vmm';

/** Exits at one guest RIP. */
export interface SimSite {
  readonly rip: string;
  /** Source file (workspace-relative) and 1-based line of that RIP. */
  readonly file: string;
  readonly line: number;
  /** True for the guest-kernel model's lines (samples/guest-kernel.c). */
  readonly kernel: boolean;
  readonly exits: number;
  /** Host time of those exits (exit → entry), ns. */
  readonly totalNs: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
}

/** Simulated cycles by where they went; `total` is the sum of the others. */
export interface SimCycles {
  readonly total: number;
  readonly guest: number;
  readonly exitRoundTrip: number;
  readonly exitHandling: number;
  readonly pageWalk: number;
  /** HLT time (idle, waiting for I/O); part of total. */
  readonly idle: number;
}

/** The result of one simulated run (one paging mode). */
export interface SimResult {
  readonly simulated: true;
  readonly workload: string;
  readonly paging: PagingMode;
  readonly cpu: string;
  readonly pages: '4k' | '2m';
  readonly seed: number;
  /** Guest free memory at the start: `fresh` (never touched, unbacked) or `warm`. */
  readonly memory: 'fresh' | 'warm';
  readonly scale: number;
  readonly cpuHz: number;
  readonly vcpus: number;
  /** Simulated run time in ns (cycles.total / cpuHz). */
  readonly timeNs: number;
  readonly cycles: SimCycles;
  readonly exits: number;
  /** All categories, zeros included, in CATEGORIES order. */
  readonly byCategory: Readonly<Record<Category, number>>;
  /** Cycles spent in exits (round trip + handling) per category. */
  readonly cyclesByCategory: Readonly<Record<Category, number>>;
  /** Kernel reason name → exits (non-zero only). */
  readonly byReason: Readonly<Record<string, number>>;
  /** Hardware page walks after TLB misses; references per walk (shadow ≤ 4, EPT ≤ 24). */
  readonly walks: { readonly count: number; readonly meanRefs: number; readonly maxRefs: number; readonly refs: number };
  /** Data-reference translations and second-level TLB misses (= walks). */
  readonly tlb: { readonly accesses: number; readonly misses: number; readonly l1Misses: number };
  /** Memory references simulated in the traced program (data + walk). */
  readonly memoryRefs: number;
  /** All memory references the simulator modelled, warm-up included (for throughput measurements). */
  readonly simulatedRefs: number;
  /** Peak host memory held by shadow page tables (0 under EPT). */
  readonly shadowTableBytes: number;
  /** Host memory held by EPT tables at the end (0 under shadow paging). */
  readonly eptTableBytes: number;
  /** Mechanism counters: true/hidden faults, unsyncs, CR3 exits, EPT violations... */
  readonly mechanisms: Readonly<VmmCounters>;
  /** Sites with at least one exit, most exits first. */
  readonly sites: readonly SimSite[];
  /** Caveats of this configuration (e.g. EPT on a CPU that had none). */
  readonly notes: readonly string[];
}
