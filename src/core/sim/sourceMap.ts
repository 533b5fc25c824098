/**
 * Guest RIPs of simulated exits. Each source line a workload names (and each line of the bundled
 * guest-kernel model) gets one instruction address in a synthetic text segment — user code at
 * 0x401000 + 16 × line, kernel code at 0xffffffff81000000 + 16 × line — so the symbol file written
 * beside a trace maps every RIP back to `file:line` exactly.
 */

/** First user-text address; line N of a user source starts at USER_TEXT_BASE + 16 N. */
export const USER_TEXT_BASE = 0x401000;
/** Bytes of text per source line. */
export const LINE_BYTES = 16;
/** The bundled guest-kernel model, relative to the repository / workspace root. */
export const KERNEL_SOURCE = 'samples/guest-kernel.c';

/** A function's line span, for the symbol file's `symbols`. */
export interface FunctionSpan {
  readonly name: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** One exit site: a guest instruction address and the source line it belongs to. */
export interface SiteInfo {
  readonly rip: string;
  readonly file: string;
  readonly line: number;
  readonly kernel: boolean;
}

/** Kernel sites of samples/guest-kernel.c (line numbers checked against its `@site` markers by a test). */
export const KERNEL_SITES = {
  clearPage: 44,
  copyPage: 52,
  setPte: 59,
  setPmd: 64,
  wrprotect: 92,
  copyPte: 93,
  zapPte: 101,
  freePgtable: 106,
  invlpg: 113,
  flushCr3: 118,
  switchMm: 127,
  kptiEnter: 135,
  kptiExit: 141,
  syscallWork: 148,
  copyUser: 157,
  exec: 163,
  wrmsrDeadline: 175,
  timer: 180,
  hlt: 185,
  virtioNotify: 190,
} as const;

/** Marker names of the kernel sites (`@site kernel:<name>` in the C file). */
export const KERNEL_SITE_MARKERS: Readonly<Record<keyof typeof KERNEL_SITES, string>> = {
  clearPage: 'clear-page',
  copyPage: 'copy-page',
  setPte: 'set-pte',
  setPmd: 'set-pmd',
  wrprotect: 'wrprotect',
  copyPte: 'copy-pte',
  zapPte: 'zap-pte',
  freePgtable: 'free-pgtable',
  invlpg: 'invlpg',
  flushCr3: 'flush-cr3',
  switchMm: 'switch-mm',
  kptiEnter: 'kpti-enter',
  kptiExit: 'kpti-exit',
  syscallWork: 'syscall-work',
  copyUser: 'copy-user',
  exec: 'exec',
  wrmsrDeadline: 'wrmsr-deadline',
  timer: 'timer',
  hlt: 'hlt',
  virtioNotify: 'virtio-notify',
};

/** Functions of samples/guest-kernel.c with their line spans. */
export const KERNEL_FUNCTIONS: readonly FunctionSpan[] = [
  { name: 'write_cr3', startLine: 28, endLine: 31 },
  { name: 'invlpg', startLine: 33, endLine: 36 },
  { name: 'clear_page', startLine: 40, endLine: 45 },
  { name: 'copy_page', startLine: 47, endLine: 53 },
  { name: 'set_pte', startLine: 57, endLine: 60 },
  { name: 'set_pmd', startLine: 62, endLine: 65 },
  { name: 'pte_alloc', startLine: 67, endLine: 73 },
  { name: 'handle_mm_fault', startLine: 76, endLine: 84 },
  { name: 'copy_pte_range', startLine: 87, endLine: 95 },
  { name: 'zap_pte_range', startLine: 98, endLine: 102 },
  { name: 'free_pgtables', startLine: 104, endLine: 107 },
  { name: 'flush_tlb_one_user', startLine: 111, endLine: 114 },
  { name: 'flush_tlb_mm', startLine: 116, endLine: 119 },
  { name: 'switch_mm', startLine: 121, endLine: 128 },
  { name: 'entry_SYSCALL_64', startLine: 132, endLine: 136 },
  { name: 'syscall_return_via_sysret', startLine: 138, endLine: 142 },
  { name: 'do_syscall_work', startLine: 144, endLine: 150 },
  { name: 'copy_user', startLine: 152, endLine: 159 },
  { name: 'exec_mmap', startLine: 161, endLine: 164 },
  { name: 'wrmsr', startLine: 168, endLine: 171 },
  { name: 'lapic_next_deadline', startLine: 173, endLine: 176 },
  { name: 'timer_interrupt', startLine: 178, endLine: 181 },
  { name: 'default_idle', startLine: 183, endLine: 186 },
  { name: 'virtio_blk_notify', startLine: 188, endLine: 191 },
];

const KERNEL_TEXT_BASE = 0xffffffff81000000n;

/** The RIP of `line` in the user or kernel text segment, as a canonical `0x…` string. */
export function ripOfLine(line: number, kernel: boolean): string {
  if (kernel) return '0x' + (KERNEL_TEXT_BASE + BigInt(line * LINE_BYTES)).toString(16);
  return '0x' + (USER_TEXT_BASE + line * LINE_BYTES).toString(16);
}

/** `rip` + `offset` bytes, for the RIP a kvm_entry resumes at after an emulated instruction. */
export function ripPlus(rip: string, offset: number): string {
  if (offset === 0) return rip;
  return '0x' + (BigInt(rip) + BigInt(offset)).toString(16);
}

/** The sites of one simulation: ids are dense, so hot paths count exits in typed arrays. */
export class SiteTable {
  private readonly list: SiteInfo[] = [];
  private readonly byKey = new Map<string, number>();

  /** Id of the site at `file:line` (created on first use). */
  site(file: string, line: number, kernel: boolean): number {
    const key = `${kernel ? 'k' : 'u'}:${file}:${line}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.list.push({ rip: ripOfLine(line, kernel), file, line, kernel });
      this.byKey.set(key, id);
    }
    return id;
  }

  get(id: number): SiteInfo {
    return this.list[id];
  }

  get size(): number {
    return this.list.length;
  }

  all(): readonly SiteInfo[] {
    return this.list;
  }
}
