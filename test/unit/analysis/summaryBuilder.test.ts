import { strict as assert } from 'assert';
import { SummaryBuilder, MAX_KEPT_TABLES, MAX_KEPT_WARNINGS } from '../../../src/core/analysis/summaryBuilder';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { CATEGORIES } from '../../../src/core/model/exit';
import { SITE_TIMING_LIMIT } from '../../../src/core/analysis/siteTiming';
import { rec } from './syntheticRecords';

/**
 * SYNTHETIC trace (hand-made records, not a capture). Durations d = entryNs − timeNs:
 *   #1 vcpu0 t=1000  d=500  EXCEPTION_NMI pagefault rip 0xa
 *   #2 vcpu0 t=2000  d=100  CR_ACCESS     cr3       rip 0xb
 *   #3 vcpu0 t=3000  d=7000 HLT           hlt       rip 0xc
 *   #4 vcpu0 t=11000 d=300  EXCEPTION_NMI pagefault rip 0xa
 *   #5 vcpu1 t=1200  d=50   CR_ACCESS     cr        rip 0xb
 *   #6 vcpu1 t=4000  (no entry) EPT_VIOLATION ept   rip 0xd
 *   #7 vcpu1 t=5000  d=20   EXCEPTION_NMI exception rip 0xa
 *   #8 (no vcpu) t=6000 d=10 IO_INSTRUCTION io      (no rip)
 */
function sample() {
  return [
    rec(1000, 'EXCEPTION_NMI', 'pagefault', { vcpu: 0, entryNs: 1500, rip: '0xa' }),
    rec(2000, 'CR_ACCESS', 'cr3', { vcpu: 0, entryNs: 2100, rip: '0xb' }),
    rec(3000, 'HLT', 'hlt', { vcpu: 0, entryNs: 10000, rip: '0xc' }),
    rec(11000, 'EXCEPTION_NMI', 'pagefault', { vcpu: 0, entryNs: 11300, rip: '0xa' }),
    rec(1200, 'CR_ACCESS', 'cr', { vcpu: 1, entryNs: 1250, rip: '0xb' }),
    rec(4000, 'EPT_VIOLATION', 'ept', { vcpu: 1, rip: '0xd' }),
    rec(5000, 'EXCEPTION_NMI', 'exception', { vcpu: 1, entryNs: 5020, rip: '0xa' }),
    rec(6000, 'IO_INSTRUCTION', 'io', { entryNs: 6010 }),
  ];
}

/** One SYNTHETIC CPUID exit at `rip` taking `d` ns. */
function timedExit(t: number, rip: number, d: number) {
  return [rec(t, 'CPUID', 'cpuid', { vcpu: 0, entryNs: t + d, rip: '0x' + rip.toString(16) })];
}

