/**
 * The memory side of the simulated Linux-like guest kernel (processes and system calls are in
 * guestKernel.ts, its data model in kernelTypes.ts): the shared kernel half (direct map with 2 MB pages, ioremap), every data
 * reference through the MMU with its fault handling (demand-zero, page-cache and MMIO mappings,
 * copy-on-write, 2 MB pages), page-table stores (which the VMM may trap), TLB flushes (INVLPG,
 * CR3 reloads), context switches with PCID ASIDs, timer ticks and HLT. Native work is charged
 * to the guest bucket; anything that exits goes through the VMM.
 */
import type { Accounting } from './accounting';
import type { CpuPreset } from './costModel';
import { CHUNK_FRAMES, type GuestMemory } from './guestMemory';
import type { Mmu } from './mmu';
import { GLOBAL_TAG, R_EPT_MISCONFIG, R_EPT_VIOLATION, R_OK, R_PF, R_PF_RSVD } from './pageWalker';
import type { MemoryHierarchy } from './memoryHierarchy';
import { F_COW, F_FILE, F_LARGE, F_MMIO, F_USER, F_WRITE, SLOTS, slotIndex, type PageTablePool } from './pageTables';
import { KERNEL_SITES, KERNEL_SOURCE, type SiteTable } from './sourceMap';
import { DM_BASE, IOREMAP_BASE, type KernelOptions, MMIO_GPA_BASE, type Process, type Region, SimulationError } from './kernelTypes';
import type { Vmm } from './vmm';

/** Linux's per-CPU PCID slots (TLB_NR_DYN_ASIDS). */
const DYN_ASIDS = 6;
/** KPTI user PCIDs have bit 11 set (X86_CR3_PTI_PCID_USER_BIT). */
const PTI_USER_BIT = 2048;

/** Memory management, faults, TLB and CR3 handling of the guest kernel (see the file comment). */
export class KernelCore {
  protected readonly preset: CpuPreset;
  protected readonly opts: KernelOptions;
  protected readonly pool: PageTablePool;
  protected readonly mem: GuestMemory;
  protected readonly mmu: Mmu;
  protected readonly vmm: Vmm;
  protected readonly acct: Accounting;
  protected readonly caches: MemoryHierarchy;
  protected readonly ks: Record<keyof typeof KERNEL_SITES, number>;
  protected readonly kernelTables: { slot: number; table: number }[] = [];
  private kernelFrameNext = 16;
  protected readonly asidOwner: number[] = new Array(DYN_ASIDS).fill(-1);
  private nextAsid = 0;
  private asid = 0;
  private readonly tickCycles: number;
  private nextTick: number;
  protected inKernel = false;
  private ioremapPt = -1;
  private ioremapNext = 0;
  /** The direct map's PDPT table (shared by every process). */
  directMapPdpt = -1;
  current!: Process;

  constructor(preset: CpuPreset, opts: KernelOptions, pool: PageTablePool, mem: GuestMemory, mmu: Mmu, vmm: Vmm, acct: Accounting, caches: MemoryHierarchy, sites: SiteTable) {
    this.preset = preset;
    this.opts = opts;
    this.pool = pool;
    this.mem = mem;
    this.mmu = mmu;
    this.vmm = vmm;
    this.acct = acct;
    this.caches = caches;
    // Built in one go: an object filled key by key goes to V8's slow dictionary mode, and the
    // kernel reads these ids on every fault, tick and table write.
    this.ks = Object.fromEntries(Object.entries(KERNEL_SITES).map(([k, line]) => [k, sites.site(KERNEL_SOURCE, line, true)])) as Record<keyof typeof KERNEL_SITES, number>;
    this.tickCycles = Math.round(preset.cpuHz / opts.hz);
    this.nextTick = this.tickCycles;
    this.buildKernelTables();
  }


  // ---- kernel address space -----------------------------------------------------------

  private kernelFrame(): number {
    if (this.kernelFrameNext >= this.mem.layout.kernelFrames) throw new SimulationError('guest kernel frames exhausted');
    return this.kernelFrameNext++;
  }

