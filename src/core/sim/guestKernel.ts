/**
 * A small Linux-like guest kernel: processes with 4-level page tables, fork/exec/exit, mmap /
 * munmap / mprotect (with Linux's 33-page flush ceiling), system calls with optional KPTI, block
 * I/O and port I/O — on top of KernelCore (memory references, faults, TLB and CR3). Everything it
 * does natively is charged to the guest bucket; everything that exits goes through the VMM, so the
 * same kernel code runs under shadow paging and EPT and only the virtualisation mechanisms differ.
 */
import { CHUNK_FRAMES } from './guestMemory';
import { KernelCore } from './kernelCore';
import { FLUSH_CEILING, MMAP_BASE_VPN, type Process, type Region, type RegionKind, SimulationError } from './kernelTypes';
import { F_COW, F_FILE, F_LARGE, F_MMIO, F_WRITE, SLOTS, slotIndex } from './pageTables';
import type { KERNEL_SITES } from './sourceMap';

export { DM_BASE, IOREMAP_BASE, MMIO_GPA_BASE, SimulationError, type KernelOptions, type Process, type Region, type RegionKind } from './kernelTypes';

/** The guest kernel the interpreter drives: one per simulated machine. */
export class GuestKernel extends KernelCore {
  private pageCacheNext = 0;
  private nextPid = 1;
  /** The MMIO page of the kernel's block device (virtio doorbell), created on first use. */
  private blockDoorbell = -1;

  /** A new process with an empty user half and the shared kernel half. */
  createProcess(parent: Process | undefined): Process {
    const pgd = this.pool.alloc(4, this.newTableFrame(), this.nextPid, -1, -1);
    const proc: Process = { pid: this.nextPid++, pgd, userPgd: -1, regions: new Map(), nextVpn: MMAP_BASE_VPN, alive: true, parent };
    for (const k of this.kernelTables) {
      this.pool.entry[pgd * SLOTS + k.slot] = k.table + 1;
      this.pool.flags[pgd * SLOTS + k.slot] = F_WRITE;
      this.pool.used[pgd]++;
    }
    // pgd_alloc copies the kernel half (256 entries) into the new page: a few lines of stores.
    for (let i = 0; i < 32; i++) this.access(this.dm(this.pool.gpfn[pgd]) + 2048 + i * 64, true, this.ks.clearPage, false);
    if (this.opts.kpti) proc.userPgd = this.pool.alloc(4, this.newTableFrame(), proc.pid, -1, -1);
    return proc;
  }

  /** Adds a region of `pages` pages (2 MB aligned); nothing is mapped until touched. */
  mapRegion(proc: Process, name: string, pages: number, kind: RegionKind, writable: boolean, fileBase = 0, mmioIndex = -1): Region {
    if (proc.regions.has(name)) throw new SimulationError(`region "${name}" already exists`);
    const large = this.opts.largePages && kind === 'anon' && pages >= CHUNK_FRAMES;
    const rounded = large ? Math.ceil(pages / CHUNK_FRAMES) * CHUNK_FRAMES : pages;
    const region: Region = { name, startVpn: proc.nextVpn, pages: rounded, kind, writable, large, fileBase, mmioIndex };
    proc.nextVpn += Math.ceil(rounded / CHUNK_FRAMES) * CHUNK_FRAMES + CHUNK_FRAMES;
    proc.regions.set(name, region);
    return region;
  }

  /** Reserves `pages` page-cache frames for a file (already in the guest page cache, backed). */
  pageCacheFile(pages: number): number {
    if (this.pageCacheNext + pages > this.mem.layout.pageCacheFrames) this.pageCacheNext = 0;
    const base = this.mem.pageCacheBase + this.pageCacheNext;
    this.pageCacheNext += pages;
    return base;
  }

