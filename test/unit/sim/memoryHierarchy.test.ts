/**
 * The cache hierarchy against a straightforward model of the same policy (per-level ways scanned
 * in order, bit-PLRU, fill on miss): the optimised probe must give the same latency for every
 * reference, for every CPU preset's geometry (including ways that are not a multiple of 4).
 */
import { strict as assert } from 'assert';
import { CPU_NAMES, type CpuPreset, getCpuPreset } from '../../../src/core/sim/costModel';
import { MemoryHierarchy } from '../../../src/core/sim/memoryHierarchy';
import { Xorshift128 } from '../../../src/core/sim/prng';

type Geometry = { bytes: number; ways: number; latency: number };

/** One level of the reference model: plain arrays, linear scans. */
class ModelLevel {
  private readonly sets: number;
  private readonly tags: number[][];
  private readonly used: number[];
  constructor(private readonly g: Geometry) {
    this.sets = g.bytes / 64 / g.ways;
    this.tags = Array.from({ length: this.sets }, () => new Array<number>(g.ways).fill(-1));
    this.used = new Array<number>(this.sets).fill(0);
  }
  /** True on a hit; fills on a miss. */
  probe(line: number): boolean {
    const set = line % this.sets;
    const tag = Math.floor(line / this.sets);
    const full = this.g.ways >= 32 ? -1 : (1 << this.g.ways) - 1;
    let way = this.tags[set].indexOf(tag);
    const hit = way >= 0;
    if (!hit) {
      way = 0;
      while ((this.used[set] >> way) & 1) way++;
      this.tags[set][way] = tag;
    }
    const n = this.used[set] | (1 << way);
    this.used[set] = (n & full) === full ? 1 << way : n;
    return hit;
  }
}

function model(preset: CpuPreset): (hpfn: number, offset: number) => number {
  const m = preset.memory;
  const levels = [m.l1, m.l2, m.l3].filter((g): g is Geometry => g !== null).map((g) => ({ level: new ModelLevel(g), latency: g.latency }));
  return (hpfn, offset) => {
    const line = hpfn * 64 + Math.floor(offset / 64);
    for (const l of levels) if (l.level.probe(line)) return l.latency;
    return m.dramLatency;
  };
}

function withGeometry(base: CpuPreset, l1: Geometry, l2: Geometry | null, l3: Geometry | null): CpuPreset {
  return { ...base, memory: { ...base.memory, l1, l2, l3 } };
}

describe('sim MemoryHierarchy', () => {
  const skylake = getCpuPreset('skylake');
  const presets: [string, CpuPreset][] = [
    ...CPU_NAMES.map((n): [string, CpuPreset] => [n, getCpuPreset(n)]),
    ['odd ways (3 / 6 / 5 — padded sets)', withGeometry(skylake, { bytes: 64 * 3 * 8, ways: 3, latency: 4 }, { bytes: 64 * 6 * 16, ways: 6, latency: 12 }, { bytes: 64 * 5 * 64, ways: 5, latency: 40 })],
    ['32-way L1, one level', withGeometry(skylake, { bytes: 64 * 32 * 4, ways: 32, latency: 3 }, null, null)],
  ];
  for (const [name, preset] of presets) {
    it(`gives the reference model's latency for every reference: ${name}`, () => {
      const caches = new MemoryHierarchy(preset);
      const expected = model(preset);
      const rng = new Xorshift128(7);
      const served = [0, 0, 0, 0];
      for (let i = 0; i < 40000; i++) {
        // Mostly a small hot set (hits at every level), some far frames (misses and evictions).
        const r = rng.below(100);
        const hpfn = 0x100000 + (r < 60 ? rng.below(16) : r < 90 ? rng.below(4096) : rng.below(1 << 20));
        const offset = rng.below(4096);
        const want = expected(hpfn, offset);
        assert.equal(caches.access(hpfn, offset), want, `reference ${i}`);
      }
      for (let k = 0; k < 4; k++) served[k] = caches.served[k];
      assert.equal(served.reduce((a, b) => a + b, 0), 40000);
    });
  }
});
