/**
 * The hypervisor (exit path in vmmCore.ts) with shadow paging, modelled on KVM's shadow MMU:
 * shadow pages mirror guest tables and write-protect them; a leaf table goes out of sync on its
 * first guest write (one exit) and is resynced at the next CR3 load; non-leaf tables trap every
 * write (emulated) and are zapped after 3 writes without use (write flooding); a small cache of
 * shadow roots makes CR3 loads cheaper; INVLPG refreshes one shadow entry; a #PF is either the
 * guest's own (reflected) or "hidden" (the shadow lacked the entry: filled); shadow pages take host
 * memory. Under EPT these methods do nothing and return false: the guest pays native costs.
 */
import { EV_CR, X_CR_ACCESS, X_INVLPG } from './exitEvent';
import { CHUNK_FRAMES } from './guestMemory';
import { F_LARGE, F_MMIO, F_WRITE, S_MMIO, S_NONE, S_RO, S_RW, SLOTS, slotIndex } from './pageTables';
import { type MmioPage, VmmCore } from './vmmCore';

/** Re-exported for callers that only import the VMM. */
export type { MmioPage, VmmCounters } from './vmmCore';

/** KVM keeps the current root plus KVM_MMU_NUM_PREV_ROOTS = 3 previous ones. */
const ROOT_CACHE = 4;
/** KVM zaps a non-leaf shadow page after this many writes without use (detect_write_flooding). */
const FLOOD_LIMIT = 3;
/** KVM prefetches the shadow entries around a faulting one in aligned groups of 8 (PTE_PREFETCH_NUM). */
const PREFETCH = 8;

/** The hypervisor of one simulated machine, shadow paging or EPT. */
export class Vmm extends VmmCore {
  /** Shadow pages allocated now and at most, and their free host frames for reuse. */
  shadowPages = 0;
  shadowPagesPeak = 0;
  private readonly shadowFrameFree: number[] = [];
  private readonly rootCache: number[] = [];
  /** Unsync leaf tables per owning process. */
  private readonly unsyncByOwner = new Map<number, number[]>();

  private allocShadowFrame(): number {
    this.shadowPages++;
    if (this.shadowPages > this.shadowPagesPeak) this.shadowPagesPeak = this.shadowPages;
    return this.shadowFrameFree.length > 0 ? (this.shadowFrameFree.pop() as number) : this.mem.allocHostFrame();
  }

  private releaseShadowFrame(hpfn: number): void {
    this.shadowPages--;
    this.shadowFrameFree.push(hpfn);
  }

  private shadowTable(t: number): void {
    if (this.pool.shadowHpfn[t] >= 0) return;
    this.pool.shadowHpfn[t] = this.allocShadowFrame();
    this.pool.unsync[t] = 0;
    this.pool.flood[t] = 0;
    this.pool.sValid.fill(S_NONE, t * SLOTS, t * SLOTS + SLOTS);
  }

  /**
   * The guest ran before the trace: the shadow of its kernel direct map (PDPT table `pdpt`, shared
   * by every process) already covers every frame the host backed, as the EPT already maps them.
   */
  prefillDirectMap(pdpt: number): void {
    const pool = this.pool;
    const direct = this.mmu.direct;
    this.shadowTable(pdpt);
    for (let i = pdpt * SLOTS; i < pdpt * SLOTS + SLOTS; i++) {
      if (pool.entry[i] === 0) continue;
      const pd = pool.entry[i] - 1;
      this.shadowTable(pd);
      pool.sValid[i] = S_RW;
      for (let j = pd * SLOTS; j < pd * SLOTS + SLOTS; j++) {
        if (pool.entry[j] === 0) continue;
        const base = pool.entry[j] - 1;
        let backed = false;
        for (let f = base; f < base + CHUNK_FRAMES; f++) {
          if (!this.mem.isBacked(f)) continue;
          backed = true;
          direct.valid[f] = 1;
        }
        if (!backed) continue;
        pool.sValid[j] = S_RW;
        if (!this.mem.hostLarge) direct.hpfn[base / CHUNK_FRAMES] = this.allocShadowFrame();
      }
    }
  }

