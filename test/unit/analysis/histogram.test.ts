import { strict as assert } from 'assert';
import {
  BUCKET_COUNT,
  bucketIndex,
  bucketLowerBound,
  bucketWidth,
  RELATIVE_ERROR,
  TimingAccumulator,
} from '../../../src/core/analysis/histogram';

describe('log-linear histogram buckets', () => {
  it('is exact for 0…31 ns and 16 buckets per power of two above', () => {
    assert.equal(bucketIndex(0), 0);
    assert.equal(bucketIndex(31), 31);
    // 32…63: width 2 → 32,33 share bucket 32; 34 starts bucket 33; 63 is bucket 32 + 15 = 47.
    assert.equal(bucketIndex(32), 32);
    assert.equal(bucketIndex(33), 32);
    assert.equal(bucketIndex(34), 33);
    assert.equal(bucketIndex(63), 47);
    assert.equal(bucketIndex(64), 48);
    // 1000 lies in [512,1024) (exponent 9, width 32): sub = 1000>>5 & 15 = 15 → 16 + 5·16 + 15 = 111.
    assert.equal(bucketIndex(1000), 111);
    assert.equal(bucketLowerBound(111), 992);
    assert.equal(bucketWidth(111), 32);
  });

  it('handles values past 2^32 ns (multi-second HLT exits) and clamps past 2^53', () => {
    // 2^32: exponent 32, sub 0 → 16 + 28·16 = 464, lower bound 16·2^28 = 2^32.
    assert.equal(bucketIndex(2 ** 32), 464);
    assert.equal(bucketLowerBound(464), 2 ** 32);
    assert.equal(bucketIndex(2 ** 32 - 1), 463);
    assert.equal(bucketIndex(2 ** 53 - 2), BUCKET_COUNT - 1);
    assert.equal(bucketIndex(2 ** 60), BUCKET_COUNT - 1);
    assert.equal(BUCKET_COUNT, 800);
  });

  it('every bucket holds exactly [lower, lower + width) and widths are ≤ 1/16 of the lower bound', () => {
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const lo = bucketLowerBound(i);
      const w = bucketWidth(i);
      assert.equal(bucketIndex(lo), i, `lower bound of ${i}`);
      assert.equal(bucketIndex(lo + w - 1), i, `upper end of ${i}`);
      if (i > 0) assert.equal(bucketLowerBound(i - 1) + bucketWidth(i - 1), lo, `buckets ${i - 1}/${i} are contiguous`);
      if (i >= 32) assert.ok(w / lo <= 1 / 16);
    }
    assert.equal(RELATIVE_ERROR, 1 / 32);
  });
});

describe('TimingAccumulator', () => {
  it('gives exact count/total/min/max/mean and percentiles within the stated error (values 1…100)', () => {
    const acc = new TimingAccumulator();
    for (let v = 1; v <= 100; v++) acc.add(v);
    const s = acc.stats();
    assert.equal(s.count, 100);
    assert.equal(s.totalNs, 5050);
    assert.equal(s.minNs, 1);
    assert.equal(s.maxNs, 100);
    assert.equal(s.meanNs, 50.5);
    // Nearest rank: p50 → 50th value = 50, in bucket [50,51] → midpoint round(50.5) = 51.
    // p95 → 95, in [92,95] → round(93.5) = 94. p99 → 99, in [96,99] → round(97.5) = 98.
    assert.equal(s.p50Ns, 51);
    assert.equal(s.p95Ns, 94);
    assert.equal(s.p99Ns, 98);
    for (const [got, truth] of [
      [s.p50Ns!, 50],
      [s.p95Ns!, 95],
      [s.p99Ns!, 99],
    ])
      assert.ok(Math.abs(got - truth) / truth <= RELATIVE_ERROR);
  });

  it('clamps percentiles to the exact min and max', () => {
    const acc = new TimingAccumulator();
    for (let i = 0; i < 1000; i++) acc.add(700);
    // 700 is in [672,703]; the midpoint 688 is clamped up to the only value.
    assert.deepEqual([acc.percentile(0.5), acc.percentile(0.99)], [700, 700]);
  });

  it('stays within the relative error on a wide seeded spread, incl. seconds-long exits', () => {
    let x = 12345;
    const values: number[] = [];
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // seeded LCG
      values.push(Math.floor(40 * 2 ** ((x / 2147483648) * 28))); // 40 ns … ~10 s, log-uniform
    }
    const acc = new TimingAccumulator();
    for (const v of values) acc.add(v);
    values.sort((a, b) => a - b);
    for (const p of [0.5, 0.95, 0.99]) {
      const truth = values[Math.ceil(p * values.length) - 1];
      const got = acc.percentile(p)!;
      assert.ok(Math.abs(got - truth) / truth <= RELATIVE_ERROR, `p${p * 100}: ${got} vs ${truth}`);
    }
    assert.equal(acc.stats().maxNs, values[values.length - 1]);
    assert.equal(acc.stats().minNs, values[0]);
  });

  it('lists the non-empty buckets sparsely, ascending', () => {
    const acc = new TimingAccumulator();
    [5, 5, 33, 1000, 1001].forEach((v) => acc.add(v));
    assert.deepEqual(acc.histogram(), [
      [5, 2],
      [32, 1],
      [992, 2],
    ]);
  });

  it('reports nulls when nothing was timed', () => {
    const s = new TimingAccumulator().stats();
    assert.deepEqual(s, { count: 0, totalNs: 0, minNs: null, maxNs: null, meanNs: null, p50Ns: null, p95Ns: null, p99Ns: null });
  });
});
