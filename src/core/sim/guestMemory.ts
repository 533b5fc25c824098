/**
 * Guest-physical memory as the simulator sees it: frame allocation with a LIFO free list (like the
 * buddy allocator's hot pages), copy-on-write reference counts, and host backing (which guest
 * frames the host has allocated, and at which host-physical frame). Host backing is what turns a
 * first touch into an EPT violation; under shadow paging the same allocation happens inside the
 * hidden-fault handler, so both modes pay it.
 */

/** Host-physical frames the simulator may use (16 GB). */
export const MAX_HOST_FRAMES = 1 << 22;

/** Frames per 2 MB chunk. */
export const CHUNK_FRAMES = 512;

/** Layout of guest-physical memory, in 4 KB frames. */
export interface GuestMemoryLayout {
  /** Total guest frames (guest RAM / 4 KB); a multiple of 512. */
  readonly frames: number;
  /** Frames [0, kernelFrames) hold the kernel image and kernel data: always backed, never allocated. */
  readonly kernelFrames: number;
  /** Frames [kernelFrames, kernelFrames + pageCacheFrames) are the page cache: backed, file pages. */
  readonly pageCacheFrames: number;
  /** Free frames that were in use before the trace started (already backed by the host). */
  readonly warmFreeFrames: number;
  /** Frames at the top of guest memory reserved for 2 MB (THP) allocations. */
  readonly hugeFrames: number;
}

/** Default: a 1 GB guest with a 16 MB kernel, 64 MB of page cache, 32 MB of warm free memory. */
export const DEFAULT_LAYOUT: GuestMemoryLayout = {
  frames: 262144,
  kernelFrames: 4096,
  pageCacheFrames: 16384,
  warmFreeFrames: 8192,
  hugeFrames: 131072,
};

/** Guest RAM of one VM: allocation, sharing and host backing of its frames. */
export class GuestMemory {
  readonly layout: GuestMemoryLayout;
  /** Host-physical frame backing each guest frame; -1 = not backed yet. */
  readonly hpfnOf: Int32Array;
  /** Copy-on-write sharing count of each guest frame (0 = free). */
  readonly refs: Int32Array;
  /** Host backs guest memory in 2 MB pages (`--pages 2m`): backing is per chunk. */
  readonly hostLarge: boolean;
  private readonly free: Int32Array;
  private freeTop = 0;
  private readonly hugeFree: Int32Array;
  private hugeTop = 0;
  private nextHostFrame = 0x100000; // host memory below 4 GB belongs to the host itself
  /** Guest frames the host has backed so far. */
  backedFrames = 0;

  constructor(layout: GuestMemoryLayout, hostLarge: boolean) {
    if (layout.frames % CHUNK_FRAMES !== 0 || layout.hugeFrames % CHUNK_FRAMES !== 0) {
      throw new Error('guest memory and its huge-page pool must be whole 2 MB chunks');
    }
    this.layout = layout;
    this.hostLarge = hostLarge;
    this.hpfnOf = new Int32Array(layout.frames).fill(-1);
    this.refs = new Int32Array(layout.frames);
    const reserved = layout.kernelFrames + layout.pageCacheFrames;
    const smallEnd = layout.frames - layout.hugeFrames;
    for (let f = 0; f < reserved; f++) this.back(f);
    // Free list, popped from the top: fresh (never touched) frames at the bottom, warm ones on top.
    this.free = new Int32Array(smallEnd - reserved);
    const warmEnd = Math.min(smallEnd, reserved + layout.warmFreeFrames);
    for (let f = smallEnd - 1; f >= warmEnd; f--) this.free[this.freeTop++] = f;
    for (let f = warmEnd - 1; f >= reserved; f--) {
      this.back(f);
      this.free[this.freeTop++] = f;
    }
    this.hugeFree = new Int32Array(layout.hugeFrames / CHUNK_FRAMES);
    for (let c = layout.frames / CHUNK_FRAMES - 1; c >= smallEnd / CHUNK_FRAMES; c--) this.hugeFree[this.hugeTop++] = c;
  }

  /** Whether the host has backed guest frame `gpfn`. */
  isBacked(gpfn: number): boolean {
    return this.hpfnOf[gpfn] >= 0;
  }

  /**
   * Backs `gpfn` in host memory (and its whole 2 MB chunk when the host uses large pages).
   * Returns true when the host had to allocate (the caller charges that cost).
   */
  back(gpfn: number): boolean {
    if (this.hpfnOf[gpfn] >= 0) return false;
    if (this.hostLarge) {
      const base = gpfn - (gpfn % CHUNK_FRAMES);
      // Host 2 MB pages are 2 MB aligned in host memory too.
      this.nextHostFrame = Math.ceil(this.nextHostFrame / CHUNK_FRAMES) * CHUNK_FRAMES;
      const h = this.nextHost(CHUNK_FRAMES);
      for (let i = 0; i < CHUNK_FRAMES; i++) {
        if (this.hpfnOf[base + i] < 0) this.backedFrames++;
        this.hpfnOf[base + i] = h + i;
      }
    } else {
      this.hpfnOf[gpfn] = this.nextHost(1);
      this.backedFrames++;
    }
    return true;
  }

  /** A host frame for the VMM's own structures (shadow or EPT tables). */
  allocHostFrame(): number {
    return this.nextHost(1);
  }

  private nextHost(n: number): number {
    const f = this.nextHostFrame;
    this.nextHostFrame += n;
    // The cache model keeps 16-bit tags of host line numbers: host memory stays below 16 GB.
    if (this.nextHostFrame > MAX_HOST_FRAMES) throw new Error('simulated host memory exceeds 16 GB');
    return f;
  }

  /** Allocates one 4 KB guest frame (refcount 1); -1 when guest memory is exhausted. */
  allocFrame(): number {
    if (this.freeTop === 0) return -1;
    const f = this.free[--this.freeTop];
    this.refs[f] = 1;
    return f;
  }

  /** Allocates a 2 MB chunk; returns its first frame, or -1 when none is left. */
  allocChunk(): number {
    if (this.hugeTop === 0) return -1;
    const c = this.hugeFree[--this.hugeTop];
    const base = c * CHUNK_FRAMES;
    this.refs[base] = 1;
    return base;
  }

  /** Adds a sharer (fork's copy-on-write). Reserved frames are not counted. */
  share(gpfn: number): void {
    if (this.refs[gpfn] > 0) this.refs[gpfn]++;
  }

  /** Drops a sharer; the frame (or chunk, for a chunk base) returns to its free list at 0. */
  release(gpfn: number, chunk: boolean): void {
    if (this.refs[gpfn] <= 0) return;
    if (--this.refs[gpfn] > 0) return;
    if (chunk) this.hugeFree[this.hugeTop++] = gpfn / CHUNK_FRAMES;
    else this.free[this.freeTop++] = gpfn;
  }

  /** First page-cache frame: file-backed pages live in [pageCacheBase, pageCacheBase + pageCacheFrames). */
  get pageCacheBase(): number {
    return this.layout.kernelFrames;
  }
}
