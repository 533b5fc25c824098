import { strict as assert } from 'assert';
import { SiteTable, type PairDescriber } from '../../../src/core/analysis/siteTable';

/** Test describer: pair n stands for reason `R<n>` in category `other`. */
const describe_: PairDescriber = (counts) => {
  const byReason: Record<string, number> = {};
  let total = 0;
  for (const [pair, n] of counts) {
    if (n === 0) continue;
    byReason[`R${pair}`] = n;
    total += n;
  }
  return { byReason, byCategory: { other: total } };
};

describe('SiteTable (synthetic exits)', () => {
  it('selects the same top sites as a full sort, ties by host time then RIP', () => {
    const t = new SiteTable();
    const expected = new Map<string, { exits: number; totalNs: number }>();
    let x = 7;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 60000; i++) {
      const rip = '0x' + (0x1000 + Math.floor(rnd() ** 2 * 5000)).toString(16);
      const d = Math.floor(rnd() * 3) * 100; // few distinct times → many ties
      t.add(rip, 0, d, 0);
      const e = expected.get(rip) ?? { exits: 0, totalNs: 0 };
      e.exits++;
      e.totalNs += d;
      expected.set(rip, e);
    }
    const full = [...expected.entries()]
      .sort((a, b) => b[1].exits - a[1].exits || b[1].totalNs - a[1].totalNs || (a[0] < b[0] ? -1 : 1))
      .map(([rip, e]) => [rip, e.exits, e.totalNs]);
    assert.equal(t.size, expected.size);
    for (const k of [1, 7, 50, 500]) assert.deepEqual(t.top(k, describe_).map((s) => [s.rip, s.exits, s.totalNs]), full.slice(0, k), `top ${k}`);
    assert.equal(t.top(1_000_000, describe_).length, expected.size);
    assert.deepEqual(t.top(0, describe_), []);
  });

  it('counts the first pair inline and later pairs aside, and every vCPU 0…31 plus higher ones', () => {
    const t = new SiteTable();
    t.add('0x10', 3, 500, 31);
    t.add('0x10', 3, 20, 0);
    t.add('0x10', 5, 80, 33);
    t.add('0x10', 5, 0, -1);
    t.add('0x10', 3, 0, 31);
    const i = t.indexOf('0x10');
    assert.equal(t.firstPair(i), 3);
    assert.equal(t.indexOf('0x11'), -1);
    assert.deepEqual(t.top(1, describe_), [{ rip: '0x10', exits: 5, totalNs: 600, byReason: { R3: 3, R5: 2 }, byCategory: { other: 5 }, vcpus: [0, 31, 33] }]);
    const all = new SiteTable();
    for (let v = 0; v < 32; v++) all.add('0x20', 0, 1, v);
    assert.deepEqual(all.top(1, describe_)[0].vcpus, Array.from({ length: 32 }, (_, v) => v));
  });
});