  /** Drops the shadow page of guest table t (zap), unlinking it from its parent. */
  private zap(t: number, flush: boolean): void {
    const pool = this.pool;
    const hp = pool.shadowHpfn[t];
    if (hp < 0) return;
    this.releaseShadowFrame(hp);
    pool.shadowHpfn[t] = -1;
    pool.sValid.fill(S_NONE, t * SLOTS, t * SLOTS + SLOTS);
    if (pool.unsync[t]) {
      pool.unsync[t] = 0;
      const list = this.unsyncByOwner.get(pool.owner[t]);
      if (list) {
        const i = list.indexOf(t);
        if (i >= 0) list.splice(i, 1);
      }
    }
    const p = pool.parent[t];
    if (p >= 0) pool.sValid[pool.parentSlot[t]] = S_NONE;
    const ri = this.rootCache.indexOf(t);
    if (ri >= 0) this.rootCache.splice(ri, 1);
    if (flush) this.mmu.flushAll();
  }

  /** The guest is freeing table t: its shadow page goes (and the direct leaves it owned). */
  guestFreesTable(t: number): void {
    this.zap(t, false);
  }

  /**
   * A #PF under shadow paging: the VMM walks the guest tables in software. If the guest maps the
   * address with the needed rights, the fault was "hidden" (only the shadow lacked the entry): fill
   * it. Otherwise it is the guest's own fault: reflect it. Returns true when the guest must handle it.
   */
  shadowFault(root: number, va: number, write: boolean, user: boolean, site: number, mmioVal: number): boolean {
    const pool = this.pool;
    const vpn = Math.floor(va / 4096);
    const s = pool.leafSlot(root, vpn);
    const f = s >= 0 ? pool.flags[s] : 0;
    const error = (write ? 2 : 0) | (user ? 4 : 0) | (s >= 0 && write && (f & F_WRITE) === 0 ? 1 : 0);
    if (s < 0 || (write && (f & F_WRITE) === 0)) {
      this.counters.trueFaults++;
      this.pfExit(site, va, error, this.preset.vmm.pfTrue, undefined, false, 0);
      return true;
    }
    this.counters.hiddenFaults++;
    let handling = this.preset.vmm.pfHidden;
    let t = root;
    for (let level = 4; level >= 1; level--) {
      this.shadowTable(t);
      pool.flood[t] = 0;
      const slot = t * SLOTS + slotIndex(vpn, level);
      if (slot === s) break;
      pool.sValid[slot] = S_RW;
      t = pool.entry[slot] - 1;
    }
    let mmio: MmioPage | undefined;
    if ((f & F_MMIO) !== 0) {
      pool.sValid[s] = S_MMIO;
      mmio = this.mmioPages[pool.entry[s] - 1];
      handling += this.preset.vmm.mmio;
    } else {
      pool.sValid[s] = (f & F_WRITE) !== 0 ? S_RW : S_RO;
      const large = (f & F_LARGE) !== 0;
      const gpfn = large ? pool.entry[s] - 1 + (vpn % 512) : pool.entry[s] - 1;
      if (large && !this.mem.hostLarge) {
        const chunk = Math.floor(gpfn / CHUNK_FRAMES);
        if (this.mmu.direct.hpfn[chunk] < 0) this.mmu.direct.hpfn[chunk] = this.allocShadowFrame();
        this.mmu.direct.valid[gpfn] = 1;
      }
      handling += this.backCost(gpfn);
      if (!large) this.prefetch(s);
    }
    this.pfExit(site, va, error, handling, mmio, write, mmioVal);
    return false;
  }

  /** Fills the shadow entries of present, backed guest PTEs around slot s. */
  private prefetch(s: number): void {
    const pool = this.pool;
    const base = s - (s % PREFETCH);
    for (let i = base; i < base + PREFETCH; i++) {
      if (i === s || pool.sValid[i] !== S_NONE) continue;
      this.mirror(i, false);
    }
  }

  /**
   * Sets shadow entry i from its guest PTE (present and backed → read-only or writable like the
   * guest, else none); `keepMissing` leaves an absent shadow entry absent (resync only updates
   * existing entries, as KVM's sync_page does).
   */
  private mirror(i: number, keepMissing: boolean): void {
    const pool = this.pool;
    const v = pool.sValid[i];
    if (v === S_MMIO || (keepMissing && v === S_NONE)) return;
    const e = pool.entry[i];
    const f = pool.flags[i];
    if (e === 0 || (f & (F_MMIO | F_LARGE)) !== 0 || !this.mem.isBacked(e - 1)) pool.sValid[i] = S_NONE;
    else pool.sValid[i] = (f & F_WRITE) !== 0 ? S_RW : S_RO;
  }

