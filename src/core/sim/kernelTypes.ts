/**
 * The data model of the simulated guest kernel, shared by its memory core (kernelCore.ts), its
 * process and system-call layer (guestKernel.ts) and the interpreter: the kernel's virtual-address
 * layout, regions (VMAs), processes, run options and the error a workload program can raise.
 */

/** Kernel direct map (48-bit form of 0xffff888000000000): guest frame f is at DM_BASE + 4096 f. */
export const DM_BASE = 0x888000000000;
/** ioremap area (48-bit form of 0xffffc90000000000) for device MMIO. */
export const IOREMAP_BASE = 0xc90000000000;
/** First user mmap address; regions are 2 MB aligned so that they can use 2 MB pages. */
export const MMAP_BASE_VPN = 0x7f0000000;
/** Linux flushes page by page up to this many pages, else the whole TLB (tlb_single_page_flush_ceiling). */
export const FLUSH_CEILING = 33;
/** Guest-physical base of the emulated devices' MMIO pages. */
export const MMIO_GPA_BASE = 0xfebf0000;

/** What backs a region: demand-zero memory, page-cache pages, or an emulated device page. */
export type RegionKind = 'anon' | 'file' | 'mmio';

/** A mapped virtual range (a VMA). */
export interface Region {
  readonly name: string;
  readonly startVpn: number;
  readonly pages: number;
  readonly kind: RegionKind;
  writable: boolean;
  /** Mapped with 2 MB pages (anonymous memory with `--pages 2m`). */
  readonly large: boolean;
  /** First page-cache frame of a file region. */
  readonly fileBase: number;
  /** MMIO page index of an mmio region. */
  readonly mmioIndex: number;
}

/** A guest process: its page-table roots and regions. */
export interface Process {
  readonly pid: number;
  pgd: number;
  /** KPTI user-mode PML4, or -1. */
  userPgd: number;
  regions: Map<string, Region>;
  nextVpn: number;
  alive: boolean;
  parent: Process | undefined;
}

/** Guest-side knobs of a run. */
export interface KernelOptions {
  readonly kpti: boolean;
  /** Anonymous memory uses 2 MB pages (transparent huge pages) where a region allows it. */
  readonly largePages: boolean;
  readonly hz: number;
}

/** Thrown for workload programs that do something the guest cannot (touching an unmapped region...). */
export class SimulationError extends Error {
  /** True once the message names the workload operation that failed. */
  readonly located: boolean;
  constructor(message: string, located = false) {
    super(message);
    this.name = 'SimulationError';
    this.located = located;
  }
}
