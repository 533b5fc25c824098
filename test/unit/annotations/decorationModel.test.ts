/**
 * The decoration model on the SYNTHETIC index of fixture.ts: which lines are decorated, their exits,
 * host time, heat bucket and after-line text for each metric, filter and baseline. Expected values
 * are worked out by hand from the fixture (derivations next to each).
 */
import { strict as assert } from 'assert';
import {
  afterText,
  categoryFilter,
  fileDecorations,
  heatBucket,
  lineView,
  normalizeMetric,
  prepareIndex,
  type AnnotationOptions,
} from '../../../src/extension/annotations/decorationModel';
import { currentIndex } from './fixture';

const ALL_BUT_HLT = categoryFilter([]);
const opts = (o: Partial<AnnotationOptions> = {}): AnnotationOptions => ({ metric: 'exits', categories: ALL_BUT_HLT, ...o });

describe('annotations: decoration model', () => {
  it('reads the category setting: empty or unknown-only means all but hlt; unknown names are dropped', () => {
    assert.equal(ALL_BUT_HLT.size, 13);
    assert.equal(ALL_BUT_HLT.has('hlt'), false);
    assert.deepEqual([...categoryFilter(['cr3', 'nonsense', 'invlpg'])], ['cr3', 'invlpg']);
    assert.deepEqual([...categoryFilter(['nonsense'])].length, 13);
    assert.deepEqual([...categoryFilter(['hlt'])], ['hlt']);
    assert.equal(normalizeMetric('cycles'), 'cycles');
    assert.equal(normalizeMetric('bogus'), 'exits');
  });

  it('puts lines into heat buckets at 5 %, 20 % and 50 % of the hottest value', () => {
    assert.equal(heatBucket(0, 100), 0);
    assert.equal(heatBucket(5, 0), 0);
    assert.equal(heatBucket(4.99, 100), 1);
    assert.equal(heatBucket(5, 100), 2);
    assert.equal(heatBucket(19.99, 100), 2);
    assert.equal(heatBucket(20, 100), 3);
    assert.equal(heatBucket(50, 100), 4);
    assert.equal(heatBucket(100, 100), 4);
  });

  it('metric exits: decorates a.c:35 and a.c:37 (HLT-only a.c:40 is filtered out) with exact texts', () => {
    const prepared = prepareIndex(currentIndex(), opts());
    // Filtered line values: a.c:35 4801, a.c:37 2400, b.c:7 100 (a.c:40 is HLT only) → max 4801.
    assert.equal(prepared.maxValue, 4801);
    assert.equal(prepared.basis, 'exits');
    assert.deepEqual(fileDecorations(prepared, 'src/a.c'), [
      // 4801/4801 → 4; host time 2 400 000 + 500 ns.
      { line: 35, bucket: 4, exits: 4801, hostNs: 2_400_500, value: 4801, text: '⟲ 4,801 exits · #PF · 2.40 ms' },
      // 2400/4801 = 0.49989 → ≥ 0.2 → 3; two categories: the top one (invlpg 1600) is named with its count.
      { line: 37, bucket: 3, exits: 2400, hostNs: 4_800_000, value: 2400, text: '⟲ 2,400 exits · INVLPG 1,600 · 4.80 ms' },
    ]);
    // 100/4801 = 0.0208 → 1.
    assert.deepEqual(fileDecorations(prepared, 'src/b.c'), [{ line: 7, bucket: 1, exits: 100, hostNs: 300_000, value: 100, text: '⟲ 100 exits · MMIO · 300 µs' }]);
    assert.deepEqual(fileDecorations(prepared, 'src/none.c'), []);
  });

  it('metric hostTime: heat follows host time, the time leads the text', () => {
    const prepared = prepareIndex(currentIndex(), opts({ metric: 'hostTime' }));
    // Values: a.c:35 2 400 500 ns, a.c:37 4 800 000 ns, b.c:7 300 000 ns → max 4 800 000.
    assert.equal(prepared.basis, 'hostTime');
    assert.equal(prepared.maxValue, 4_800_000);
    const a = fileDecorations(prepared, 'src/a.c');
    // 2 400 500 / 4 800 000 = 0.5001 → 4.
    assert.deepEqual(a.map((d) => [d.line, d.bucket, d.value, d.text]), [
      [35, 4, 2_400_500, '⟲ 2.40 ms · 4,801 exits · #PF'],
      [37, 4, 4_800_000, '⟲ 4.80 ms · 2,400 exits · INVLPG 1,600'],
    ]);
    // 300 000 / 4 800 000 = 0.0625 → 2.
    assert.equal(fileDecorations(prepared, 'src/b.c')[0].bucket, 2);
  });

  it('metric cycles: host ns × cpuHz when the trace gives its clock, else "cycles n/a"', () => {
    // 2 400 500 ns × 3 GHz = 7 201 500 cycles → 7.2M.
    const known = fileDecorations(prepareIndex(currentIndex(), opts({ metric: 'cycles', cpuHz: 3e9 })), 'src/a.c');
    assert.equal(known[0].value, 7_201_500);
    assert.equal(known[0].text, '⟲ 7.2M cycles · 4,801 exits · #PF · 2.40 ms');
    const unknown = fileDecorations(prepareIndex(currentIndex(), opts({ metric: 'cycles' })), 'src/a.c');
    assert.equal(unknown[0].value, undefined);
    assert.equal(unknown[0].text, '⟲ cycles n/a · 4,801 exits · #PF · 2.40 ms');
    // Same ranking as host time: the buckets do not change with the clock.
    assert.deepEqual(unknown.map((d) => d.bucket), [4, 4]);
  });

  it('a category filter counts only those exits and apportions the time of mixed lines (≈)', () => {
    const prepared = prepareIndex(currentIndex(), opts({ categories: categoryFilter(['invlpg']) }));
    // Only a.c:37 has invlpg on a line: 1600 exits; time 4 800 000 × 1600/2400 = 3 200 000 ns.
    assert.equal(prepared.maxValue, 1600);
    assert.deepEqual(fileDecorations(prepared, 'src/a.c'), [{ line: 37, bucket: 4, exits: 1600, hostNs: 3_200_000, value: 1600, text: '⟲ 1,600 exits · INVLPG · ≈3.20 ms' }]);
    assert.deepEqual(fileDecorations(prepared, 'src/b.c'), []);
    const hlt = prepareIndex(currentIndex(), opts({ categories: categoryFilter(['hlt']) }));
    assert.deepEqual(fileDecorations(hlt, 'src/a.c').map((d) => d.text), ['⟲ 10 exits · HLT · 10.0 ms']);
  });

  it('with a baseline: a delta on every line, and a heat-less line for what only the baseline had', () => {
    const prepared = prepareIndex(currentIndex(true), opts());
    assert.deepEqual(fileDecorations(prepared, 'src/a.c').map((d) => [d.line, d.bucket, d.exits, d.text]), [
      // Baseline a.c:35 has 4000 → 4801 − 4000 = +801.
      [35, 4, 4801, '⟲ 4,801 exits · #PF · 2.40 ms · Δ +801'],
      // The baseline has nothing at a.c:37 → +2400.
      [37, 3, 2400, '⟲ 2,400 exits · INVLPG 1,600 · 4.80 ms · Δ +2,400'],
      // a.c:99: 20 exits in the baseline, none now.
      [99, 0, 0, '⟲ 0 exits · Δ −20'],
    ]);
  });

  it('says "host time n/a" and leaves time out when the trace has no exit-to-entry times', () => {
    const stats = currentIndex().line('src/a.c', 35)!;
    const v = lineView({ ...stats, totalNs: 0 }, ALL_BUT_HLT)!;
    assert.equal(afterText(v, { options: opts({ metric: 'hostTime' }), hasTime: false }), '⟲ host time n/a · 4,801 exits · #PF');
    assert.equal(afterText(v, { options: opts(), hasTime: false }), '⟲ 4,801 exits · #PF');
  });
});
