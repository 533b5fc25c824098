/**
 * The real traces in test/fixtures (see each file's provenance line): exact counts per reason and
 * category, vCPUs and exit→entry times, worked out by hand from the text (derivations in comments;
 * "L12" = line 12 of the file).
 */
import { strict as assert } from 'assert';
import { at, countBy, durations, fixture, parseBytes, vcpus } from './helpers';

describe('real fixtures', () => {
  it('ftrace 2.6.3x, legacy lower-case VMX names (chinaunix 2013)', () => {
    const r = parseBytes(fixture('ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt'));
    assert.equal(r.format, 'ftrace');
    assert.deepEqual(r.warnings, []);
    // L6 `reason apic_access` (legacy name of 44) and L11 `reason io_instruction` (30): two exits.
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { APIC_ACCESS: 1, IO_INSTRUCTION: 1 });
    assert.deepEqual(countBy(r.records, (x) => x.reason), { '30': 1, '44': 1 });
    // APIC_ACCESS is mmio (and L7 kvm_mmio confirms it); port I/O is io.
    assert.deepEqual(countBy(r.records, (x) => x.category), { io: 1, mmio: 1 });
    // Both closed by `kvm_entry: vcpu 0` (L10, L13) on the same thread kvm-5664.
    assert.deepEqual(vcpus(r.records), [0]);
    // L6 11906.220181 → L10 11906.220185 = 4 µs; L11 .220188 → L13 .220193 = 5 µs.
    assert.deepEqual(durations(r.records), [
      [6, 4000],
      [11, 5000],
    ]);
    const apic = at(r.records, 6);
    assert.equal(apic.timeNs, 11906220181000);
    assert.equal(apic.tid, 5664);
    assert.equal(apic.comm, 'kvm');
    assert.equal(apic.hostCpu, 0);
    assert.equal(apic.isa, 'vmx');
    assert.equal(apic.rip, '0xc011518c');
    // L7 `kvm_mmio: mmio write len 4 gpa 0xfee000b0 val 0x0`.
    assert.deepEqual(apic.mmio, { gpa: '0xfee000b0', direction: 'write', length: 4 });
    // L12 `kvm_pio: pio_read at 0xc13e size 2 count 1` (2.6.3x: no val): 0xc13e = 49470, read = in.
    assert.deepEqual(at(r.records, 11).io, { port: 0xc13e, size: 2, direction: 'in' });
  });

  it('ftrace gen-2 kvm_exit with kvm_cr / kvm_msr / kvmmmu noise and prose (lkml 2023 cr0wp)', () => {
    const r = parseBytes(fixture('ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt'));
    assert.equal(r.format, 'ftrace');
    // The prose and the ASCII-art pointer line are ignored silently.
    assert.deepEqual(r.warnings, []);
    // kvm_exit lines: L2 CR_ACCESS, L21/L30/L33 EXTERNAL_INTERRUPT (vcpu 0), L35 CR_ACCESS, L41 CPUID,
    // L44 MSR_READ, L47 MSR_WRITE, L53 CR_ACCESS, L59 EXTERNAL_INTERRUPT (vcpu 1), L61 MSR_WRITE,
    // L67 LDTR_TR, L120 TRIPLE_FAULT: 13.
    assert.equal(r.records.length, 13);
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), {
      CPUID: 1,
      CR_ACCESS: 3,
      EXTERNAL_INTERRUPT: 4,
      LDTR_TR: 1,
      MSR_READ: 1,
      MSR_WRITE: 2,
      TRIPLE_FAULT: 1,
    });
    // CR_ACCESS qualifications 0x0 (CR0), 0x104 and 0x4 (CR4): none is CR3 → cr. LDTR_TR and
    // TRIPLE_FAULT → other.
    assert.deepEqual(countBy(r.records, (x) => x.category), { cpuid: 1, cr: 3, interrupt: 4, msr: 3, other: 2 });
    assert.deepEqual(countBy(r.records, (x) => x.vcpu), { '0': 3, '1': 10 });
    // vcpu 0 (thread 8396): L21 .389421→L27 .389435 = 14 µs; L30 .389448→L31 .389456 = 8 µs;
    // L33 .389462→L34 .389462 = 0. vcpu 1 (thread 8397): L2 .389366→L32 .389461 = 95 µs (thread 8396's
    // lines in between do not close it); L35 .389481→L40 .389491 = 10; L41 .389501→L43 .389501 = 0;
    // L44 .389509→L46 .389510 = 1; L47 .389517→L52 .389520 = 3; L53 .389536→L58 .389562 = 26;
    // L59 .389574→L60 .389583 = 9; L61 .389594→L66 .389595 = 1; L67 .389646→L119 .389711 = 65;
    // L120 TRIPLE_FAULT: no kvm_entry follows.
    assert.deepEqual(durations(r.records), [
      [2, 95000],
      [21, 14000],
      [30, 8000],
      [33, 0],
      [35, 10000],
      [41, 0],
      [44, 1000],
      [47, 3000],
      [53, 26000],
      [59, 9000],
      [61, 1000],
      [67, 65000],
      [120, null],
    ]);
    // L2 info1 0x0 = MOV to CR0, and L3 `kvm_cr: cr_write 0 = 0x80050033` gives the value.
    assert.deepEqual(at(r.records, 2).cr, { cr: 0, access: 'write', value: '0x80050033' });
    // L35 info1 0x104: bits 3:0 = 4, bits 5:4 = 0 (MOV to CR), bits 11:8 = 1 (rcx); L36 cr_write 4 = 0xb0.
    assert.deepEqual(at(r.records, 35).cr, { cr: 4, access: 'write', value: '0xb0' });
    assert.equal(at(r.records, 35).info1, '0x104');
    // L21 intr_info 0x800000fb: external interrupt, vector 0xfb.
    assert.equal(at(r.records, 21).intrInfo, 0x800000fb);
    // L45 `kvm_msr: msr_read c0000080 = 0xd01` (EFER).
    assert.deepEqual(at(r.records, 44).msr, { index: 0xc0000080, direction: 'read' });
    // L67's exit saw L108 `kvm_emulate_insn: 0:ffffffff810551b8:0f 00 d8 (prot64)` and L127 `#PF (0x3)`.
    const ltr = at(r.records, 67);
    assert.equal(ltr.emulatedInsn, '0f 00 d8');
    assert.equal(ltr.injectedException, '#PF (0x3)');
    assert.equal(ltr.comm, 'qemu-system-x86');
    assert.equal(ltr.tid, 8397);
    assert.equal(ltr.hostCpu, 2);
    assert.equal(ltr.timeNs, 1404389646000);
  });

  it('ftrace gen-1a SVM npf with mail-wrapped records (stable 2020 wanpengli)', () => {
    const r = parseBytes(fixture('ftrace-svm-npf-vcpu-oldinfo.stable-2020-07-08-wanpengli.txt'));
    assert.equal(r.format, 'ftrace');
    // L2/L4/L6 end in `rip` and continue on L3/L5/L7 (`0xfd11d info 100000014 fd000`): joined, so no
    // warning; the same for the wrapped `kvm_userspace_exit: reason` + `KVM_EXIT_INTERNAL_ERROR (17)`.
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { npf: 3 });
    assert.deepEqual(countBy(r.records, (x) => x.category), { ept: 3 });
    // vcpu 1, 2, 3 on threads 35787/8/9; no kvm_entry in the file: all emitted at the end, untimed exits.
    assert.deepEqual(vcpus(r.records), [1, 2, 3]);
    assert.deepEqual(durations(r.records), [
      [2, null],
      [4, null],
      [6, null],
    ]);
    for (const x of r.records) {
      assert.equal(x.isa, 'svm');
      assert.equal(x.reason, 0x400);
      assert.equal(x.rip, '0xfd11d');
      // SVM npf: info1 = exit_info_1 (#PF-style error code), info2 = exit_info_2 = the GPA.
      assert.equal(x.info1, '0x100000014');
      assert.equal(x.info2, '0xfd000');
      assert.equal(x.faultAddress, '0xfd000');
      assert.equal(x.userspaceExit, 'KVM_EXIT_INTERNAL_ERROR');
      assert.equal(x.timeNs, 2825959082000);
      // `kvm_emulate_insn: 0:fd11d: (prot32)` prints no instruction bytes.
      assert.equal(x.emulatedInsn, undefined);
    }
    assert.deepEqual(
      r.records.map((x) => [x.line, x.vcpu, x.tid, x.hostCpu, x.comm]),
      [
        [2, 1, 35787, 38, '<...>'],
        [4, 2, 35788, 37, '<...>'],
        [6, 3, 35789, 36, '<...>'],
      ],
    );
  });

  it('ftrace trace_pipe gen-1 #PF intercepts (kvm.c comment)', () => {
    const r = parseBytes(fixture('ftrace-trace_pipe-kvm.c-comment-minimal-kvm-program.txt'));
    assert.equal(r.format, 'ftrace');
    assert.deepEqual(r.warnings, []);
    // Five `kvm_exit: reason EXCEPTION_NMI` (L9, L12, L16, L23, L29); L9's line is complete in this
    // copy of the fixture (see synthetic-mail-bare-lines.txt for an envelope cut by an author).
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { EXCEPTION_NMI: 5 });
    // Gen-1 VMX: info2 is the interruption info. 0x80000b0e = valid | error code | type 3 (hardware) |
    // vector 14 → pagefault (L9, L12, L16, L23); 0x80000b0d = vector 13 (#GP) → exception (L29).
    assert.deepEqual(countBy(r.records, (x) => x.category), { exception: 1, pagefault: 4 });
    assert.deepEqual(vcpus(r.records), [0]);
    // L9 2323301.154940 → L11 .154952 = 12 µs; L12 .154954 → L15 .154964 = 10; L16 .154966 →
    // L22 .155001 = 35; L23 .155004 → L28 .155033 = 29; L29 .155036: no entry follows.
    assert.deepEqual(durations(r.records), [
      [9, 12000],
      [12, 10000],
      [16, 35000],
      [23, 29000],
      [29, null],
    ]);
    const first = at(r.records, 9);
    // 2323301.154940 s in integer ns, no float rounding.
    assert.equal(first.timeNs, 2323301154940000);
    assert.equal(first.intrInfo, 0x80000b0e);
    // Exit qualification of a #PF = faulting linear address (info 1000); L10 kvm_page_fault adds the
    // error code (printed %x: 14 = 0x14).
    assert.equal(first.faultAddress, '0x1000');
    assert.deepEqual(first.exception, { vector: 14, type: 'hardware', errorCode: 0x14 });
    // L16's exit: L19 `kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x34 ` and L20 KVM_EXIT_IO.
    const out = at(r.records, 16);
    assert.deepEqual(out.io, { port: 0x3f8, size: 1, direction: 'out' });
    assert.equal(out.userspaceExit, 'KVM_EXIT_IO');
    assert.equal(out.emulatedInsn, 'ee');
    // It stays a page fault: the exit was the #PF intercept; the port I/O is what emulating it did.
    assert.equal(out.category, 'pagefault');
    const gp = at(r.records, 29);
    assert.deepEqual(gp.exception, { vector: 13, type: 'hardware' });
    assert.equal(gp.userspaceExit, 'KVM_EXIT_HLT');
  });

  it('kvm_stat -d debugfs screen (codeblueprint 2017)', () => {
    const r = parseBytes(fixture('kvm_stat-debugfs-mode.codeblueprint-blog-2017.txt'));
    assert.equal(r.format, 'kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.records, []);
    // One screen: header on L4, 22 counter rows L5–L26, then the `----` line ends it.
    assert.equal(r.tables.length, 1);
    const t = r.tables[0];
    assert.equal(t.event, 'kvm_stat');
    assert.equal(t.line, 4);
    assert.equal(t.rows.length, 22);
    assert.deepEqual(t.rows[0], { key: 'exits', samples: 705683003, current: 4037 });
    assert.deepEqual(t.rows[4], { key: 'io_exits', samples: 15393558, current: 40 });
    assert.deepEqual(t.rows[21], { key: 'remote_tlb_flush', samples: 2, current: 0 });
    assert.deepEqual(
      t.rows.map((x) => x.key),
      [
        'exits', 'irq_exits', 'host_state_reload', 'fpu_reload', 'io_exits', 'insn_emulation', 'halt_exits',
        'halt_attempted_poll', 'halt_wakeup', 'halt_successful_poll', 'pf_fixed', 'largepages', 'tlb_flush',
        'mmu_cache_miss', 'mmu_shadow_zapped', 'hypercalls', 'signal_exits', 'irq_injections', 'pf_guest',
        'irq_window', 'mmio_exits', 'remote_tlb_flush',
      ],
    );
    // Debugfs counters name no exit reason: no ISA evidence.
    assert.deepEqual(r.metas, []);
  });

  it('perf kvm stat report, perf 3.7 layout, vmexit/mmio/ioport (chinaunix 2013)', () => {
    const r = parseBytes(fixture('perf-kvm-stat-report-vmexit-mmio-ioport.chinaunix-2013-perf3.7.txt'));
    assert.equal(r.format, 'perf-kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.records, []);
    assert.deepEqual(
      r.tables.map((t) => [t.event, t.vcpu, t.rows.length, t.totalSamples, t.totalTimeUs, t.line]),
      [
        // Header lines: L15 `VM-EXIT Samples…`, L38 `MMIO Access…`, L55 `IO Port Access…`, L69 `VM-EXIT…`.
        ['vmexit', 'all', 9, 98202, 41419293.63, 15],
        ['mmio', 'all', 4, 65057, 1854470.45, 38],
        ['ioport', 'all', 1, 383, 34085.56, 55],
        ['vmexit', 0, 9, 10914, 5521782.02, 69],
      ],
    );
    // Row samples add up to the footers: 65381+16031+5360+4496+2667+2242+1332+383+310 = 98202 and
    // 551+1390+6186+17+94+199+52+2057+368 = 10914.
    assert.equal(r.tables[0].rows.reduce((s, x) => s + x.samples, 0), 98202);
    assert.equal(r.tables[3].rows.reduce((s, x) => s + x.samples, 0), 10914);
    // No Min/Max columns in perf 3.7.
    assert.deepEqual(r.tables[0].rows[0], { key: 'APIC_ACCESS', samples: 65381, samplesPct: 66.58, timePct: 5.95, avgUs: 37.72, stddevPct: 6.54 });
    assert.equal(r.tables[0].rows[5].key, 'PENDING_INTERRUPT');
    assert.deepEqual(r.tables[1].rows[0], { key: '0xfee00380:W', samples: 58686, samplesPct: 90.21, timePct: 15.67, avgUs: 4.95, stddevPct: 2.96 });
    assert.deepEqual(r.tables[2].rows[0], { key: '0xc090:POUT', samples: 383, samplesPct: 100, timePct: 100, avgUs: 89, stddevPct: 42.94 });
    // VMX names only (APIC_ACCESS…): the ISA is reported once.
    assert.deepEqual(r.metas, [{ isa: 'vmx' }]);
  });

  it('perf kvm stat report with Min/Max columns (blog 2020)', () => {
    const r = parseBytes(fixture('perf-kvm-stat-report-vmexit.blog-2020-09-28.txt'));
    assert.equal(r.format, 'perf-kvm-stat');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    const t = r.tables[0];
    assert.equal(t.vcpu, 'all');
    assert.equal(t.totalSamples, 25898);
    assert.equal(t.totalTimeUs, 68281638.61);
    // 9167+5877+5728+2232+2160+390+303+37+4 = 25898.
    assert.deepEqual(
      t.rows.map((x) => [x.key, x.samples]),
      [
        ['MSR_WRITE', 9167],
        ['EXTERNAL_INTERRUPT', 5877],
        ['PREEMPTION_TIMER', 5728],
        ['HLT', 2232],
        ['CPUID', 2160],
        ['PAUSE_INSTRUCTION', 390],
        ['EPT_MISCONFIG', 303],
        ['EOI_INDUCED', 37],
        ['EXCEPTION_NMI', 4],
      ],
    );
    // `HLT  2232  8.62%  99.92%  0.56us 1001118.99us  30567.94us ( +-   9.88% )`.
    assert.deepEqual(t.rows[3], { key: 'HLT', samples: 2232, samplesPct: 8.62, timePct: 99.92, minUs: 0.56, maxUs: 1001118.99, avgUs: 30567.94, stddevPct: 9.88 });
  });

  it('perf kvm stat live with perf\'s "unknown kvm exit code" notes between rows (virt-pvm 2024)', () => {
    const r = parseBytes(fixture('perf-kvm-stat-live-unknown-codes.virt-pvm-issue8-2024.txt'));
    assert.equal(r.format, 'perf-kvm-stat');
    // The notes name the code of the UNKNOWN row below each: 131072 = 0x20000, 327680 = 0x50000, …
    assert.deepEqual(r.warnings, []);
    assert.equal(r.tables.length, 1);
    assert.equal(r.tables[0].totalSamples, 27549);
    // 18940+3622+2057+1401+1233+181+115 = 27549.
    assert.deepEqual(
      r.tables[0].rows.map((x) => [x.key, x.samples]),
      [
        ['INVLPG', 18940],
        ['0x20000', 3622],
        ['0x50000', 2057],
        ['0x30000', 1401],
        ['0x40000', 1233],
        ['INVD', 181],
        ['0x10000', 115],
      ],
    );
    // `UNKNOWN  3622  13.15%  86.12%  0.34us 1663159.36us  4765.94us ( +-  18.58% )` (trailing blank in the header).
    assert.deepEqual(r.tables[0].rows[1], { key: '0x20000', samples: 3622, samplesPct: 13.15, timePct: 86.12, minUs: 0.34, maxUs: 1663159.36, avgUs: 4765.94, stddevPct: 18.58 });
  });

  it('perf script with trimmed comm/pid, gen-2 payloads (kvm list 2022 lmb)', () => {
    const r = parseBytes(fixture('perf-script-kvm-newfmt.kvm-list-2022-03-16-lmb-triplefault.txt'));
    assert.equal(r.format, 'perf-script');
    assert.deepEqual(r.warnings, []);
    // Block 1 (QEMU's `kvm_run_exit` log) is not a kernel event; block 2 has one kvm_exit (L10).
    assert.equal(r.records.length, 1);
    const x = r.records[0];
    assert.equal(x.line, 10);
    assert.equal(x.reasonName, 'TRIPLE_FAULT');
    assert.equal(x.category, 'other');
    assert.equal(x.vcpu, 0);
    // `[001]   770.850307:` — no comm or pid, host CPU 1.
    assert.equal(x.tid, undefined);
    assert.equal(x.comm, undefined);
    assert.equal(x.hostCpu, 1);
    assert.equal(x.timeNs, 770850307000);
    // L9's kvm_entry came before it; nothing closes it (L12 is kvm_userspace_exit SHUTDOWN).
    assert.equal(x.entryNs, undefined);
    assert.equal(x.userspaceExit, 'KVM_EXIT_SHUTDOWN');
    assert.equal(x.rip, '0x100146');
  });

  it('trace-cmd report, plugin rendering, mail-quoted (kvm list 2019 dirty ring)', () => {
    const r = parseBytes(fixture('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'));
    assert.equal(r.format, 'trace-cmd');
    assert.deepEqual(r.warnings, []);
    // Seven `kvm_exit: reason EPT_VIOLATION … info 582 0` (L3, L6 — the hand-edited unpadded one —,
    // L10, L13, L22, L25, L29), all on vcpu 1 (from the closing `kvm_entry: vcpu 1`).
    assert.deepEqual(countBy(r.records, (x) => x.reasonName), { EPT_VIOLATION: 7 });
    assert.deepEqual(countBy(r.records, (x) => x.category), { ept: 7 });
    assert.deepEqual(vcpus(r.records), [1]);
    // L3 .384329→L5 .384331 = 2 µs; L6 .384332→L9 .384333 = 1; L10 .384334→L12 .384336 = 2;
    // L13 .384336→L21 184503.505187 = 120851 µs (the dirty-ring exit to userspace, L18 reason 0x1d);
    // L22 .505193→L24 .505206 = 13; L25 .505207→L28 .505226 = 19; L29 .505227→L31 .505231 = 4.
    assert.deepEqual(durations(r.records), [
      [3, 2000],
      [6, 1000],
      [10, 2000],
      [13, 120851000],
      [22, 13000],
      [25, 19000],
      [29, 4000],
    ]);
    // The GPA comes from the kvm_page_fault that follows each exit.
    assert.deepEqual(
      r.records.map((x) => x.faultAddress),
      ['0x7fc036d000', '0x7fc036d000', '0x7fc036e000', '0x7fc036e000', '0x7fc036f000', '0x7fc036f000', '0x7fc0370000'],
    );
    assert.equal(at(r.records, 13).userspaceExit, '0x1d');
    assert.equal(at(r.records, 3).info1, '0x582');
    assert.equal(at(r.records, 3).comm, 'dirty_log_test');
  });

  it('trace-cmd report with only kvm_nested_vmexit, incl. libtraceevent error text (kvm list 2020 vitaly)', () => {
    const r = parseBytes(fixture('trace-cmd-report-svm-nested-cantfindfield.kvm-list-2020-07-20-vitaly.txt'));
    assert.equal(r.format, 'trace-cmd');
    // kvm_nested_vmexit is not a kvm_exit: not counted, not warned about.
    assert.deepEqual(r.records, []);
    assert.deepEqual(r.warnings, []);
  });
});
