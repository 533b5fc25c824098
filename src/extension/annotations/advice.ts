/**
 * What a hot line's exit mix means and what usually helps, in a sentence or two each. The texts are
 * domain knowledge about KVM on x86 (shadow paging vs EPT, emulated vs paravirtual devices), chosen
 * by the line's categories and reasons and the trace's paging mode. Pure, so the unit tests pin which
 * advice a given mix gets.
 */
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { PagingMode, TraceMeta } from '../../core/model/trace';

/** Stable ids, so tests and callers can tell advices apart without matching prose. */
export type AdviceId =
  | 'shadow-only'
  | 'cr3-shadow'
  | 'cr3-ept'
  | 'pagefault-shadow'
  | 'pagefault-ept'
  | 'invlpg-churn'
  | 'ept-first-touch'
  | 'ept-walks'
  | 'mmio-device'
  | 'apic-access'
  | 'port-io'
  | 'interrupt'
  | 'hlt-idle'
  | 'msr'
  | 'cpuid'
  | 'hypercall'
  | 'cr-other'
  | 'exception'
  | 'other';

/** One piece of advice: a short title and a sentence or two. */
export interface Advice {
  readonly id: AdviceId;
  readonly title: string;
  readonly text: string;
}

/** The exit mix of one line (or any group of exits) and what is known about the trace. */
export interface AdviceInput {
  readonly byCategory: Readonly<Partial<Record<Category, number>>>;
  readonly byReason: Readonly<Record<string, number>>;
  /** Reason → category (`TraceSummary.reasonCategory`), to tell which reasons make up a category. */
  readonly reasonCategory?: Readonly<Record<string, Category>>;
  /** Paging mode of the traced guest, from the header or {@link inferPaging}. */
  readonly paging?: PagingMode;
  /** Guest page size, when the header says (simulated traces). */
  readonly pages?: '4k' | '2m';
}

/** At most this many advices per hover: the top categories of the line, not a manual. */
export const MAX_ADVICE = 3;

/** Categories that exist only because the hypervisor maintains shadow page tables. */
const SHADOW_CATEGORIES: readonly Category[] = ['pagefault', 'cr3', 'invlpg'];

/**
 * The paging mode: the header's when given, else guessed from the trace-wide exit mix — EPT
 * violations mean EPT; CR3 loads or INVLPG exits without any EPT exit mean shadow paging (with EPT
 * and unrestricted guest, KVM intercepts neither). `inferred` says the answer is a guess.
 */
export function inferPaging(
  meta: Pick<TraceMeta, 'paging'>,
  byCategory: Readonly<Partial<Record<Category, number>>>,
): { paging?: PagingMode; inferred: boolean } {
  if (meta.paging) return { paging: meta.paging, inferred: false };
  if ((byCategory.ept ?? 0) > 0) return { paging: 'ept', inferred: true };
  if ((byCategory.cr3 ?? 0) > 0 || (byCategory.invlpg ?? 0) > 0) return { paging: 'shadow', inferred: true };
  return { inferred: true };
}

/** The advices for a mix, most relevant first (by the line's exit counts), at most {@link MAX_ADVICE}. */
export function adviceFor(input: AdviceInput): Advice[] {
  const cats = CATEGORIES.filter((c) => (input.byCategory[c] ?? 0) > 0).sort(
    (a, b) => (input.byCategory[b] ?? 0) - (input.byCategory[a] ?? 0) || CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b),
  );
  const out: Advice[] = [];
  const shadowOnly = cats.length > 0 && cats.every((c) => SHADOW_CATEGORIES.includes(c));
  if (shadowOnly && input.paging !== 'ept') out.push(SHADOW_ONLY);
  for (const c of cats) {
    for (const a of categoryAdvice(c, input)) if (!out.some((o) => o.id === a.id)) out.push(a);
  }
  return out.slice(0, MAX_ADVICE);
}

const SHADOW_ONLY: Advice = {
  id: 'shadow-only',
  title: 'Shadow-paging overhead only',
  text: 'Every exit on this line keeps shadow page tables in sync with the guest; under EPT (or AMD NPT) the hardware walks the guest tables itself and these exits vanish.',
};