  /** fork(): copy the page tables, write-protect private pages on both sides, flush the parent. */
  fork(parent: Process): Process {
    const child = this.createProcess(parent);
    this.acct.guest += this.preset.guest.fork;
    const pool = this.pool;
    for (const r of parent.regions.values()) {
      child.regions.set(r.name, { ...r });
      // Linux copies no PTEs for mappings a fault can refill (file and device mappings without anon pages).
      if (r.kind !== 'anon') continue;
      const step = r.large ? CHUNK_FRAMES : 1;
      for (let p = 0; p < r.pages; p += step) {
        const vpn = r.startVpn + p;
        const s = pool.leafSlot(parent.pgd, vpn);
        if (s < 0) continue;
        this.acct.guest += this.preset.guest.forkPerPte;
        const f = pool.flags[s];
        const frame = pool.entry[s] - 1;
        let cf = f;
        if ((f & F_WRITE) !== 0) {
          cf = (f & ~F_WRITE) | F_COW;
          this.writeEntry(Math.floor(s / SLOTS), s, frame + 1, cf, this.ks.wrprotect);
        }
        this.mem.share(frame);
        const level = r.large ? 2 : 1;
        const t = this.ensurePath(child, vpn, level);
        this.writeEntry(t, t * SLOTS + slotIndex(vpn, level), frame + 1, cf, this.ks.copyPte);
      }
    }
    child.nextVpn = parent.nextVpn;
    this.flushMm();
    return child;
  }

  /** Unmaps every page of `region` (zap_pte_range), frees emptied page tables, flushes the TLB. */
  unmap(proc: Process, region: Region, flush = true): void {
    const pool = this.pool;
    const step = region.large ? CHUNK_FRAMES : 1;
    let zapped = 0;
    const tables = new Set<number>();
    for (let p = 0; p < region.pages; p += step) {
      const vpn = region.startVpn + p;
      const s = pool.leafSlot(proc.pgd, vpn);
      if (s < 0) continue;
      const frame = pool.entry[s] - 1;
      const f = pool.flags[s];
      const t = Math.floor(s / SLOTS);
      this.writeEntry(t, s, 0, 0, this.ks.zapPte);
      if ((f & (F_FILE | F_MMIO)) === 0) this.mem.release(frame, (f & F_LARGE) !== 0);
      tables.add(t);
      zapped++;
    }
    if (flush && zapped > 0 && proc === this.current) {
      if (zapped * step <= FLUSH_CEILING) {
        for (let p = 0; p < region.pages; p += step) this.flushPage((region.startVpn + p) * 4096);
      } else this.flushMm();
    }
    for (const t of tables) this.freeIfEmpty(proc, t);
    proc.regions.delete(region.name);
  }

  /** free_pgtables: releases empty tables bottom-up, clearing the parent entry (which may trap). */
  private freeIfEmpty(proc: Process, t: number): void {
    const pool = this.pool;
    while (t >= 0 && pool.level[t] < 4 && pool.used[t] === 0 && pool.owner[t] > 0) {
      const p = pool.parent[t];
      const ps = pool.parentSlot[t];
      this.writeEntry(p, ps, 0, 0, this.ks.freePgtable);
      if (pool.level[t] === 3 && proc.userPgd >= 0) {
        this.writeEntry(proc.userPgd, proc.userPgd * SLOTS + (ps % SLOTS), 0, 0, this.ks.freePgtable);
      }
      this.vmm.guestFreesTable(t);
      this.mem.release(pool.gpfn[t], false);
      pool.free(t);
      t = p;
    }
  }

  /** mprotect on `count` pages from `first`: rewrite each PTE, then flush. */
  protect(proc: Process, region: Region, first: number, count: number, writable: boolean): void {
    const pool = this.pool;
    let changed = 0;
    for (let p = first; p < first + count && p < region.pages; p++) {
      const s = pool.leafSlot(proc.pgd, region.startVpn + p);
      if (s < 0) continue;
      const f = pool.flags[s];
      const nf = writable && (f & F_COW) === 0 ? f | F_WRITE : f & ~F_WRITE;
      if (nf === f) continue;
      this.writeEntry(Math.floor(s / SLOTS), s, pool.entry[s], nf, this.ks.setPte);
      changed++;
    }
    region.writable = writable;
    if (changed === 0) return;
    if (changed <= FLUSH_CEILING) {
      for (let p = first; p < first + count && p < region.pages; p++) this.flushPage((region.startVpn + p) * 4096);
    } else this.flushMm();
  }

