/**
 * The synthetic fixtures (test/fixtures/synthetic-*.txt, hand-written and labelled so in their first
 * line): each covers formats and damage the real captures lack. Numbers derived by hand in comments.
 */
import { strict as assert } from 'assert';
import { at, countBy, durations, fixture, parseBytes, vcpus } from './helpers';

describe('synthetic fixtures', () => {
  it('perf script --ns: comm with spaces, pid/tid, flags, refinements, damage (synthetic-perf-script-ns-mixed)', () => {
    const r = parseBytes(fixture('synthetic-perf-script-ns-mixed.txt'));
    assert.equal(r.format, 'perf-script');
    // L2 is the simulated-trace header.
    assert.deepEqual(r.metas, [
      { simulated: true, workload: 'synthetic', paging: 'ept', cpu: 'skylake', pages: '4k', seed: 7, cpuHz: 3000000000, symbols: 'synthetic.syms.json' },
    ]);
    // L22 `rip 0xzz401d00` is garbage: warned, not counted.
    assert.deepEqual(r.warnings, [{ line: 22, message: "kvm_exit: 'rip' value is not hex; not counted" }]);
    // kvm_exit lines L3, L7, L10, L12, L16, L18, L20, (L22 damaged), L24, L28; L27 is kvm_nested_vmexit.
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), {
      '0x45': 1,
      CR_ACCESS: 1,
      EPT_VIOLATION: 1,
      EXCEPTION_NMI: 1,
      EXTERNAL_INTERRUPT: 1,
      HLT: 1,
      INVALID_STATE: 1,
      IO_INSTRUCTION: 1,
      MSR_WRITE: 1,
    });
    // EPT_VIOLATION + L5 kvm_mmio → mmio; CR_ACCESS info1 0x3 → cr3; intr_info 0x80000b0e → pagefault;
    // reason 0x45 (69, not in the VMX table) and INVALID_STATE → other.
    assert.deepEqual(countBy(r.records, (x) => x.category), { cr3: 1, hlt: 1, interrupt: 1, io: 1, mmio: 1, msr: 1, other: 2, pagefault: 1 });
    assert.deepEqual(vcpus(r.records), [0, 1]);
    // ns timestamps: L3 1000.000001500 → L6 .000002200 = 700; L7 .000003000 → L9 .000004250 = 1250;
    // L10 5000 → L11 5400 = 400; L12 6000 → L15 16200 = 10200; L16 17000 → L17 17333 = 333;
    // L18 18000 → L19 21000 = 3000; L20 22000 → L21 22500 = 500; L24 24000 → L26 24600 = 600;
    // L28 HLT: file ends first.
    assert.deepEqual(durations(r.records), [
      [3, 700],
      [7, 1250],
      [10, 400],
      [12, 10200],
      [16, 333],
      [18, 3000],
      [20, 500],
      [24, 600],
      [28, null],
    ]);
    const ept = at(r.records, 3);
    assert.equal(ept.timeNs, 1000000001500);
    assert.equal(ept.comm, 'CPU 0/KVM');
    assert.equal(ept.tid, 4000);
    assert.equal(ept.info1, '0x182');
    assert.deepEqual(ept.mmio, { gpa: '0xfee000b0', direction: 'write', length: 4 });
    // L4 (newest kvm_page_fault format) gives the GPA.
    assert.equal(ept.faultAddress, '0xfee000b0');
    // `CPU 1/KVM 3999/4001`: pid/tid, the tid is 4001.
    const cr3 = at(r.records, 7);
    assert.equal(cr3.tid, 4001);
    assert.equal(cr3.comm, 'CPU 1/KVM');
    assert.equal(cr3.hostCpu, 1);
    assert.deepEqual(cr3.cr, { cr: 3, access: 'write', value: '0x1234000' });
    // `reason EXTERNAL_INTERRUPT 0x4000000 rip`: a bus-lock flag printed after the name.
    assert.deepEqual(at(r.records, 10).reasonFlags, ['0x4000000']);
    assert.deepEqual(at(r.records, 20).reasonFlags, ['FAILED_VMENTRY']);
    // info1 0x3f80000 → port 0x3f8, OUT, 1 byte; L13 kvm_pio agrees; L14 userspace exit.
    const io = at(r.records, 12);
    assert.deepEqual(io.io, { port: 0x3f8, size: 1, direction: 'out' });
    assert.equal(io.userspaceExit, 'KVM_EXIT_IO');
    assert.equal(at(r.records, 16).reason, 0x45);
    // Gen 2: intr_info 0x80000b0e with error_code 0x2 (write to a not-present page); info1 = CR2.
    const pf = at(r.records, 18);
    assert.deepEqual(pf.exception, { vector: 14, type: 'hardware', errorCode: 2 });
    assert.equal(pf.faultAddress, '0x7f0000001000');
    assert.equal(pf.errorCode, 2);
    assert.deepEqual(at(r.records, 24).msr, { index: 0x6e0, direction: 'write' });
  });

  it('mail-pasted bare lines; an envelope cut by the author is a warning (synthetic-mail-bare-lines)', () => {
    const r = parseBytes(fixture('synthetic-mail-bare-lines.txt'));
    assert.equal(r.format, 'ftrace');
    // L16: `a.out-20024 [001] .... 2323301.1< truncated 49 characters >kvm_exit: reason EXCEPTION_NMI …`.
    // Its payload is whole but its time and thread are gone, so pairing it would be a guess: warned,
    // not counted. L19's prose mention of `kvm_exit:` is not a record and is ignored silently.
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].line, 16);
    assert.match(r.warnings[0].message, /unreadable text before the event/);
    // L7 CR_ACCESS (info 3 = MOV to CR3), L13 EXCEPTION_NMI (80000b0e = #PF), L17 HLT.
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { CR_ACCESS: 1, EXCEPTION_NMI: 1, HLT: 1 });
    assert.deepEqual(countBy(r.records, (x) => x.category), { cr3: 1, hlt: 1, pagefault: 1 });
    // Bare lines have no time: untimed, timeNs 0 (no earlier timestamp), no entryNs.
    for (const x of r.records) {
      assert.equal(x.untimed, true);
      assert.equal(x.timeNs, 0);
      assert.equal(x.entryNs, undefined);
      assert.equal(x.tid, undefined);
    }
    // L7 and L13 are closed by `kvm_entry: vcpu 0` (L9, L15) → vcpu 0; L17 HLT is never closed.
    assert.deepEqual(
      r.records.map((x) => [x.line, x.vcpu]),
      [
        [7, 0],
        [13, 0],
        [17, undefined],
      ],
    );
    assert.deepEqual(at(r.records, 7).cr, { cr: 3, access: 'write', value: '0x3a6e000' });
    // L14 kvm_page_fault `error_code 6` (%x) completes the gen-1 #PF: user | write, not present.
    assert.deepEqual(at(r.records, 13).exception, { vector: 14, type: 'hardware', errorCode: 6 });
    assert.equal(at(r.records, 13).faultAddress, '0x7f1234');
  });

  it('trace-cmd report in the libtraceevent plugin rendering on AMD (synthetic-trace-cmd-plugin-svm)', () => {
    const r = parseBytes(fixture('synthetic-trace-cmd-plugin-svm.txt'));
    assert.equal(r.format, 'trace-cmd');
    assert.deepEqual(r.warnings, []);
    // Plugin names map to the kernel's: EXIT_NPF → npf, EXIT_IOIO → io, EXIT_WRITE_CR3 → write_cr3,
    // EXIT_EXCP_PF → PF excp, UNKNOWN (165) → 0xa5 = buslock, EXIT_VMMCALL → hypercall, EXIT_HLT → hlt.
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { 'PF excp': 1, buslock: 1, hlt: 1, hypercall: 1, io: 1, npf: 1, write_cr3: 1 });
    // npf + L5 kvm_mmio → mmio.
    assert.deepEqual(countBy(r.records, (x) => x.category), { cr3: 1, hlt: 1, hypercall: 1, io: 1, mmio: 1, other: 1, pagefault: 1 });
    for (const x of r.records) assert.equal(x.isa, 'svm');
    // Exits print no vcpu: paired by thread (5120 runs vcpu 0, 5121 vcpu 1). L4 500.000110 → L6 .000120 = 10 µs;
    // L7 .000130 → L11 .000160 = 30 (L8's vcpu 1 entry is another thread); L9 .000135 → L12 .000170 = 35;
    // L13 .000180 → L15 .000190 = 10; L16 .000200 → L17 .000205 = 5; L19 .000220 → L20 .000226 = 6;
    // L21 .000300 → L22 .001300 = 1000. L18 (kvm_nested_vmexit) is ignored.
    assert.deepEqual(durations(r.records), [
      [4, 10000],
      [7, 30000],
      [9, 35000],
      [13, 10000],
      [16, 5000],
      [19, 6000],
      [21, 1000000],
    ]);
    assert.deepEqual(
      r.records.map((x) => [x.line, x.vcpu]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      [
        [4, 0],
        [7, 0],
        [9, 1],
        [13, 1],
        [16, 0],
        [19, 1],
        [21, 0],
      ],
    );
    // SVM npf: info2 is the GPA.
    assert.equal(at(r.records, 4).faultAddress, '0xfee000b0');
    // IOIO EXITINFO1 0x3f80010: port 0x3f8, SZ8 (bit 4) → 1 byte, type bit 0 clear → OUT.
    assert.deepEqual(at(r.records, 7).io, { port: 0x3f8, size: 1, direction: 'out' });
    // `rip 0xffffffff81000200 native_io_out+0x10 info …`: the plugin's function name is skipped.
    assert.equal(at(r.records, 7).rip, '0xffffffff81000200');
    assert.deepEqual(at(r.records, 9).cr, { cr: 3, access: 'write' });
    // PF intercept: EXITINFO1 = error code 4, EXITINFO2 = fault address.
    assert.deepEqual(at(r.records, 13).exception, { vector: 14, type: 'hardware', errorCode: 4 });
    assert.equal(at(r.records, 13).faultAddress, '0x7f0000002000');
    assert.equal(at(r.records, 16).reason, 165);
  });

  it('kvm_stat interactive screen with drill-down rows (synthetic-kvm_stat-tui-drilldown)', () => {
    const r = parseBytes(fixture('synthetic-kvm_stat-tui-drilldown.txt'));
    assert.equal(r.format, 'kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    const t = r.tables[0];
    // Header L4; ` Total  20000  600` is the footer → totalSamples.
    assert.equal(t.line, 4);
    assert.equal(t.totalSamples, 20000);
    assert.deepEqual(t.rows, [
      { key: 'kvm_exit', samples: 9000, samplesPct: 45, current: 300 },
      { key: 'kvm_exit(EPT_VIOLATION)', samples: 4000, samplesPct: 20, current: 100 },
      { key: 'kvm_exit(HLT)', samples: 3000, samplesPct: 15, current: 150 },
      { key: 'kvm_exit(IO_INSTRUCTION)', samples: 2000, samplesPct: 10, current: 50 },
      { key: 'kvm_entry', samples: 9000, samplesPct: 45, current: 300 },
      // The CurAvg/s cell is empty when nothing happened in the last interval.
      { key: 'kvm_userspace_exit', samples: 2000, samplesPct: 10 },
      { key: 'kvm_userspace_exit(IO)', samples: 2000, samplesPct: 10 },
    ]);
    // kvm_exit(EPT_VIOLATION) names a VMX-only reason.
    assert.deepEqual(r.metas, [{ isa: 'vmx' }]);
  });

  it('kvm_stat -1 batch rows (synthetic-kvm_stat-batch)', () => {
    const r = parseBytes(fixture('synthetic-kvm_stat-batch.txt'));
    assert.equal(r.format, 'kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    assert.equal(r.tables[0].line, 2);
    assert.deepEqual(
      r.tables[0].rows.map((x) => [x.key, x.samples, x.current]),
      [
        ['kvm_entry', 120345, 1203],
        ['kvm_exit', 120346, 1204],
        ['kvm_exit(HLT)', 40000, 400],
        ['kvm_exit(IOIO)', 30000, 300],
        ['kvm_exit(NPF)', 50346, 504],
        ['kvm_userspace_exit', 30000, 300],
      ],
    );
    // kvm_stat's own SVM names (IOIO, NPF) show the ISA.
    assert.deepEqual(r.metas, [{ isa: 'svm' }]);
  });

  it('kvm_stat -l log rows with a repeated banner (synthetic-kvm_stat-log)', () => {
    const r = parseBytes(fixture('synthetic-kvm_stat-log.txt'));
    assert.equal(r.format, 'kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    // Sums of the deltas over L3, L4, L6: kvm_entry 10+20+30 = 60; kvm_exit(EPT_VIOLATION) 6+15+21 = 42;
    // kvm_exit(HLT) 4+5+9 = 18; `current` is the last row.
    assert.deepEqual(r.tables[0], {
      event: 'kvm_stat',
      line: 2,
      rows: [
        { key: 'kvm_entry', samples: 60, current: 30 },
        { key: 'kvm_exit', samples: 60, current: 30 },
        { key: 'kvm_exit(EPT_VIOLATION)', samples: 42, current: 21 },
        { key: 'kvm_exit(HLT)', samples: 18, current: 9 },
      ],
    });
  });

  it('perf kvm stat with a 40-character key column and SVM names with spaces (synthetic-perf-kvm-stat-svm-wide)', () => {
    const r = parseBytes(fixture('synthetic-perf-kvm-stat-svm-wide.txt'));
    assert.equal(r.format, 'perf-kvm-stat');
    // L10 `msr 12x4 garbage` is inside the table and is no row.
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].line, 10);
    assert.deepEqual(
      r.tables.map((t) => [t.event, t.vcpu, t.totalSamples, t.totalTimeUs, t.line, t.rows.map((x) => x.key)]),
      [
        ['vmexit', 'all', 10000, 50000, 5, ['npf', 'PF excp', 'hlt']],
        ['msr', 'all', 1000, 1400, 16, ['0x6e0:W', '0x830:W']],
      ],
    );
    assert.deepEqual(r.tables[0].rows[1], { key: 'PF excp', samples: 3000, samplesPct: 30, timePct: 10, minUs: 0.8, maxUs: 40, avgUs: 1.67, stddevPct: 2.5 });
    assert.deepEqual(r.metas, [{ isa: 'svm' }]);
  });
});
