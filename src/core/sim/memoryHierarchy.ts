/**
 * The data-cache hierarchy every simulated memory reference goes through — data loads and stores
 * as well as page-walk references — so that a walk's cost depends on whether its page-table lines
 * are still cached, and a workload's data traffic evicts them, as on real hardware.
 * Inclusive, LRU, 64-byte lines, one core. Addresses are host-physical line numbers.
 */
import type { CpuPreset } from './costModel';
import { lowestClear } from './plru';

const LINE_BYTES = 64;

/** Tag of an empty way; real tags are line numbers shifted right, so never negative. */
const EMPTY = -1;

/**
 * One cache level's geometry: bit-PLRU replacement (see plru.ts). Tags are the line number
 * without its set-index bits (host lines fit in 31 bits: host memory < 16 GB). A set occupies
 * `stride` slots — its ways rounded up to a multiple of 4, so the probe can compare four tags per
 * loop iteration; the padding slots stay empty (the victim is always a real way).
 */
interface Level {
  readonly stride: number;
  readonly sets: number;
  readonly mask: number;
  readonly shift: number;
  readonly full: number;
  readonly latency: number;
}

function level(c: { bytes: number; ways: number; latency: number }): Level {
  const lines = c.bytes / LINE_BYTES;
  const sets = lines / c.ways;
  if (!Number.isInteger(sets) || (sets & (sets - 1)) !== 0 || c.ways > 32) throw new Error(`cache of ${c.bytes} bytes / ${c.ways} ways needs a power-of-two set count and at most 32 ways`);
  return {
    stride: (c.ways + 3) & ~3,
    sets,
    mask: sets - 1,
    shift: 31 - Math.clz32(sets),
    full: c.ways >= 32 ? -1 : (1 << c.ways) - 1,
    latency: c.latency,
  };
}

/** Slot of `tag` among the set's slots [b, end), or -1: four tags per iteration (see MemoryHierarchy). */
function slotOf(tags: Int32Array, tag: number, b: number, end: number): number {
  for (let i = b; i < end; i += 4) {
    if (tags[i] === tag) return i;
    if (tags[i + 1] === tag) return i + 1;
    if (tags[i + 2] === tag) return i + 2;
    if (tags[i + 3] === tag) return i + 3;
  }
  return -1;
}

/** Placeholder for a level the CPU does not have (never probed). */
const NO_LEVEL = { bytes: LINE_BYTES, ways: 1, latency: 0 };

/**
 * L1/L2/L3/DRAM of one simulated core, from the preset. Every reference probes L1, then L2, then
 * L3 until one hits; a miss fills the line into the level (replacing a not-recently-used line of
 * its set). Tags within a set are unique (a tag is only written after it missed), so the scan order
 * does not matter.
 *
 * This is the simulator's hottest code (about half of a TLB-missing workload's run time), so it
 * is shaped for V8: the three probes are written out in access() with the geometry in plain
 * fields (V8 does not inline a probe function three times); all levels share one tag array and one
 * PLRU array (every typed array a loop reads costs a map check and a base/length reload per
 * iteration); the scan (slotOf, small enough to be inlined at all three probes) compares four tags
 * per iteration; the PLRU update is plru.ts's touched() written out (calling it from the three
 * probes measured 8 % slower: V8's inlining budget runs out); hit counters are number fields.
 */
export class MemoryHierarchy {
  private readonly tags: Int32Array;
  private readonly used: Int32Array;
  private readonly tb1: number;
  private readonly ub1: number;
  private readonly st1: number;
  private readonly f1: number;
  private readonly m1: number;
  private readonly s1: number;
  private readonly tb2: number;
  private readonly ub2: number;
  private readonly st2: number;
  private readonly f2: number;
  private readonly m2: number;
  private readonly s2: number;
  private readonly tb3: number;
  private readonly ub3: number;
  private readonly st3: number;
  private readonly f3: number;
  private readonly m3: number;
  private readonly s3: number;
  private readonly has2: boolean;
  private readonly has3: boolean;
  private readonly lat1: number;
  private readonly lat2: number;
  private readonly lat3: number;
  private readonly latDram: number;
  private served1 = 0;
  private served2 = 0;
  private served3 = 0;
  private servedDram = 0;