  /** The direct map (2 MB pages over all guest RAM) and the ioremap area, shared by every process. */
  private buildKernelTables(): void {
    const pool = this.pool;
    const dmVpn = DM_BASE / 4096;
    const pdpt = pool.alloc(3, this.kernelFrame(), -1, -1, -1);
    const gigs = Math.ceil(this.mem.layout.frames / (512 * 512));
    for (let g = 0; g < gigs; g++) {
      const pd = pool.alloc(2, this.kernelFrame(), -1, pdpt, pdpt * SLOTS + slotIndex(dmVpn, 3) + g);
      pool.entry[pdpt * SLOTS + slotIndex(dmVpn, 3) + g] = pd + 1;
      pool.flags[pdpt * SLOTS + slotIndex(dmVpn, 3) + g] = F_WRITE;
      pool.used[pdpt]++;
      for (let i = 0; i < 512; i++) {
        const chunk = g * 512 + i;
        if (chunk * CHUNK_FRAMES >= this.mem.layout.frames) break;
        pool.entry[pd * SLOTS + i] = chunk * CHUNK_FRAMES + 1;
        pool.flags[pd * SLOTS + i] = F_WRITE | F_LARGE;
        pool.used[pd]++;
      }
    }
    this.kernelTables.push({ slot: slotIndex(dmVpn, 4), table: pdpt });
    this.directMapPdpt = pdpt;
    // ioremap: one PT with the MMIO pages the VMM knows about, filled by mapMmio().
    const ioVpn = IOREMAP_BASE / 4096;
    const iopdpt = pool.alloc(3, this.kernelFrame(), -1, -1, -1);
    const iopd = pool.alloc(2, this.kernelFrame(), -1, iopdpt, iopdpt * SLOTS + slotIndex(ioVpn, 3));
    const iopt = pool.alloc(1, this.kernelFrame(), -1, iopd, iopd * SLOTS + slotIndex(ioVpn, 2));
    pool.entry[iopdpt * SLOTS + slotIndex(ioVpn, 3)] = iopd + 1;
    pool.entry[iopd * SLOTS + slotIndex(ioVpn, 2)] = iopt + 1;
    pool.flags[iopdpt * SLOTS + slotIndex(ioVpn, 3)] = F_WRITE;
    pool.flags[iopd * SLOTS + slotIndex(ioVpn, 2)] = F_WRITE;
    pool.used[iopdpt]++;
    pool.used[iopd]++;
    this.kernelTables.push({ slot: slotIndex(ioVpn, 4), table: iopdpt });
    this.ioremapPt = iopt;
    // init_mm's PML4 (swapper_pg_dir): the kernel runs on it until the first process exists.
    const swapper = pool.alloc(4, this.kernelFrame(), -1, -1, -1);
    for (const k of this.kernelTables) {
      pool.entry[swapper * SLOTS + k.slot] = k.table + 1;
      pool.flags[swapper * SLOTS + k.slot] = F_WRITE;
      pool.used[swapper]++;
    }
    this.mmu.root = swapper;
    this.mmu.userTag = 0;
    this.mmu.kernelTag = this.opts.kpti ? 0 : GLOBAL_TAG;
  }

  /** Maps a device MMIO page in the kernel's ioremap area; returns its kernel virtual address. */
  ioremap(mmioIndex: number): number {
    const i = this.ioremapNext++;
    const s = this.ioremapPt * SLOTS + i;
    this.pool.entry[s] = mmioIndex + 1;
    this.pool.flags[s] = F_WRITE | F_MMIO;
    this.pool.used[this.ioremapPt]++;
    return IOREMAP_BASE + i * 4096;
  }

  /** A new emulated-device MMIO page (the VMM learns its guest-physical address). */
  newMmioPage(): number {
    const index = this.vmm.mmioPages.length;
    this.vmm.mmioPages.push({ gpa: MMIO_GPA_BASE + index * 4096 });
    return index;
  }

