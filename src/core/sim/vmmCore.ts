/**
 * The hypervisor's exit path: every VM exit goes through `finish()`, which charges the round trip
 * and the handling cost, flushes the TLB on CPUs without VPID, counts the exit per reason,
 * category and site, and hands it to the trace sink. The EPT and device exits (EPT violation and
 * misconfiguration, port I/O, timer interrupt, TSC-deadline MSR write, HLT) are built here;
 * shadow paging (vmm.ts) builds on it.
 */
import { CATEGORIES } from '../model/exit';
import type { Accounting } from './accounting';
import type { CpuPreset } from './costModel';
import type { EptTables } from './eptTables';
import {
  EV_MMIO,
  EV_PAGE_FAULT,
  EV_PIO,
  INTR_INFO_PF,
  INTR_INFO_TIMER,
  SIM_REASONS,
  SimExit,
  simCategory,
  type SimTraceSink,
  X_EPT_MISCONFIG,
  X_EPT_VIOLATION,
  X_EXCEPTION_NMI,
  X_EXTERNAL_INTERRUPT,
  X_HLT,
  X_IO_INSTRUCTION,
  X_MSR_WRITE,
} from './exitEvent';
import type { GuestMemory } from './guestMemory';
import type { Mmu } from './mmu';
import type { SiteTable } from './sourceMap';
import type { PageTablePool } from './pageTables';

/** Mechanism counters, reported in the result. */
export interface VmmCounters {
  trueFaults: number;
  hiddenFaults: number;
  ptWriteExits: number;
  unsyncs: number;
  syncedPages: number;
  floodZaps: number;
  cr3Exits: number;
  rootCacheMisses: number;
  invlpgExits: number;
  eptViolations: number;
  mmioExits: number;
  pioExits: number;
  hostPagesBacked: number;
}

/** An emulated device page the guest can map. */
export interface MmioPage {
  /** Guest-physical address of the device page. */
  readonly gpa: number;
}

/** Exit accounting and the exits common to both paging modes (see the file comment). */
export class VmmCore {
  readonly shadowMode: boolean;
  protected readonly preset: CpuPreset;
  protected readonly pool: PageTablePool;
  protected readonly mem: GuestMemory;
  protected readonly ept: EptTables;
  protected readonly mmu: Mmu;
  protected readonly acct: Accounting;
  private readonly sink: SimTraceSink | undefined;
  private readonly cpuGHz: number;
  private readonly timeBaseNs: number;
  private readonly ev = new SimExit();
  private readonly sites: SiteTable;
  readonly counters: VmmCounters = {
    trueFaults: 0,
    hiddenFaults: 0,
    ptWriteExits: 0,
    unsyncs: 0,
    syncedPages: 0,
    floodZaps: 0,
    cr3Exits: 0,
    rootCacheMisses: 0,
    invlpgExits: 0,
    eptViolations: 0,
    mmioExits: 0,
    pioExits: 0,
    hostPagesBacked: 0,
  };

  /** Exit counts: per reason index, per category index, per site × reason, per site × category. */
  readonly byReason: Float64Array;
  readonly byCategory: Float64Array;
  readonly cyclesByCategory: Float64Array;
  siteReason: Float64Array;
  siteCategory: Float64Array;
  siteNs: Float64Array;
  exits = 0;
  /** MMIO pages: index → gpa (shared with the guest's MMIO mappings). */
  readonly mmioPages: MmioPage[] = [];
  /** When false (setup phase), exits are counted in time but not reported. */
  recording = true;

