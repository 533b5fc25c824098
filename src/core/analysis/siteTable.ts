/**
 * Per guest RIP ("site") aggregation: one Map entry and 64 bytes of counters per distinct RIP, nothing
 * per exit. Counting an exit touches that one record (sites are hit in random order while the parser
 * streams megabytes through the cache, so every extra cache line costs). What a site saw is kept as
 * counts per "pair" — a (reason, category) combination numbered by the caller — where the site's first
 * pair costs nothing extra (its count is the rest): an instruction nearly always exits for one reason
 * and category. Other pairs and vCPUs ≥ 32 go to side maps.
 */
import type { SiteSummary } from '../model/summary';
import { initTimingHeader, SITE_TIMING_LIMIT, SiteTimings, TIMING_HEADER_DOUBLES } from './siteTiming';

const INITIAL_CAPACITY = 1024;

// Per-site record, one 64-byte run of doubles (one cache line, where sites are hit at random): exits,
// host ns, the first pair, the vCPUs 0…31 as an int32 bit mask, and the site's timing header (min,
// max: siteTiming.ts). Exits of the first pair are the exits minus those of the other pairs,
// counted aside.
const EXITS = 0;
const TOTAL_NS = 1;
const FIRST_PAIR = 2;
const VCPU_MASK = 3;
const TIMING = 4;
const STRIDE = 8;
if (TIMING + TIMING_HEADER_DOUBLES > STRIDE) throw new Error('site record too short for its timing header');

/** Turns the per-pair counts of a site into its summary fields (reason names and categories). */
export type PairDescriber = (pairCounts: ReadonlyMap<number, number>) => Pick<SiteSummary, 'byCategory' | 'byReason'>;

/** Streaming per-RIP counters. */
export class SiteTable {
  private readonly index = new Map<string, number>();
  private readonly rips: string[] = [];
  private data = new Float64Array(INITIAL_CAPACITY * STRIDE);
  private readonly otherPairs = new Map<number, Map<number, number>>();
  private readonly highVcpus = new Map<number, Set<number>>();
  /** Host-time histograms of the first SITE_TIMING_LIMIT sites. */
  private readonly timings = new SiteTimings();

  /** Distinct RIPs seen. */
  get size(): number {
    return this.rips.length;
  }

  /** Index of `rip`'s site, or -1 when the RIP is new. */
  indexOf(rip: string): number {
    const i = this.index.get(rip);
    return i === undefined ? -1 : i;
  }

  /** The first pair of site `i`: the caller's shortcut to the aggregate an exit there most likely belongs to. */
  firstPair(i: number): number {
    return this.data[i * STRIDE + FIRST_PAIR];
  }

  /**
   * Counts one exit of `pair` at site `i`. `durationNs` is 0 for an exit with no measured time;
   * `vcpu` is -1 when unknown; `bucket` is the duration's histogram bucket (bucketIndex), -1 when
   * there is no measured time.
   */
  record(i: number, pair: number, durationNs: number, vcpu: number, bucket = -1): void {
    const d = this.data;
    const o = i * STRIDE;
    d[o + EXITS]++;
    d[o + TOTAL_NS] += durationNs;
    if (pair !== d[o + FIRST_PAIR]) this.addOtherPair(i, pair);
    if (vcpu >= 0) {
      if (vcpu < 32) d[o + VCPU_MASK] = d[o + VCPU_MASK] | (1 << vcpu);
      else this.addHighVcpu(i, vcpu);
    }
    if (bucket >= 0 && i < SITE_TIMING_LIMIT) this.timings.add(d, o + TIMING, i, bucket, durationNs);
  }

  /** Counts one exit at `rip` (lookup, insert when new, record). */
  add(rip: string, pair: number, durationNs: number, vcpu: number, bucket = -1): void {
    const i = this.indexOf(rip);
    this.record(i >= 0 ? i : this.insert(rip, pair), pair, durationNs, vcpu, bucket);
  }