  /** Runs the timer ticks that are due: host interrupt exit, tick handler, TSC-deadline re-arm exit. */
  tick(site: number): void {
    while (this.acct.now() >= this.nextTick) {
      this.nextTick += this.tickCycles;
      this.vmm.externalInterrupt(site);
      // With KPTI an interrupt from user mode switches to the kernel page tables and back.
      const kpti = this.current.userPgd >= 0 && !this.inKernel;
      if (kpti) this.loadCr3(this.current, false, this.ks.kptiEnter);
      this.acct.guest += this.preset.guest.timerTick;
      this.vmm.msrWrite(this.ks.wrmsrDeadline);
      if (kpti) this.loadCr3(this.current, true, this.ks.kptiExit);
    }
  }

  /** Idles in HLT for `cycles` (ticks stop while idle, as with NO_HZ). */
  idle(cycles: number): void {
    this.vmm.hlt(this.ks.hlt, cycles);
    if (this.nextTick < this.acct.now()) this.nextTick = this.acct.now() + this.tickCycles;
  }

  /**
   * One data reference by the guest at virtual address `va`, handling whatever faults it takes.
   * `value` is what an MMIO write stores (for kvm_mmio).
   */
  access(va: number, write: boolean, site: number, user: boolean, value = 0): void {
    // Fast path small enough to inline into the callers' loops; faults take the slow path.
    const mmu = this.mmu;
    mmu.va = va;
    if (mmu.translate(write) === R_OK) {
      this.acct.guest += this.caches.access(mmu.hpfn, mmu.offset);
      this.acct.memRefs++;
      return;
    }
    this.accessFaulting(va, write, site, user, value);
  }

  /** A reference whose first translation faulted: handle faults until it completes. */
  private accessFaulting(va: number, write: boolean, site: number, user: boolean, value: number): void {
    const mmu = this.mmu;
    let r = mmu.faultResult;
    for (let attempt = 0; attempt < 8; attempt++) {
      if (attempt > 0) {
        mmu.va = va;
        r = mmu.translate(write);
      }
      if (r === R_OK) {
        this.acct.guest += this.caches.access(mmu.hpfn, mmu.offset);
        this.acct.memRefs++;
        return;
      }
      if (r === R_PF) {
        if (this.vmm.shadowMode) {
          const s = mmu.faultSlot;
          const mmio = s >= 0 && (this.pool.flags[s] & F_MMIO) !== 0;
          const guestFault = this.vmm.shadowFault(mmu.root, va, write, user, site, value);
          if (mmio && !guestFault) return; // emulated by the VMM
          if (!guestFault) continue;
        }
        this.pageFault(va, write, user);
      } else if (r === R_PF_RSVD) {
        this.vmm.shadowMmio(va, write, user, site, mmu.faultMmio, value);
        return;
      } else if (r === R_EPT_VIOLATION) {
        this.vmm.eptViolation(mmu.faultGpfn, mmu.faultMmio, mmu.faultOnTable, write, site, value);
        if (mmu.faultMmio >= 0) return;
      } else if (r === R_EPT_MISCONFIG) {
        this.vmm.eptMisconfig(mmu.faultMmio, write, site, value);
        return;
      }
    }
    throw new SimulationError(`reference to 0x${va.toString(16)} still faults after 8 attempts`);
  }

  protected dm(gpfn: number): number {
    return DM_BASE + gpfn * 4096;
  }

  /** The kernel writes entry s of table t through the direct map; the VMM may trap it. */
  protected writeEntry(t: number, s: number, value: number, flags: number, site: number): void {
    const pool = this.pool;
    if (pool.entry[s] === 0 && value !== 0) pool.used[t]++;
    else if (pool.entry[s] !== 0 && value === 0) pool.used[t]--;
    pool.entry[s] = value;
    pool.flags[s] = value === 0 ? 0 : flags;
    const va = this.dm(pool.gpfn[t]) + (s % SLOTS) * 8;
    this.access(va, true, site, false);
    this.vmm.guestTableWrite(t, s, va, site);
  }

  /** Allocates and zeroes a guest frame for a new page-table page. */
  protected newTableFrame(): number {
    const f = this.mem.allocFrame();
    if (f < 0) throw new SimulationError('guest memory exhausted (page tables)');
    this.acct.guest += this.preset.guest.copyPage / 2;
    this.access(this.dm(f), true, this.ks.clearPage, false);
    return f;
  }

