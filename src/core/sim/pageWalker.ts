/**
 * The page walker of the simulated MMU: a one-dimensional walk of the shadow tables under shadow
 * paging, or the two-dimensional guest × EPT walk (up to 24 references; Bhargava et al. 2008)
 * under EPT, shortened by paging-structure caches, a nested TLB and EPT paging-structure caches.
 * Every reference goes through the cache hierarchy and is charged to the page-walk bucket.
 * The walker reports faults (R_*), never handles them.
 */
import type { Accounting } from './accounting';
import type { CpuPreset } from './costModel';
import type { EptTables } from './eptTables';
import { CHUNK_FRAMES, type GuestMemory } from './guestMemory';
import type { MemoryHierarchy } from './memoryHierarchy';
import { F_LARGE, F_MMIO, F_WRITE, S_MMIO, S_NONE, S_RW, SLOTS, type PageTablePool } from './pageTables';
import { SetAssoc } from './setAssoc';

/** Translation succeeded; `Mmu.hpfn` holds the host frame. */
export const R_OK = 0;
/** Page fault against the active tables (guest tables under EPT, shadow tables under shadow). */
export const R_PF = 1;
/** Shadow MMIO entry: page fault with the reserved-bit error code. */
export const R_PF_RSVD = 2;
/** EPT violation: `faultGpfn` (or `faultMmio`) is not mapped by the host. */
export const R_EPT_VIOLATION = 3;
/** EPT misconfiguration: the access hit an MMIO marker (`faultMmio`). */
export const R_EPT_MISCONFIG = 4;

/** TLB tag of global (non-PCID) kernel translations. */
export const GLOBAL_TAG = 4095;
/** TLB and paging-structure-cache keys are `page * TAG_SPACE + tag`. */
export const TAG_SPACE = 4096;

/**
 * Shadow pages standing in for guest 2 MB mappings when the host backs guest memory with 4 KB
 * pages (KVM "direct" shadow pages): one per 2 MB chunk, filled entry by entry on hidden faults.
 */
export class DirectLeaves {
  readonly hpfn: Int32Array;
  readonly valid: Uint8Array;
  constructor(frames: number) {
    this.hpfn = new Int32Array(frames / CHUNK_FRAMES).fill(-1);
    this.valid = new Uint8Array(frames);
  }
}

/**
 * Paging-structure caches and the nested TLB: fully associative up to 4 entries, else 4-way
 * set-associative (real organisations are unpublished; 4-way keeps the per-walk cost low).
 */
function pwc(entries: number): SetAssoc {
  return new SetAssoc(entries, Math.min(entries, 4));
}

/** Page-walk machinery shared by the MMU (see the file comment). */
export class PageWalker {
  readonly shadow: boolean;
  private readonly pwc4: SetAssoc;
  private readonly pwc3: SetAssoc;
  private readonly pwc2: SetAssoc;
  private readonly ntlb: SetAssoc;
  private readonly epwc4: SetAssoc;
  private readonly epwc3: SetAssoc;
  private readonly epwc2: SetAssoc;
  protected readonly pool: PageTablePool;
  protected readonly mem: GuestMemory;
  private readonly ept: EptTables;
  private readonly caches: MemoryHierarchy;
  protected readonly acct: Accounting;
  readonly direct: DirectLeaves;
  /** Host frame standing for the EPT tables that map the MMIO hole. */
  private readonly mmioEptFrame: number;

  /** Active guest root table (the loaded CR3's PML4). */
  root = -1;
  /** TLB tag of user-half and kernel-half translations (PCID, or GLOBAL_TAG for global kernel pages). */
  userTag = 0;
  kernelTag = GLOBAL_TAG;

  /** Host frame of the last successful translation. */
  hpfn = 0;
  /** Guest frame whose host backing is missing (R_EPT_VIOLATION on RAM). */
  faultGpfn = -1;
  /** MMIO page index of an R_EPT_* / R_PF_RSVD on device memory, else -1. */
  faultMmio = -1;
  /** Guest leaf slot found for the faulting address, or -1 when the guest does not map it. */
  faultSlot = -1;
  /** The EPT violation hit a guest page-table page (a paging-structure access), not the data page. */
  faultOnTable = false;
  /** Outputs of a successful walk. */
  protected leafSlot = -1;
  protected leafLarge = false;
  protected leafWritable = false;

  private walkLat = 0;
  private walkRefs = 0;
  /** Rights of the shadow entry the last shadow walk ended on. */
  private shadowWritable = false;
  private readonly pathT = new Int32Array(5);
  /** The walk's VPN and paging-structure-cache keys (see walkTables). */
  private kVpn = 0;
  private k2 = 0;
  private k3 = 0;
  private k4 = 0;
  private v2 = 0;
  private v3 = 0;
  private v4 = 0;
  private readonly pathS = new Int32Array(5);