function categoryAdvice(c: Category, input: AdviceInput): Advice[] {
  const reasons = input.byReason;
  switch (c) {
    case 'cr3':
      return input.paging === 'ept'
        ? [
            {
              id: 'cr3-ept',
              title: 'CR3 loads exit although EPT is on',
              text: 'With EPT and unrestricted guest KVM does not intercept MOV to CR3; seeing these points at nested virtualisation or a host with EPT disabled (kvm_intel ept=0).',
            },
          ]
        : [
            {
              id: 'cr3-shadow',
              title: 'CR3 loads (shadow paging)',
              text: 'Each MOV to CR3 is a context switch or a new address space (fork, exec): under shadow paging KVM must switch or build shadow tables for it. These exits vanish under EPT; fewer context switches (thread pools instead of processes) reduce them here.',
            },
          ];
    case 'pagefault':
      return input.paging === 'ept'
        ? [
            {
              id: 'pagefault-ept',
              title: 'Guest page faults intercepted under EPT',
              text: 'With EPT KVM normally lets #PF go straight to the guest; intercepted faults here suggest a debugger, nested virtualisation, or smaller-MAXPHYADDR emulation.',
            },
          ]
        : [
            {
              id: 'pagefault-shadow',
              title: 'Guest page faults (shadow paging)',
              text: 'Under shadow paging every guest #PF exits so KVM can fill or fix the shadow entry: demand paging, copy-on-write after fork, writes to write-protected guest page tables. EPT removes them; otherwise huge pages or pre-faulting (MAP_POPULATE) cut the number of faults.',
            },
          ];
    case 'invlpg':
      return [
        {
          id: 'invlpg-churn',
          title: 'Many INVLPG',
          text: 'A high INVLPG count points at munmap/mprotect churn (or page reclaim) flushing single TLB entries, each of which shadow paging must intercept to drop the shadow entry. Reuse mappings instead of mapping and unmapping in a loop; under EPT INVLPG does not exit.',
        },
      ];
    case 'ept':
      return [
        {
          id: 'ept-first-touch',
          title: 'EPT violations',
          text: 'An EPT violation is the first touch of guest-physical memory the host has not mapped yet (or has reclaimed, migrated or write-protected for dirty logging). Large pages help twice: 2 MB guest and host pages (hugetlbfs/THP) mean one violation per 2 MB instead of per 4 KB; pre-allocating guest memory (QEMU -mem-prealloc) removes the first-touch ones.',
        },
        ...(input.pages === '2m'
          ? []
          : [
              {
                id: 'ept-walks' as const,
                title: 'Walk-heavy code under EPT',
                text: 'Under EPT a TLB miss walks both the guest and the EPT tables (up to 24 memory references instead of 4), which costs time without any exit; code that touches much memory is walk-heavy, and large pages shorten both walks.',
              },
            ]),
      ];
    case 'mmio': {
      const mmioReasons = Object.keys(reasons).filter((r) => reasons[r] > 0 && input.reasonCategory?.[r] === 'mmio');
      const apicOnly = mmioReasons.length > 0 && mmioReasons.every((r) => r === 'APIC_ACCESS' || r === 'APIC_WRITE');
      return apicOnly
        ? [
            {
              id: 'apic-access',
              title: 'APIC accesses',
              text: 'The guest touches the emulated local APIC page (timer, EOI, ICR for IPIs). APICv/AVIC or x2APIC with posted interrupts handles most of these without an exit; check that the host enables them (kvm_intel enable_apicv).',
            },
          ]
        : [
            {
              id: 'mmio-device',
              title: 'MMIO to an emulated device',
              text: 'Each access to an emulated device register traps to the hypervisor (as EPT_MISCONFIG under EPT, as a page fault under shadow paging) and is emulated instruction by instruction. These exits vanish with direct device assignment (VFIO, VT-d) or a paravirtual device (virtio), which batches requests through shared-memory rings and notifies once per batch.',
            },
          ];
    }
    case 'io':
      return [
        {
          id: 'port-io',
          title: 'Port I/O',
          text: 'IN/OUT instructions always exit and are emulated by the VMM: a legacy device (serial port, PIT, PCI config space via 0xcf8/0xcfc) or the io_delay write to port 0x80 (boot the guest with io_delay=none). A virtio device avoids them.',
        },
      ];
    case 'interrupt':
      return [
        {
          id: 'interrupt',
          title: 'External interrupts',
          text: 'A host interrupt (timer tick, a device IRQ, an IPI) arrived while this code ran in the guest; the line is where the guest was, not the cause. Isolating vCPU threads from host IRQs (irqaffinity, nohz_full) or posted interrupts reduce them.',
        },
      ];
    case 'hlt':
      return [
        {
          id: 'hlt-idle',
          title: 'HLT is idle time',
          text: 'The vCPU had nothing to run and halted; this is waiting, not virtualisation overhead. halt_poll_ns trades host CPU for faster wake-ups if latency matters.',
        },
      ];
    case 'msr':
      return [
        {
          id: 'msr',
          title: 'MSR accesses',
          text: 'RDMSR/WRMSR of an MSR the hypervisor intercepts, most often the TSC-deadline timer or x2APIC ICR writes for IPIs; APICv with posted interrupts and a paravirtual clock (kvmclock) avoid most of them.',
        },
      ];
    case 'cpuid':
      return [
        {
          id: 'cpuid',
          title: 'CPUID always exits',
          text: 'Under VMX CPUID exits unconditionally (it is also serialising). Feature probing belongs at start-up: cache the result instead of executing CPUID in a hot path.',
        },
      ];
    case 'hypercall':
      return [
        {
          id: 'hypercall',
          title: 'Hypercalls',
          text: 'VMCALL/VMMCALL are deliberate requests to the hypervisor (paravirtual TLB flush, IPI, clock, or a guest agent); weigh them against the exits they replace.',
        },
      ];
    case 'cr':
      return [
        {
          id: 'cr-other',
          title: 'CR0/CR4 accesses',
          text: 'The guest writes control-register bits the host owns (CR0.TS for lazy FPU switching, CR4.PGE toggled to flush global TLB entries); under shadow paging CR0.WP/PG or CR4 paging-bit changes also force a shadow-table resync.',
        },
      ];
    case 'exception':
      return [
        {
          id: 'exception',
          title: 'Intercepted exceptions',
          text: 'An exception other than #PF made the guest exit (#UD emulation, #DB/#BP while debugging, #AC, #MC, an NMI); outside debugging these should be rare.',
        },
      ];
    case 'other':
      return [
        {
          id: 'other',
          title: 'Other exits',
          text: 'Exit reasons outside the cost taxonomy (VMX instructions from a nested guest, PAUSE-loop exiting on a contended spinlock, XSETBV, …); see the reason names in the table.',
        },
      ];
  }
}