describe('SummaryBuilder on synthetic records', () => {
  const s = summarizeRecords({ format: 'perf-script', records: sample(), file: 'synthetic.txt' });

  it('counts per reason (most first) and per category (all categories present)', () => {
    assert.equal(s.format, 'perf-script');
    assert.equal(s.file, 'synthetic.txt');
    assert.equal(s.aggregated, false);
    assert.equal(s.isa, 'vmx');
    assert.equal(s.exits, 8);
    assert.deepEqual(Object.entries(s.byReason), [
      ['EXCEPTION_NMI', 3],
      ['CR_ACCESS', 2],
      ['EPT_VIOLATION', 1],
      ['HLT', 1],
      ['IO_INSTRUCTION', 1],
    ]);
    assert.deepEqual(Object.keys(s.byCategory), [...CATEGORIES]);
    assert.deepEqual(
      { ...s.byCategory },
      { pagefault: 2, ept: 1, mmio: 0, cr3: 1, cr: 1, invlpg: 0, io: 1, interrupt: 0, exception: 1, hlt: 1, msr: 0, cpuid: 0, hypercall: 0, other: 0 },
    );
    // EXCEPTION_NMI: 2 pagefault vs 1 exception; CR_ACCESS: cr3 1 vs cr 1 → tie goes to cr3 (earlier in display order).
    assert.deepEqual(s.reasonCategory, { EXCEPTION_NMI: 'pagefault', CR_ACCESS: 'cr3', EPT_VIOLATION: 'ept', HLT: 'hlt', IO_INSTRUCTION: 'io' });
  });

  it('times each reason from exit to entry with exact count/total/min/max/mean', () => {
    // EXCEPTION_NMI d = 500, 300, 20: p50 = 2nd value 300 → bucket [288,303] midpoint 296; p95/p99 = 500
    // (bucket [496,511] midpoint 504 clamped to max 500).
    assert.deepEqual(s.timing.EXCEPTION_NMI, { count: 3, totalNs: 820, minNs: 20, maxNs: 500, meanNs: 820 / 3, p50Ns: 296, p95Ns: 500, p99Ns: 500 });
    // CR_ACCESS d = 100, 50: p50 = 50 → [50,51] → 51; p95 = 100 → [100,103] → 102 clamped to 100.
    assert.deepEqual(s.timing.CR_ACCESS, { count: 2, totalNs: 150, minNs: 50, maxNs: 100, meanNs: 75, p50Ns: 51, p95Ns: 100, p99Ns: 100 });
    // The EPT_VIOLATION had no closing entry: counted as an exit, but it has no time.
    assert.deepEqual(s.timing.EPT_VIOLATION, { count: 0, totalNs: 0, minNs: null, maxNs: null, meanNs: null, p50Ns: null, p95Ns: null, p99Ns: null });
    assert.deepEqual(s.timing.HLT, { count: 1, totalNs: 7000, minNs: 7000, maxNs: 7000, meanNs: 7000, p50Ns: 7000, p95Ns: 7000, p99Ns: 7000 });
    assert.deepEqual(s.histograms.EXCEPTION_NMI, [
      [20, 1],
      [288, 1],
      [496, 1],
    ]);
    assert.deepEqual(s.histograms.EPT_VIOLATION, []);
  });

  it('times each category and reports HLT apart from the overhead', () => {
    assert.deepEqual(
      { ...s.timeByCategory },
      { pagefault: 800, ept: 0, mmio: 0, cr3: 100, cr: 50, invlpg: 0, io: 10, interrupt: 0, exception: 20, hlt: 7000, msr: 0, cpuid: 0, hypercall: 0, other: 0 },
    );
    // pagefault d = 500, 300: p50 = 300 → midpoint 296 clamped up to min 300.
    assert.deepEqual(s.categoryTiming.pagefault, { count: 2, totalNs: 800, minNs: 300, maxNs: 500, meanNs: 400, p50Ns: 300, p95Ns: 500, p99Ns: 500 });
    assert.equal(s.categoryTiming.ept.count, 0);
    assert.deepEqual(s.hlt, { exits: 1, totalNs: 7000 });
    // 800 + 100 + 50 + 20 + 10 = 980 ns over 7 exits.
    assert.deepEqual(s.overhead, { exits: 7, totalNs: 980 });
  });

  it('aggregates per vCPU (exits without a vCPU only count in the totals)', () => {
    assert.deepEqual(s.vcpus, [0, 1]);
    assert.equal(s.perVcpu.length, 2);
    assert.deepEqual(
      { vcpu: s.perVcpu[0].vcpu, exits: s.perVcpu[0].exits, totalNs: s.perVcpu[0].totalNs },
      { vcpu: 0, exits: 4, totalNs: 500 + 100 + 7000 + 300 },
    );
    assert.equal(s.perVcpu[0].byCategory.pagefault, 2);
    assert.equal(s.perVcpu[0].byCategory.cr3, 1);
    assert.equal(s.perVcpu[0].byCategory.hlt, 1);
    assert.deepEqual({ vcpu: s.perVcpu[1].vcpu, exits: s.perVcpu[1].exits, totalNs: s.perVcpu[1].totalNs }, { vcpu: 1, exits: 3, totalNs: 70 });
    assert.deepEqual([s.perVcpu[1].byCategory.cr, s.perVcpu[1].byCategory.ept, s.perVcpu[1].byCategory.exception], [1, 1, 1]);
  });

  it('lists sites by exits with their categories, reasons and vCPUs', () => {
    assert.equal(s.siteCount, 4);
    assert.deepEqual(s.sites, [
      // Per-site timing: coarse buckets of 4 fine ones, percentile at the bucket's midpoint clamped to [min, max].
      // 0xa d = 500, 300, 20. 20 → [20,23] → 22; 300 → [256,319] → 288 (p50); 500 → [448,511] → 480 (p95).
      {
        rip: '0xa', exits: 3, totalNs: 820, byCategory: { pagefault: 2, exception: 1 }, byReason: { EXCEPTION_NMI: 3 }, vcpus: [0, 1],
        timing: { count: 3, meanNs: 820 / 3, minNs: 20, maxNs: 500, p50Ns: 288, p95Ns: 480, histogram: [[20, 1], [256, 1], [448, 1]] },
      },
      // 0xb d = 100, 50: 50 → [48,55] → 52 (p50); 100 → [96,111] → 104, clamped to the max 100 (p95).
      {
        rip: '0xb', exits: 2, totalNs: 150, byCategory: { cr3: 1, cr: 1 }, byReason: { CR_ACCESS: 2 }, vcpus: [0, 1],
        timing: { count: 2, meanNs: 75, minNs: 50, maxNs: 100, p50Ns: 52, p95Ns: 100, histogram: [[48, 1], [96, 1]] },
      },
      // 0xc and 0xd both have 1 exit: more host time first. 7000 → [6144,7167] → 6656, clamped to 7000.
      {
        rip: '0xc', exits: 1, totalNs: 7000, byCategory: { hlt: 1 }, byReason: { HLT: 1 }, vcpus: [0],
        timing: { count: 1, meanNs: 7000, minNs: 7000, maxNs: 7000, p50Ns: 7000, p95Ns: 7000, histogram: [[6144, 1]] },
      },
      // The EPT_VIOLATION had no closing entry: no time, so no timing block.
      { rip: '0xd', exits: 1, totalNs: 0, byCategory: { ept: 1 }, byReason: { EPT_VIOLATION: 1 }, vcpus: [1] },
    ]);
  });

  it('keeps per-site timing for the first SITE_TIMING_LIMIT distinct RIPs only', () => {
    const records = [];
    for (let i = 0; i <= SITE_TIMING_LIMIT; i++) records.push(...timedExit(1000 * i, 0x1000 + i, 1000));
    const many = summarizeRecords({ format: 'perf-script', records, maxSites: SITE_TIMING_LIMIT + 1 });
    assert.equal(many.siteCount, SITE_TIMING_LIMIT + 1);
    const untimed = many.sites.filter((x) => x.timing === undefined).map((x) => x.rip);
    assert.deepEqual(untimed, ['0x' + (0x1000 + SITE_TIMING_LIMIT).toString(16)]);
    // 1000 ns → fine bucket [992,1023], coarse [896,1023] → midpoint 960, clamped to the one value 1000.
    assert.deepEqual(many.sites[0].timing, { count: 1, meanNs: 1000, minNs: 1000, maxNs: 1000, p50Ns: 1000, p95Ns: 1000, histogram: [[896, 1]] });
  });

  it('bounds the site list but still counts distinct RIPs', () => {
    const top2 = summarizeRecords({ format: 'perf-script', records: sample(), maxSites: 2 });
    assert.deepEqual(
      top2.sites.map((x) => x.rip),
      ['0xa', '0xb'],
    );
    assert.equal(top2.siteCount, 4);
  });

  it('spans start to the last exit or entry, with a timeline of exit times', () => {
    assert.equal(s.startNs, 1000);
    assert.equal(s.endNs, 11300); // entry of #4
    assert.equal(s.durationNs, 10300);
    // (t − 1000) / 1000 µs bins: #1,#5 → 0; #2 → 1; #3 → 2; #6 → 3; #7 → 4; #8 → 5; #4 → 10.
    assert.deepEqual(s.timeline, { startNs: 1000, binNs: 1000, counts: [2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1] });
    assert.deepEqual(s.warnings, []);
    assert.equal(s.warningCount, 0);
    assert.equal(s.tables, undefined);
  });
});

