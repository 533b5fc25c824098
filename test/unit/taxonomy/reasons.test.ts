/**
 * Reason tables: generated JSON in sync with its TSV sources, every alias resolving to the code and
 * name the kernel uses, unknown numbers kept as `0x..`.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { join } from 'path';
import { CATEGORIES } from '../../../src/core/model/exit';
import { allReasons, guessIsa, isasForName, reasonByCode, reasonByName, vmxReasonFlagNames } from '../../../src/core/taxonomy';

const ROOT = join(__dirname, '..', '..', '..');

describe('reason tables', () => {
  it('the JSON tables are what the generator makes from the TSV sources', () => {
    // Exits 1 with a message when a TSV or a category rule changed without regenerating.
    execFileSync(process.execPath, [join(ROOT, 'src/core/data/generateReasonTables.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('VMX: the kernel print table (63 names, 0..77), numbers outside it as hex', () => {
    const canonical = new Set([...allReasons('vmx').values()].map((r) => r.code));
    // vmx-exit-reasons.tsv lists 64 rows; code 6 (OTHER_SMI) is "(printed as 0x6)": 63 names, plus
    // no alias adds a code.
    assert.equal(canonical.size, 63);
    assert.deepEqual(reasonByCode('vmx', 0), { isa: 'vmx', code: 0, name: 'EXCEPTION_NMI', category: 'exception' });
    assert.equal(reasonByCode('vmx', 48).name, 'EPT_VIOLATION');
    assert.equal(reasonByCode('vmx', 77).name, 'TDCALL');
    assert.deepEqual(reasonByCode('vmx', 6), { isa: 'vmx', code: 6, name: '0x6', category: 'other' });
    assert.deepEqual(reasonByCode('vmx', 0x4f), { isa: 'vmx', code: 0x4f, name: '0x4f', category: 'other' });
    // The same unknown number gives the same (shared) object.
    assert.equal(reasonByCode('vmx', 0x4f), reasonByCode('vmx', 0x4f));
  });

  it('VMX aliases: 2.6.3x lower-case names map to the modern names; PENDING_INTERRUPT is kept as printed', () => {
    const legacy: Array<[string, number, string]> = [
      ['exception', 0, 'EXCEPTION_NMI'],
      ['ext_irq', 1, 'EXTERNAL_INTERRUPT'],
      ['interrupt_window', 7, 'INTERRUPT_WINDOW'],
      ['halt', 12, 'HLT'],
      ['hypercall', 18, 'VMCALL'],
      ['cr_access', 28, 'CR_ACCESS'],
      ['io_instruction', 30, 'IO_INSTRUCTION'],
      ['rdmsr', 31, 'MSR_READ'],
      ['wrmsr', 32, 'MSR_WRITE'],
      ['tpr_below_thres', 43, 'TPR_BELOW_THRESHOLD'],
      ['apic_access', 44, 'APIC_ACCESS'],
      ['ept_violation', 48, 'EPT_VIOLATION'],
    ];
    for (const [alias, code, name] of legacy) {
      const r = reasonByName('vmx', alias);
      assert.equal(r?.code, code, alias);
      assert.equal(r?.name, name, alias);
    }
    assert.deepEqual(reasonByName('vmx', 'PENDING_INTERRUPT'), { isa: 'vmx', code: 7, name: 'PENDING_INTERRUPT', category: 'interrupt' });
    assert.equal(reasonByName('vmx', 'INTERRUPT_WINDOW')?.code, 7);
  });

  it('SVM: kernel names, the libtraceevent plugin EXIT_* names and kvm_stat names agree', () => {
    assert.deepEqual(reasonByName('svm', 'npf'), { isa: 'svm', code: 0x400, name: 'npf', category: 'ept' });
    assert.equal(reasonByName('svm', 'EXIT_NPF'), reasonByName('svm', 'npf'));
    assert.equal(reasonByName('svm', 'NPF'), reasonByName('svm', 'npf'));
    assert.equal(reasonByName('svm', 'EXIT_EXCP_PF')?.name, 'PF excp');
    assert.equal(reasonByName('svm', 'EXIT_IOIO')?.name, 'io');
    assert.equal(reasonByName('svm', 'IOIO')?.name, 'io');
    assert.equal(reasonByName('svm', 'EXIT_VMMCALL')?.name, 'hypercall');
    assert.equal(reasonByName('svm', 'EXIT_WRITE_CR3')?.code, 0x13);
    // kvm_stat's EXCP_BASE filters exit code 0x40 exactly: #DE.
    assert.equal(reasonByName('svm', 'EXCP_BASE')?.name, 'DE excp');
    // EXIT_ERR is -1: 0xffffffff in the u32 field.
    assert.equal(reasonByName('svm', 'EXIT_ERR')?.name, 'invalid_guest_state');
    assert.equal(reasonByCode('svm', 0xffffffff).name, 'invalid_guest_state');
    // MWAIT_COND is defined but not in the kernel's print table: the kernel prints 0x8c.
    assert.deepEqual(reasonByName('svm', 'EXIT_MWAIT_COND'), { isa: 'svm', code: 0x8c, name: '0x8c', category: 'other' });
    assert.equal(reasonByCode('svm', 0x8c).name, '0x8c');
    assert.equal(reasonByCode('svm', 0xa5).name, 'buslock');
    assert.equal(reasonByCode('svm', 0x99).name, '0x99');
  });

  it('names shared by legacy VMX and SVM are known to both; guessIsa uses only unambiguous names', () => {
    assert.deepEqual(isasForName('cpuid'), ['vmx', 'svm']);
    assert.deepEqual(isasForName('invlpg'), ['vmx', 'svm']);
    assert.deepEqual(isasForName('HLT'), ['vmx', 'svm']); // VMX HLT, kvm_stat's SVM HLT
    assert.deepEqual(isasForName('EPT_VIOLATION'), ['vmx']);
    assert.deepEqual(isasForName('npf'), ['svm']);
    assert.deepEqual(isasForName('nonsense'), []);
    assert.equal(guessIsa(['HLT', 'cpuid', 'APIC_ACCESS']), 'vmx');
    assert.equal(guessIsa(['HLT', 'IOIO']), 'svm');
    assert.equal(guessIsa(['HLT', 'CPUID']), undefined);
  });

  it('every name of both tables has a category of the taxonomy', () => {
    for (const isa of ['vmx', 'svm'] as const) {
      for (const [name, r] of allReasons(isa)) {
        assert.ok(CATEGORIES.includes(r.category), `${isa} ${name} → ${r.category}`);
        assert.equal(reasonByCode(isa, r.code).code, r.code);
      }
    }
  });

  it('VMX reason flags print like __print_flags: FAILED_VMENTRY, then the rest in hex', () => {
    assert.deepEqual(vmxReasonFlagNames(0x80000021), ['FAILED_VMENTRY']);
    assert.deepEqual(vmxReasonFlagNames(0x04000001), ['0x4000000']);
    assert.deepEqual(vmxReasonFlagNames(0x8c000001), ['FAILED_VMENTRY', '0xc000000']);
    assert.deepEqual(vmxReasonFlagNames(30), []);
  });
});
