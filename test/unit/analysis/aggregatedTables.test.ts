import { strict as assert } from 'assert';
import { guessIsaFromReasonNames, summarizeTables, type ReasonCategoryFn } from '../../../src/core/analysis/aggregatedTables';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import type { Category } from '../../../src/core/model/exit';
import type { AggregateRow, AggregateTable } from '../../../src/core/model/trace';

/**
 * The tables below are AggregateTable objects typed in by hand with the numbers of real fixtures
 * (test/fixtures/perf-kvm-stat-*.txt, kvm_stat-debugfs-*.txt), i.e. what a parser should emit for
 * them; the parsing itself is tested by the parser work and end to end in test/unit/cli.
 * The category mapping is a fixed test stub so these numbers do not move with the taxonomy.
 */
const STUB: Record<string, Category> = {
  MSR_WRITE: 'msr',
  EXTERNAL_INTERRUPT: 'interrupt',
  PREEMPTION_TIMER: 'interrupt',
  PENDING_INTERRUPT: 'interrupt',
  HLT: 'hlt',
  CPUID: 'cpuid',
  EPT_MISCONFIG: 'mmio',
  EPT_VIOLATION: 'ept',
  APIC_ACCESS: 'mmio',
  EXCEPTION_NMI: 'exception',
  IO_INSTRUCTION: 'io',
  CR_ACCESS: 'cr',
  npf: 'ept',
  hlt: 'hlt',
};
const stubCategory: ReasonCategoryFn = (_isa, name) => STUB[name] ?? 'other';

const row = (key: string, samples: number, avgUs?: number, minUs?: number, maxUs?: number): AggregateRow => ({
  key,
  samples,
  ...(avgUs !== undefined ? { avgUs } : {}),
  ...(minUs !== undefined ? { minUs, maxUs } : {}),
});

/** perf-kvm-stat-report-vmexit.blog-2020-09-28.txt (perf ~5.x, with Min/Max columns). */
const blog2020: AggregateTable = {
  event: 'vmexit',
  vcpu: 'all',
  line: 7,
  totalSamples: 25898,
  totalTimeUs: 68281638.61,
  rows: [
    row('MSR_WRITE', 9167, 3.0, 0.45, 9554.94),
    row('EXTERNAL_INTERRUPT', 5877, 2.43, 0.37, 1175.48),
    row('PREEMPTION_TIMER', 5728, 0.62, 0.51, 21.14),
    row('HLT', 2232, 30567.94, 0.56, 1001118.99),
    row('CPUID', 2160, 0.65, 0.4, 12.82),
    row('PAUSE_INSTRUCTION', 390, 8.27, 0.38, 1490.19),
    row('EPT_MISCONFIG', 303, 13.33, 1.04, 167.13),
    row('EOI_INDUCED', 37, 1.24, 0.62, 3.0),
    row('EXCEPTION_NMI', 4, 0.47, 0.42, 0.56),
  ],
};

/** perf-kvm-stat-report-vmexit-mmio-ioport.chinaunix-2013-perf3.7.txt: perf 3.7, no Min/Max; all VCPUs + VCPU 0. */
const perf37All: AggregateTable = {
  event: 'vmexit',
  vcpu: 'all',
  line: 15,
  totalSamples: 98202,
  rows: [
    row('APIC_ACCESS', 65381, 37.72),
    row('EXTERNAL_INTERRUPT', 16031, 79.11),
    row('CPUID', 5360, 4.5),
    row('HLT', 4496, 8360.34),
    row('EPT_VIOLATION', 2667, 5.49),
    row('PENDING_INTERRUPT', 2242, 5.25),
    row('EXCEPTION_NMI', 1332, 6.53),
    row('IO_INSTRUCTION', 383, 93.39),
    row('CR_ACCESS', 310, 6.1),
  ],
};
const perf37Mmio: AggregateTable = { event: 'mmio', vcpu: 'all', line: 36, rows: [row('0xfee00380:W', 58686, 4.95)] };
const perf37Vcpu0: AggregateTable = {
  event: 'vmexit',
  vcpu: 0,
  line: 71,
  rows: [
    row('HLT', 551, 9501.72),
    row('EXTERNAL_INTERRUPT', 1390, 94.8),
    row('APIC_ACCESS', 6186, 23.41),
    row('IO_INSTRUCTION', 17, 20.39),
    row('EXCEPTION_NMI', 94, 6.07),
    row('PENDING_INTERRUPT', 199, 5.48),
    row('CR_ACCESS', 52, 4.89),
    row('EPT_VIOLATION', 2057, 3.15),
    row('CPUID', 368, 2.82),
  ],
};