  constructor(preset: CpuPreset, shadow: boolean, pool: PageTablePool, mem: GuestMemory, ept: EptTables, caches: MemoryHierarchy, acct: Accounting) {
    this.shadow = shadow;
    this.pwc4 = pwc(preset.pwc.pml4);
    this.pwc3 = pwc(preset.pwc.pdpt);
    this.pwc2 = pwc(preset.pwc.pde);
    this.ntlb = pwc(preset.nestedTlb);
    this.epwc4 = pwc(preset.eptPwc.pml4);
    this.epwc3 = pwc(preset.eptPwc.pdpt);
    this.epwc2 = pwc(preset.eptPwc.pde);
    this.pool = pool;
    this.mem = mem;
    this.ept = ept;
    this.caches = caches;
    this.acct = acct;
    this.direct = new DirectLeaves(mem.layout.frames);
    this.mmioEptFrame = mem.allocHostFrame();
  }

  /**
   * One hardware page walk for `vpn` after a TLB miss: charges its references and, on success,
   * leaves the leaf slot, whether it maps 2 MB and its rights in `leafSlot`/`leafLarge`/`leafWritable`.
   */
  protected walkTables(vpn: number, vpn2: number, write: boolean, tag: number): number {
    const pool = this.pool;
    const acct = this.acct;
    acct.tlbMisses++;
    this.faultGpfn = -1;
    this.faultMmio = -1;
    this.faultSlot = -1;
    this.faultOnTable = false;
    // Paging-structure caches have no global entries: kernel walks use the current PCID too.
    if (tag === GLOBAL_TAG) tag = this.userTag;
    // Functional guest descent: the tables the walk visits (or would visit).
    let t = this.root;
    let leafLevel = 0;
    let missing = 0;
    const hi = Math.floor(vpn / 134217728);
    const lo = vpn - hi * 134217728;
    for (let level = 4; level >= 1; level--) {
      const idx = level === 4 ? hi & 511 : level === 3 ? lo >>> 18 : level === 2 ? (lo >>> 9) & 511 : lo & 511;
      const s = t * SLOTS + idx;
      this.pathT[level] = t;
      this.pathS[level] = s;
      const e = pool.entry[s];
      if (e === 0) {
        missing = level;
        break;
      }
      if (level === 1 || (level === 2 && (pool.flags[s] & F_LARGE) !== 0)) {
        leafLevel = level;
        break;
      }
      t = e - 1;
    }
    const last = leafLevel !== 0 ? leafLevel : missing;
    // Deepest paging-structure cache hit decides where the walk starts.
    const k2 = vpn2 * TAG_SPACE + tag;
    const v3 = Math.floor(vpn / 262144);
    const k3 = v3 * TAG_SPACE + tag;
    const v4 = Math.floor(vpn / 134217728);
    const k4 = v4 * TAG_SPACE + tag;
    let start = 4;
    if (last <= 1 && this.pwc2.lookup(k2, vpn2 & 0x7fffffff)) start = 1;
    else if (last <= 2 && this.pwc3.lookup(k3, v3 & 0x7fffffff)) start = 2;
    else if (last <= 3 && this.pwc4.lookup(k4, v4)) start = 3;
    this.walkLat = 0;
    this.walkRefs = 0;
    // Keys go through fields, not arguments: doubles passed to a call that is not inlined get boxed.
    this.kVpn = vpn;
    this.k2 = k2;
    this.k3 = k3;
    this.k4 = k4;
    this.v2 = vpn2;
    this.v3 = v3;
    this.v4 = v4;
    const r = this.shadow ? this.walkShadow(write, start, leafLevel) : this.walkNested(write, start, leafLevel);
    acct.pageWalk += this.walkLat;
    acct.memRefs += this.walkRefs;
    acct.walkDone(this.walkRefs);
    if (r !== R_OK) return r;
    const s = this.pathS[leafLevel];
    this.leafSlot = s;
    this.leafLarge = leafLevel === 2;
    this.leafWritable = this.shadow ? this.shadowWritable : (pool.flags[s] & F_WRITE) !== 0;
    return R_OK;
  }

  private cachePwc(level: number): void {
    if (level === 2) this.pwc2.insert(this.k2, this.v2 & 0x7fffffff);
    else if (level === 3) this.pwc3.insert(this.k3, this.v3 & 0x7fffffff);
    else if (level === 4) this.pwc4.insert(this.k4, this.v4);
  }

  private ref(hpfn: number, offset: number): void {
    this.walkLat += this.caches.access(hpfn, offset);
    this.walkRefs++;
  }

