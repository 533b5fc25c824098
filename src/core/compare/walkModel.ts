/**
 * What one TLB miss costs under shadow paging versus EPT, measured on the simulator's MMU model
 * (src/core/sim) rather than assumed: the EPT what-if needs "extra references per walk" and "cost of
 * a walk reference", and the simulator's two-dimensional walker with its paging-structure caches,
 * nested TLB and cache hierarchy is the one place in ExitLens that knows them per CPU generation.
 */
import { BUILTIN_WORKLOADS, DEFAULT_CPU, getCpuPreset, isCpuName, simulate, type CpuName } from '../sim/index';

/** The reference access pattern the walk model runs: named so the what-if can state it. */
export const WALK_PATTERN =
  "the simulator's gups pattern (random read-modify-write updates over a 128 MB table, 20× the STLB reach), one of its ten loops (100,000 updates), warm memory, seed 1 — random access, so its cost per miss is at the high end for cache-friendly code";

/** Per-CPU walk and exit costs the what-if multiplies out. Plain data, so tests can inject one. */
export interface WalkModel {
  readonly cpu: CpuName;
  readonly pages: '4k' | '2m';
  readonly cpuHz: number;
  /** Mean memory references per hardware walk (after a second-level TLB miss) under shadow paging. */
  readonly shadowRefsPerWalk: number;
  /** The same under EPT (two-dimensional walk, shortened by the nested TLB and EPT walk caches). */
  readonly eptRefsPerWalk: number;
  /** Mean cycles per EPT walk reference through the simulated cache hierarchy (0 when no walk happened). */
  readonly cyclesPerWalkRef: number;
  /** TLB misses (walks) the pattern took, for the what-if's caveats. */
  readonly walks: number;
  /** VM exit + entry, cycles (the preset's round trip). */
  readonly exitRoundTripCycles: number;
  /** VMM handling of one EPT violation, cycles, excluding the host page allocation (paid in both modes). */
  readonly eptViolationHandlerCycles: number;
  /** How the numbers were obtained. */
  readonly pattern: string;
}

const cache = new Map<string, WalkModel>();

/** The CPU preset a trace names, else the simulator's default; `assumed` says which happened. */
export function cpuForTrace(cpu: string | undefined): { readonly cpu: CpuName; readonly assumed: boolean } {
  return cpu !== undefined && isCpuName(cpu) ? { cpu, assumed: false } : { cpu: DEFAULT_CPU, assumed: true };
}

/**
 * Runs the reference pattern under both paging modes on `cpu` (about a second of CPU on a loaded
 * machine, so results are memoised per CPU and page size). Deterministic: same inputs, same model.
 */
export function measureWalkModel(cpu: CpuName, pages: '4k' | '2m'): WalkModel {
  const key = `${cpu}/${pages}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const run = (paging: 'shadow' | 'ept') => simulate({ workload: BUILTIN_WORKLOADS.gups, paging, cpu, pages, seed: 1, scale: 0.1, memory: 'warm' });
  const shadow = run('shadow');
  const ept = run('ept');
  const preset = getCpuPreset(cpu);
  const model: WalkModel = {
    cpu,
    pages,
    cpuHz: preset.cpuHz,
    shadowRefsPerWalk: shadow.walks.count > 0 ? shadow.walks.meanRefs : 0,
    eptRefsPerWalk: ept.walks.count > 0 ? ept.walks.meanRefs : 0,
    cyclesPerWalkRef: ept.walks.refs > 0 ? ept.cycles.pageWalk / ept.walks.refs : 0,
    walks: ept.walks.count,
    exitRoundTripCycles: preset.exitRoundTrip,
    eptViolationHandlerCycles: preset.vmm.eptViolation,
    pattern: WALK_PATTERN,
  };
  cache.set(key, model);
  return model;
}