  /** Table at `toLevel` on the path to `vpn` in `proc`, creating missing levels (pte_alloc). */
  protected ensurePath(proc: Process, vpn: number, toLevel: number): number {
    const pool = this.pool;
    let t = proc.pgd;
    for (let level = 4; level > toLevel; level--) {
      const s = t * SLOTS + slotIndex(vpn, level);
      if (pool.entry[s] === 0) {
        const nt = pool.alloc(level - 1, this.newTableFrame(), proc.pid, t, s);
        this.writeEntry(t, s, nt + 1, F_WRITE | F_USER, this.ks.setPmd);
        if (level === 4 && proc.userPgd >= 0) {
          this.writeEntry(proc.userPgd, proc.userPgd * SLOTS + (s % SLOTS), nt + 1, F_WRITE | F_USER, this.ks.setPmd);
        }
      }
      t = pool.entry[s] - 1;
    }
    return t;
  }

  private findRegion(proc: Process, vpn: number): Region | undefined {
    for (const r of proc.regions.values()) if (vpn >= r.startVpn && vpn < r.startVpn + r.pages) return r;
    return undefined;
  }

  /** The guest's #PF handler: demand-zero / page-cache / MMIO mapping, or copy-on-write. */
  private pageFault(va: number, write: boolean, user: boolean): void {
    const vpn = Math.floor(va / 4096);
    const proc = this.current;
    const region = this.findRegion(proc, vpn);
    if (!region) throw new SimulationError(`page fault at 0x${va.toString(16)} outside every region of process ${proc.pid}`);
    if (write && !region.writable) throw new SimulationError(`write to read-only region "${region.name}"`);
    const kpti = user && proc.userPgd >= 0;
    if (kpti) this.loadCr3(proc, false, this.ks.kptiEnter);
    this.acct.guest += this.preset.guest.pageFault;
    const pool = this.pool;
    const s = pool.leafSlot(proc.pgd, vpn);
    if (s >= 0) this.cowFault(region, s, vpn);
    else if (region.large) this.hugeFault(proc, vpn);
    else {
      const pt = this.ensurePath(proc, vpn, 1);
      const slot = pt * SLOTS + slotIndex(vpn, 1);
      let frame: number;
      let flags = F_USER | (region.writable ? F_WRITE : 0);
      if (region.kind === 'file') {
        frame = region.fileBase + (vpn - region.startVpn);
        flags |= F_FILE;
      } else if (region.kind === 'mmio') {
        frame = region.mmioIndex;
        flags |= F_MMIO;
      } else {
        frame = this.mem.allocFrame();
        if (frame < 0) throw new SimulationError('guest memory exhausted');
        this.access(this.dm(frame), true, this.ks.clearPage, false);
      }
      this.writeEntry(pt, slot, frame + 1, flags, this.ks.setPte);
    }
    if (kpti) this.loadCr3(proc, true, this.ks.kptiExit);
  }

  private hugeFault(proc: Process, vpn: number): void {
    const pd = this.ensurePath(proc, vpn, 2);
    const slot = pd * SLOTS + slotIndex(vpn, 2);
    const base = this.mem.allocChunk();
    if (base < 0) throw new SimulationError('guest huge-page pool exhausted');
    // Zeroing 2 MB: the first line through the MMU (it backs the chunk), the rest as copy cost.
    this.acct.guest += (this.preset.guest.copyPage / 2) * (CHUNK_FRAMES - 1);
    this.access(this.dm(base), true, this.ks.clearPage, false);
    this.writeEntry(pd, slot, base + 1, F_USER | F_WRITE | F_LARGE, this.ks.setPte);
  }

