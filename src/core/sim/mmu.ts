/**
 * The hardware MMU as the guest sees it: L1 and second-level TLBs (4 KB and 2 MB entries, PCID
 * tags, global kernel entries) in front of the page walker, plus the flush operations (CR3
 * writes, INVLPG, VM exits without VPID). The simulated guest only ever calls `translate` and the
 * flushes; faults come back as R_* codes for the guest kernel and the VMM to handle.
 *
 * Hot path: `translate` runs once per simulated data reference and allocates nothing.
 */
import type { Accounting } from './accounting';
import type { CpuPreset } from './costModel';
import type { EptTables } from './eptTables';
import type { GuestMemory } from './guestMemory';
import type { MemoryHierarchy } from './memoryHierarchy';
import type { PageTablePool } from './pageTables';
import { GLOBAL_TAG, PageWalker, R_OK, R_PF, TAG_SPACE } from './pageWalker';
import { SetAssoc } from './setAssoc';

export { DirectLeaves, GLOBAL_TAG, R_EPT_MISCONFIG, R_EPT_VIOLATION, R_OK, R_PF, R_PF_RSVD } from './pageWalker';

/** TLB payload bits: host frame number, and the page is writable. */
const TLB_HPFN = 0x3fffffff;
const TLB_WRITABLE = 0x40000000;

/**
 * First VPN of the kernel half of the 48-bit address space. A module-local constant, not an
 * `export const`: CommonJS output would read an export as `exports.KERNEL_VPN`, and this module's
 * exports object (it re-exports getters) is a slow dictionary-mode object — a lookup per translate.
 */
const KERNEL_VPN = 34359738368; // 2^35

/** The MMU of the one simulated vCPU. */
export class Mmu extends PageWalker {
  private readonly l1: SetAssoc;
  private readonly l1Large: SetAssoc;
  private readonly l2: SetAssoc;
  private readonly l2Large: boolean;
  private readonly l2Latency: number;
  /** A 2 MB translation may be in the TLBs (skips the large-page probes while there is none). */
  private largeLive = false;
  /**
   * Virtual address (48-bit, as a number) of the reference to translate. Set before translate():
   * a double passed as an argument to a call that is not inlined gets boxed.
   */
  va = 0;
  /** Byte offset within the page of the last translated address. */
  offset = 0;
  /** Result of the last translate() that did not succeed (for the caller's slow path). */
  faultResult = R_OK;
  /** TLB keys of the translation being filled (see translate). */
  private key4 = 0;
  private keyL = 0;

  constructor(preset: CpuPreset, shadow: boolean, pool: PageTablePool, mem: GuestMemory, ept: EptTables, caches: MemoryHierarchy, acct: Accounting) {
    super(preset, shadow, pool, mem, ept, caches, acct);
    const t = preset.tlb;
    this.l1 = new SetAssoc(t.l1.entries, t.l1.ways);
    this.l1Large = t.l1Large ? new SetAssoc(t.l1Large.entries, t.l1Large.ways) : new SetAssoc(0, 0);
    this.l2 = t.l2 ? new SetAssoc(t.l2.entries, t.l2.ways) : new SetAssoc(0, 0);
    this.l2Large = t.l2Large;
    this.l2Latency = t.l2HitLatency;
  }

  /**
   * Translates the virtual address in `va` for a data reference.
   * R_OK leaves the host frame in `hpfn`; any other result is a fault for the caller to handle.
   */
  translate(write: boolean): number {
    const va = this.va;
    const vpn = Math.floor(va / 4096);
    this.offset = va - vpn * 4096;
    const tag = vpn >= KERNEL_VPN ? this.kernelTag : this.userTag;
    const acct = this.acct;
    acct.tlbAccesses++;
    const key4 = vpn * 2 * TAG_SPACE + tag;
    const h4 = vpn & 0x7fffffff;
    // TLB payload: host frame (of the 4 KB page, or the first of a 2 MB page) | TLB_WRITABLE.
    let val = -1;
    let large = false;
    let i = this.l1.find(key4, h4);
    if (i >= 0) val = this.l1.value(i);
    else {
      const vpn2 = Math.floor(vpn / 512);
      const keyL = (vpn2 * 2 + 1) * TAG_SPACE + tag;
      const hL = vpn2 & 0x7fffffff;
      if (this.largeLive && (i = this.l1Large.find(keyL, hL)) >= 0) {
        val = this.l1Large.value(i);
        large = true;
      } else {
        acct.l1TlbMisses++;
        if ((i = this.l2.find(key4, h4)) >= 0) {
          val = this.l2.value(i);
          this.l1.insert(key4, h4, val);
          acct.guest += this.l2Latency;
        } else if (this.largeLive && this.l2Large && (i = this.l2.find(keyL, hL)) >= 0) {
          val = this.l2.value(i);
          large = true;
          this.l1Large.insert(keyL, hL, val);
          acct.guest += this.l2Latency;
        } else {
          this.wVpn = vpn;
          this.wVpn2 = vpn2;
          this.key4 = key4;
          this.keyL = keyL;
          return this.walk(write, tag, h4, hL);
        }
      }
    }
    // The guest flushes after changing a present entry, so the cached rights are current.
    if (write && (val & TLB_WRITABLE) === 0) {
      this.faultSlot = this.pool.leafSlot(this.root, vpn);
      this.faultGpfn = -1;
      this.faultMmio = -1;
      return (this.faultResult = R_PF);
    }
    const h = val & TLB_HPFN;
    this.hpfn = large ? h + (h4 & 511) : h;
    return R_OK;
  }

