/**
 * The data-cache hierarchy every simulated memory reference goes through — data loads and stores
 * as well as page-walk references — so that a walk's cost depends on whether its page-table lines
 * are still cached, and a workload's data traffic evicts them, as on real hardware.
 * Inclusive, LRU, 64-byte lines, one core. Addresses are host-physical line numbers.
 */
import type { CpuPreset } from './costModel';

const LINE_BYTES = 64;

/**
 * One cache level's geometry and tag store: bit-PLRU replacement (see SetAssoc). Tags are the line
 * number without its set-index bits (host lines fit in 31 bits: host memory < 16 GB).
 */
class CacheLevel {
  readonly ways: number;
  readonly mask: number;
  readonly shift: number;
  readonly full: number;
  readonly latency: number;
  readonly tags: Int32Array;
  readonly used: Int32Array;

  constructor(c: { bytes: number; ways: number; latency: number }) {
    const lines = c.bytes / LINE_BYTES;
    const sets = lines / c.ways;
    if (!Number.isInteger(sets) || (sets & (sets - 1)) !== 0 || c.ways > 32) throw new Error(`cache of ${c.bytes} bytes / ${c.ways} ways needs a power-of-two set count and at most 32 ways`);
    this.ways = c.ways;
    this.mask = sets - 1;
    this.shift = 31 - Math.clz32(sets);
    this.full = c.ways >= 32 ? -1 : (1 << c.ways) - 1;
    this.latency = c.latency;
    this.tags = new Int32Array(lines).fill(-1);
    this.used = new Int32Array(sets);
  }
}

/** Placeholder for a level the CPU does not have (never probed). */
const NO_LEVEL = { bytes: LINE_BYTES, ways: 1, latency: 0 };

/**
 * L1/L2/L3/DRAM of one simulated core, from the preset. Every reference probes L1, then L2, then
 * L3 until one hits; a miss fills the line into the level (replacing a not-recently-used line of
 * its set). Tags within a set are unique (a tag is only written after it missed), so the scan order
 * does not matter. This is the simulator's hottest code: the three probes are written out in
 * access() with the geometry in fields, because V8 does not inline a probe function three times.
 */
export class MemoryHierarchy {
  private readonly t1: Int32Array;
  private readonly u1: Int32Array;
  private readonly w1: number;
  private readonly f1: number;
  private readonly m1: number;
  private readonly s1: number;
  private readonly t2: Int32Array;
  private readonly u2: Int32Array;
  private readonly w2: number;
  private readonly f2: number;
  private readonly m2: number;
  private readonly s2: number;
  private readonly t3: Int32Array;
  private readonly u3: Int32Array;
  private readonly w3: number;
  private readonly f3: number;
  private readonly m3: number;
  private readonly s3: number;
  private readonly has2: boolean;
  private readonly has3: boolean;
  private readonly lat1: number;
  private readonly lat2: number;
  private readonly lat3: number;
  private readonly latDram: number;
  /** References served by L1, L2, L3 and DRAM (statistics and tests). */
  readonly served = new Float64Array(4);

  constructor(preset: CpuPreset) {
    const m = preset.memory;
    const l1 = new CacheLevel(m.l1);
    const l2 = new CacheLevel(m.l2 ?? NO_LEVEL);
    const l3 = new CacheLevel(m.l3 ?? NO_LEVEL);
    [this.t1, this.u1, this.w1, this.f1, this.m1, this.s1] = [l1.tags, l1.used, l1.ways, l1.full, l1.mask, l1.shift];
    [this.t2, this.u2, this.w2, this.f2, this.m2, this.s2] = [l2.tags, l2.used, l2.ways, l2.full, l2.mask, l2.shift];
    [this.t3, this.u3, this.w3, this.f3, this.m3, this.s3] = [l3.tags, l3.used, l3.ways, l3.full, l3.mask, l3.shift];
    this.has2 = !!m.l2;
    this.has3 = !!m.l3;
    this.lat1 = l1.latency;
    this.lat2 = m.l2 ? l2.latency : m.dramLatency;
    this.lat3 = m.l3 ? l3.latency : m.dramLatency;
    this.latDram = m.dramLatency;
  }

  /**
   * Latency in cycles of one reference to host-physical frame `hpfn`, byte `offset` within it;
   * fills the line into every level on the way.
   */
  access(hpfn: number, offset: number): number {
    const line = (hpfn << 6) | ((offset >>> 6) & 63);
    {
      const tags = this.t1;
      const used = this.u1;
      const full = this.f1;
      const set = line & this.m1;
      const tag = line >>> this.s1;
      const b = set * this.w1;
      const end = b + this.w1;
      let i = b;
      while (i < end && tags[i] !== tag) i++;
      const u = used[set];
      const way = i < end ? i - b : 31 - Math.clz32(~u & full & -(~u & full));
      const n = u | (1 << way);
      used[set] = (n & full) === full ? 1 << way : n;
      if (i < end) {
        this.served[0]++;
        return this.lat1;
      }
      tags[b + way] = tag;
    }
    if (this.has2) {
      const tags = this.t2;
      const used = this.u2;
      const full = this.f2;
      const set = line & this.m2;
      const tag = line >>> this.s2;
      const b = set * this.w2;
      const end = b + this.w2;
      let i = b;
      while (i < end && tags[i] !== tag) i++;
      const u = used[set];
      const way = i < end ? i - b : 31 - Math.clz32(~u & full & -(~u & full));
      const n = u | (1 << way);
      used[set] = (n & full) === full ? 1 << way : n;
      if (i < end) {
        this.served[1]++;
        return this.lat2;
      }
      tags[b + way] = tag;
    }
    if (this.has3) {
      const tags = this.t3;
      const used = this.u3;
      const full = this.f3;
      const set = line & this.m3;
      const tag = line >>> this.s3;
      const b = set * this.w3;
      const end = b + this.w3;
      let i = b;
      while (i < end && tags[i] !== tag) i++;
      const u = used[set];
      const way = i < end ? i - b : 31 - Math.clz32(~u & full & -(~u & full));
      const n = u | (1 << way);
      used[set] = (n & full) === full ? 1 << way : n;
      if (i < end) {
        this.served[2]++;
        return this.lat3;
      }
      tags[b + way] = tag;
    }
    this.served[3]++;
    return this.latDram;
  }
}
