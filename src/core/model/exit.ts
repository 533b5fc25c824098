/**
 * The exit model: one plain, serialisable record per VM exit, whatever tool printed the trace.
 * Parsers produce it, analysis consumes it; nothing here knows about VS Code or the DOM.
 */

/** Hardware virtualisation flavour; reason numbers mean different things in each. */
export type Isa = 'vmx' | 'svm';

/**
 * Cost categories every view uses. Shadow-paging and EPT exits land in different categories
 * (pagefault/cr3/invlpg versus ept), which is what makes builds and paging modes comparable.
 */
export type Category =
  | 'pagefault'
  | 'ept'
  | 'mmio'
  | 'cr3'
  | 'cr'
  | 'invlpg'
  | 'io'
  | 'interrupt'
  | 'exception'
  | 'hlt'
  | 'msr'
  | 'cpuid'
  | 'hypercall'
  | 'other';

/** Every category in display order; the order is part of the CLI's and webview's output. */
export const CATEGORIES: readonly Category[] = [
  'pagefault',
  'ept',
  'mmio',
  'cr3',
  'cr',
  'invlpg',
  'io',
  'interrupt',
  'exception',
  'hlt',
  'msr',
  'cpuid',
  'hypercall',
  'other',
];

/** Decoded control-register access (VMX qualification bits 3:0 and 5:4; SVM read_crN/write_crN; kvm_cr). */
export interface CrAccess {
  readonly cr: number;
  readonly access: 'write' | 'read' | 'clts' | 'lmsw';
  /** Value written or read, when a kvm_cr event gives it (hex string). */
  readonly value?: string;
}

/** Decoded exception / NMI from the VM-exit interruption information. */
export interface ExceptionInfo {
  readonly vector: number;
  /** Interruption type: 'external' | 'nmi' | 'hardware' | 'software' | 'privileged-software' | 'software-interrupt' | 'other'. */
  readonly type: string;
  readonly errorCode?: number;
}

/** Decoded port I/O (VMX qualification bits 2:0 size-1, 3 direction, 31:16 port; SVM ioio; kvm_pio). */
export interface PortIo {
  readonly port: number;
  /** Access size in bytes (1, 2 or 4). */
  readonly size: number;
  readonly direction: 'in' | 'out';
  readonly string?: boolean;
  readonly rep?: boolean;
  /** Repeat count from kvm_pio, when > 1. */
  readonly count?: number;
}

/** An MMIO access seen in kvm_mmio / kvm_fast_mmio / perf kvm stat's mmio table. */
export interface MmioAccess {
  readonly gpa: string;
  readonly direction: 'read' | 'write' | 'unsatisfied-read';
  readonly length?: number;
}

/** An MSR access from kvm_msr. */
export interface MsrAccess {
  readonly index: number;
  readonly direction: 'read' | 'write';
  readonly gp?: boolean;
}

/**
 * One VM exit. Times are integer nanoseconds on the trace's own clock (ftrace/perf print
 * microseconds: multiply, never divide). Hex values are lowercase strings with a `0x` prefix and no
 * leading zeros, because guest RIPs and GPAs do not fit in a double and string keys aggregate fast.
 */
export interface ExitRecord {
  /** Time of the kvm_exit event, ns. */
  readonly timeNs: number;
  /** Time of the kvm_entry that closed this exit, ns; absent when no entry followed in the trace. */
  readonly entryNs?: number;
  /** Host thread running the vCPU (pid column of ftrace/perf; the tid). */
  readonly tid?: number;
  readonly comm?: string;
  /** Host CPU the exit was handled on. */
  readonly hostCpu?: number;
  /** vCPU index from the payload (kvm_exit `vcpu N` or the closing kvm_entry). */
  readonly vcpu?: number;
  readonly isa: Isa;
  /** Basic reason number (VMX: bits 15:0; SVM: exit code); undefined only when the name is unknown to our tables. */
  readonly reason?: number;
  /** The kernel's modern reason name (legacy lowercase names are mapped), or `0x..` for unknown numbers. */
  readonly reasonName: string;
  /** VMX reason flags printed after the name (e.g. `FAILED_VMENTRY`, `0x4000000`). */
  readonly reasonFlags?: readonly string[];
  /** Guest RIP, `0x..`. */
  readonly rip?: string;
  /** Raw qualification fields as printed (`info1`/`info2`, or gen-1 `info A B`). */
  readonly info1?: string;
  readonly info2?: string;
  readonly intrInfo?: number;
  readonly errorCode?: number;
  readonly cr?: CrAccess;
  readonly exception?: ExceptionInfo;
  readonly io?: PortIo;
  readonly mmio?: MmioAccess;
  readonly msr?: MsrAccess;
  /** Faulting guest address (GVA for shadow #PF, GPA for EPT/NPF), from kvm_page_fault or the qualification. */
  readonly faultAddress?: string;
  /** KVM_EXIT_* name when this exit went out to the userspace VMM (kvm_userspace_exit). */
  readonly userspaceExit?: string;
  /** Emulated instruction bytes from kvm_emulate_insn. */
  readonly emulatedInsn?: string;
  /** Exception KVM injected back into the guest while handling this exit (kvm_inj_exception). */
  readonly injectedException?: string;
  readonly category: Category;
  /** 1-based line of the kvm_exit event in the trace file. */
  readonly line: number;
  /**
   * True when the line had no timestamp (a bare `kvm_exit: …` line pasted into a mail): timeNs then
   * repeats the timestamp of the last timed kvm event line before it (0 if none) only to keep order,
   * is not a measurement, and entryNs is absent. Consumers should leave such exits out of time ranges
   * and timelines.
   */
  readonly untimed?: boolean;
}

/** Renders a number as the canonical hex string used throughout the model. */
export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

/** Normalises a printed hex value (`0x00ff`, `FF`, `ff`) to the model's canonical form (`0xff`). */
export function canonicalHex(text: string): string {
  let s = text.toLowerCase();
  if (s.startsWith('0x')) s = s.slice(2);
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48 /* '0' */) i++;
  return '0x' + s.slice(i);
}
