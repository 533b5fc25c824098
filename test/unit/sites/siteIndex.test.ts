/**
 * The site index: file → line → exits, shares, baseline delta/ratio, unresolved groups, O(1) lookups
 * that survive JSON. Summaries and resolutions are SYNTHETIC; every expected number is worked out by
 * hand in the comments from the inputs above it.
 */
import { strict as assert } from 'assert';
import type { SiteSummary } from '../../../src/core/model/summary';
import { compareToBaseline, delta, ratio } from '../../../src/core/sites/compareMath';
import { buildSiteIndex, siteIndexFromData } from '../../../src/core/sites/siteIndex';
import { lineKey, siteMatchKey, symbolOffsetKey } from '../../../src/core/sites/siteKey';
import type { SymbolResolution } from '../../../src/core/symbols/symbolModel';
import { site, summaryWith } from './summaryFixture';

const lineAt = (rip: string, file: string, line: number, symbol: string, offset: number): SymbolResolution => ({ rip, precision: 'line', file, line, symbol, offset });
const symAt = (rip: string, symbol: string, offset: number): SymbolResolution => ({ rip, precision: 'symbol', symbol, offset });
const none = (rip: string): SymbolResolution => ({ rip, precision: 'none' });
const byRip = (...rs: SymbolResolution[]) => new Map(rs.map((r) => [r.rip, r]));

// Current trace: 1000 exits, 900 µs overhead + 100 µs HLT = 1 000 000 ns host time.
const current = summaryWith({
  file: 'traces/new.perf.txt',
  exits: 1000,
  overheadNs: 900_000,
  hltNs: 100_000,
  sites: [
    site('0x401000', 300, 300_000, 'pagefault', 'EXCEPTION_NMI', [0]),
    { rip: '0x401004', exits: 100, totalNs: 50_000, byCategory: { pagefault: 60, cr3: 40 }, byReason: { EXCEPTION_NMI: 60, CR_ACCESS: 40 }, vcpus: [1] },
    site('0x401010', 200, 100_000, 'cr3', 'CR_ACCESS', [1, 0]),
    site('0x402008', 50, 5_000, 'io', 'IO_INSTRUCTION', [0]),
    site('0x402010', 30, 3_000, 'io', 'IO_INSTRUCTION', [0]),
    site('0x999000', 20, 2_000, 'other', 'EPT_MISCONFIG', [2]),
  ],
});
const currentRes = byRip(
  lineAt('0x401000', 'src/w.c', 42, 'forkwait', 0),
  lineAt('0x401004', 'src/w.c', 42, 'forkwait', 4),
  lineAt('0x401010', 'src/w.c', 43, 'forkwait', 16),
  symAt('0x402008', 'child', 8),
  symAt('0x402010', 'child', 16),
  none('0x999000'),
);

// Baseline: a relocated build (every RIP moved), 500 exits.
const baseline = summaryWith({
  file: 'traces/old.perf.txt',
  exits: 500,
  overheadNs: 400_000,
  hltNs: 0,
  sites: [
    site('0x501000', 100, 90_000, 'pagefault', 'EXCEPTION_NMI', [0]),
    site('0x501020', 80, 40_000, 'cr3', 'CR_ACCESS', [0]),
    site('0x502008', 25, 2_500, 'io', 'IO_INSTRUCTION', [0]),
    site('0x502100', 5, 500, 'io', 'IO_INSTRUCTION', [0]),
    site('0x999000', 7, 700, 'other', 'EPT_MISCONFIG', [0]),
    site('0x503000', 9, 900, 'msr', 'MSR_WRITE', [0]),
  ],
});
const baselineRes = byRip(
  lineAt('0x501000', 'src/w.c', 42, 'forkwait', 0),
  lineAt('0x501020', 'src/w.c', 44, 'forkwait', 32),
  symAt('0x502008', 'child', 8),
  symAt('0x502100', 'child', 0x100),
  none('0x999000'),
  symAt('0x503000', 'gone_fn', 0),
);

describe('sites/compareMath', () => {
  it('delta = B − A and ratio = B / A with A the baseline; ratio null when A = 0', () => {
    assert.equal(delta(10, 25), 15);
    assert.equal(delta(25, 10), -15);
    assert.equal(ratio(10, 25), 2.5);
    assert.equal(ratio(0, 5), null);
    assert.equal(ratio(0, 0), null);
    assert.equal(ratio(8, 0), 0);
    assert.deepEqual(compareToBaseline(100, 400), { exits: 100, delta: 300, ratio: 4 });
  });
});

describe('sites/siteKey', () => {
  it('matches by file:line first, then symbol+offset, never by raw address', () => {
    assert.equal(siteMatchKey({ file: 'a.c', line: 3, symbol: 'f', offset: 1 }), lineKey('a.c', 3));
    assert.equal(siteMatchKey({ symbol: 'f', offset: 0x1a }), 'sym:f+0x1a');
    assert.equal(siteMatchKey({ symbol: 'f', offset: 0x1a }), symbolOffsetKey('f', 26));
    assert.equal(siteMatchKey({ symbol: 'f' }), undefined);
    assert.equal(siteMatchKey({}), undefined);
  });
});