  constructor(preset: CpuPreset, shadowMode: boolean, pool: PageTablePool, mem: GuestMemory, ept: EptTables, mmu: Mmu, acct: Accounting, sink: SimTraceSink | undefined, sites: SiteTable, timeBaseNs: number) {
    this.preset = preset;
    this.shadowMode = shadowMode;
    this.pool = pool;
    this.mem = mem;
    this.ept = ept;
    this.mmu = mmu;
    this.acct = acct;
    this.sink = sink;
    this.cpuGHz = preset.cpuHz / 1e9;
    this.timeBaseNs = timeBaseNs;
    this.byReason = new Float64Array(SIM_REASONS.length);
    this.byCategory = new Float64Array(CATEGORIES.length);
    this.cyclesByCategory = new Float64Array(CATEGORIES.length);
    this.sites = sites;
    this.siteReason = new Float64Array(Math.max(sites.size, 1) * SIM_REASONS.length);
    this.siteCategory = new Float64Array(Math.max(sites.size, 1) * CATEGORIES.length);
    this.siteNs = new Float64Array(Math.max(sites.size, 1));
  }

  /** Grows the per-site arrays when sites are added after construction. */
  ensureSites(n: number): void {
    if (this.siteNs.length >= n) return;
    const grow = (a: Float64Array, per: number): Float64Array => {
      const b = new Float64Array(n * per);
      b.set(a);
      return b;
    };
    this.siteReason = grow(this.siteReason, SIM_REASONS.length);
    this.siteCategory = grow(this.siteCategory, CATEGORIES.length);
    this.siteNs = grow(this.siteNs, 1);
  }

  /** The scratch event, reset, for a caller to fill before `exit()`. */
  protected begin(reason: number, site: number, entryOffset: number): SimExit {
    const e = this.ev;
    e.reason = reason;
    e.site = site;
    e.rip = this.sites.get(site).rip;
    e.entryOffset = entryOffset;
    e.info1 = 0;
    e.intrInfo = 0;
    e.errorCode = 0;
    e.events = 0;
    e.pfAddress = 0;
    e.pfError = 0;
    e.crNumber = 3;
    return e;
  }

  /** Ends an exit: charges cycles, advances time, counts and reports it. `idle` is HLT wait time. */
  protected finish(e: SimExit, handling: number, idle = 0): void {
    const acct = this.acct;
    const t0 = acct.now();
    const rt = this.preset.exitRoundTrip;
    acct.exitRoundTrip += rt;
    acct.exitHandling += handling;
    acct.idle += idle;
    e.cycles = rt + handling + idle;
    e.timeNs = this.timeBaseNs + Math.floor(t0 / this.cpuGHz);
    e.durNs = this.timeBaseNs + Math.floor((t0 + e.cycles) / this.cpuGHz) - e.timeNs;
    e.category = simCategory(e.reason, e.events, e.crNumber, e.intrInfo);
    // Without VPID every VM exit/entry flushes the guest's linear translations.
    if (!this.preset.features.vpid) this.mmu.flushAll();
    if (!this.recording) return;
    if (e.site >= this.siteNs.length) this.ensureSites(this.sites.size);
    const ci = CATEGORIES.indexOf(e.category);
    this.exits++;
    this.byReason[e.reason]++;
    this.byCategory[ci]++;
    this.cyclesByCategory[ci] += e.cycles;
    this.siteReason[e.site * SIM_REASONS.length + e.reason]++;
    this.siteCategory[e.site * CATEGORIES.length + ci]++;
    this.siteNs[e.site] += e.durNs;
    if (this.sink) this.sink.exit(e);
  }

  protected pfExit(site: number, va: number, error: number, handling: number, mmio: MmioPage | undefined, mmioWrite: boolean, mmioVal: number): void {
    const e = this.begin(X_EXCEPTION_NMI, site, 0);
    e.info1 = va;
    e.intrInfo = INTR_INFO_PF;
    e.errorCode = error;
    e.events = EV_PAGE_FAULT;
    e.pfAddress = va;
    e.pfError = error;
    if (mmio) {
      this.mmioRefine(e, mmio, mmioWrite, mmioVal);
      e.entryOffset = 2; // the emulated store (mov %eax,(%rdx)) is skipped
    }
    this.finish(e, handling);
  }

