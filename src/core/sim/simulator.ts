/**
 * Entry point of the simulator: `simulate(options)` runs one workload under one paging mode and
 * returns a SimResult, streaming every exit to an optional trace sink (a perf-script or JSONL
 * writer). Pure and deterministic: the same options give the same result and the same exits.
 */
import { CATEGORIES, type Category } from '../model/exit';
import type { PagingMode } from '../model/trace';
import { Accounting } from './accounting';
import { type CpuName, type CpuPreset, getCpuPreset } from './costModel';
import { EptTables } from './eptTables';
import { SIM_REASONS, type SimTraceSink } from './exitEvent';
import { GuestKernel } from './guestKernel';
import { DEFAULT_LAYOUT, GuestMemory } from './guestMemory';
import { Interpreter } from './interpreter';
import { MemoryHierarchy } from './memoryHierarchy';
import { Mmu } from './mmu';
import { PageTablePool } from './pageTables';
import { Xorshift128 } from './prng';
import type { SimResult, SimSite } from './result';
import { KERNEL_SITES, KERNEL_SOURCE, SiteTable } from './sourceMap';
import { Vmm } from './vmm';
import { type Op, scaleWorkload, type Workload } from './workload';

/**
 * Trace clock origin: a timestamp is the cumulative simulated cycles / clock, from the start of
 * the simulation (warm-up included, so the traced program starts a little after 0).
 */
export const TIME_BASE_NS = 0;

/** Options of one simulated run. */
export interface SimulateOptions {
  readonly workload: Workload;
  readonly paging: PagingMode;
  readonly cpu: CpuName;
  /** Guest and host page size for anonymous memory. */
  readonly pages: '4k' | '2m';
  readonly seed: number;
  /** Multiplies the traced work (see scaleWorkload). */
  readonly scale?: number;
  /** Receives every recorded exit in time order. */
  readonly sink?: SimTraceSink;
  /** Replaces the `cpu` preset's figures (what-if experiments, tests); `cpu` still names the run. */
  readonly preset?: CpuPreset;
  /**
   * State of the guest's free memory when the trace starts (default `fresh`). `fresh`: the VM has
   * just booted for the measurement, its free memory was never touched, so the host has not backed
   * it and a first touch under EPT exits as EPT_VIOLATION (what `perf kvm stat record` around a
   * benchmark in a new VM sees). `warm`: 32 MB of free memory was used and freed before (a VM that
   * has run for a while; the micro-benchmark calibration runs warm).
   */
  readonly memory?: GuestMemoryState;
}

/** See SimulateOptions.memory. */
export type GuestMemoryState = 'fresh' | 'warm';

export const GUEST_MEMORY_STATES: readonly GuestMemoryState[] = ['fresh', 'warm'];

/**
 * The sites (guest RIPs) a workload can produce exits at: every line it names plus the guest-kernel
 * model's lines. Deterministic, so the symbol file can be built from the workload alone.
 */
export function workloadSites(w: Workload): SiteTable {
  const sites = new SiteTable();
  registerSites(sites, w);
  return sites;
}

function registerSites(sites: SiteTable, w: Workload): void {
  for (const line of Object.values(KERNEL_SITES)) sites.site(KERNEL_SOURCE, line, true);
  sites.site(w.source, w.line, false);
  const visit = (ops: readonly Op[] | undefined): void => {
    for (const op of ops ?? []) {
      for (const key of ['line', 'waitLine', 'exitLine', 'readLine', 'peerReadLine', 'peerWriteLine'] as const) {
        const v = (op as Record<string, unknown>)[key];
        if (typeof v === 'number') sites.site(w.source, v, false);
      }
      if (op.op === 'loop') visit(op.body);
      if (op.op === 'fork') visit(op.child);
    }
  };
  visit(w.setup);
  visit(w.program);
}

/** The parts of one simulated machine (exported for tests that drive the mechanisms directly). */
export interface Machine {
  readonly preset: CpuPreset;
  readonly workload: Workload;
  readonly mem: GuestMemory;
  readonly pool: PageTablePool;
  readonly acct: Accounting;
  readonly caches: MemoryHierarchy;
  readonly ept: EptTables;
  readonly mmu: Mmu;
  readonly vmm: Vmm;
  readonly kernel: GuestKernel;
  readonly interp: Interpreter;
  readonly sites: SiteTable;
}

/**
 * Builds a guest in steady state — it "ran before the trace": the host backs the kernel, the
 * page cache and (with `memory: 'warm'`) recently freed memory, and the EPT (or the shadow of the kernel's direct map)
 * already covers them. Nothing runs yet and nothing is recorded until `vmm.recording` is set.
 */