describe('aggregated tables: perf kvm stat', () => {
  it('counts the vmexit samples and times reasons from Avg/Min/Max (perf ≥ 3.13 columns)', () => {
    const p = summarizeTables([blog2020], undefined, stubCategory);
    assert.equal(p.isa, 'vmx'); // upper-case names
    assert.equal(p.exits, 25898); // 9167+5877+5728+2232+2160+390+303+37+4
    assert.equal(p.byReason.HLT, 2232);
    assert.deepEqual(Object.keys(p.byReason).slice(0, 3), ['MSR_WRITE', 'EXTERNAL_INTERRUPT', 'PREEMPTION_TIMER']);
    // HLT: 2232 × 30567.94 µs = 2232 × 30 567 940 ns.
    assert.deepEqual(p.timing.HLT, { count: 2232, totalNs: 68_227_642_080, minNs: 560, maxNs: 1_001_118_990, meanNs: 30_567_940, p50Ns: null, p95Ns: null, p99Ns: null });
    assert.equal(p.timing.MSR_WRITE.totalNs, 27_501_000); // 9167 × 3000
    assert.equal(p.byCategory.interrupt, 5877 + 5728);
    assert.equal(p.byCategory.other, 390 + 37); // PAUSE_INSTRUCTION, EOI_INDUCED under the stub
    assert.equal(p.timeByCategory.hlt, 68_227_642_080);
    // interrupt: EXTERNAL_INTERRUPT 5877 × 2430 + PREEMPTION_TIMER 5728 × 620; min of mins 370, max of maxes 1 175 480.
    assert.deepEqual(p.categoryTiming.interrupt, {
      count: 11605,
      totalNs: 5877 * 2430 + 5728 * 620,
      minNs: 370,
      maxNs: 1_175_480,
      meanNs: (5877 * 2430 + 5728 * 620) / 11605,
      p50Ns: null,
      p95Ns: null,
      p99Ns: null,
    });
    assert.equal(p.categoryTiming.ept.count, 0);
    assert.deepEqual(p.vcpus, []);
    assert.deepEqual(p.warnings, []);
  });

  it('counts the all-VCPU table, takes per-VCPU tables for perVcpu, and has null min/max without those columns', () => {
    const p = summarizeTables([perf37All, perf37Mmio, perf37Vcpu0], undefined, stubCategory);
    assert.equal(p.exits, 98202);
    assert.equal(p.byReason.APIC_ACCESS, 65381);
    assert.equal(p.byReason.CPUID, 5360); // not 5360 + 368
    assert.deepEqual(p.timing.APIC_ACCESS, { count: 65381, totalNs: 65381 * 37720, minNs: null, maxNs: null, meanNs: 37720, p50Ns: null, p95Ns: null, p99Ns: null });
    assert.equal(p.byCategory.mmio, 65381); // the mmio table is not an exit count
    assert.equal(p.byCategory.interrupt, 16031 + 2242);
    assert.deepEqual(p.vcpus, [0]);
    assert.equal(p.perVcpu[0].exits, 10914); // 551+1390+6186+17+94+199+52+2057+368
    // Σ samples × avg(ns) of the VCPU 0 rows.
    assert.equal(
      p.perVcpu[0].totalNs,
      551 * 9_501_720 + 1390 * 94_800 + 6186 * 23_410 + 17 * 20_390 + 94 * 6_070 + 199 * 5_480 + 52 * 4_890 + 2057 * 3_150 + 368 * 2_820,
    );
    assert.equal(p.perVcpu[0].byCategory.hlt, 551);
    assert.equal(p.perVcpu[0].byCategory.mmio, 6186);
  });

  it('sums disjoint per-VCPU tables when there is no all-VCPU table', () => {
    const v1: AggregateTable = { event: 'vmexit', vcpu: 1, line: 90, rows: [row('HLT', 10, 1), row('CPUID', 5, 2)] };
    const p = summarizeTables([perf37Vcpu0, v1], undefined, stubCategory);
    assert.equal(p.exits, 10914 + 15);
    assert.equal(p.byReason.HLT, 551 + 10);
    assert.deepEqual(p.vcpus, [0, 1]);
    assert.equal(p.timing.CPUID.totalNs, 368 * 2820 + 5 * 2000);
  });

  it('warns when several all-VCPU tables are present or a footer disagrees with its rows', () => {
    const again = { ...perf37All, line: 200 };
    const wrongFooter = { ...blog2020, totalSamples: 25000 };
    const p = summarizeTables([wrongFooter, again], undefined, stubCategory);
    assert.equal(p.exits, 25898);
    assert.deepEqual(
      p.warnings.map((w) => w.line),
      [200, 7],
    );
    assert.match(p.warnings[0].message, /2 vmexit tables for all VCPUs; counting the first \(line 7\)/);
    assert.match(p.warnings[1].message, /add up to 25898 samples but its footer says 25000/);
  });
});