describe('sites/siteIndex', () => {
  it('aggregates the RIPs of a line: counts, categories, reasons, vCPUs, share, mean', () => {
    const index = buildSiteIndex({ summary: current, resolutions: currentRes });
    // Line 42 = 0x401000 (300 exits, 300 000 ns) + 0x401004 (100 exits, 50 000 ns).
    assert.deepEqual(index.line('src/w.c', 42), {
      exits: 400,
      totalNs: 350_000,
      share: 0.4, // 400 / 1000
      timeShare: 0.35, // 350 000 / 1 000 000
      byCategory: { pagefault: 360, cr3: 40 },
      byReason: { EXCEPTION_NMI: 360, CR_ACCESS: 40 },
      vcpus: [0, 1],
      rips: ['0x401000', '0x401004'],
      symbol: 'forkwait',
      meanNs: 875, // 350 000 / 400
    });
    assert.deepEqual(index.line('src/w.c', 43), {
      exits: 200, totalNs: 100_000, share: 0.2, timeShare: 0.1, byCategory: { cr3: 200 }, byReason: { CR_ACCESS: 200 },
      vcpus: [0, 1], rips: ['0x401010'], symbol: 'forkwait', meanNs: 500,
    });
    assert.equal(index.line('src/w.c', 44), undefined);
    assert.equal(index.line('src/other.c', 42), undefined);
    assert.equal(index.line('constructor', 1), undefined);
    assert.equal(index.file('src/w.c')!.exits, 600);
    assert.equal(index.file('src/w.c')!.totalNs, 450_000);
    assert.equal(index.maxLineExits, 400);
    assert.equal(index.exits, 1000);
    assert.equal(index.totalNs, 1_000_000);
    assert.equal(index.siteCount, 13);
    assert.equal(index.indexedSites, 6);
    assert.equal(index.trace, 'traces/new.perf.txt');
    assert.equal(index.baseline, undefined);
    assert.equal(index.line('src/w.c', 42)!.baseline, undefined);
  });

  it('groups sites without a line by symbol, else alone under their raw address', () => {
    const index = buildSiteIndex({ summary: current, resolutions: currentRes });
    assert.deepEqual(index.unresolved, [
      {
        key: 'child', symbol: 'child', exits: 80, totalNs: 8_000, share: 0.08,
        byCategory: { io: 80 }, byReason: { IO_INSTRUCTION: 80 }, vcpus: [0],
        sites: [
          { rip: '0x402008', offset: 8, exits: 50, totalNs: 5_000, byCategory: { io: 50 } },
          { rip: '0x402010', offset: 16, exits: 30, totalNs: 3_000, byCategory: { io: 30 } },
        ],
      },
      {
        key: '0x999000', exits: 20, totalNs: 2_000, share: 0.02,
        byCategory: { other: 20 }, byReason: { EPT_MISCONFIG: 20 }, vcpus: [2],
        sites: [{ rip: '0x999000', exits: 20, totalNs: 2_000, byCategory: { other: 20 } }],
      },
    ]);
  });

  it('compares with a relocated baseline by file:line and symbol+offset, never by raw address', () => {
    const index = buildSiteIndex({ summary: current, resolutions: currentRes }, { summary: baseline, resolutions: baselineRes });
    assert.deepEqual(index.baseline, { trace: 'traces/old.perf.txt', exits: 500 });
    assert.deepEqual(index.line('src/w.c', 42)!.baseline, { exits: 100, delta: 300, ratio: 4 }); // 400 vs 100
    assert.deepEqual(index.line('src/w.c', 43)!.baseline, { exits: 0, delta: 200, ratio: null }); // new line
    // Line 44 only had exits in the baseline: present with 0 exits so the editor can show it went away.
    assert.deepEqual(index.line('src/w.c', 44), {
      exits: 0, totalNs: 0, share: 0, timeShare: 0, byCategory: {}, byReason: {}, vcpus: [], rips: [],
      baseline: { exits: 80, delta: -80, ratio: 0 },
    });
    assert.equal(index.file('src/w.c')!.exits, 600);
    assert.equal(index.maxLineExits, 400);

    const [child, raw, gone] = index.unresolved;
    assert.equal(child.key, 'child');
    assert.deepEqual(child.baseline, { exits: 30, delta: 50, ratio: 80 / 30 }); // 25 + 5 in the baseline
    assert.deepEqual(child.sites.map((s) => s.baseline), [
      { exits: 25, delta: 25, ratio: 2 }, // child+0x8: 50 vs 25
      { exits: 0, delta: 30, ratio: null }, // child+0x10 is new; child+0x100 matched nothing
    ]);
    assert.equal(raw.key, '0x999000');
    assert.equal(raw.baseline, undefined); // same raw address in both traces, still not compared
    assert.equal(raw.sites[0].baseline, undefined);
    assert.deepEqual(gone, {
      key: 'gone_fn', symbol: 'gone_fn', exits: 0, totalNs: 0, share: 0, byCategory: {}, byReason: {}, vcpus: [], sites: [],
      baseline: { exits: 9, delta: -9, ratio: 0 },
    });
    assert.equal(index.unresolved.length, 3);
  });

  it('is plain data: JSON and structuredClone keep the data, siteIndexFromData restores O(1) lookups', () => {
    const index = buildSiteIndex({ summary: current, resolutions: currentRes }, { summary: baseline, resolutions: baselineRes });
    const json = JSON.stringify(index);
    assert.ok(!json.includes('"line":'), 'lookup functions are not serialised');
    const parsed = JSON.parse(json);
    assert.deepEqual(Object.keys(parsed.files['src/w.c'].lines), ['42', '43', '44']);
    const back = siteIndexFromData(parsed);
    assert.deepEqual(back.line('src/w.c', 42), index.line('src/w.c', 42));
    assert.equal(JSON.stringify(back), json);
    const cloned = siteIndexFromData(structuredClone(index));
    assert.deepEqual(cloned.line('src/w.c', 44)!.baseline, { exits: 80, delta: -80, ratio: 0 });
    assert.equal(cloned.line('src/w.c', 45), undefined);
  });

  it('reads locations from already symbolised sites when no resolution map is given', () => {
    const sites: SiteSummary[] = current.sites.map((s) => {
      const r = currentRes.get(s.rip)!;
      return { ...s, ...(r.symbol ? { symbol: r.symbol, offset: r.offset } : {}), ...(r.file ? { file: r.file, line: r.line } : {}) };
    });
    const fromSites = buildSiteIndex({ summary: { ...current, sites } });
    const fromMap = buildSiteIndex({ summary: current, resolutions: currentRes });
    assert.equal(JSON.stringify(fromSites), JSON.stringify(fromMap));
  });

  it('uses the per-site timing block (mean over timed exits, p95 from its coarse histogram)', () => {
    const histogram: [number, number][] = [[256, 2], [448, 2]];
    const timed = { ...site('0x401000', 5, 2_000, 'pagefault', 'EXCEPTION_NMI', [0]), timing: { count: 4, meanNs: 500, minNs: 260, maxNs: 500, p50Ns: 288, p95Ns: 480, histogram } };
    const s = summaryWith({ exits: 5, overheadNs: 2_000, hltNs: 0, sites: [timed] });
    const index = buildSiteIndex({ summary: s, resolutions: byRip(lineAt('0x401000', 'a.c', 1, 'f', 0)) });
    assert.equal(index.line('a.c', 1)!.meanNs, 500); // 2000 ns over the 4 timed exits, not 5
    // Rank ⌈0.95 × 4⌉ = 4 falls in [448, 511]: midpoint 480.
    assert.equal(index.line('a.c', 1)!.p95Ns, 480);
  });

  it('merges the timing histograms of the RIPs that share a line', () => {
    const a = { ...site('0x401000', 3, 1_440, 'pagefault', 'EXCEPTION_NMI', [0]), timing: { count: 3, meanNs: 480, minNs: 450, maxNs: 500, p50Ns: 480, p95Ns: 480, histogram: [[448, 3]] as [number, number][] } };
    const b = { ...site('0x401004', 1, 7_000, 'cr3', 'CR_ACCESS', [1]), timing: { count: 1, meanNs: 7000, minNs: 7000, maxNs: 7000, p50Ns: 7000, p95Ns: 7000, histogram: [[6144, 1]] as [number, number][] } };
    const s = summaryWith({ exits: 4, overheadNs: 8_440, hltNs: 0, sites: [a, b] });
    const index = buildSiteIndex({ summary: s, resolutions: byRip(lineAt('0x401000', 'a.c', 1, 'f', 0), lineAt('0x401004', 'a.c', 1, 'f', 4)) });
    const l = index.line('a.c', 1)!;
    assert.equal(l.meanNs, 8_440 / 4);
    // 4 timed exits: rank ⌈3.8⌉ = 4 is b's, in [6144, 7167] → 6656 (inside the line's [450, 7000]).
    assert.equal(l.p95Ns, 6656);
  });

  it('has no shares to divide for an empty trace and no mean without host time', () => {
    const s = summaryWith({ exits: 0, overheadNs: 0, hltNs: 0, sites: [site('0x10', 3, 0, 'hlt', 'HLT', [0])] });
    const index = buildSiteIndex({ summary: s, resolutions: byRip(lineAt('0x10', 'a.c', 7, 'idle', 0)) });
    const l = index.line('a.c', 7)!;
    assert.equal(l.share, 0);
    assert.equal(l.timeShare, 0);
    assert.equal(l.meanNs, undefined);
  });
});
