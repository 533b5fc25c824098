/**
 * Every kvm_exit print generation and envelope, on synthetic one- and few-line inputs (labelled
 * synthetic: written from the print formats in docs/formats.md, not captured).
 */
import { strict as assert } from 'assert';
import { parseText } from './helpers';

/** A synthetic ftrace envelope for thread 100 on CPU 2 at 10.000001 + n µs. */
function ft(n: number, event: string, payload: string): string {
  return `        qemu-100   [002] d.... 10.${String(1 + n).padStart(6, '0')}: ${event}: ${payload}`;
}

describe('kvm_exit generations (synthetic lines)', () => {
  it('gen 0: `reason %s rip 0x%lx` (no info)', () => {
    const r = parseText([ft(0, 'kvm_exit', 'reason halt rip 0xc0101234'), ft(5, 'kvm_entry', 'vcpu 3')].join('\n'));
    assert.equal(r.records.length, 1);
    const x = r.records[0];
    assert.equal(x.reasonName, 'HLT');
    assert.equal(x.reason, 12);
    assert.equal(x.isa, 'vmx');
    assert.equal(x.info1, undefined);
    assert.equal(x.vcpu, 3);
    assert.equal(x.entryNs! - x.timeNs, 5000);
  });

  it('gen 1: `reason %s rip 0x%lx info %llx %llx` (VMX info2 = interruption info)', () => {
    const r = parseText(ft(0, 'kvm_exit', 'reason EXTERNAL_INTERRUPT rip 0xffffffff81001234 info 0 800000fd'));
    const x = r.records[0];
    assert.equal(x.info1, '0x0');
    assert.equal(x.info2, '0x800000fd');
    assert.equal(x.intrInfo, 0x800000fd);
    assert.equal(x.errorCode, undefined);
    assert.equal(x.category, 'interrupt');
  });

  it('gen 1a: `vcpu %u reason %s rip 0x%lx info %llx %llx`', () => {
    const r = parseText(ft(0, 'kvm_exit', 'vcpu 2 reason EPT_VIOLATION rip 0x40359f info 181 0'));
    const x = r.records[0];
    assert.equal(x.vcpu, 2);
    assert.equal(x.info1, '0x181');
    assert.equal(x.intrInfo, 0);
    assert.equal(x.category, 'ept');
  });

  it('gen 2: full key/value tail, info2 = IDT-vectoring info, intr_info separate', () => {
    const r = parseText(
      ft(0, 'kvm_exit', 'vcpu 0 reason EXCEPTION_NMI rip 0x401000 info1 0x0000000000401000 info2 0x0000000080000b0e intr_info 0x80000b0e error_code 0x00000004'),
    );
    const x = r.records[0];
    assert.equal(x.info2, '0x80000b0e');
    assert.equal(x.intrInfo, 0x80000b0e);
    assert.equal(x.errorCode, 4);
    assert.deepEqual(x.exception, { vector: 14, type: 'hardware', errorCode: 4 });
    assert.equal(x.category, 'pagefault');
  });

  it('gen 2 with any subset of the tail (hand-trimmed mails) and upper-case hex', () => {
    const r = parseText(
      [
        ft(0, 'kvm_exit', 'vcpu 0 reason CR_ACCESS rip 0xFFFFFFFF81000ABC info1 0x3'),
        ft(1, 'kvm_entry', 'vcpu 0, rip 0xffffffff81000abf'),
        ft(2, 'kvm_exit', 'vcpu 0 reason EXCEPTION_NMI rip 0x401000 intr_info 0x80000b0e'),
      ].join('\n'),
    );
    assert.deepEqual(r.warnings, []);
    assert.equal(r.records[0].rip, '0xffffffff81000abc');
    assert.equal(r.records[0].category, 'cr3');
    assert.equal(r.records[1].category, 'pagefault');
    assert.equal(r.records[1].info1, undefined);
  });

  it('reason flags between the name and rip; the newest kvm_entry with `[immediate exit]`', () => {
    const r = parseText(
      [
        ft(0, 'kvm_exit', 'vcpu 1 reason EXTERNAL_INTERRUPT 0x4000000 rip 0x1 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x800000ec error_code 0x00000000'),
        ft(1, 'kvm_entry', 'vcpu 1, rip 0x1[immediate exit]'),
      ].join('\n'),
    );
    assert.deepEqual(r.records[0].reasonFlags, ['0x4000000']);
    assert.equal(r.records[0].entryNs! - r.records[0].timeNs, 1000);
  });

  it('unknown reason numbers are kept: kernel `0x..` and plugin `UNKNOWN (N)`', () => {
    const r = parseText(
      [ft(0, 'kvm_exit', 'vcpu 0 reason 0x45 rip 0x1'), ft(1, 'kvm_entry', 'vcpu 0'), ft(2, 'kvm_exit', 'reason UNKNOWN (70) rip 0x2 info 0 0')].join('\n'),
    );
    assert.deepEqual(
      r.records.map((x) => [x.reasonName, x.reason, x.category]),
      [
        ['0x45', 0x45, 'other'],
        ['0x46', 70, 'other'],
      ],
    );
  });

  it('upper-case VMX names that kvm_stat also uses for SVM (INVLPG, HLT, CPUID) are VMX in a payload', () => {
    // Regression: a simulated shadow-paging trace that starts with INVLPG exits was read as SVM `invlpg`.
    const r = parseText([ft(0, 'kvm_exit', 'vcpu 0 reason INVLPG rip 0x1 info1 0x0000000000401000'), ft(1, 'kvm_exit', 'vcpu 1 reason HLT rip 0x2'), ft(2, 'kvm_exit', 'vcpu 2 reason CPUID rip 0x3')].join('\n'));
    assert.deepEqual(
      r.records.map((x) => [x.isa, x.reasonName, x.reason]),
      [
        ['vmx', 'INVLPG', 14],
        ['vmx', 'HLT', 12],
        ['vmx', 'CPUID', 10],
      ],
    );
  });

  it('lower-case names both ISAs use follow the evidence of the trace', () => {
    // `cpuid` alone in a gen-1 payload reads as SVM; after an SVM-only name it certainly is SVM;
    // in a gen-0 trace with the VMX-only `io_instruction` it is the legacy VMX name.
    const svm = parseText([ft(0, 'kvm_exit', 'reason npf rip 0x1 info 0 0'), ft(1, 'kvm_entry', 'vcpu 0'), ft(2, 'kvm_exit', 'reason cpuid rip 0x2 info 0 0')].join('\n'));
    assert.deepEqual(svm.records.map((x) => [x.isa, x.reasonName, x.reason]), [['svm', 'npf', 0x400], ['svm', 'cpuid', 0x72]]);
    const vmx = parseText([ft(0, 'kvm_exit', 'reason io_instruction rip 0x1'), ft(1, 'kvm_entry', 'vcpu 0'), ft(2, 'kvm_exit', 'reason cpuid rip 0x2')].join('\n'));
    assert.deepEqual(vmx.records.map((x) => [x.isa, x.reasonName, x.reason]), [['vmx', 'IO_INSTRUCTION', 30], ['vmx', 'CPUID', 10]]);
  });

  it('an unknown name is kept as printed with no number', () => {
    const r = parseText(ft(0, 'kvm_exit', 'vcpu 0 reason SHINY_NEW_EXIT rip 0x1'));
    assert.equal(r.records[0].reasonName, 'SHINY_NEW_EXIT');
    assert.equal(r.records[0].reason, undefined);
    assert.equal(r.records[0].category, 'other');
  });

  it('kvm_nested_vmexit (both formats) is neither counted nor warned about', () => {
    const r = parseText(
      [
        ft(0, 'kvm_nested_vmexit', 'vcpu 0 reason EPT_VIOLATION rip 0x1 info1 0x0000000000000181 info2 0x0 intr_info 0x00000000 error_code 0x00000000'),
        ft(1, 'kvm_nested_vmexit', 'rip: 0x0000000000400433 reason: EPT_VIOLATION ext_inf1: 0x0000000000000181 ext_inf2: 0x0000000000000000 ext_int: 0x00000000 ext_int_err: 0x00000000'),
        ft(2, 'kvm_nested_vmexit_inject', 'reason: EPT_VIOLATION ext_inf1: 0x0000000000000181 ext_inf2: 0x0000000000000000 ext_int: 0x00000000 ext_int_err: 0x00000000'),
      ].join('\n'),
    );
    assert.deepEqual(r.records, []);
    assert.deepEqual(r.warnings, []);
  });

  it('damaged records are warnings naming the line and are not counted; the rest still parses', () => {
    const r = parseText(
      [
        ft(0, 'kvm_exit', 'vcpu 0 reason HLT rip 0x1'),
        ft(1, 'kvm_exit', ''),
        ft(2, 'kvm_exit', 'vcpu x reason HLT rip 0x1'),
        ft(3, 'kvm_exit', 'vcpu 0 reason HLT rip 0x1 info1 0xqq'),
        ft(4, 'kvm_entry', 'vcpu zero'),
        ft(5, 'kvm_exit', 'vcpu 0 rip 0x1'),
        ft(6, 'kvm_exit', 'vcpu 0 reason MSR_READ rip 0x2'),
        ft(7, 'kvm_entry', 'vcpu 0, rip 0x2'),
      ].join('\n'),
    );
    // L2 `kvm_exit: ` with no payload: the next line is another event, so it is no wrapped record.
    assert.deepEqual(r.warnings, [
      { line: 2, message: 'kvm_exit with no payload; not counted' },
      { line: 3, message: "kvm_exit: 'vcpu' is not a number; not counted" },
      { line: 4, message: "kvm_exit: 'info1' value is not hex; not counted" },
      { line: 5, message: "kvm_entry: 'vcpu' is not a number; not counted" },
      { line: 6, message: "kvm_exit payload without 'reason'; not counted" },
    ]);
    // L1 HLT is superseded (closed without entry) by L7 on the same vCPU; L7 closed by L8.
    assert.deepEqual(
      r.records.map((x) => [x.line, x.reasonName, x.entryNs === undefined ? null : x.entryNs - x.timeNs]),
      [
        [1, 'HLT', null],
        [7, 'MSR_READ', 1000],
      ],
    );
  });

  it('a record cut after a key is joined with its continuation line; otherwise it is a warning', () => {
    const joined = parseText([ft(0, 'kvm_exit', 'vcpu 1 reason npf rip'), '0xfd11d info 100000014 fd000', ft(2, 'kvm_entry', 'vcpu 1')].join('\n'));
    assert.deepEqual(joined.warnings, []);
    assert.equal(joined.records[0].line, 1);
    assert.equal(joined.records[0].rip, '0xfd11d');
    assert.equal(joined.records[0].entryNs! - joined.records[0].timeNs, 2000);

    // The next line is another record: no join, a warning for the cut one.
    const cut = parseText([ft(0, 'kvm_exit', 'vcpu 1 reason npf rip'), ft(1, 'kvm_exit', 'vcpu 1 reason hlt rip 0x2')].join('\n'));
    assert.deepEqual(cut.warnings, [{ line: 1, message: "truncated kvm_exit: 'rip' has no value; not counted" }]);
    assert.equal(cut.records.length, 1);

    // A continuation that does not complete the record: one warning, for the record's line.
    const bad = parseText([ft(0, 'kvm_exit', 'vcpu 1 reason npf rip'), 'zz info', ft(2, 'kvm_entry', 'vcpu 1')].join('\n'));
    assert.deepEqual(bad.warnings, [{ line: 1, message: "kvm_exit: 'rip' value is not hex; not counted" }]);

    // The file stops mid-record.
    const eof = parseText(ft(0, 'kvm_exit', 'vcpu 1 reason npf rip'));
    assert.deepEqual(eof.warnings, [{ line: 1, message: "truncated kvm_exit: 'rip' has no value; not counted" }]);
    const eof2 = parseText(ft(0, 'kvm_exit', 'vcpu 1 reason EPT_VIOLATION rip 0x1 info1 0x0000000000000181 info2'));
    assert.deepEqual(eof2.warnings, [{ line: 1, message: "truncated kvm_exit: 'info2' has no value; not counted" }]);
  });

  it('other events and prose are ignored silently', () => {
    const r = parseText(
      [
        'Here is what kvm_exit: handling does on my box.',
        ft(0, 'kvm_fpu', 'load'),
        ft(1, 'tracing_mark_write', 'hello kvm_exit: reason HLT rip 0x1'),
        ft(2, 'sched_switch', 'prev_comm=qemu prev_pid=100 ==> next_comm=swapper/2'),
        ft(3, 'kvm_mmu_get_page', 'new sp gfn 0 1 q0 direct wux !pae nxe wp root 0 sync'),
        ft(4, 'kvm_msr', 'msr_write 6e0 = 0x1 and trailing words'),
        '[ perf record: Woken up 1 times to write data ]',
      ].join('\n'),
    );
    assert.deepEqual(r.records, []);
    assert.deepEqual(r.warnings, []);
  });
});

