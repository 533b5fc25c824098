/**
 * Writes simulated exits as `perf script --ns` text, byte for byte the way perf 5.10–6.4 prints
 * kvm tracepoints with the kernel's own (≥ 5.10) print formats, so the real parser reads it:
 *
 *   "%16s %5d [%03d] %5lu.%09llu: %*s: <payload>"   (tools/perf/builtin-script.c)
 *
 * comm, tid, host CPU, time, then the event name right-aligned to the longest event name
 * recorded (perf's `name_width`), then the TP_printk payload of arch/x86/kvm/trace.h:
 * kvm_exit  "vcpu %u reason %s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x"
 * kvm_entry "vcpu %u, rip 0x%lx"; kvm_page_fault "address %lx error_code %x";
 * kvm_mmio "mmio %s len %u gpa 0x%llx val 0x%llx"; kvm_pio "pio_%s at 0x%x size %d count %d val 0x%x %s";
 * kvm_cr "cr_%s %x = 0x%lx". Refinement events sit between the exit and its entry, in that order.
 */
import { EV_CR, EV_MMIO, EV_PAGE_FAULT, EV_PIO, SIM_REASONS, type SimExit, type SimTraceSink } from '../sim/exitEvent';
import { ripPlus } from '../sim/sourceMap';
import { BufferedOut, HOST_COMM, HOST_CPU_BASE, HOST_TID_BASE, hex64, simulatedCommentLine, type SimTraceHeader, type TextOut } from './traceHeader';

/** The tracepoints a simulated capture records, as in `perf record -e kvm:kvm_exit -e …`. */
export const RECORDED_EVENTS = ['kvm:kvm_exit', 'kvm:kvm_entry', 'kvm:kvm_page_fault', 'kvm:kvm_mmio', 'kvm:kvm_pio', 'kvm:kvm_cr'] as const;

const NAME_WIDTH = Math.max(...RECORDED_EVENTS.map((e) => e.length));

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** A SimTraceSink that prints perf-script text. Call `end()` after the simulation. */
export class PerfScriptWriter implements SimTraceSink {
  private readonly out: BufferedOut;
  private readonly entryRips = new Map<string, string>();
  private readonly prefixes = new Map<string, string>();

  constructor(out: TextOut, header: SimTraceHeader) {
    this.out = new BufferedOut(out);
    this.out.write(simulatedCommentLine(header) + '\n');
    this.out.write('# simulated by ExitLens: not a capture of a real host (see docs/simulator.md)\n');
  }

  /** `comm tid [cpu] ` for a vCPU, cached. */
  private head(vcpu: number): string {
    const key = String(vcpu);
    let p = this.prefixes.get(key);
    if (p === undefined) {
      p = `${HOST_COMM.padStart(16)} ${String(HOST_TID_BASE + vcpu).padStart(5)} [${String(HOST_CPU_BASE + vcpu).padStart(3, '0')}] `;
      this.prefixes.set(key, p);
    }
    return p;
  }

  private line(vcpu: number, ns: number, event: string, payload: string): string {
    const secs = Math.floor(ns / 1e9);
    const frac = String(ns - secs * 1e9).padStart(9, '0');
    return `${this.head(vcpu)}${String(secs).padStart(5)}.${frac}: ${event.padStart(NAME_WIDTH)}: ${payload}\n`;
  }

  exit(e: SimExit): void {
    const name = SIM_REASONS[e.reason][0];
    const t = e.timeNs;
    const d = Math.max(e.durNs, 3);
    let s = this.line(
      e.vcpu,
      t,
      'kvm:kvm_exit',
      `vcpu ${e.vcpu} reason ${name} rip ${e.rip} info1 0x${hex64(e.info1)} info2 0x0000000000000000 intr_info 0x${hex8(e.intrInfo)} error_code 0x${hex8(e.errorCode)}`,
    );
    const mid = t + Math.floor(d / 3);
    if (e.events & EV_PAGE_FAULT) s += this.line(e.vcpu, mid, 'kvm:kvm_page_fault', `address ${addr(e.pfAddress)} error_code ${e.pfError.toString(16)}`);
    if (e.events & EV_CR) s += this.line(e.vcpu, mid, 'kvm:kvm_cr', `cr_write ${e.crNumber.toString(16)} = ${e.crValue}`);
    if (e.events & EV_MMIO) {
      s += this.line(e.vcpu, t + Math.floor(d / 2), 'kvm:kvm_mmio', `mmio ${e.ioWrite ? 'write' : 'read'} len ${e.ioLen} gpa 0x${e.ioAddr.toString(16)} val 0x${e.ioVal.toString(16)}`);
    }
    if (e.events & EV_PIO) {
      s += this.line(e.vcpu, t + Math.floor(d / 2), 'kvm:kvm_pio', `pio_${e.ioWrite ? 'write' : 'read'} at 0x${e.ioAddr.toString(16)} size ${e.ioLen} count 1 val 0x${e.ioVal.toString(16)} `);
    }
    s += this.line(e.vcpu, t + d, 'kvm:kvm_entry', `vcpu ${e.vcpu}, rip ${this.entryRip(e.rip, e.entryOffset)}`);
    this.out.write(s);
  }

  private entryRip(rip: string, offset: number): string {
    if (offset === 0) return rip;
    const key = rip + '+' + offset;
    let r = this.entryRips.get(key);
    if (r === undefined) {
      r = ripPlus(rip, offset);
      this.entryRips.set(key, r);
    }
    return r;
  }

  /** Flushes buffered text to the output. */
  end(): void {
    this.out.flush();
  }
}

/** `%lx` of a 48-bit address (kernel half sign-extended), no `0x`. */
function addr(v: number): string {
  return v >= 0x800000000000 ? 'ffff' + v.toString(16).padStart(12, '0') : v.toString(16);
}
