import * as assert from 'assert';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { compareSummaries } from '../../../src/core/compare';
import { activeCategories, categoryBars, deltaBars, octaveBins, timelinePoints } from '../../../src/core/compare/chartData';
import { metaFromHead } from '../../../src/core/compare/headMeta';
import { buildComparePayload, looksLikeComparePayload } from '../../../src/core/compare/payload';
import type { Category, ExitRecord } from '../../../src/core/model/exit';

// Synthetic records (not a capture).
function exits(n: number, reasonName: string, category: Category, ns: number, t0 = 0, gap = 10_000): ExitRecord[] {
  return Array.from({ length: n }, (_, i) => ({ timeNs: t0 + i * gap, entryNs: t0 + i * gap + ns, vcpu: 0, isa: 'vmx' as const, reasonName, rip: '0x401000', category, line: i + 1 }));
}

// A: 100 #PF (1 µs each), 10 MSR writes (2 µs), 50 I/O (3 µs). B: 5 #PF, 11 MSR writes, 50 I/O, 8 EPT violations (4 µs).
// Changes against A: pagefault −95 (−95 %), msr +1 (+10 %: a change at the band's edge), io 0, ept +8 (new).
const A = summarizeRecords({ format: 'perf-script', file: 'a.txt', records: [...exits(100, 'EXCEPTION_NMI', 'pagefault', 1000), ...exits(10, 'MSR_WRITE', 'msr', 2000), ...exits(50, 'IO_INSTRUCTION', 'io', 3000)] });
const B = summarizeRecords({
  format: 'perf-script',
  file: 'b.txt',
  records: [...exits(5, 'EXCEPTION_NMI', 'pagefault', 1000), ...exits(11, 'MSR_WRITE', 'msr', 2000), ...exits(50, 'IO_INSTRUCTION', 'io', 3000), ...exits(8, 'EPT_VIOLATION', 'ept', 4000)],
});
const c = compareSummaries([{ summary: A }, { summary: B }], { whatIf: false });

describe('compare chart data', () => {
  it('groups exits and host time per active category and trace', () => {
    assert.deepStrictEqual(activeCategories(c), ['pagefault', 'ept', 'io', 'msr']);
    assert.deepStrictEqual(categoryBars(c, 'exits'), { labels: ['pagefault', 'ept', 'io', 'msr'], values: [[100, 0, 50, 10], [5, 8, 50, 11]] });
    assert.deepStrictEqual(categoryBars(c, 'hostTime').values, [[100_000, 0, 150_000, 20_000], [5000, 32_000, 150_000, 22_000]]);
  });

  it('colours a change by sign, neutral below 10 %; a category new in B is always a change', () => {
    assert.deepStrictEqual(deltaBars(c, 1, 'exits'), [
      { category: 'pagefault', delta: -95, relative: -0.95, kind: 'down' },
      { category: 'ept', delta: 8, relative: null, kind: 'up' },
      { category: 'io', delta: 0, relative: 0, kind: 'neutral' },
      { category: 'msr', delta: 1, relative: 0.1, kind: 'up' },
    ]);
    assert.strictEqual(deltaBars(c, 1, 'exits', 0.11)[3].kind, 'neutral', '+10 % is inside an 11 % band');
  });

  it('turns timeline bins into exits per millisecond at each bin start', () => {
    assert.deepStrictEqual(timelinePoints({ startNs: 5_000_000, binNs: 2_000_000, counts: [4, 0, 10] }), [
      { x: 0, y: 2 },
      { x: 2, y: 0 },
      { x: 4, y: 5 },
    ]);
    assert.deepStrictEqual(timelinePoints(null), []);
  });

  it('regroups log-linear histogram buckets per power of two, contiguous across traces', () => {
    // Buckets [lowerNs, count]: 1000 and 1984 fall in [512, 1024) and [1024, 2048); 4096 in [4096, 8192).
    const bins = octaveBins([
      [
        [1000, 3],
        [1984, 2],
      ],
      undefined,
      [[4096, 7]],
    ]);
    assert.deepStrictEqual(bins.lowerNs, [512, 1024, 2048, 4096]);
    assert.deepStrictEqual(bins.counts, [[3, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 7]]);
    assert.deepStrictEqual(octaveBins([undefined]), { lowerNs: [], counts: [[]] });
  });

  it('builds a payload with per-trace timelines and the histograms of the reasons with the most host time', () => {
    const p = buildComparePayload([A, B], c, { histogramReasons: 2, generatedAt: 'now' });
    // Host time summed over traces: IO 300 µs, EXCEPTION_NMI 105 µs, MSR 42 µs, EPT_VIOLATION 32 µs.
    assert.deepStrictEqual(p.histogramReasons, ['IO_INSTRUCTION', 'EXCEPTION_NMI']);
    assert.deepStrictEqual(Object.keys(p.series[1].histograms).sort(), ['EXCEPTION_NMI', 'IO_INSTRUCTION']);
    assert.strictEqual(p.series[0].timeline, A.timeline);
    assert.strictEqual(p.title, 'a vs b');
    assert.ok(looksLikeComparePayload(JSON.parse(JSON.stringify(p))));
    assert.ok(!looksLikeComparePayload({ ...p, version: 2 }));
    assert.ok(!looksLikeComparePayload({ ...p, series: [] }));
  });

  it('reads build and paging labels from a trace head before parsing it', () => {
    assert.deepStrictEqual(metaFromHead('# exitlens-simulated: workload=forkwait paging=shadow cpu=skylake pages=4k seed=1 cpuHz=3000000000 symbols=fw-shadow.syms.json\n kvm...'), {
      simulated: true,
      workload: 'forkwait',
      paging: 'shadow',
      cpu: 'skylake',
      pages: '4k',
      seed: 1,
      cpuHz: 3e9,
      symbols: 'fw-shadow.syms.json',
    });
    assert.deepStrictEqual(metaFromHead('{"exitlens":"trace","version":1,"simulated":true,"workload":"gups","paging":"ept"}\n{"t":1}'), { simulated: true, workload: 'gups', paging: 'ept' });
    assert.deepStrictEqual(metaFromHead('# tracer: nop\n'), {});
    assert.deepStrictEqual(metaFromHead('{"t": 1, "reason": "HLT"}\n'), {});
  });
});
