/**
 * The host's EPT: which guest frames are mapped (that is GuestMemory's backing) and where the EPT
 * table pages themselves sit in host memory, so a nested walk charges references to real lines.
 * EPT tables are allocated lazily, as KVM does when it first maps a guest frame; their bytes are
 * reported next to the shadow tables' bytes.
 */
import { CHUNK_FRAMES, type GuestMemory } from './guestMemory';

/** EPT table pages of one VM, allocated as the host backs guest memory. */
export class EptTables {
  /** Host frames of EPT tables by level: l1[gpfn >> 9], l2[gpfn >> 18], l3[gpfn >> 27]; -1 = absent. */
  readonly l1: Int32Array;
  readonly l2: Int32Array;
  readonly l3: Int32Array;
  readonly root: number;
  /** Guest frames whose EPT entry is a misconfiguration (KVM's MMIO marker), by MMIO page index. */
  readonly mmioInstalled: Uint8Array;
  /** Leaf level of guest-RAM mappings: 1 (4 KB) or 2 (2 MB). */
  readonly leafLevel: number;
  tablePages = 1;
  private readonly mem: GuestMemory;

  constructor(mem: GuestMemory, mmioPages: number) {
    this.mem = mem;
    const frames = mem.layout.frames;
    this.l1 = new Int32Array(Math.ceil(frames / CHUNK_FRAMES)).fill(-1);
    this.l2 = new Int32Array(Math.ceil(frames / (CHUNK_FRAMES * 512))).fill(-1);
    this.l3 = new Int32Array(Math.ceil(frames / (CHUNK_FRAMES * 512 * 512))).fill(-1);
    this.root = mem.allocHostFrame();
    this.mmioInstalled = new Uint8Array(Math.max(mmioPages, 1));
    this.leafLevel = mem.hostLarge ? 2 : 1;
  }

  /** Creates the EPT table pages that map `gpfn` (called when the host backs it). */
  ensureTables(gpfn: number): void {
    const i3 = Math.floor(gpfn / (512 * 512 * 512));
    const i2 = Math.floor(gpfn / (512 * 512));
    const i1 = Math.floor(gpfn / 512);
    if (this.l3[i3] < 0) {
      this.l3[i3] = this.mem.allocHostFrame();
      this.tablePages++;
    }
    if (this.l2[i2] < 0) {
      this.l2[i2] = this.mem.allocHostFrame();
      this.tablePages++;
    }
    if (this.leafLevel === 1 && this.l1[i1] < 0) {
      this.l1[i1] = this.mem.allocHostFrame();
      this.tablePages++;
    }
  }

  /** Host frame of the EPT table at `level` (4..1) on the path to `gpfn`. */
  tableFrame(gpfn: number, level: number): number {
    if (level === 4) return this.root;
    if (level === 3) return this.l3[gpfn >>> 27];
    if (level === 2) return this.l2[gpfn >>> 18];
    return this.l1[gpfn >>> 9];
  }
}
