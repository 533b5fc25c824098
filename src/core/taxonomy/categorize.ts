/**
 * The cost taxonomy: which category an exit's cost belongs to. Shadow-paging exits (guest #PF, CR3,
 * INVLPG) and EPT exits land in different categories, which is what makes paging modes comparable.
 *
 * Rules (docs/formats.md, "Taxonomy"):
 * - the reason's base category comes from the data tables (src/core/data);
 * - VMX EXCEPTION_NMI is `pagefault` when the vector is 14 (from the interruption information, or a
 *   kvm_page_fault event on the exit), else `exception` — also when the vector is unknown;
 * - a CR access is `cr3` when the CR number is 3 (qualification, SVM code or kvm_cr), else `cr`;
 * - a guest page fault or EPT/NPT violation that a kvm_mmio event shows was an MMIO access is `mmio`:
 *   KVM handles such a fault by emulating the access (handle_ept_violation → kvm_mmu_page_fault →
 *   x86_emulate_instruction → vcpu_mmio_write/read, or the shadow MMU's handle_mmio_page_fault), so
 *   its cost is MMIO emulation, not filling a page table.
 */
import type { Category, CrAccess, ExceptionInfo, Isa, MmioAccess } from '../model/exit';
import { reasonByCode, reasonByName, type ReasonInfo } from './reasons';
import { decodeInterruptionInfo, decodeVmxCrAccess, hexLow32, VMX_CR_ACCESS, VMX_EXCEPTION_NMI } from './qualification';

/** The fields categorisation looks at; an ExitRecord (or a simulator event) fits. */
export interface CategorizeInput {
  readonly isa: Isa;
  /** Reason number; when absent the name is looked up. */
  readonly reason?: number;
  readonly reasonName?: string;
  readonly cr?: CrAccess;
  readonly exception?: ExceptionInfo;
  /** Present when a kvm_mmio / kvm_fast_mmio event belonged to this exit. */
  readonly mmio?: MmioAccess;
  /** VMX interruption information, used when `exception` was not decoded. */
  readonly intrInfo?: number;
  /** Exit qualification (VMX) as printed, used when `cr` was not decoded. */
  readonly info1?: string;
}

/** The reason's table entry from a number or, failing that, a name (trying the other ISA's names last). */
export function resolveReason(isa: Isa, reason: number | undefined, reasonName: string | undefined): ReasonInfo | undefined {
  if (reason !== undefined) return reasonByCode(isa, reason);
  if (reasonName === undefined) return undefined;
  return reasonByName(isa, reasonName) ?? reasonByName(isa === 'vmx' ? 'svm' : 'vmx', reasonName);
}

/** The category of one exit. Pure; never throws; unknown reasons are `other`. */
export function categorize(input: CategorizeInput): Category {
  const info = resolveReason(input.isa, input.reason, input.reasonName);
  if (!info) return 'other';
  return refine(info, input);
}

/** As categorize(), when the caller already resolved the reason (the parsers' fast path). */
export function refine(info: ReasonInfo, input: CategorizeInput): Category {
  const base = info.category;
  switch (base) {
    case 'exception': {
      if (info.isa !== 'vmx' || info.code !== VMX_EXCEPTION_NMI) return base;
      let vector = input.exception?.vector;
      if (vector === undefined && input.intrInfo !== undefined) vector = decodeInterruptionInfo(input.intrInfo)?.vector;
      if (vector !== 14) return 'exception';
      return input.mmio ? 'mmio' : 'pagefault';
    }
    case 'cr': {
      let cr = input.cr?.cr;
      if (cr === undefined && info.isa === 'vmx' && info.code === VMX_CR_ACCESS && input.info1 !== undefined) {
        const q = hexLow32(input.info1);
        if (q !== undefined) cr = decodeVmxCrAccess(q).cr;
      }
      return cr === 3 ? 'cr3' : 'cr';
    }
    case 'pagefault':
    case 'ept':
      return input.mmio ? 'mmio' : base;
    default:
      return base;
  }
}

/**
 * Category for a reason name alone, for aggregated tables (perf kvm stat rows, kvm_stat
 * `kvm_exit(NAME)` rows) that carry no qualification. Accepts every alias the tables know; EXCEPTION_NMI
 * is `exception` and CR_ACCESS is `cr` since nothing says which vector or CR.
 */
export function reasonCategory(isa: Isa, name: string): Category {
  return categorize({ isa, reasonName: name });
}
