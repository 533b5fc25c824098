/**
 * SYNTHETIC traces for the fast-path tests: seeded, generated text in the layouts of perf script,
 * ftrace and trace-cmd report (see docs/formats.md), NOT captured from any host. They mix what the fast
 * path reads (gen-2 / gen-1 kvm_exit, kvm_entry) with what it must leave to the general path (refinement
 * events, reason flags, `UNKNOWN (N)`, other events, missing entries), so both paths meet in one file.
 */

/** Seeded PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type SyntheticLayout = 'perf-script' | 'ftrace' | 'trace-cmd';

const hex16 = (n: number): string => '0x' + n.toString(16).padStart(16, '0');
const hex8 = (n: number): string => '0x' + n.toString(16).padStart(8, '0');

/** [reason, info1, intr_info, error_code] choices; the category depends on some of them. */
const EXITS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['MSR_WRITE', 0, 0, 0],
  ['EXTERNAL_INTERRUPT', 0, 0x800000ec, 0],
  ['HLT', 0, 0, 0],
  ['EPT_VIOLATION', 0x182, 0, 0],
  ['EPT_VIOLATION', 0x783, 0, 0],
  ['EXCEPTION_NMI', 0x7f0000001000, 0x80000b0e, 2],
  ['EXCEPTION_NMI', 0, 0x80000b0d, 0],
  ['EXCEPTION_NMI', 0, 0, 0],
  ['CR_ACCESS', 0x3, 0, 0],
  ['CR_ACCESS', 0x13, 0, 0],
  ['CR_ACCESS', 0x0, 0, 0],
  ['IO_INSTRUCTION', 0x3f80000, 0, 0],
  ['EPT_MISCONFIG', 0, 0, 0],
  ['CPUID', 0, 0, 0],
  ['0x45', 0, 0, 0],
  ['npf', 0x100000014, 0, 0],
];

/** Events traced between an exit and its entry (payloads as the kernel prints them). */
const REFINEMENTS: readonly string[] = [
  'kvm_page_fault: vcpu 0 rip 0xffffffff81000010 address 0x00000000fee000b0 error_code 0x182',
  'kvm_page_fault: address 7fc036d000 error_code 582',
  'kvm_mmio: mmio write len 4 gpa 0xfee000b0 val 0x0',
  'kvm_mmio: mmio unsatisfied-read len 4 gpa 0xfed00000 val 0x0',
  'kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x41 ',
  'kvm_cr: cr_write 3 = 0x1234000',
  'kvm_msr: msr_write 6e0 = 0x1a2b3c',
  'kvm_cpuid: func 80000001 idx d3f0eef rax 50657 rbx 0 rcx 121 rdx 2c100800',
  'kvm_userspace_exit: reason KVM_EXIT_IO (2)',
  'kvm_emulate_insn: 0:ffffffff810551b8:0f 00 d8 (prot64)',
];

/**
 * `exits` synthetic exits on 3 vCPU threads in one layout. Deterministic for a seed. Timestamps cross a
 * power of ten of seconds half way (the number of integer digits changes).
 */