  /** Process exit: unmap everything, free the page tables, switch to `next`, free the PML4s. */
  exit(proc: Process, next: Process): void {
    this.acct.guest += this.preset.guest.exit;
    for (const r of [...proc.regions.values()]) this.unmap(proc, r, false);
    if (proc === this.current) this.flushMm();
    proc.alive = false;
    this.switchTo(next);
    for (const root of [proc.pgd, proc.userPgd]) {
      if (root < 0) continue;
      this.vmm.guestFreesTable(root);
      this.mem.release(this.pool.gpfn[root], false);
      this.pool.free(root);
    }
    const slot = this.asidOwner.indexOf(proc.pid);
    if (slot >= 0) this.asidOwner[slot] = -1;
  }

  /** execve: the process gets a fresh address space (the old one is torn down). */
  exec(proc: Process, textPages: number): void {
    this.acct.guest += this.preset.guest.exec;
    for (const r of [...proc.regions.values()]) this.unmap(proc, r, false);
    const oldRoots = [proc.pgd, proc.userPgd];
    const fresh = this.createProcess(proc.parent);
    proc.pgd = fresh.pgd;
    proc.userPgd = fresh.userPgd;
    proc.nextVpn = MMAP_BASE_VPN;
    this.nextPid--; // the temporary process was only a carrier for the new tables
    for (const t of [fresh.pgd, fresh.userPgd]) if (t >= 0) this.pool.owner[t] = proc.pid;
    const slot = this.asidOwner.indexOf(proc.pid);
    if (slot >= 0) this.asidOwner[slot] = -1;
    this.switchTo(proc, this.ks.exec);
    for (const root of oldRoots) {
      if (root < 0) continue;
      this.vmm.guestFreesTable(root);
      this.mem.release(this.pool.gpfn[root], false);
      this.pool.free(root);
    }
    this.mapRegion(proc, 'text', textPages, 'file', false, this.pageCacheFile(textPages));
  }

  /** First process of the workload, running. */
  start(): Process {
    const p = this.createProcess(undefined);
    this.switchTo(p);
    if (p.userPgd >= 0) this.loadCr3(p, true, this.ks.kptiExit);
    return p;
  }

  /** Kernel entry (KPTI: switch to the kernel page tables). */
  enterKernel(): void {
    this.acct.guest += this.preset.guest.syscall;
    this.inKernel = true;
    if (this.current.userPgd >= 0) this.loadCr3(this.current, false, this.ks.kptiEnter);
  }

  /** Kernel exit (KPTI: back to the user page tables). */
  leaveKernel(): void {
    this.inKernel = false;
    if (this.current.userPgd >= 0) this.loadCr3(this.current, true, this.ks.kptiExit);
  }

  /** Kernel work inside a system call: `refs` references to kernel data plus `cycles` of instructions. */
  kernelWork(refs: number, cycles: number, site = this.ks.syscallWork): void {
    this.acct.guest += cycles;
    for (let i = 0; i < refs; i++) this.access(this.dm(64 + (i % 256)) + ((i * 64) % 4096), (i & 3) === 0, site, false);
  }

  /** copy_to_user / copy_from_user of `bytes` between a page-cache file and a user region. */
  copyUser(region: Region, bytes: number, toUser: boolean, fileBase: number): void {
    const lines = Math.ceil(bytes / 64);
    const step = Math.max(1, Math.floor(lines / 64)); // sample at most 64 line pairs
    this.acct.guest += (lines / 8) * this.preset.guest.instructionCpi;
    for (let l = 0; l < lines; l += step) {
      const page = Math.floor(l / 64);
      const userVa = (region.startVpn + (page % region.pages)) * 4096 + (l % 64) * 64;
      this.access(this.dm(fileBase + (page % 16)) + (l % 64) * 64, !toUser, this.ks.copyUser, false);
      this.access(userVa, toUser, this.ks.copyUser, false);
    }
  }

  /** Block I/O: ring the virtio doorbell (MMIO) and idle in HLT until completion. */
  blockIo(latencyCycles: number): void {
    if (this.blockDoorbell < 0) this.blockDoorbell = this.ioremap(this.newMmioPage());
    this.access(this.blockDoorbell, true, this.ks.virtioNotify, false, 0);
    this.idle(latencyCycles);
  }

  /** Port I/O from the guest. */
  pio(port: number, size: number, write: boolean, value: number, site: number): void {
    this.vmm.pio(port, size, write, value, site);
  }

  /** The kernel-side sites (for the interpreter). */
  get kernelSites(): Readonly<Record<keyof typeof KERNEL_SITES, number>> {
    return this.ks;
  }
}