  protected mmioRefine(e: SimExit, page: MmioPage, write: boolean, val: number): void {
    e.events |= EV_MMIO;
    e.ioWrite = write;
    e.ioLen = 4;
    e.ioAddr = page.gpa + 0x40;
    e.ioVal = val;
    this.counters.mmioExits++;
  }

  /** Host backing of `gpfn` if missing; returns its cost in cycles. */
  protected backCost(gpfn: number): number {
    if (this.mem.isBacked(gpfn)) return 0;
    this.mem.back(gpfn);
    this.counters.hostPagesBacked++;
    if (!this.shadowMode) this.ept.ensureTables(gpfn);
    return this.mem.hostLarge ? this.preset.vmm.hostBack2m : this.preset.vmm.hostBack4k;
  }

  /** An EPT violation on guest RAM frame `gpfn` (the host backs it) or on MMIO page `mmio`. */
  eptViolation(gpfn: number, mmio: number, onTable: boolean, write: boolean, site: number, mmioVal: number): void {
    this.counters.eptViolations++;
    // Qualification: read/write, GLA valid (bit 7), access to the final translation (bit 8).
    const qual = (write ? 2 : 1) | 0x80 | (onTable ? 0 : 0x100);
    const e = this.begin(X_EPT_VIOLATION, site, 0);
    e.info1 = qual;
    e.events = EV_PAGE_FAULT;
    e.pfError = qual;
    let handling = this.preset.vmm.eptViolation;
    if (mmio >= 0) {
      const page = this.mmioPages[mmio];
      e.pfAddress = page.gpa + 0x40;
      this.ept.mmioInstalled[mmio] = 1;
      this.mmioRefine(e, page, write, mmioVal);
      e.entryOffset = 2;
      handling += this.preset.vmm.mmio;
    } else {
      e.pfAddress = gpfn * 4096;
      handling += this.backCost(gpfn);
    }
    this.finish(e, handling);
  }

  /** EPT misconfiguration on an MMIO page: emulate the access. */
  eptMisconfig(mmio: number, write: boolean, site: number, val: number): void {
    const e = this.begin(X_EPT_MISCONFIG, site, 2);
    this.mmioRefine(e, this.mmioPages[mmio], write, val);
    this.finish(e, this.preset.vmm.mmio);
  }

  /** OUT/IN to `port`: IO_INSTRUCTION exit with a kvm_pio event. */
  pio(port: number, size: number, write: boolean, value: number, site: number): void {
    this.counters.pioExits++;
    const e = this.begin(X_IO_INSTRUCTION, site, 1);
    e.info1 = port * 65536 + (write ? 0 : 8) + (size - 1);
    e.events = EV_PIO;
    e.ioWrite = write;
    e.ioLen = size;
    e.ioAddr = port;
    e.ioVal = value;
    this.finish(e, this.preset.vmm.pio);
  }

  /** Host timer interrupt while the guest runs at `site`. */
  externalInterrupt(site: number): void {
    const e = this.begin(X_EXTERNAL_INTERRUPT, site, 0);
    e.intrInfo = INTR_INFO_TIMER;
    this.finish(e, this.preset.vmm.extInt);
  }

  /** WRMSR to IA32_TSC_DEADLINE (the guest re-arms its timer). */
  msrWrite(site: number): void {
    const e = this.begin(X_MSR_WRITE, site, 2);
    this.finish(e, this.preset.vmm.msrWrite);
  }

  /** HLT: the vCPU blocks for `idleCycles` until an interrupt. */
  hlt(site: number, idleCycles: number): void {
    const e = this.begin(X_HLT, site, 1);
    this.finish(e, this.preset.vmm.hlt, idleCycles);
  }

  /** Per-category counts in CATEGORIES order (recorded exits only). */
  categoryCounts(): Float64Array {
    return this.byCategory;
  }
}
