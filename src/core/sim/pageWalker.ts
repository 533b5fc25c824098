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
  private readonly pathS = new Int32Array(5);
  private readonly hostLarge: boolean;
  private readonly eptLeaf: number;
  /**
   * Inputs of the walk, set by the MMU before walkTables: the VPN and its 2 MB page number
   * (exact integers, but above 2^31). Doubles go through fields, not arguments: a double passed to
   * a call that is not inlined gets boxed (an allocation per reference).
   */
  protected wVpn = 0;
  protected wVpn2 = 0;
  /** The walk's paging-structure-cache keys and set hints (see walkTables). */
  private k2 = 0;
  private k3 = 0;
  private k4 = 0;
  private h2 = 0;
  private h3 = 0;
  private h4 = 0;

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
    this.hostLarge = mem.hostLarge;
    this.eptLeaf = ept.leafLevel;
  }

  /**
   * One hardware page walk for `wVpn` after a TLB miss: charges its references and, on success,
   * leaves the leaf slot, whether it maps 2 MB and its rights in `leafSlot`/`leafLarge`/`leafWritable`.
   */
  protected walkTables(write: boolean, tag: number): number {
    const pool = this.pool;
    const acct = this.acct;
    const vpn = this.wVpn;
    const vpn2 = this.wVpn2;
    acct.tlbMisses++;
    this.faultGpfn = -1;
    this.faultMmio = -1;
    this.faultSlot = -1;
    this.faultOnTable = false;
    // Paging-structure caches have no global entries: kernel walks use the current PCID too.
    if (tag === GLOBAL_TAG) tag = this.userTag;
    // Functional guest descent: the tables the walk visits (or would visit). Only level 1 and a
    // 2 MB level-2 entry can be leaves.
    const entry = pool.entry;
    const pathT = this.pathT;
    const pathS = this.pathS;
    const hi = Math.floor(vpn / 134217728);
    const lo = vpn - hi * 134217728;
    let leafLevel = 0;
    let missing = 0;
    let t = this.root;
    let s = t * SLOTS + (hi & 511);
    pathT[4] = t;
    pathS[4] = s;
    let e = entry[s];
    if (e === 0) missing = 4;
    else {
      t = e - 1;
      s = t * SLOTS + (lo >>> 18);
      pathT[3] = t;
      pathS[3] = s;
      e = entry[s];
      if (e === 0) missing = 3;
      else {
        t = e - 1;
        s = t * SLOTS + ((lo >>> 9) & 511);
        pathT[2] = t;
        pathS[2] = s;
        e = entry[s];
        if (e === 0) missing = 2;
        else if ((pool.flags[s] & F_LARGE) !== 0) leafLevel = 2;
        else {
          t = e - 1;
          s = t * SLOTS + (lo & 511);
          pathT[1] = t;
          pathS[1] = s;
          if (entry[s] === 0) missing = 1;
          else leafLevel = 1;
        }
      }
    }
    const last = leafLevel !== 0 ? leafLevel : missing;
    // Deepest paging-structure cache hit decides where the walk starts.
    const v3 = Math.floor(vpn / 262144);
    const h2 = vpn2 & 0x7fffffff;
    const h3 = v3 & 0x7fffffff;
    const k2 = vpn2 * TAG_SPACE + tag;
    const k3 = v3 * TAG_SPACE + tag;
    const k4 = hi * TAG_SPACE + tag;
    let start = 4;
    if (last <= 1 && this.pwc2.lookup(k2, h2)) start = 1;
    else if (last <= 2 && this.pwc3.lookup(k3, h3)) start = 2;
    else if (last <= 3 && this.pwc4.lookup(k4, hi)) start = 3;
    this.walkLat = 0;
    this.walkRefs = 0;
    this.k2 = k2;
    this.k3 = k3;
    this.k4 = k4;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = hi;
    const r = this.shadow ? this.walkShadow(write, start, leafLevel, lo & 511) : this.walkNested(write, start, leafLevel, lo & 511);
    const refs = this.walkRefs;
    acct.pageWalk += this.walkLat;
    acct.memRefs += refs;
    acct.walks++;
    acct.walkRefs += refs;
    if (refs > acct.walkMaxRefs) acct.walkMaxRefs = refs;
    if (r !== R_OK) return r;
    s = pathS[leafLevel];
    this.leafSlot = s;
    this.leafLarge = leafLevel === 2;
    this.leafWritable = this.shadow ? this.shadowWritable : (pool.flags[s] & F_WRITE) !== 0;
    return R_OK;
  }

  private cachePwc(level: number): void {
    if (level === 2) this.pwc2.insert(this.k2, this.h2);
    else if (level === 3) this.pwc3.insert(this.k3, this.h3);
    else if (level === 4) this.pwc4.insert(this.k4, this.h4);
  }

  private ref(hpfn: number, offset: number): void {
    this.walkLat += this.caches.access(hpfn, offset);
    this.walkRefs++;
  }

  /** `inPage`: the VPN's index within its 2 MB page. */
  private walkShadow(write: boolean, start: number, leafLevel: number, inPage: number): number {
    const pool = this.pool;
    for (let level = start; level >= 1; level--) {
      const t = this.pathT[level];
      const s = this.pathS[level];
      const hp = pool.shadowHpfn[t];
      if (hp < 0) return R_PF; // unreachable while links are kept consistent; fault defensively
      this.walkLat += this.caches.access(hp, (s & (SLOTS - 1)) * 8);
      this.walkRefs++;
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
        if (leafLevel === 2 && !this.hostLarge) {
          // Guest 2 MB page over host 4 KB pages: one more level in a direct shadow page.
          const gpfn = pool.entry[s] - 1 + inPage;
          const dh = this.direct.hpfn[gpfn >>> 9];
          if (dh < 0 || this.direct.valid[gpfn] === 0) {
            if (dh >= 0) this.ref(dh, (gpfn & (CHUNK_FRAMES - 1)) * 8);
            this.faultSlot = s;
            return R_PF;
          }
          this.ref(dh, (gpfn & (CHUNK_FRAMES - 1)) * 8);
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

  /**
   * Nested translation of guest frame `gpfn`; false on an EPT violation (faultGpfn set). A nested
   * TLB miss walks the EPT from the deepest EPT paging-structure-cache hit and caches every level
   * it visits above the leaf; SetAssoc.access does each lookup and its insertion on a miss at
   * once (the structures are distinct, so the order of the insertions does not matter).
   */
  private nested(gpfn: number): boolean {
    if (this.mem.hpfnOf[gpfn] < 0) return this.nestedUnbacked(gpfn);
    const c = gpfn >>> 9;
    const large = this.hostLarge;
    // One call site, so the JIT inlines the lookup once.
    if (this.ntlb.access(large ? c * 2 + 1 : gpfn * 2, large ? c : gpfn)) return true;
    const ept = this.ept;
    const caches = this.caches;
    const c2 = gpfn >>> 18;
    let lat = 0;
    let refs = 1;
    if (!large && this.epwc2.access(c, c)) {
      lat = caches.access(ept.l1[c], (gpfn & 511) * 8);
    } else {
      if (!this.epwc3.access(c2, c2)) {
        const c3 = gpfn >>> 27;
        if (!this.epwc4.access(c3, c3)) {
          lat += caches.access(ept.root, (c3 & 511) * 8);
          refs++;
        }
        lat += caches.access(ept.l3[c3], (c2 & 511) * 8);
        refs++;
      }
      lat += caches.access(ept.l2[c2], (c & 511) * 8);
      if (!large) {
        lat += caches.access(ept.l1[c], (gpfn & 511) * 8);
        refs++;
      }
    }
    this.walkLat += lat;
    this.walkRefs += refs;
    return true;
  }

  /** Nested walk of a frame the host has not backed: it stops at the first non-present EPT entry. */
  private nestedUnbacked(gpfn: number): boolean {
    for (let level = 4; level >= this.eptLeaf; level--) {
      const hp = this.ept.tableFrame(gpfn, level);
      if (hp < 0) break;
      this.ref(hp, this.eptSlot(gpfn, level) * 8);
    }
    this.faultGpfn = gpfn;
    return false;
  }

  private eptSlot(gpfn: number, level: number): number {
    // Guest frames are below 2^31: integer shifts are exact.
    if (level === 4) return (gpfn >>> 27) & 511;
    if (level === 3) return (gpfn >>> 18) & 511;
    if (level === 2) return (gpfn >>> 9) & 511;
    return gpfn & 511;
  }

  /** `inPage`: the VPN's index within its 2 MB page. */
  private walkNested(write: boolean, start: number, leafLevel: number, inPage: number): number {
    const pool = this.pool;
    const hpfnOf = this.mem.hpfnOf;
    for (let level = start; level >= 1; level--) {
      const t = this.pathT[level];
      const s = this.pathS[level];
      const tg = pool.gpfn[t];
      if (!this.nested(tg)) {
        this.faultOnTable = true;
        return R_EPT_VIOLATION;
      }
      this.walkLat += this.caches.access(hpfnOf[tg], (s & (SLOTS - 1)) * 8);
      this.walkRefs++;
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
        const gpfn = level === 2 ? e - 1 + inPage : e - 1;
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