  constructor(preset: CpuPreset) {
    const m = preset.memory;
    const l1 = level(m.l1);
    const l2 = level(m.l2 ?? NO_LEVEL);
    const l3 = level(m.l3 ?? NO_LEVEL);
    this.tags = new Int32Array(l1.sets * l1.stride + l2.sets * l2.stride + l3.sets * l3.stride).fill(EMPTY);
    this.used = new Int32Array(l1.sets + l2.sets + l3.sets);
    this.tb1 = 0;
    this.ub1 = 0;
    this.tb2 = l1.sets * l1.stride;
    this.ub2 = l1.sets;
    this.tb3 = this.tb2 + l2.sets * l2.stride;
    this.ub3 = l1.sets + l2.sets;
    [this.st1, this.f1, this.m1, this.s1] = [l1.stride, l1.full, l1.mask, l1.shift];
    [this.st2, this.f2, this.m2, this.s2] = [l2.stride, l2.full, l2.mask, l2.shift];
    [this.st3, this.f3, this.m3, this.s3] = [l3.stride, l3.full, l3.mask, l3.shift];
    this.has2 = !!m.l2;
    this.has3 = !!m.l3;
    this.lat1 = l1.latency;
    this.lat2 = m.l2 ? l2.latency : m.dramLatency;
    this.lat3 = m.l3 ? l3.latency : m.dramLatency;
    this.latDram = m.dramLatency;
  }

  /** References served by L1, L2, L3 and DRAM (statistics and tests). */
  get served(): readonly number[] {
    return [this.served1, this.served2, this.served3, this.servedDram];
  }

  /**
   * Latency in cycles of one reference to host-physical frame `hpfn`, byte `offset` within it;
   * fills the line into every level on the way.
   */
  access(hpfn: number, offset: number): number {
    const line = (hpfn << 6) | ((offset >>> 6) & 63);
    const tags = this.tags;
    const used = this.used;
    {
      const full = this.f1;
      const set = line & this.m1;
      const tag = line >>> this.s1;
      const b = this.tb1 + set * this.st1;
      const i = slotOf(tags, tag, b, b + this.st1);
      const us = this.ub1 + set;
      const u = used[us];
      if (i >= 0) {
        const bit = 1 << (i - b);
        const n = u | bit;
        used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
        this.served1++;
        return this.lat1;
      }
      const bit = lowestClear(u, full);
      const n = u | bit;
      used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
      tags[b + 31 - Math.clz32(bit)] = tag;
    }
    if (this.has2) {
      const full = this.f2;
      const set = line & this.m2;
      const tag = line >>> this.s2;
      const b = this.tb2 + set * this.st2;
      const i = slotOf(tags, tag, b, b + this.st2);
      const us = this.ub2 + set;
      const u = used[us];
      if (i >= 0) {
        const bit = 1 << (i - b);
        const n = u | bit;
        used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
        this.served2++;
        return this.lat2;
      }
      const bit = lowestClear(u, full);
      const n = u | bit;
      used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
      tags[b + 31 - Math.clz32(bit)] = tag;
    }
    if (this.has3) {
      const full = this.f3;
      const set = line & this.m3;
      const tag = line >>> this.s3;
      const b = this.tb3 + set * this.st3;
      const i = slotOf(tags, tag, b, b + this.st3);
      const us = this.ub3 + set;
      const u = used[us];
      if (i >= 0) {
        const bit = 1 << (i - b);
        const n = u | bit;
        used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
        this.served3++;
        return this.lat3;
      }
      const bit = lowestClear(u, full);
      const n = u | bit;
      used[us] = n ^ ((n ^ bit) & -(Math.clz32((n & full) ^ full) >>> 5));
      tags[b + 31 - Math.clz32(bit)] = tag;
    }
    this.servedDram++;
    return this.latDram;
  }
}
