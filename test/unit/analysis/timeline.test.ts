import { strict as assert } from 'assert';
import { MAX_TIMELINE_BINS, TimelineBuilder } from '../../../src/core/analysis/timeline';

describe('TimelineBuilder', () => {
  it('is null before any exit', () => {
    assert.equal(new TimelineBuilder().result(), null);
  });

  it('counts exits in 1 µs bins from the first exit', () => {
    const tl = new TimelineBuilder();
    [1_000_000, 1_000_500, 1_001_500, 1_003_999].forEach((t) => tl.add(t));
    assert.deepEqual(tl.result(), { startNs: 1_000_000, binNs: 1000, counts: [2, 1, 0, 1] });
  });

  it('doubles the bin width instead of exceeding the bin limit', () => {
    const tl = new TimelineBuilder();
    // 5000 exits 1 µs apart would need 5000 bins: 1000 ns → 2000 (2500 bins) → 4000 ns (1250 bins of 4).
    for (let k = 0; k < 5000; k++) tl.add(k * 1000);
    const r = tl.result()!;
    assert.equal(r.binNs, 4000);
    assert.equal(r.counts.length, 1250);
    assert.ok(r.counts.every((c) => c === 4));
    assert.ok(r.counts.length <= MAX_TIMELINE_BINS);
  });

  it('skips times that are not finite numbers', () => {
    const tl = new TimelineBuilder();
    tl.add(NaN);
    tl.add(2000);
    tl.add(Infinity);
    tl.add(NaN);
    assert.deepEqual(tl.result(), { startNs: 2000, binNs: 1000, counts: [1] });
  });

  it('moves the start left for an exit earlier than the first one', () => {
    const tl = new TimelineBuilder();
    tl.add(10_000);
    tl.add(5_000);
    assert.deepEqual(tl.result(), { startNs: 5_000, binNs: 1000, counts: [1, 0, 0, 0, 0, 1] });
  });

  it('doubles while growing left when the shifted range would be too long', () => {
    const tl = new TimelineBuilder();
    tl.add(0);
    tl.add(1_499_500); // bin 1499 → 1500 bins in use
    tl.add(-1_000_000); // 1000 more bins on the left → 2500 > 2000 → width 2000 ns, shift 500
    const r = tl.result()!;
    assert.equal(r.startNs, -1_000_000);
    assert.equal(r.binNs, 2000);
    assert.equal(r.counts.length, 1250);
    assert.equal(r.counts[0], 1);
    assert.equal(r.counts[500], 1); // t = 0: (0 + 1e6) / 2000
    assert.equal(r.counts[1249], 1); // t = 1 499 500: 2 499 500 / 2000 = 1249.75
    assert.equal(r.counts.reduce((a, b) => a + b, 0), 3);
  });

  it('keeps a long trace bounded (2 s of exits every 1.1 µs)', () => {
    const tl = new TimelineBuilder();
    let n = 0;
    for (let t = 0; t < 2e9; t += 1100) {
      tl.add(t);
      n++;
    }
    const r = tl.result()!;
    assert.ok(r.counts.length <= MAX_TIMELINE_BINS);
    // 2e9 / 2000 bins = 1e6 ns per bin at least → the smallest power-of-two multiple of 1 µs is 1.024 ms.
    assert.equal(r.binNs, 1_024_000);
    assert.equal(r.counts.reduce((a, b) => a + b, 0), n);
  });
});