  private cowFault(region: Region, s: number, vpn: number): void {
    const pool = this.pool;
    const f = pool.flags[s];
    if ((f & F_COW) === 0) throw new SimulationError(`protection fault in region "${region.name}"`);
    const t = Math.floor(s / SLOTS);
    const old = pool.entry[s] - 1;
    if (this.mem.refs[old] > 1) {
      const nf = this.mem.allocFrame();
      if (nf < 0) throw new SimulationError('guest memory exhausted');
      this.acct.guest += this.preset.guest.copyPage;
      this.access(this.dm(old), false, this.ks.copyPage, false);
      this.access(this.dm(nf), true, this.ks.copyPage, false);
      this.mem.release(old, false);
      this.writeEntry(t, s, nf + 1, (f & ~F_COW) | F_WRITE, this.ks.setPte);
      // The old translation was present: ptep_clear_flush.
      this.flushPage(vpn * 4096);
    } else {
      // Last sharer: reuse the page; upgrading rights needs no flush, but the faulting read-only
      // TLB entry is gone (the retried write walks again).
      this.writeEntry(t, s, old + 1, (f & ~F_COW) | F_WRITE, this.ks.setPte);
      this.mmu.dropTranslation(vpn * 4096);
    }
  }

  /** flush_tlb_one_user: INVLPG (exits under shadow paging). */
  flushPage(va: number): void {
    if (!this.vmm.invlpg(this.mmu.root, va, this.ks.invlpg)) this.acct.guest += this.preset.guest.invlpg;
    this.mmu.invlpg(va);
  }

  private tagsFor(proc: Process): void {
    if (!this.preset.features.pcid) {
      this.mmu.userTag = 0;
      this.mmu.kernelTag = this.opts.kpti ? 0 : GLOBAL_TAG;
      return;
    }
    const k = this.asid + 1;
    this.mmu.kernelTag = this.opts.kpti ? k : GLOBAL_TAG;
    this.mmu.userTag = this.opts.kpti ? k + PTI_USER_BIT : k;
    void proc;
  }

  /** Writes CR3 for `proc` (user or kernel PML4); `flush` requests a full flush of its translations. */
  protected loadCr3(proc: Process, userView: boolean, site: number, flush = false): void {
    const root = userView && proc.userPgd >= 0 ? proc.userPgd : proc.pgd;
    const pcid = this.preset.features.pcid ? this.asid + 1 + (userView && proc.userPgd >= 0 ? PTI_USER_BIT : 0) : 0;
    const value = this.cr3Value(root, pcid, this.preset.features.pcid && !flush);
    if (!this.vmm.loadCr3(root, proc.pid, site, value)) this.acct.guest += this.preset.guest.cr3Write;
    this.mmu.root = root;
    this.tagsFor(proc);
    if (!this.preset.features.pcid) this.mmu.flushNonGlobal();
    else if (flush) {
      this.mmu.flushTag(this.mmu.userTag);
      if (this.mmu.kernelTag !== GLOBAL_TAG) this.mmu.flushTag(this.mmu.kernelTag);
    }
  }

  private cr3Value(root: number, pcid: number, noflush: boolean): string {
    const pa = BigInt(this.pool.gpfn[root]) * 4096n + BigInt(pcid);
    return '0x' + (noflush ? pa | (1n << 63n) : pa).toString(16);
  }

  /** flush_tlb_mm: a full flush of the current process's translations (CR3 reload). */
  flushMm(): void {
    this.loadCr3(this.current, this.current.userPgd >= 0 && !this.inKernel, this.ks.flushCr3, true);
  }

  /** switch_mm: context switch to `next` (scheduler work + CR3 load with PCID reuse). */
  switchTo(next: Process, site = this.ks.switchMm): void {
    this.acct.guest += this.preset.guest.contextSwitch;
    let slot = this.asidOwner.indexOf(next.pid);
    let fresh = false;
    if (slot < 0) {
      slot = this.nextAsid;
      this.nextAsid = (this.nextAsid + 1) % DYN_ASIDS;
      this.asidOwner[slot] = next.pid;
      fresh = true;
    }
    this.asid = slot;
    this.current = next;
    // The scheduler runs in the kernel: switch_mm loads the kernel view; the return to user mode
    // (leaveKernel) loads the KPTI user view.
    this.loadCr3(next, false, site, fresh);
  }
}
