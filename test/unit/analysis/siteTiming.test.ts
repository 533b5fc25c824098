import { strict as assert } from 'assert';
import { bucketIndex } from '../../../src/core/analysis/histogram';
import { COARSE_BUCKETS, COARSE_SHIFT, SiteTimings as Timings, TIMING_HEADER_DOUBLES, coarseLowerBound, initTimingHeader, siteTiming } from '../../../src/core/analysis/siteTiming';

/** Timings with the per-site headers a site table would keep for them (one record per site). */
class SiteTimings {
  private readonly timings = new Timings();
  private readonly headers = new Float64Array(10_000 * TIMING_HEADER_DOUBLES);
  constructor() {
    for (let i = 0; i < 10_000; i++) initTimingHeader(this.headers, i * TIMING_HEADER_DOUBLES);
  }
  add(i: number, bucket: number, ns: number): void {
    this.timings.add(this.headers, i * TIMING_HEADER_DOUBLES, i, bucket, ns);
  }
  timing(i: number, totalNs: number) {
    return this.timings.timing(this.headers, i * TIMING_HEADER_DOUBLES, i, totalNs);
  }
}

/** What SiteTimings must equal: a plain full coarse histogram per site, with min, max and total. */
class Reference {
  private readonly sites = new Map<number, { counters: Uint32Array; min: number; max: number; total: number }>();
  add(i: number, ns: number): void {
    let s = this.sites.get(i);
    if (!s) this.sites.set(i, (s = { counters: new Uint32Array(COARSE_BUCKETS), min: Infinity, max: -Infinity, total: 0 }));
    s.counters[bucketIndex(ns) >> COARSE_SHIFT]++;
    s.min = Math.min(s.min, ns);
    s.max = Math.max(s.max, ns);
    s.total += ns;
  }
  timing(i: number) {
    const s = this.sites.get(i);
    return s && siteTiming(s.counters, 0, s.total, s.min, s.max);
  }
  total(i: number): number {
    return this.sites.get(i)?.total ?? 0;
  }
}

function feed(t: SiteTimings, ref: Reference, i: number, ns: number): void {
  t.add(i, bucketIndex(ns), ns);
  ref.add(i, ns);
}

describe('SiteTimings (per-site coarse histograms)', () => {
  it('equals a full histogram per site for times inside one window, at random sites', () => {
    const t = new SiteTimings();
    const ref = new Reference();
    let x = 11;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 50000; k++) feed(t, ref, Math.floor(rnd() * 3000), Math.round(400 * 2 ** (rnd() * 4)));
    for (const i of [0, 1, 17, 1500, 2999]) assert.deepEqual(t.timing(i, ref.total(i)), ref.timing(i), `site ${i}`);
  });

  it('keeps exact counts for a site whose times span more than the window (HLT: 1 µs … 1 s)', () => {
    const t = new SiteTimings();
    const ref = new Reference();
    // Starts in the middle so that times fall both below and above the first one's window.
    for (const ns of [100_000, 1_000, 1_000_000_000, 3, 100_000, 50_000_000, 1_000, 7]) feed(t, ref, 5, ns);
    const got = t.timing(5, ref.total(5));
    assert.deepEqual(got, ref.timing(5));
    assert.equal(got?.count, 8);
    assert.equal(got?.minNs, 3);
    assert.equal(got?.maxNs, 1_000_000_000);
    assert.deepEqual(got?.histogram.map(([lower]) => lower), [3, 7, 1_000, 100_000, 50_000_000, 1_000_000_000].map((ns) => coarseLowerBound(bucketIndex(ns) >> COARSE_SHIFT)));
  });

  it('keeps counting past 65,535 exits in one bucket', () => {
    const t = new SiteTimings();
    const ref = new Reference();
    for (let k = 0; k < 70_000; k++) feed(t, ref, 2, 1_000);
    feed(t, ref, 2, 2_000);
    const got = t.timing(2, ref.total(2));
    assert.deepEqual(got, ref.timing(2));
    assert.deepEqual(got?.histogram.map(([, n]) => n), [70_000, 1]);
  });

  it('has no timing for a site that never had a time', () => {
    const t = new SiteTimings();
    t.add(3, bucketIndex(500), 500);
    assert.equal(t.timing(0, 0), undefined);
    assert.equal(t.timing(4000, 0), undefined);
    assert.equal(t.timing(3, 500)?.p95Ns, 500);
  });
});