export function syntheticTrace(layout: SyntheticLayout, exits: number, seed: number): string {
  const rand = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const out: string[] = [`# synthetic: generated ${layout} text for the fast-path tests; NOT captured from a real system.`];
  const vcpus = 3;
  let t = 9_999_990_000_000; // ns; 9999.99 s: the seconds gain a digit after 10 ms
  const rips = Array.from({ length: 40 }, (_, i) => 0xffffffff81000000 + i * 0x1234 + Math.floor(rand() * 16));
  const stamp = (ns: number): string => {
    const sec = Math.floor(ns / 1e9);
    const frac = ns % 1e9;
    return layout === 'perf-script' ? `${sec}.${String(frac).padStart(9, '0')}` : `${sec}.${String(Math.floor(frac / 1000)).padStart(6, '0')}`;
  };
  const line = (v: number, event: string, payload: string): string => {
    const comm = `CPU ${v}/KVM`;
    const tid = 4000 + v;
    const cpu = String(2 * v).padStart(3, '0');
    if (layout === 'perf-script') return `${comm.padStart(16)} ${String(tid).padStart(5)} [${cpu}] ${stamp(t)}: ${('kvm:' + event + ':').padStart(33)} ${payload}`;
    if (layout === 'ftrace') return `${(comm.replace(/ /g, '_') + '-' + tid).padStart(22)}    [${cpu}] d.... ${stamp(t)}: ${event}: ${payload}`;
    return `${(comm + '-' + tid).padStart(20)} [${cpu}] ${stamp(t)}: ${(event + ':').padEnd(19)} ${payload}`;
  };
  let emitted = 0;
  while (emitted < exits) {
    const v = Math.floor(rand() * vcpus);
    t += 100 + Math.floor(rand() * 5000);
    const [reason, info1, intr, ec] = pick(EXITS);
    const rip = pick(rips);
    const ripText = '0x' + rip.toString(16);
    let payload: string;
    const r = rand();
    if (layout === 'trace-cmd' || r < 0.05) {
      // gen 1 / plugin: `reason R rip 0xH info A B` (info B = interruption information on VMX).
      payload = `reason ${reason} rip ${ripText} info ${info1.toString(16)} ${intr.toString(16)}`;
    } else if (r < 0.08) {
      payload = `vcpu ${v} reason ${reason} 0x4000000 rip ${ripText} info1 ${hex16(info1)} info2 ${hex16(0)} intr_info ${hex8(intr)} error_code ${hex8(ec)}`;
    } else if (r < 0.1) {
      payload = `reason UNKNOWN (${Math.floor(rand() * 80)}) rip ${ripText} info 0 0`;
    } else {
      payload = `vcpu ${v} reason ${reason} rip ${ripText} info1 ${hex16(info1)} info2 ${hex16(0)} intr_info ${hex8(intr)} error_code ${hex8(ec)}`;
    }
    out.push(line(v, 'kvm_exit', payload));
    emitted++;
    if (rand() < 0.2) {
      t += 50;
      const ref = pick(REFINEMENTS);
      const colon = ref.indexOf(': ');
      out.push(line(v, ref.slice(0, colon), ref.slice(colon + 2)));
    }
    if (rand() < 0.03) out.push(line(v, 'sched_switch', `prev_comm=CPU ${v}/KVM prev_pid=${4000 + v} prev_prio=120 prev_state=S ==> next_comm=swapper next_pid=0`));
    if (rand() < 0.93) {
      t += 200 + Math.floor(rand() * 3000);
      out.push(line(v, 'kvm_entry', rand() < 0.5 ? `vcpu ${v}, rip ${ripText}` : `vcpu ${v}`));
    }
  }
  return out.join('\n') + '\n';
}

/** Bytes that make interesting damage in a trace line. */
const DAMAGE = '0123456789abcdefxX .:_-\t[]()/kvmeitnrsouIRP\u0000\u00ff#>';

/**
 * The text with about `rate` of its lines damaged: a byte replaced, inserted or deleted, or the line
 * cut short. Deterministic for a seed.
 */
export function mutateLines(text: string, rate: number, seed: number): string {
  const rand = mulberry32(seed);
  return text
    .split('\n')
    .map((l) => {
      if (l === '' || rand() >= rate) return l;
      const at = Math.floor(rand() * l.length);
      const c = DAMAGE[Math.floor(rand() * DAMAGE.length)];
      const kind = rand();
      if (kind < 0.45) return l.slice(0, at) + c + l.slice(at + 1);
      if (kind < 0.7) return l.slice(0, at) + c + l.slice(at);
      if (kind < 0.9) return l.slice(0, at) + l.slice(at + 1);
      return l.slice(0, at);
    })
    .join('\n');
}