export function buildMachine(options: SimulateOptions): Machine {
  const preset = options.preset ?? getCpuPreset(options.cpu);
  const shadow = options.paging === 'shadow';
  const workload = scaleWorkload(options.workload, options.scale ?? 1);
  const large = options.pages === '2m';
  const layout = (options.memory ?? 'fresh') === 'warm' ? DEFAULT_LAYOUT : { ...DEFAULT_LAYOUT, warmFreeFrames: 0 };
  const mem = new GuestMemory(layout, large);
  const pool = new PageTablePool(2048);
  const acct = new Accounting();
  const caches = new MemoryHierarchy(preset);
  const ept = new EptTables(mem, 64);
  if (!shadow) for (let f = 0; f < mem.layout.frames; f++) if (mem.isBacked(f)) ept.ensureTables(f);
  const mmu = new Mmu(preset, shadow, pool, mem, ept, caches, acct);
  const sites = workloadSites(workload);
  const vmm = new Vmm(preset, shadow, pool, mem, ept, mmu, acct, options.sink, sites, TIME_BASE_NS);
  vmm.recording = false;
  const kernel = new GuestKernel(preset, { kpti: workload.kpti ?? false, largePages: large, hz: workload.hz ?? 250 }, pool, mem, mmu, vmm, acct, caches, sites);
  if (shadow) vmm.prefillDirectMap(kernel.directMapPdpt);
  const interp = new Interpreter(kernel, sites, workload.source, workload.line, new Xorshift128(options.seed), acct, preset);
  return { preset, workload, mem, pool, acct, caches, ept, mmu, vmm, kernel, interp, sites };
}

/** Runs one workload under one paging mode. Throws SimulationError for impossible programs. */
export function simulate(options: SimulateOptions): SimResult {
  const m = buildMachine(options);
  const { preset, workload, acct, ept, vmm, interp, sites } = m;
  const shadow = options.paging === 'shadow';
  const scale = options.scale ?? 1;

  // Warm-up: runs like the program but is neither traced nor counted.
  let proc = interp.startProcess();
  proc = interp.run(workload.setup ?? [], proc);
  const start = { ...acct };
  acct.walkMaxRefs = 0;
  for (const k of Object.keys(vmm.counters) as (keyof typeof vmm.counters)[]) vmm.counters[k] = 0;
  vmm.shadowPagesPeak = vmm.shadowPages;
  vmm.recording = true;
  interp.run(workload.program, proc);
  vmm.ensureSites(sites.size);

  type Counter = Exclude<keyof Accounting, 'now' | 'walkDone'>;
  const d = (k: Counter): number => acct[k] - start[k];
  const cycles = {
    guest: d('guest'),
    exitRoundTrip: d('exitRoundTrip'),
    exitHandling: d('exitHandling'),
    pageWalk: d('pageWalk'),
    idle: d('idle'),
  };
  const total = cycles.guest + cycles.exitRoundTrip + cycles.exitHandling + cycles.pageWalk + cycles.idle;
  const walks = d('walks');
  const walkRefs = d('walkRefs');
  const byCategory = {} as Record<Category, number>;
  const cyclesByCategory = {} as Record<Category, number>;
  CATEGORIES.forEach((c, i) => {
    byCategory[c] = vmm.byCategory[i];
    cyclesByCategory[c] = vmm.cyclesByCategory[i];
  });
  const byReason: Record<string, number> = {};
  SIM_REASONS.forEach(([name], i) => {
    if (vmm.byReason[i] > 0) byReason[name] = vmm.byReason[i];
  });
  const notes: string[] = [];
  if (!shadow && !preset.features.ept) notes.push(`${preset.name} has no EPT: this EPT run is a what-if with that CPU's other figures`);
  if (!preset.features.vpid) notes.push(`${preset.name} has no VPID: every VM exit and entry flushes the TLB`);
  if (scale !== 1) notes.push(`work scaled by ${scale}`);

  return {
    simulated: true,
    workload: workload.name,
    paging: options.paging,
    cpu: preset.name,
    pages: options.pages,
    seed: options.seed,
    memory: options.memory ?? 'fresh',
    scale,
    cpuHz: preset.cpuHz,
    vcpus: 1,
    timeNs: Math.round(total / (preset.cpuHz / 1e9)),
    cycles: { total, ...cycles },
    exits: vmm.exits,
    byCategory,
    cyclesByCategory,
    byReason,
    walks: { count: walks, meanRefs: walks > 0 ? walkRefs / walks : 0, maxRefs: acct.walkMaxRefs, refs: walkRefs },
    tlb: { accesses: d('tlbAccesses'), misses: d('tlbMisses'), l1Misses: d('l1TlbMisses') },
    memoryRefs: d('memRefs'),
    simulatedRefs: acct.memRefs,
    shadowTableBytes: shadow ? vmm.shadowPagesPeak * 4096 : 0,
    eptTableBytes: shadow ? 0 : ept.tablePages * 4096,
    mechanisms: { ...vmm.counters },
    sites: siteList(vmm, sites),
    notes,
  };
}

function siteList(vmm: Vmm, sites: SiteTable): SimSite[] {
  const out: SimSite[] = [];
  const nr = SIM_REASONS.length;
  const nc = CATEGORIES.length;
  for (let id = 0; id < sites.size; id++) {
    let exits = 0;
    const byReason: Record<string, number> = {};
    for (let r = 0; r < nr; r++) {
      const n = vmm.siteReason[id * nr + r];
      if (n > 0) {
        byReason[SIM_REASONS[r][0]] = n;
        exits += n;
      }
    }
    if (exits === 0) continue;
    const byCategory: Partial<Record<Category, number>> = {};
    for (let c = 0; c < nc; c++) {
      const n = vmm.siteCategory[id * nc + c];
      if (n > 0) byCategory[CATEGORIES[c]] = n;
    }
    const s = sites.get(id);
    out.push({ rip: s.rip, file: s.file, line: s.line, kernel: s.kernel, exits, totalNs: vmm.siteNs[id], byReason, byCategory });
  }
  return out.sort((a, b) => b.exits - a.exits || (a.rip < b.rip ? -1 : a.rip > b.rip ? 1 : 0));
}
