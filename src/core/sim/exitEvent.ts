/**
 * The exits the simulator produces: VMX basic exit reasons with the kernel's names and numbers,
 * one reusable event record handed to trace writers, and the exit → category mapping (the shared
 * taxonomy's, so simulated results and parsed traces always agree).
 */
import type { Category } from '../model/exit';
import { categorize } from '../taxonomy/index';

/** The VMX exit reasons the simulator emits: `[kernel name, basic reason number]`. */
export const SIM_REASONS = [
  ['EXCEPTION_NMI', 0],
  ['EXTERNAL_INTERRUPT', 1],
  ['HLT', 12],
  ['INVLPG', 14],
  ['CR_ACCESS', 28],
  ['IO_INSTRUCTION', 30],
  ['MSR_WRITE', 32],
  ['EPT_VIOLATION', 48],
  ['EPT_MISCONFIG', 49],
] as const;

/** Index into SIM_REASONS. */
export const X_EXCEPTION_NMI = 0;
/** Index into SIM_REASONS. */
export const X_EXTERNAL_INTERRUPT = 1;
/** Index into SIM_REASONS. */
export const X_HLT = 2;
/** Index into SIM_REASONS. */
export const X_INVLPG = 3;
/** Index into SIM_REASONS. */
export const X_CR_ACCESS = 4;
/** Index into SIM_REASONS. */
export const X_IO_INSTRUCTION = 5;
/** Index into SIM_REASONS. */
export const X_MSR_WRITE = 6;
/** Index into SIM_REASONS. */
export const X_EPT_VIOLATION = 7;
/** Index into SIM_REASONS. */
export const X_EPT_MISCONFIG = 8;

/** Refinement event that follows a kvm_exit in the trace (none, kvm_page_fault, kvm_mmio...). */
export const EV_PAGE_FAULT = 1;
/** A kvm_mmio line follows the exit. */
export const EV_MMIO = 2;
/** A kvm_pio line follows the exit. */
export const EV_PIO = 4;
/** A kvm_cr line follows the exit. */
export const EV_CR = 8;

/** VM-exit interruption information of a #PF: valid | hardware exception | error code | vector 14. */
export const INTR_INFO_PF = 0x80000b0e;
/** External interrupt on the host's local-timer vector 0xec. */
export const INTR_INFO_TIMER = 0x800000ec;

/**
 * One VM exit as the writers need it. The simulator reuses a single instance, so writers must
 * copy what they keep. Addresses are 48-bit numbers; writers sign-extend kernel ones.
 */
export class SimExit {
  /** Time of kvm_exit and duration until kvm_entry, ns. */
  timeNs = 0;
  durNs = 0;
  /** Cycles of this exit (round trip + handling; HLT adds the idle time). */
  cycles = 0;
  vcpu = 0;
  /** Index into SIM_REASONS. */
  reason = 0;
  /** Site id and its guest RIP; the RIP at entry is `rip` + `entryOffset` (the skipped instruction's length). */
  site = 0;
  rip = '0x0';
  entryOffset = 0;
  info1 = 0;
  intrInfo = 0;
  errorCode = 0;
  /** Bit set of EV_* refinement events to print after the kvm_exit. */
  events = 0;
  /** kvm_page_fault: address (GVA under shadow, GPA for EPT) and error code (PF error code / qualification). */
  pfAddress = 0;
  pfError = 0;
  /** kvm_mmio / kvm_pio payload. */
  ioWrite = true;
  ioLen = 0;
  /** kvm_mmio GPA or kvm_pio port. */
  ioAddr = 0;
  ioVal = 0;
  /** kvm_cr: CR number and the value written, as a hex string (may exceed 2^53). */
  crNumber = 3;
  crValue = '0x0';
  category: Category = 'other';
}

/** Receives the exits of a simulation in time order. */
export interface SimTraceSink {
  exit(e: SimExit): void;
}

const categoryMemo = new Map<number, Category>();
const MMIO_MARK = { gpa: '0x0', direction: 'write' } as const;

/**
 * The category of a simulated exit, from its reason, refinement events and interruption info —
 * decided by the shared taxonomy (`categorize`), exactly as the parsers decide it when they read
 * the trace back (an exit that a kvm_mmio event shows was MMIO is `mmio`, whatever its reason).
 */
export function simCategory(reason: number, events: number, crNumber: number, intrInfo: number): Category {
  const key = ((reason * 16 + events) * 16 + crNumber) * 4294967296 + (intrInfo >>> 0);
  let c = categoryMemo.get(key);
  if (c === undefined) {
    c = categorize({
      isa: 'vmx',
      reason: SIM_REASONS[reason][1],
      intrInfo,
      mmio: (events & EV_MMIO) !== 0 ? MMIO_MARK : undefined,
      cr: reason === X_CR_ACCESS ? { cr: crNumber, access: 'write' } : undefined,
    });
    categoryMemo.set(key, c);
  }
  return c;
}