  /** Adds a new site for `rip` (which must not be present yet) whose first pair is `pair`; returns its index. */
  insert(rip: string, pair: number): number {
    const i = this.rips.length;
    if ((i + 1) * STRIDE > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.index.set(rip, i);
    this.rips.push(rip);
    this.data[i * STRIDE + FIRST_PAIR] = pair;
    initTimingHeader(this.data, i * STRIDE + TIMING);
    return i;
  }

  private addOtherPair(i: number, pair: number): void {
    let m = this.otherPairs.get(i);
    if (!m) this.otherPairs.set(i, (m = new Map()));
    m.set(pair, (m.get(pair) ?? 0) + 1);
  }

  private addHighVcpu(i: number, vcpu: number): void {
    let s = this.highVcpus.get(i);
    if (!s) this.highVcpus.set(i, (s = new Set()));
    s.add(vcpu);
  }

  /**
   * The `limit` sites with most exits; ties go to more host time, then to the lower RIP string, so
   * the order is deterministic. A bounded heap keeps this O(sites · log limit) even for millions of RIPs.
   */
  top(limit: number, describe: PairDescriber): SiteSummary[] {
    const k = Math.max(0, Math.min(limit, this.rips.length));
    if (k === 0) return [];
    const d = this.data;
    // before(a, b): site a ranks ahead of site b.
    const before = (a: number, b: number): boolean => {
      const e = d[a * STRIDE + EXITS] - d[b * STRIDE + EXITS];
      if (e !== 0) return e > 0;
      const t = d[a * STRIDE + TOTAL_NS] - d[b * STRIDE + TOTAL_NS];
      if (t !== 0) return t > 0;
      return this.rips[a] < this.rips[b];
    };
    // Min-heap by rank of the best k so far: heap[0] is the weakest kept site.
    const heap: number[] = [];
    for (let i = 0; i < this.rips.length; i++) {
      if (heap.length < k) {
        heap.push(i);
        for (let at = heap.length - 1; at > 0; ) {
          const parent = (at - 1) >> 1;
          if (!before(heap[parent], heap[at])) break;
          [heap[at], heap[parent]] = [heap[parent], heap[at]];
          at = parent;
        }
      } else if (before(i, heap[0])) {
        heap[0] = i;
        for (let at = 0; ; ) {
          const l = 2 * at + 1;
          const r = l + 1;
          let weakest = at;
          if (l < heap.length && before(heap[weakest], heap[l])) weakest = l;
          if (r < heap.length && before(heap[weakest], heap[r])) weakest = r;
          if (weakest === at) break;
          [heap[at], heap[weakest]] = [heap[weakest], heap[at]];
          at = weakest;
        }
      }
    }
    heap.sort((a, b) => (before(a, b) ? -1 : 1));
    return heap.map((i) => this.site(i, describe));
  }

  private site(i: number, describe: PairDescriber): SiteSummary {
    const d = this.data;
    const o = i * STRIDE;
    const first = this.firstPair(i);
    let firstCount = d[o + EXITS];
    const others = this.otherPairs.get(i);
    if (others !== undefined) for (const count of others.values()) firstCount -= count;
    const pairs = new Map<number, number>([[first, firstCount]]);
    for (const [pair, count] of others ?? []) pairs.set(pair, count);
    const mask = d[o + VCPU_MASK] | 0;
    const vcpus: number[] = [];
    for (let v = 0; v < 32; v++) if ((mask >>> v) & 1) vcpus.push(v);
    for (const v of [...(this.highVcpus.get(i) ?? [])].sort((a, b) => a - b)) vcpus.push(v);
    const timing = i < SITE_TIMING_LIMIT ? this.timings.timing(d, o + TIMING, i, d[o + TOTAL_NS]) : undefined;
    return { rip: this.rips[i], exits: d[o + EXITS], totalNs: d[o + TOTAL_NS], ...describe(pairs), vcpus, ...(timing ? { timing } : {}) };
  }
}