  /** A #PF on a shadow MMIO entry (reserved bits): emulate the access. */
  shadowMmio(va: number, write: boolean, user: boolean, site: number, mmioIndex: number, val: number): void {
    const error = 1 | 8 | (write ? 2 : 0) | (user ? 4 : 0);
    this.pfExit(site, va, error, this.preset.vmm.mmio, this.mmioPages[mmioIndex], write, val);
  }

  /**
   * The guest kernel writes slot s of table t (a PTE or an upper-level entry) through its direct
   * map at `va`. Under shadow paging a write to a write-protected guest table exits.
   */
  guestTableWrite(t: number, s: number, va: number, site: number): void {
    if (!this.shadowMode) return;
    const pool = this.pool;
    if (pool.shadowHpfn[t] < 0) return;
    if (pool.level[t] === 1) {
      // Leaf shadow entries go stale until the guest flushes (INVLPG refreshes, CR3 load resyncs).
      if (pool.unsync[t]) return;
      // First write since the last sync: KVM marks the page unsync and lets the write through.
      pool.unsync[t] = 1;
      let list = this.unsyncByOwner.get(pool.owner[t]);
      if (!list) this.unsyncByOwner.set(pool.owner[t], (list = []));
      list.push(t);
      this.counters.unsyncs++;
      this.counters.ptWriteExits++;
      this.pfExit(site, va, 3, this.preset.vmm.ptWrite, undefined, false, 0);
      return;
    }
    // Non-leaf tables are always write-protected: emulate the write, drop the entry, watch for floods.
    pool.sValid[s] = S_NONE;
    this.counters.ptWriteExits++;
    this.pfExit(site, va, 3, this.preset.vmm.ptWrite, undefined, false, 0);
    if (++pool.flood[t] >= FLOOD_LIMIT) {
      this.counters.floodZaps++;
      this.zap(t, true);
    }
  }

  /** Resyncs the unsync leaf tables of `owner` (KVM does it when the guest loads CR3); returns how many. */
  private syncOwner(owner: number): number {
    const list = this.unsyncByOwner.get(owner);
    if (!list || list.length === 0) return 0;
    const n = list.length;
    for (const t of list) {
      this.pool.unsync[t] = 0;
      for (let i = t * SLOTS; i < t * SLOTS + SLOTS; i++) this.mirror(i, true);
    }
    list.length = 0;
    this.counters.syncedPages += n;
    return n;
  }

  /**
   * MOV to CR3 loading root table `root` of process `owner`. Under shadow paging this exits; the
   * handler switches shadow roots (cheap when cached) and resyncs the process's unsync tables.
   * Returns false when it did not exit (EPT: the guest pays its native cost itself).
   */
  loadCr3(root: number, owner: number, site: number, value: string): boolean {
    if (!this.shadowMode) return false;
    this.counters.cr3Exits++;
    const v = this.preset.vmm;
    let handling: number;
    const ri = this.rootCache.indexOf(root);
    if (ri >= 0 && this.pool.shadowHpfn[root] >= 0) {
      this.rootCache.splice(ri, 1);
      handling = v.cr3Cached;
    } else {
      if (ri >= 0) this.rootCache.splice(ri, 1);
      this.counters.rootCacheMisses++;
      handling = v.cr3Miss;
      if (this.rootCache.length >= ROOT_CACHE) this.rootCache.pop();
    }
    this.rootCache.unshift(root);
    this.shadowTable(root);
    handling += this.syncOwner(owner) * v.syncPage;
    const e = this.begin(X_CR_ACCESS, site, 3);
    e.info1 = 0x3; // CR3, MOV to CR, from RAX
    e.events = EV_CR;
    e.crNumber = 3;
    e.crValue = value;
    this.finish(e, handling);
    return true;
  }

  /** INVLPG: exits under shadow paging (the VMM refreshes that page's shadow entry). */
  invlpg(root: number, va: number, site: number): boolean {
    if (!this.shadowMode) return false;
    this.counters.invlpgExits++;
    const pool = this.pool;
    const s = pool.pathSlot(root, Math.floor(va / 4096));
    if (s >= 0 && pool.shadowHpfn[Math.floor(s / SLOTS)] >= 0) this.mirror(s, false);
    const e = this.begin(X_INVLPG, site, 3);
    e.info1 = va;
    this.finish(e, this.preset.vmm.invlpg);
    return true;
  }
}
