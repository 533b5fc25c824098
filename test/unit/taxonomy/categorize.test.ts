/**
 * The cost taxonomy (docs/formats.md, "Taxonomy"): one case per rule of the issue.
 */
import { strict as assert } from 'assert';
import { CATEGORIES, type Category } from '../../../src/core/model/exit';
import { allReasons, categorize, reasonCategory } from '../../../src/core/taxonomy';

const MMIO = { gpa: '0xfee000b0', direction: 'write' as const, length: 4 };

describe('categorize', () => {
  it('pagefault: VMX EXCEPTION_NMI vector 14, SVM PF excp; other vectors and unknown vectors are exceptions', () => {
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EXCEPTION_NMI', intrInfo: 0x80000b0e }), 'pagefault');
    assert.equal(categorize({ isa: 'vmx', reason: 0, exception: { vector: 14, type: 'hardware' } }), 'pagefault');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EXCEPTION_NMI', intrInfo: 0x80000b0d }), 'exception');
    // An NMI (type 2, vector 2) is an exception too.
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EXCEPTION_NMI', intrInfo: 0x80000202 }), 'exception');
    // No vector known (gen 0, perf kvm stat rows): exception.
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EXCEPTION_NMI' }), 'exception');
    assert.equal(categorize({ isa: 'svm', reasonName: 'PF excp' }), 'pagefault');
    assert.equal(categorize({ isa: 'svm', reasonName: 'GP excp' }), 'exception');
  });

  it('ept: EPT_VIOLATION and SVM npf; mmio when kvm_mmio shows the fault was an MMIO access', () => {
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EPT_VIOLATION' }), 'ept');
    assert.equal(categorize({ isa: 'svm', reasonName: 'npf' }), 'ept');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'EPT_VIOLATION', mmio: MMIO }), 'mmio');
    assert.equal(categorize({ isa: 'svm', reasonName: 'npf', mmio: MMIO }), 'mmio');
    // A shadow-paging #PF that turned out to be MMIO (handle_mmio_page_fault).
    assert.equal(categorize({ isa: 'vmx', reason: 0, intrInfo: 0x80000b0e, mmio: MMIO }), 'mmio');
    // kvm_mmio does not make an I/O-port or CR exit MMIO.
    assert.equal(categorize({ isa: 'vmx', reasonName: 'IO_INSTRUCTION', mmio: MMIO }), 'io');
  });

  it('mmio: EPT_MISCONFIG, APIC_ACCESS, APIC_WRITE (and SVM AVIC unaccelerated access)', () => {
    for (const n of ['EPT_MISCONFIG', 'APIC_ACCESS', 'APIC_WRITE']) assert.equal(categorize({ isa: 'vmx', reasonName: n }), 'mmio', n);
    assert.equal(categorize({ isa: 'svm', reasonName: 'avic_unaccelerated_access' }), 'mmio');
  });

  it('cr3 / cr: by the CR number from qualification, SVM code or kvm_cr; unknown CR is cr', () => {
    assert.equal(categorize({ isa: 'vmx', reasonName: 'CR_ACCESS', info1: '0x0000000000000003' }), 'cr3');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'CR_ACCESS', info1: '0x13' }), 'cr3');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'CR_ACCESS', info1: '0x104' }), 'cr');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'CR_ACCESS' }), 'cr');
    assert.equal(categorize({ isa: 'vmx', reasonName: 'cr_access', cr: { cr: 3, access: 'write', value: '0x1000' } }), 'cr3');
    assert.equal(categorize({ isa: 'svm', reasonName: 'write_cr3' }), 'cr3');
    assert.equal(categorize({ isa: 'svm', reasonName: 'read_cr3' }), 'cr3');
    assert.equal(categorize({ isa: 'svm', reasonName: 'write_cr0' }), 'cr');
    assert.equal(categorize({ isa: 'svm', reasonName: 'EXIT_WRITE_CR3' }), 'cr3');
  });

  it('invlpg, io, interrupt, hlt, msr, cpuid, hypercall', () => {
    const cases: Array<['vmx' | 'svm', string, Category]> = [
      ['vmx', 'INVLPG', 'invlpg'],
      ['vmx', 'INVPCID', 'invlpg'],
      ['svm', 'invlpg', 'invlpg'],
      ['svm', 'invlpga', 'invlpg'],
      ['vmx', 'IO_INSTRUCTION', 'io'],
      ['svm', 'io', 'io'],
      ['vmx', 'EXTERNAL_INTERRUPT', 'interrupt'],
      ['vmx', 'INTERRUPT_WINDOW', 'interrupt'],
      ['vmx', 'PENDING_INTERRUPT', 'interrupt'],
      ['vmx', 'NMI_WINDOW', 'interrupt'],
      ['vmx', 'PREEMPTION_TIMER', 'interrupt'],
      ['svm', 'interrupt', 'interrupt'],
      ['svm', 'nmi', 'interrupt'],
      ['svm', 'vintr', 'interrupt'],
      ['svm', 'smi', 'interrupt'],
      ['vmx', 'HLT', 'hlt'],
      ['vmx', 'halt', 'hlt'],
      ['svm', 'hlt', 'hlt'],
      ['vmx', 'MSR_READ', 'msr'],
      ['vmx', 'MSR_WRITE', 'msr'],
      ['svm', 'msr', 'msr'],
      ['vmx', 'CPUID', 'cpuid'],
      ['svm', 'cpuid', 'cpuid'],
      ['vmx', 'VMCALL', 'hypercall'],
      ['svm', 'hypercall', 'hypercall'],
      ['svm', 'EXIT_VMMCALL', 'hypercall'],
      ['vmx', 'TRIPLE_FAULT', 'other'],
      ['vmx', 'XSETBV', 'other'],
      ['vmx', 'nonsense', 'other'],
    ];
    for (const [isa, name, cat] of cases) assert.equal(categorize({ isa, reasonName: name }), cat, `${isa} ${name}`);
  });

  it('by number: known codes, and unknown numbers as other', () => {
    assert.equal(categorize({ isa: 'vmx', reason: 48 }), 'ept');
    assert.equal(categorize({ isa: 'svm', reason: 0x400 }), 'ept');
    assert.equal(categorize({ isa: 'vmx', reason: 0x4f }), 'other');
    assert.equal(categorize({ isa: 'vmx' }), 'other');
  });

  it('reasonCategory for names-only tables (perf kvm stat, kvm_stat)', () => {
    assert.equal(reasonCategory('vmx', 'EXCEPTION_NMI'), 'exception');
    assert.equal(reasonCategory('vmx', 'CR_ACCESS'), 'cr');
    assert.equal(reasonCategory('vmx', 'EPT_MISCONFIG'), 'mmio');
    assert.equal(reasonCategory('svm', 'NPF'), 'ept');
    assert.equal(reasonCategory('svm', 'IOIO'), 'io');
    assert.equal(reasonCategory('svm', 'PF excp'), 'pagefault');
    // A name the given ISA does not know is tried in the other table.
    assert.equal(reasonCategory('vmx', 'npf'), 'ept');
    assert.equal(reasonCategory('vmx', '0x45'), 'other');
  });

  it('every category is reachable from the tables', () => {
    const seen = new Set<Category>();
    for (const isa of ['vmx', 'svm'] as const) for (const r of allReasons(isa).values()) seen.add(r.category);
    assert.deepEqual([...CATEGORIES].filter((c) => !seen.has(c)), []);
  });
});