describe('aggregated tables: kvm_stat', () => {
  /** kvm_stat-debugfs-mode.codeblueprint-blog-2017.txt (`kvm_stat -d`, Event/Total/Current). */
  const debugfs: AggregateTable = {
    event: 'kvm_stat',
    line: 2,
    rows: [
      ['exits', 705683003],
      ['irq_exits', 443033416],
      ['host_state_reload', 41607894],
      ['fpu_reload', 41607606],
      ['io_exits', 15393558],
      ['insn_emulation', 30019356],
      ['halt_exits', 204769],
      ['halt_attempted_poll', 116527],
      ['halt_wakeup', 89923],
      ['halt_successful_poll', 69359],
      ['pf_fixed', 27294],
      ['largepages', 25592],
      ['tlb_flush', 315],
      ['mmu_cache_miss', 213],
      ['mmu_shadow_zapped', 186],
      ['hypercalls', 144],
      ['signal_exits', 143],
      ['irq_injections', 116],
      ['pf_guest', 96],
      ['irq_window', 46],
      ['mmio_exits', 14],
      ['remote_tlb_flush', 2],
    ].map(([key, samples]) => ({ key: key as string, samples: samples as number })),
  };

  it('debugfs mode: exits from `exits`, honest counters to categories, the rest as other', () => {
    const p = summarizeTables([debugfs], undefined, stubCategory);
    assert.equal(p.exits, 705683003);
    assert.deepEqual(p.byReason, {});
    assert.equal(p.byCategory.interrupt, 443033416 + 46); // irq_exits + irq_window
    assert.equal(p.byCategory.io, 15393558);
    assert.equal(p.byCategory.hlt, 204769);
    assert.equal(p.byCategory.hypercall, 144);
    assert.equal(p.byCategory.mmio, 14);
    assert.equal(p.byCategory.pagefault, 0); // pf_guest/pf_fixed are not exit counts
    // 705 683 003 − (443 033 462 + 15 393 558 + 204 769 + 144 + 14) = 247 051 056
    assert.equal(p.byCategory.other, 247051056);
    assert.equal(
      Object.values(p.byCategory).reduce((a, b) => a + b, 0),
      p.exits,
    );
  });

  it('tracepoint mode: per-reason counts from kvm_exit(REASON) rows, remainder of kvm_exit as other', () => {
    // SYNTHETIC screen in the `kvm_stat -1` layout (no real capture of this mode in the fixtures).
    const screen: AggregateTable = {
      event: 'kvm_stat',
      line: 1,
      rows: [
        { key: 'kvm_entry', samples: 1000 },
        { key: 'kvm_exit', samples: 1000 },
        { key: '  kvm_exit(HLT)', samples: 600 },
        { key: 'kvm_exit(EPT_VIOLATION)', samples: 300 },
        { key: 'kvm_exit(IO_INSTRUCTION)', samples: 90 },
        { key: 'kvm_userspace_exit(IO)', samples: 90 },
      ],
    };
    const p = summarizeTables([screen], undefined, stubCategory);
    assert.equal(p.exits, 1000);
    assert.deepEqual(p.byReason, { HLT: 600, EPT_VIOLATION: 300, IO_INSTRUCTION: 90 });
    assert.equal(p.byCategory.hlt, 600);
    assert.equal(p.byCategory.other, 10);
    assert.equal(p.timing.HLT.count, 0);
    assert.equal(p.timing.HLT.meanNs, null);
  });

  it('uses the last of several screens and says so', () => {
    const first: AggregateTable = { event: 'kvm_stat', line: 1, rows: [{ key: 'kvm_exit(hlt)', samples: 5 }] };
    const last: AggregateTable = { event: 'kvm_stat', line: 30, rows: [{ key: 'kvm_exit(hlt)', samples: 8 }, { key: 'kvm_exit(npf)', samples: 2 }] };
    const p = summarizeTables([first, last], undefined, stubCategory);
    assert.equal(p.isa, 'svm'); // lower-case kernel SVM names
    assert.equal(p.exits, 10);
    assert.deepEqual(p.byCategory.ept, 2);
    assert.equal(p.warnings.length, 1);
    assert.equal(p.warnings[0].line, 30);
  });
});

describe('aggregated summary through SummaryBuilder', () => {
  it('fills every TraceSummary field from the tables, HLT apart', () => {
    const s = summarizeRecords({ format: 'perf-kvm-stat', records: [], tables: [blog2020] });
    assert.equal(s.aggregated, true);
    assert.equal(s.exits, 25898);
    assert.deepEqual(s.hlt, { exits: 2232, totalNs: 68_227_642_080 });
    assert.equal(s.overhead.exits, 25898 - 2232);
    const rows = blog2020.rows.filter((r) => r.key !== 'HLT');
    assert.equal(
      s.overhead.totalNs,
      rows.reduce((a, r) => a + r.samples * Math.round(r.avgUs! * 1000), 0),
    );
    assert.deepEqual(s.sites, []);
    assert.equal(s.siteCount, 0);
    assert.equal(s.timeline, null);
    assert.equal(s.startNs, null);
    assert.deepEqual(s.histograms, {});
    assert.deepEqual(s.tables, [blog2020]);
    assert.equal(s.byReason.EXCEPTION_NMI, 4);
  });

  it('guesses no ISA from hex-only keys', () => {
    assert.equal(guessIsaFromReasonNames(['0x4b']), 'unknown');
  });
});
