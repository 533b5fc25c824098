/**
 * SummaryBuilder.compactExit (the TraceSink fast path): an exit described by keys and numbers counts
 * exactly like the ExitRecord it stands for, also when both kinds arrive mixed and from two
 * dictionaries. SYNTHETIC exits (hand-made, not captured).
 */
import { strict as assert } from 'assert';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { SummaryBuilder } from '../../../src/core/analysis/summaryBuilder';
import { CATEGORIES, type Category, type ExitRecord, type Isa } from '../../../src/core/model/exit';
import type { CompactExit, ExitKeys } from '../../../src/core/model/trace';

/** A dictionary over fixed lists (what a parser's ExitKeyTable hands out). */
function dictionary(reasons: ReadonlyArray<readonly [string, Isa]>, rips: readonly string[]): ExitKeys {
  return { reasonName: (k) => reasons[k][0], reasonIsa: (k) => reasons[k][1], rip: (k) => rips[k] };
}

const REASONS: ReadonlyArray<readonly [string, Isa]> = [
  ['EXCEPTION_NMI', 'vmx'],
  ['CR_ACCESS', 'vmx'],
  ['HLT', 'vmx'],
  ['npf', 'svm'],
];
const RIPS = ['0xa', '0xb', '0xc'];

/** [reason key, category, site key, vcpu, timeNs, entryNs, line]; -1 = absent. */
const EXITS: ReadonlyArray<readonly [number, Category, number, number, number, number, number]> = [
  [0, 'pagefault', 0, 0, 1000, 1500, 1],
  [1, 'cr3', 1, 0, 2000, 2100, 2],
  [2, 'hlt', 2, 0, 3000, 10000, 3],
  [0, 'pagefault', 0, 0, 11000, 11300, 4],
  [1, 'cr', 1, 1, 1200, 1250, 5],
  [3, 'ept', 0, 1, 4000, -1, 6],
  [0, 'exception', 0, -1, 5000, 5020, 7],
  [2, 'hlt', -1, 2, 6000, 5990, 8],
];

function record([reason, category, site, vcpu, timeNs, entryNs, line]: (typeof EXITS)[number]): ExitRecord {
  return {
    isa: REASONS[reason][1],
    reasonName: REASONS[reason][0],
    category,
    timeNs,
    line,
    ...(site >= 0 ? { rip: RIPS[site] } : {}),
    ...(vcpu >= 0 ? { vcpu } : {}),
    ...(entryNs >= 0 ? { entryNs } : {}),
  };
}

function compact([reason, category, site, vcpu, timeNs, entryNs, line]: (typeof EXITS)[number]): CompactExit {
  return { reasonKey: reason, category: CATEGORIES.indexOf(category), siteKey: site, vcpu, timeNs, entryNs, line };
}

describe('SummaryBuilder.compactExit (synthetic exits)', () => {
  const expected = summarizeRecords({ format: 'perf-script', records: EXITS.map(record), file: 'synthetic' });

  it('counts like the ExitRecords the numbers stand for', () => {
    const b = new SummaryBuilder();
    const keys = dictionary(REASONS, RIPS);
    for (const e of EXITS) b.compactExit(keys, compact(e));
    const s = b.finish('perf-script', 'synthetic');
    assert.deepEqual(s, expected);
    // By hand: 8 exits; EXCEPTION_NMI 3 (2 pagefault, 1 exception), CR_ACCESS 2, HLT 2, npf 1 (svm);
    // 0xa has exits 1, 4, 6, 7 → 4 exits, 500 + 300 + 0 + 20 = 820 ns; line 8's entry is 10 ns early.
    assert.equal(s.exits, 8);
    assert.deepEqual(s.byReason, { EXCEPTION_NMI: 3, CR_ACCESS: 2, HLT: 2, npf: 1 });
    assert.deepEqual([s.sites[0].rip, s.sites[0].exits, s.sites[0].totalNs], ['0xa', 4, 820]);
    assert.deepEqual(s.sites[0].byReason, { EXCEPTION_NMI: 3, npf: 1 });
    assert.equal(s.siteCount, 3);
    assert.equal(s.isa, 'vmx');
    assert.deepEqual(s.warnings, [{ line: 8, message: '1 exit(s) closed by a kvm_entry earlier than the exit (first at this line); their host time is ignored' }]);
  });

  it('mixes with exit() and with a second dictionary whose keys mean other things', () => {
    const b = new SummaryBuilder();
    const keys = dictionary(REASONS, RIPS);
    // The second parser numbered its reasons and RIPs in reverse order.
    const reversed = dictionary([...REASONS].reverse(), [...RIPS].reverse());
    EXITS.forEach((e, i) => {
      if (i % 3 === 0) b.exit(record(e));
      else if (i % 3 === 1) b.compactExit(keys, compact(e));
      else {
        const c = compact(e);
        b.compactExit(reversed, { ...c, reasonKey: REASONS.length - 1 - c.reasonKey, siteKey: c.siteKey < 0 ? -1 : RIPS.length - 1 - c.siteKey });
      }
    });
    assert.deepEqual(b.finish('perf-script', 'synthetic'), expected);
  });
});