  private walkShadow(write: boolean, start: number, leafLevel: number): number {
    const vpn = this.kVpn;
    const pool = this.pool;
    for (let level = start; level >= 1; level--) {
      const t = this.pathT[level];
      const s = this.pathS[level];
      const hp = pool.shadowHpfn[t];
      if (hp < 0) return R_PF; // unreachable while links are kept consistent; fault defensively
      this.ref(hp, (s % SLOTS) * 8);
      const v = pool.sValid[s];
      if (v === S_NONE) {
        this.faultSlot = leafLevel !== 0 ? this.pathS[leafLevel] : -1;
        return R_PF;
      }
      if (v === S_MMIO) {
        this.faultSlot = s;
        this.faultMmio = pool.entry[s] - 1;
        return R_PF_RSVD;
      }
      if (level === leafLevel) {
        if (leafLevel === 2 && !this.mem.hostLarge) {
          // Guest 2 MB page over host 4 KB pages: one more level in a direct shadow page.
          const gpfn = pool.entry[s] - 1 + (vpn % 512);
          const chunk = Math.floor(gpfn / CHUNK_FRAMES);
          const dh = this.direct.hpfn[chunk];
          if (dh < 0 || this.direct.valid[gpfn] === 0) {
            if (dh >= 0) this.ref(dh, (gpfn % CHUNK_FRAMES) * 8);
            this.faultSlot = s;
            return R_PF;
          }
          this.ref(dh, (gpfn % CHUNK_FRAMES) * 8);
        }
        // The shadow entry's own rights decide (they lag the guest's until the VMM refreshes them).
        if (pool.entry[s] === 0 || (write && v !== S_RW)) {
          this.faultSlot = s;
          return R_PF;
        }
        this.shadowWritable = v === S_RW;
        return R_OK;
      }
      this.cachePwc(level);
    }
    return R_PF;
  }

  /** Nested translation of guest frame `gpfn`; false on an EPT violation (faultGpfn set). */
  private nested(gpfn: number): boolean {
    if (this.mem.hpfnOf[gpfn] < 0) {
      // The walk stops at the first non-present EPT entry; charge the levels that exist.
      for (let level = 4; level >= this.ept.leafLevel; level--) {
        const hp = this.ept.tableFrame(gpfn, level);
        if (hp < 0) break;
        this.ref(hp, this.eptSlot(gpfn, level) * 8);
      }
      this.faultGpfn = gpfn;
      return false;
    }
    const large = this.mem.hostLarge;
    const c = gpfn >>> 9;
    const nkey = large ? c * 2 + 1 : gpfn * 2;
    const nhint = large ? c : gpfn;
    if (this.ntlb.lookup(nkey, nhint)) return true;
    const c2 = gpfn >>> 18;
    const c3 = gpfn >>> 27;
    const leaf = this.ept.leafLevel;
    let start = 4;
    if (leaf === 1 && this.epwc2.lookup(c, c)) start = 1;
    else if (this.epwc3.lookup(c2, c2)) start = 2;
    else if (this.epwc4.lookup(c3, c3)) start = 3;
    for (let level = start; level >= leaf; level--) {
      this.ref(this.ept.tableFrame(gpfn, level), this.eptSlot(gpfn, level) * 8);
      if (level === 2 && leaf === 1) this.epwc2.insert(c, c);
      else if (level === 3) this.epwc3.insert(c2, c2);
      else if (level === 4) this.epwc4.insert(c3, c3);
    }
    this.ntlb.insert(nkey, nhint);
    return true;
  }

  private eptSlot(gpfn: number, level: number): number {
    // Guest frames are below 2^31: integer shifts are exact.
    if (level === 4) return (gpfn >>> 27) & 511;
    if (level === 3) return (gpfn >>> 18) & 511;
    if (level === 2) return (gpfn >>> 9) & 511;
    return gpfn & 511;
  }

  private walkNested(write: boolean, start: number, leafLevel: number): number {
    const vpn = this.kVpn;
    const pool = this.pool;
    for (let level = start; level >= 1; level--) {
      const t = this.pathT[level];
      const s = this.pathS[level];
      const tg = pool.gpfn[t];
      if (!this.nested(tg)) {
        this.faultOnTable = true;
        return R_EPT_VIOLATION;
      }
      this.ref(this.mem.hpfnOf[tg], (s % SLOTS) * 8);
      const e = pool.entry[s];
      if (e === 0) return R_PF;
      if (level === leafLevel) {
        const f = pool.flags[s];
        this.faultSlot = s;
        if (write && (f & F_WRITE) === 0) return R_PF;
        if ((f & F_MMIO) !== 0) {
          // The MMIO hole's EPT tables: a full nested walk ending at the marker (or at nothing).
          for (let l = 4; l >= 1; l--) this.ref(this.mmioEptFrame, l * 8);
          this.faultMmio = e - 1;
          return this.ept.mmioInstalled[e - 1] !== 0 ? R_EPT_MISCONFIG : R_EPT_VIOLATION;
        }
        const gpfn = level === 2 ? e - 1 + (vpn % 512) : e - 1;
        if (!this.nested(gpfn)) return R_EPT_VIOLATION;
        return R_OK;
      }
      this.cachePwc(level);
    }
    return R_PF;
  }

  /** Drops every paging-structure-cache entry. */
  protected flushPwc(): void {
    this.pwc4.flush();
    this.pwc3.flush();
    this.pwc2.flush();
  }

  /** Flushes one PCID's paging-structure-cache entries. */
  protected flushPwcTag(tag: number): void {
    this.pwc4.flushOnly(TAG_SPACE, tag);
    this.pwc3.flushOnly(TAG_SPACE, tag);
    this.pwc2.flushOnly(TAG_SPACE, tag);
  }

  /** Drops the nested TLB / EPT PWC entries of one guest frame's chunk (host remaps it). */
  flushNested(): void {
    this.ntlb.flush();
    this.epwc2.flush();
    this.epwc3.flush();
    this.epwc4.flush();
  }
}
