/**
 * The data-cache hierarchy every simulated memory reference goes through — data loads and stores
 * as well as page-walk references — so that a walk's cost depends on whether its page-table lines
 * are still cached, and a workload's data traffic evicts them, as on real hardware.
 * Inclusive, LRU, 64-byte lines, one core. Addresses are host-physical line numbers.
 */
import type { CpuPreset } from './costModel';

const LINE_BYTES = 64;

/**
 * One cache level: bit-PLRU replacement (see SetAssoc) — the simulator's hottest loop. Tags are
 * the line number without its set-index bits (host lines fit in 31 bits: host memory < 16 GB).
 */
class CacheLevel {
  private readonly ways: number;
  private readonly mask: number;
  private readonly shift: number;
  private readonly full: number;
  private readonly tags: Int32Array;
  private readonly used: Int32Array;

  constructor(bytes: number, ways: number) {
    const lines = bytes / LINE_BYTES;
    const sets = lines / ways;
    if (!Number.isInteger(sets) || (sets & (sets - 1)) !== 0 || ways > 32) throw new Error(`cache of ${bytes} bytes / ${ways} ways needs a power-of-two set count and at most 32 ways`);
    this.ways = ways;
    this.mask = sets - 1;
    this.shift = 31 - Math.clz32(sets);
    this.full = ways >= 32 ? -1 : (1 << ways) - 1;
    this.tags = new Int32Array(lines).fill(-1);
    this.used = new Int32Array(sets);
  }

  /** True on a hit; on a miss the line replaces a not-recently-used line of its set. */
  access(line: number): boolean {
    const set = line & this.mask;
    const tag = line >>> this.shift;
    const b = set * this.ways;
    const tags = this.tags;
    let way = -1;
    for (let i = b, end = b + this.ways; i < end; i++) {
      if (tags[i] === tag) {
        way = i - b;
        break;
      }
    }
    const u = this.used[set];
    if (way >= 0) {
      const n = u | (1 << way);
      this.used[set] = (n & this.full) === this.full ? 1 << way : n;
      return true;
    }
    const free = ~u & this.full;
    way = 31 - Math.clz32(free & -free);
    tags[b + way] = tag;
    const n = u | (1 << way);
    this.used[set] = (n & this.full) === this.full ? 1 << way : n;
    return false;
  }
}


/** L1/L2/L3/DRAM of one simulated core, from the preset. */
export class MemoryHierarchy {
  private readonly l1: CacheLevel;
  private readonly l2: CacheLevel | null;
  private readonly l3: CacheLevel | null;
  private readonly lat1: number;
  private readonly lat2: number;
  private readonly lat3: number;
  private readonly latDram: number;
  /** References served by L1, L2, L3 and DRAM (statistics and tests). */
  readonly served = new Float64Array(4);

  constructor(preset: CpuPreset) {
    const m = preset.memory;
    this.l1 = new CacheLevel(m.l1.bytes, m.l1.ways);
    this.l2 = m.l2 ? new CacheLevel(m.l2.bytes, m.l2.ways) : null;
    this.l3 = m.l3 ? new CacheLevel(m.l3.bytes, m.l3.ways) : null;
    this.lat1 = m.l1.latency;
    this.lat2 = m.l2 ? m.l2.latency : m.dramLatency;
    this.lat3 = m.l3 ? m.l3.latency : m.dramLatency;
    this.latDram = m.dramLatency;
  }

  /**
   * Latency in cycles of one reference to host-physical frame `hpfn`, byte `offset` within it;
   * fills the line into every level on the way.
   */
  access(hpfn: number, offset: number): number {
    const line = (hpfn << 6) | ((offset >>> 6) & 63);
    if (this.l1.access(line)) {
      this.served[0]++;
      return this.lat1;
    }
    if (this.l2 !== null && this.l2.access(line)) {
      this.served[1]++;
      return this.lat2;
    }
    if (this.l3 !== null && this.l3.access(line)) {
      this.served[2]++;
      return this.lat3;
    }
    this.served[3]++;
    return this.latDram;
  }
}
