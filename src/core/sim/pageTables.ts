/**
 * Guest page tables (x86-64 4-level) and, alongside each guest table, the state of its shadow
 * page under shadow paging. Tables live in one growable pool of typed arrays indexed by table id;
 * entry `t * 512 + i` is slot i of table t. A shadow page mirrors exactly one guest table (as in
 * KVM, where shadow pages are keyed by the guest frame they shadow), so the shadow structure has
 * the guest's topology and needs no separate tree.
 */

/** Entries per table. */
export const SLOTS = 512;

/** Guest PTE flag bits (our encoding, not the architectural bit positions). */
export const F_WRITE = 1;
/** User-accessible page. */
export const F_USER = 2;
/** A level-2 entry mapping a 2 MB page. */
export const F_LARGE = 4;
/** The frame belongs to the page cache (file-backed): not freed on unmap, not zeroed on fault. */
export const F_FILE = 8;
/** Maps emulated-device memory (MMIO): no RAM behind it. */
export const F_MMIO = 16;
/** Copy-on-write: read-only because shared after fork. */
export const F_COW = 32;

/** Shadow-entry states (`sValid`): none, present read-only, MMIO marker, present writable. */
export const S_NONE = 0;
/** Shadow entry present, read-only. */
export const S_RO = 1;
/** KVM's "MMIO spte": reserved bits set so every access faults with PFERR_RSVD. */
export const S_MMIO = 2;
/** Shadow entry present, writable (also marks a valid non-leaf link). */
export const S_RW = 3;

/** Index of `vpn` in its level-`level` table (level 4 = PML4). VPNs are < 2^36. */
export function slotIndex(vpn: number, level: number): number {
  if (level === 4) return Math.floor(vpn / 134217728) & 511;
  const lo = vpn % 134217728;
  return level === 3 ? lo >>> 18 : level === 2 ? (lo >>> 9) & 511 : lo & 511;
}

/** All page tables of one guest (and their shadow state), in typed arrays. */
export class PageTablePool {
  private capacity: number;
  /** Guest frame holding table t. */
  gpfn: Int32Array;
  /** Paging level of table t (4 = PML4 … 1 = PT). */
  level: Uint8Array;
  /** Table holding the entry that points to t, and that entry's slot (-1 for roots). */
  parent: Int32Array;
  parentSlot: Int32Array;
  /** Present entries in t. */
  used: Int32Array;
  /** Process owning t; -1 for the kernel's shared tables. */
  owner: Int32Array;
  /** Slot contents: non-leaf → child table id + 1; leaf → guest frame + 1; 0 = not present. */
  entry: Int32Array;
  flags: Uint8Array;
  /** Shadow page of table t: host frame, or -1 when t is not shadowed. */
  shadowHpfn: Int32Array;
  /** Leaf shadow page out of sync with its guest table (KVM "unsync"): guest writes do not trap. */
  unsync: Uint8Array;
  /** Traced writes to a non-leaf shadowed table since it was last used (KVM write-flood detection). */
  flood: Uint8Array;
  /** Shadow entry state per slot (S_NONE / S_RO / S_RW / S_MMIO); non-leaf links are S_RW. */
  sValid: Uint8Array;
  private freeIds: number[] = [];
  private next = 0;
  /** Tables currently allocated. */
  live = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.gpfn = new Int32Array(initialCapacity);
    this.level = new Uint8Array(initialCapacity);
    this.parent = new Int32Array(initialCapacity);
    this.parentSlot = new Int32Array(initialCapacity);
    this.used = new Int32Array(initialCapacity);
    this.owner = new Int32Array(initialCapacity);
    this.entry = new Int32Array(initialCapacity * SLOTS);
    this.flags = new Uint8Array(initialCapacity * SLOTS);
    this.shadowHpfn = new Int32Array(initialCapacity).fill(-1);
    this.unsync = new Uint8Array(initialCapacity);
    this.flood = new Uint8Array(initialCapacity);
    this.sValid = new Uint8Array(initialCapacity * SLOTS);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const g32 = (a: Int32Array, n: number, fill = 0): Int32Array => {
      const b = new Int32Array(n);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array, n: number): Uint8Array => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.gpfn = g32(this.gpfn, cap);
    this.level = g8(this.level, cap);
    this.parent = g32(this.parent, cap);
    this.parentSlot = g32(this.parentSlot, cap);
    this.used = g32(this.used, cap);
    this.owner = g32(this.owner, cap);
    this.entry = g32(this.entry, cap * SLOTS);
    this.flags = g8(this.flags, cap * SLOTS);
    this.shadowHpfn = g32(this.shadowHpfn, cap, -1);
    this.unsync = g8(this.unsync, cap);
    this.flood = g8(this.flood, cap);
    this.sValid = g8(this.sValid, cap * SLOTS);
    this.capacity = cap;
  }

  /** A new, empty table held in guest frame `gpfn`. */
  alloc(level: number, gpfn: number, owner: number, parent: number, parentSlot: number): number {
    let t: number;
    if (this.freeIds.length > 0) t = this.freeIds.pop() as number;
    else {
      if (this.next === this.capacity) this.grow();
      t = this.next++;
    }
    this.gpfn[t] = gpfn;
    this.level[t] = level;
    this.owner[t] = owner;
    this.parent[t] = parent;
    this.parentSlot[t] = parentSlot;
    this.used[t] = 0;
    this.shadowHpfn[t] = -1;
    this.unsync[t] = 0;
    this.flood[t] = 0;
    const b = t * SLOTS;
    this.entry.fill(0, b, b + SLOTS);
    this.flags.fill(0, b, b + SLOTS);
    this.sValid.fill(0, b, b + SLOTS);
    this.live++;
    return t;
  }

  /** Returns table t's id to the pool (its guest frame is freed by the caller). */
  free(t: number): void {
    this.freeIds.push(t);
    this.live--;
  }

  /**
   * The slot that maps (or would map) `vpn`: the level-1 slot, or a 2 MB level-2 slot, whether
   * present or not; -1 when an upper level is missing.
   */
  pathSlot(root: number, vpn: number): number {
    let t = root;
    for (let level = 4; level >= 1; level--) {
      const s = t * SLOTS + slotIndex(vpn, level);
      if (level === 1 || (level === 2 && (this.flags[s] & F_LARGE) !== 0)) return s;
      const e = this.entry[s];
      if (e === 0) return -1;
      t = e - 1;
    }
    return -1;
  }

  /**
   * Functional guest lookup from root table `root`: the leaf table and slot mapping `vpn`, or -1
   * when some level is not present. A 2 MB mapping's leaf is its level-2 slot.
   */
  leafSlot(root: number, vpn: number): number {
    let t = root;
    for (let level = 4; level >= 1; level--) {
      const s = t * SLOTS + slotIndex(vpn, level);
      const e = this.entry[s];
      if (e === 0) return -1;
      if (level === 1 || (level === 2 && (this.flags[s] & F_LARGE) !== 0)) return s;
      t = e - 1;
    }
    return -1;
  }
}
