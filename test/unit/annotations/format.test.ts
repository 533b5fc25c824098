/** Number formats shared by decorations, hovers and the hot-sites view. */
import { strict as assert } from 'assert';
import { cyclesOf, formatCompact, formatCount, formatDelta, formatNs, formatPercent, formatRatio, symbolOffset } from '../../../src/extension/annotations/format';

describe('annotations: formats', () => {
  it('counts: exact with separators below 10 000, compact above', () => {
    assert.equal(formatCount(4801), '4,801');
    assert.equal(formatCompact(9999), '9,999');
    assert.equal(formatCompact(41_234), '41.2k');
    assert.equal(formatCompact(41_000), '41k');
    assert.equal(formatCompact(412_345), '412k');
    assert.equal(formatCompact(3_100_000), '3.1M');
    assert.equal(formatCompact(7_201_500), '7.2M');
    assert.equal(formatCompact(2.5e9), '2.5G');
  });

  it('times, shares, deltas, ratios, cycles', () => {
    assert.equal(formatNs(999), '999 ns');
    assert.equal(formatNs(1530), '1.53 µs');
    assert.equal(formatNs(3_100_000), '3.10 ms');
    assert.equal(formatNs(null), 'n/a');
    assert.equal(formatPercent(0.41317), '41.3 %');
    assert.equal(formatDelta(4800), '+4,800');
    assert.equal(formatDelta(-12_500, true), '−12.5k');
    assert.equal(formatDelta(0), '±0');
    assert.equal(formatRatio(null), 'new');
    assert.equal(formatRatio(1.20025), '1.20×');
    assert.equal(formatRatio(4801), '4,801×');
    assert.equal(cyclesOf(1000, 3e9), 3000);
    assert.equal(cyclesOf(1000, undefined), undefined);
    assert.equal(symbolOffset('clear_page', 0x1a), 'clear_page+0x1a');
  });
});