  /** TLB miss: walk, then fill the TLBs with the translation's size, host frame and rights. */
  private walk(write: boolean, tag: number, h4: number, hL: number): number {
    const r = this.walkTables(write, tag);
    if (r !== R_OK) return (this.faultResult = r);
    const s = this.leafSlot;
    const e = this.pool.entry[s] - 1;
    const hpfnOf = this.mem.hpfnOf;
    const gpfn = this.leafLarge ? e + (h4 & 511) : e;
    const hpfn = hpfnOf[gpfn];
    this.hpfn = hpfn;
    const w = this.leafWritable ? TLB_WRITABLE : 0;
    // A 2 MB TLB entry needs a 2 MB mapping in both dimensions (host 2 MB pages are contiguous).
    if (this.leafLarge && this.mem.hostLarge) {
      this.largeLive = true;
      const v = hpfnOf[e] | w;
      this.l1Large.insertNew(this.keyL, hL, v);
      if (this.l2Large) this.l2.insertNew(this.keyL, hL, v);
    } else {
      this.l1.insertNew(this.key4, h4, hpfn | w);
      this.l2.insertNew(this.key4, h4, hpfn | w);
    }
    return R_OK;
  }

  /** Flushes every TLB and paging-structure cache entry (VM exit without VPID, zap of shadow pages). */
  flushAll(): void {
    this.l1.flush();
    this.l1Large.flush();
    this.l2.flush();
    this.flushPwc();
  }

  /** MOV to CR3 without PCID: every TLB entry but the global ones, and every paging-structure-cache entry. */
  flushNonGlobal(): void {
    this.l1.flushExcept(TAG_SPACE, GLOBAL_TAG);
    this.l1Large.flushExcept(TAG_SPACE, GLOBAL_TAG);
    this.l2.flushExcept(TAG_SPACE, GLOBAL_TAG);
    this.flushPwc();
  }

  /** Flushes one PCID's translations (ASID recycling, or a full flush with PCIDs on). */
  flushTag(tag: number): void {
    this.l1.flushOnly(TAG_SPACE, tag);
    this.l1Large.flushOnly(TAG_SPACE, tag);
    this.l2.flushOnly(TAG_SPACE, tag);
    this.flushPwcTag(tag);
  }

  /** INVLPG: drops the translations of one page (4 KB and 2 MB, current and global tag) and the PWCs. */
  invlpg(va: number): void {
    const vpn = Math.floor(va / 4096);
    const vpn2 = Math.floor(vpn / 512);
    for (const tag of vpn >= KERNEL_VPN ? [this.kernelTag, GLOBAL_TAG] : [this.userTag]) {
      const key4 = vpn * 2 * TAG_SPACE + tag;
      const keyL = (vpn2 * 2 + 1) * TAG_SPACE + tag;
      this.l1.invalidate(key4, vpn & 0x7fffffff);
      this.l2.invalidate(key4, vpn & 0x7fffffff);
      this.l1Large.invalidate(keyL, vpn2 & 0x7fffffff);
      if (this.l2Large) this.l2.invalidate(keyL, vpn2 & 0x7fffffff);
    }
    // The SDM lets INVLPG drop any paging-structure-cache entry; dropping all is the simple choice.
    this.flushPwc();
  }

  /** Drops the TLB entries of one page without touching the paging-structure caches (a faulting entry). */
  dropTranslation(va: number): void {
    const vpn = Math.floor(va / 4096);
    const tag = vpn >= KERNEL_VPN ? this.kernelTag : this.userTag;
    const key4 = vpn * 2 * TAG_SPACE + tag;
    this.l1.invalidate(key4, vpn & 0x7fffffff);
    this.l2.invalidate(key4, vpn & 0x7fffffff);
  }
}