describe('SummaryBuilder edge cases (synthetic)', () => {
  it('keeps several reasons of one site, most first, and vCPUs past 31', () => {
    const s = summarizeRecords({
      format: 'ftrace',
      records: [
        rec(10, 'EPT_VIOLATION', 'ept', { vcpu: 40, rip: '0x1' }),
        rec(20, 'EPT_MISCONFIG', 'mmio', { vcpu: 3, rip: '0x1' }),
        rec(30, 'EPT_MISCONFIG', 'mmio', { vcpu: 40, rip: '0x1' }),
        rec(40, 'EPT_MISCONFIG', 'mmio', { vcpu: 5000, rip: '0x1' }),
      ],
    });
    assert.deepEqual(s.sites[0].byReason, { EPT_MISCONFIG: 3, EPT_VIOLATION: 1 });
    assert.deepEqual(Object.keys(s.sites[0].byReason), ['EPT_MISCONFIG', 'EPT_VIOLATION']);
    assert.deepEqual(s.sites[0].vcpus, [3, 40, 5000]);
    assert.deepEqual(s.vcpus, [3, 40, 5000]);
    assert.deepEqual(
      s.perVcpu.map((v) => [v.vcpu, v.exits]),
      [
        [3, 1],
        [40, 2],
        [5000, 1],
      ],
    );
  });

  it('ignores the time of an exit whose entry is earlier, with one warning naming the first line', () => {
    const s = summarizeRecords({
      format: 'ftrace',
      records: [rec(100, 'HLT', 'hlt', { entryNs: 90, line: 7 }), rec(200, 'HLT', 'hlt', { entryNs: 150, line: 9 }), rec(300, 'HLT', 'hlt', { entryNs: 310, line: 11 })],
    });
    assert.equal(s.exits, 3);
    assert.equal(s.timing.HLT.count, 1);
    assert.equal(s.timing.HLT.totalNs, 10);
    assert.equal(s.warningCount, 1);
    assert.equal(s.warnings[0].line, 7);
    assert.match(s.warnings[0].message, /^2 exit\(s\) closed by a kvm_entry earlier/);
  });

  it('keeps the first 1000 warnings and counts all', () => {
    const b = new SummaryBuilder();
    for (let i = 1; i <= 1005; i++) b.warning({ line: i, message: `bad line ${i}` });
    const s = b.finish('ftrace', 'x');
    assert.equal(s.warnings.length, MAX_KEPT_WARNINGS);
    assert.equal(s.warningCount, 1005);
    assert.deepEqual(s.warnings[999], { line: 1000, message: 'bad line 1000' });
    assert.equal(s.exits, 0);
    assert.equal(s.startNs, null);
    assert.equal(s.timeline, null);
    assert.equal(s.isa, 'unknown');
  });

  it('keeps at most 1000 tables but still counts the latest kvm_stat screen (synthetic screens)', () => {
    const b = new SummaryBuilder();
    for (let i = 1; i <= 1005; i++) b.table({ event: 'kvm_stat', line: i * 10, rows: [{ key: 'exits', samples: i * 100 }] });
    const s = b.finish('kvm-stat');
    assert.equal(s.tables!.length, MAX_KEPT_TABLES + 1);
    assert.equal(s.tables![MAX_KEPT_TABLES].line, 10050);
    assert.equal(s.exits, 100500); // the last screen's running total
    assert.equal(s.byCategory.other, 100500);
    assert.ok(s.warnings.some((w) => w.line === 10050 && /^5 more tables after the first 1000 were not kept/.test(w.message)));
  });

  it('takes the ISA and metadata from the header, and the majority ISA otherwise', () => {
    const svm = summarizeRecords({ format: 'ftrace', records: [rec(1, 'npf', 'ept', { isa: 'svm' }), rec(2, 'npf', 'ept', { isa: 'svm' }), rec(3, 'HLT', 'hlt')] });
    assert.equal(svm.isa, 'svm');
    const b = new SummaryBuilder();
    b.meta({ simulated: true, workload: 'forkwait' });
    b.meta({ paging: 'ept', isa: 'svm' });
    b.exit(rec(1, 'HLT', 'hlt'));
    const s = b.finish('exitlens-jsonl');
    assert.deepEqual(s.meta, { simulated: true, workload: 'forkwait', paging: 'ept', isa: 'svm' });
    assert.equal(s.isa, 'svm');
  });

  it('counts a record with an unknown category string as other rather than dropping it', () => {
    const s = summarizeRecords({ format: 'ftrace', records: [rec(1, 'WEIRD', 'bogus' as never)] });
    assert.equal(s.byCategory.other, 1);
    assert.equal(s.reasonCategory.WEIRD, 'other');
  });

  it('uses per-exit records, not tables, when a file has both (tables are kept)', () => {
    const table = { event: 'vmexit', vcpu: 'all' as const, rows: [{ key: 'HLT', samples: 99 }], line: 1 };
    const s = summarizeRecords({ format: 'perf-script', records: [rec(1, 'HLT', 'hlt')], tables: [table] });
    assert.equal(s.aggregated, false);
    assert.equal(s.exits, 1);
    assert.deepEqual(s.tables, [table]);
  });
});