describe('envelopes (synthetic lines)', () => {
  const payload = 'vcpu 0 reason HLT rip 0xffffffff81000000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000';

  function one(line: string) {
    const r = parseText(line);
    assert.deepEqual(r.warnings, [], line);
    assert.equal(r.records.length, 1, line);
    const x = r.records[0];
    return { timeNs: x.timeNs, tid: x.tid, comm: x.comm, hostCpu: x.hostCpu, untimed: x.untimed };
  }

  it('ftrace: 4 or 5 irq-flag characters, none (2.6.3x), record-tgid column, comm with spaces and dashes', () => {
    assert.deepEqual(one(`           a.out-20024 [001] .... 2323301.150469: kvm_exit: ${payload}`), { timeNs: 2323301150469000, tid: 20024, comm: 'a.out', hostCpu: 1, untimed: undefined });
    assert.deepEqual(one(` qemu-system-x86-8397    [002] d....  1404.389366: kvm_exit: ${payload}`), { timeNs: 1404389366000, tid: 8397, comm: 'qemu-system-x86', hostCpu: 2, untimed: undefined });
    assert.deepEqual(one(`    kvm-5664  [000] 11906.220181: kvm_exit: ${payload}`), { timeNs: 11906220181000, tid: 5664, comm: 'kvm', hostCpu: 0, untimed: undefined });
    assert.deepEqual(one(`       CPU 0/KVM-1234  ( 1200) [003] dNh1. 55.000001: kvm_exit: ${payload}`), { timeNs: 55000001000, tid: 1234, comm: 'CPU 0/KVM', hostCpu: 3, untimed: undefined });
    assert.deepEqual(one(`           <...>-35787 [038] ....  2825.959082: kvm_exit: ${payload}`), { timeNs: 2825959082000, tid: 35787, comm: '<...>', hostCpu: 38, untimed: undefined });
  });

  it('trace-cmd: padded event column', () => {
    assert.deepEqual(one(`  dirty_log_test-29003 [001] 184503.384329: kvm_exit:             ${payload}`), { timeNs: 184503384329000, tid: 29003, comm: 'dirty_log_test', hostCpu: 1, untimed: undefined });
  });

  it('perf script: comm with spaces, right-aligned sys:event, pid/tid, ns timestamps, trimmed lines', () => {
    assert.deepEqual(one(`     CPU 0/KVM  4000 [000] 1000.000001500:                       kvm:kvm_exit: ${payload}`), { timeNs: 1000000001500, tid: 4000, comm: 'CPU 0/KVM', hostCpu: 0, untimed: undefined });
    assert.deepEqual(one(`       fc_vcpu 1  599500 [039] 1377662.550600: kvm:kvm_exit:  ${payload}`), { timeNs: 1377662550600000, tid: 599500, comm: 'fc_vcpu 1', hostCpu: 39, untimed: undefined });
    assert.deepEqual(one(`qemu-kvm 1234/1240 [002] 17.000000001: kvm:kvm_exit: ${payload}`), { timeNs: 17000000001, tid: 1240, comm: 'qemu-kvm', hostCpu: 2, untimed: undefined });
    assert.deepEqual(one(`    [001]   770.850307:                       kvm:kvm_exit: ${payload}`), { timeNs: 770850307000, tid: undefined, comm: undefined, hostCpu: 1, untimed: undefined });
    // `-F comm,tid,time,event,trace` and friends: no [cpu] column.
    assert.deepEqual(one(`     CPU 0/KVM  4000 1000.000001500: kvm:kvm_exit: ${payload}`), { timeNs: 1000000001500, tid: 4000, comm: 'CPU 0/KVM', hostCpu: undefined, untimed: undefined });
    assert.deepEqual(one(`  4000 1000.000001: kvm:kvm_exit: ${payload}`), { timeNs: 1000000001000, tid: 4000, comm: undefined, hostCpu: undefined, untimed: undefined });
    assert.deepEqual(one(`qemu-kvm 1234/1240 17.000000001: kvm:kvm_exit: ${payload}`), { timeNs: 17000000001, tid: 1240, comm: 'qemu-kvm', hostCpu: undefined, untimed: undefined });
    // `-F +period`: the sample period sits between the time and the event.
    assert.deepEqual(one(`  qemu-kvm  1240 [002] 17.000001:          1 kvm:kvm_exit: ${payload}`), { timeNs: 17000001000, tid: 1240, comm: 'qemu-kvm', hostCpu: 2, untimed: undefined });
  });

  it('perf-prof: wall-clock stamp before the comm, irq flags before the [cpu]', () => {
    assert.deepEqual(one(`2023-03-01 10:00:00.123456 qemu-kvm 27004 d.... [002] 12481.879000: kvm:kvm_exit: ${payload}`), { timeNs: 12481879000000, tid: 27004, comm: 'qemu-kvm', hostCpu: 2, untimed: undefined });
    assert.deepEqual(one(`2023-03-01 10:00:00 CPU 1/KVM 27005 .N... [010] 5.000000001: kvm:kvm_exit: ${payload}`), { timeNs: 5000000001, tid: 27005, comm: 'CPU 1/KVM', hostCpu: 10, untimed: undefined });
  });

  it('perf trace: a time in milliseconds, comm/tid, no blank after the event', () => {
    assert.deepEqual(one(`12481.879 qemu-system-x8/27004 kvm:kvm_exit:${payload}`), { timeNs: 12481879000, tid: 27004, comm: 'qemu-system-x8', hostCpu: undefined, untimed: undefined });
    assert.deepEqual(one(`     0.012345 CPU 0/KVM/4000 kvm:kvm_exit: ${payload}`), { timeNs: 12345, tid: 4000, comm: 'CPU 0/KVM', hostCpu: undefined, untimed: undefined });
    const r = parseText(['12481.879 qemu-system-x8/27004 kvm:kvm_exit:reason EPT_VIOLATION rip 0xffffffff8110ac58 info 181 0', '12481.881 qemu-system-x8/27004 kvm:kvm_entry:vcpu 1'].join('\n'));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0].category, 'ept');
    assert.equal(r.records[0].vcpu, 1);
    assert.equal(r.records[0].entryNs! - r.records[0].timeNs, 2000);
    // Not an envelope: a slash with no comm, or no time in front.
    assert.equal(parseText(`12481.879 /27004 kvm:kvm_exit: ${payload}`).records.length, 0);
    assert.equal(parseText(`qemu/27004 kvm:kvm_exit: ${payload}`).records.length, 0);
  });

  it('bare lines, mail quotes and indentation: untimed, no thread', () => {
    assert.deepEqual(one(`kvm_exit: ${payload}`), { timeNs: 0, tid: undefined, comm: undefined, hostCpu: undefined, untimed: true });
    assert.deepEqual(one(`> > kvm:kvm_exit: ${payload}`), { timeNs: 0, tid: undefined, comm: undefined, hostCpu: undefined, untimed: true });
    assert.deepEqual(one(`\t    kvm_exit: ${payload}`), { timeNs: 0, tid: undefined, comm: undefined, hostCpu: undefined, untimed: true });
  });

  it('an untimed record repeats the timestamp of the last timed kvm line, only to keep order', () => {
    const r = parseText([`  a-1 [000] .... 7.000002: kvm_entry: vcpu 0`, `  a-1 [000] .... 7.000009: kvm_fpu: load`, `kvm_exit: ${payload}`].join('\n'));
    assert.equal(r.records[0].timeNs, 7000002000);
    assert.equal(r.records[0].untimed, true);
  });

  it('timestamps: integer arithmetic, 6 or 9 digits, more digits truncated to ns, bare counters kept', () => {
    assert.equal(one(`  a-1 [000] .... 2323301.150469: kvm_exit: ${payload}`).timeNs, 2323301150469000);
    assert.equal(one(`  a-1 [000] .... 99999999.999999999: kvm_exit: ${payload}`).timeNs, 99999999999999999);
    assert.equal(one(`  a-1 [000] .... 1.123456789123: kvm_exit: ${payload}`).timeNs, 1123456789);
    assert.equal(one(`  a-1 [000] .... 123456789: kvm_exit: ${payload}`).timeNs, 123456789);
  });
});
