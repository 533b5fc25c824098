/**
 * Pairs kvm_exit with the kvm_entry that ends it and attaches the events in between (kvm_mmio,
 * kvm_pio, kvm_cr, kvm_page_fault…) to the exit they explain.
 *
 * Pairing key: the vCPU printed in the kvm_exit payload (`vcpu N`, kernels ≥ 5.9), else the host
 * thread. A kvm_entry closes the open exit of its vCPU, or of its thread when exits print no vCPU.
 * Refinement events print no vCPU: they go to the open exit of the same host thread.
 * An exit is emitted when it is closed: by its kvm_entry (with entryNs), by the next kvm_exit of the
 * same vCPU/thread (without entryNs: the entry was not traced), or at end of input (without entryNs,
 * in kvm_exit order). So records come in closing order, not kvm_exit order; each keeps its `line`.
 */
import type { Category, CrAccess, ExceptionInfo, ExitRecord, Isa, MmioAccess, MsrAccess, PortIo } from '../model/exit';
import type { TraceSink } from '../model/trace';

/** The parser's own, mutable view of an ExitRecord while it is open. */
export interface MutableExit {
  timeNs: number;
  entryNs: number | undefined;
  tid: number | undefined;
  comm: string | undefined;
  hostCpu: number | undefined;
  vcpu: number | undefined;
  isa: Isa;
  reason: number | undefined;
  reasonName: string;
  reasonFlags: readonly string[] | undefined;
  rip: string | undefined;
  info1: string | undefined;
  info2: string | undefined;
  intrInfo: number | undefined;
  errorCode: number | undefined;
  cr: CrAccess | undefined;
  exception: ExceptionInfo | undefined;
  io: PortIo | undefined;
  mmio: MmioAccess | undefined;
  msr: MsrAccess | undefined;
  faultAddress: string | undefined;
  userspaceExit: string | undefined;
  emulatedInsn: string | undefined;
  injectedException: string | undefined;
  category: Category;
  line: number;
  untimed: boolean | undefined;
}

/**
 * A record with every key present (absent values undefined): one hidden class for all records keeps
 * the consumers' property reads monomorphic. JSON.stringify drops the undefined keys.
 */
export function newExit(timeNs: number, isa: Isa, reasonName: string, line: number): MutableExit {
  return {
    timeNs,
    entryNs: undefined,
    tid: undefined,
    comm: undefined,
    hostCpu: undefined,
    vcpu: undefined,
    isa,
    reason: undefined,
    reasonName,
    reasonFlags: undefined,
    rip: undefined,
    info1: undefined,
    info2: undefined,
    intrInfo: undefined,
    errorCode: undefined,
    cr: undefined,
    exception: undefined,
    io: undefined,
    mmio: undefined,
    msr: undefined,
    faultAddress: undefined,
    userspaceExit: undefined,
    emulatedInsn: undefined,
    injectedException: undefined,
    category: 'other',
    line,
    untimed: undefined,
  };
}

/** Per host thread: the vCPU it last ran, its last exit while open, and its open exit that printed no vCPU. */
interface ThreadState {
  readonly tid: number;
  vcpu: number;
  last: MutableExit | undefined;
  unkeyed: MutableExit | undefined;
}

/** vCPU numbers below this index an array; larger ones (never seen in practice) a Map. */
const VCPU_ARRAY_LIMIT = 4096;

/** Pairs exits with entries and hands closed records to the sink (rules in the module comment). */
export class ExitAssembler {
  /** Open exits that printed a vCPU, by vCPU. Slots are cleared, never deleted (Map deletes are slow). */
  private readonly byVcpu: (MutableExit | undefined)[] = [];
  private readonly byBigVcpu = new Map<number, MutableExit | undefined>();
  private readonly threads = new Map<number, ThreadState>();
  /** Lines that show no thread (bare or trimmed lines) share one state. */
  private readonly unknownThread: ThreadState = { tid: -1, vcpu: -1, last: undefined, unkeyed: undefined };
  /** Direct-mapped cache in front of `threads`: vCPU threads interleave line by line. */
  private readonly recent: ThreadState[] = new Array<ThreadState>(64).fill(this.unknownThread);

  constructor(private readonly sink: TraceSink) {}

  private thread(tid: number): ThreadState {
    if (tid < 0) return this.unknownThread;
    const slot = tid & 63;
    const hit = this.recent[slot];
    if (hit.tid === tid) return hit;
    let st = this.threads.get(tid);
    if (st === undefined) {
      st = { tid, vcpu: -1, last: undefined, unkeyed: undefined };
      this.threads.set(tid, st);
    }
    this.recent[slot] = st;
    return st;
  }

  private openOf(vcpu: number): MutableExit | undefined {
    return vcpu < VCPU_ARRAY_LIMIT ? this.byVcpu[vcpu] : this.byBigVcpu.get(vcpu);
  }

  private setOpen(vcpu: number, rec: MutableExit | undefined): void {
    if (vcpu < VCPU_ARRAY_LIMIT) {
      // Grow densely (holes would turn the array into a dictionary).
      while (this.byVcpu.length < vcpu) this.byVcpu.push(undefined);
      this.byVcpu[vcpu] = rec;
    } else this.byBigVcpu.set(vcpu, rec);
  }

  /** Takes an open exit out of its pairing slot and out of its thread's `last`. */
  private unlink(rec: MutableExit, keyedVcpu: boolean): void {
    const st = this.thread(rec.tid ?? -1);
    if (keyedVcpu) this.setOpen(rec.vcpu as number, undefined);
    else if (st.unkeyed === rec) st.unkeyed = undefined;
    if (st.last === rec) st.last = undefined;
  }

  /** Opens an exit seen on host thread `tid` (-1 unknown); closes what it supersedes. */
  exit(rec: MutableExit, tid: number): void {
    const st = this.thread(tid);
    const vcpu = rec.vcpu;
    if (vcpu !== undefined) {
      const prev = this.openOf(vcpu);
      if (prev !== undefined) this.closeUnmatched(prev, true);
    } else if (st.unkeyed !== undefined) this.closeUnmatched(st.unkeyed, false);
    if (tid >= 0) {
      // A thread runs one vCPU at a time: a new exit on it means its previous one was re-entered untraced.
      const last = st.last;
      if (last !== undefined) this.closeUnmatched(last, last.vcpu !== undefined && this.openOf(last.vcpu) === last);
      if (vcpu !== undefined) st.vcpu = vcpu;
    }
    if (vcpu !== undefined) this.setOpen(vcpu, rec);
    else st.unkeyed = rec;
    st.last = rec;
  }

  /** A kvm_entry of `vcpu` (-1 if not printed) on thread `tid`: closes and emits the exit it ends. */
  entry(vcpu: number, tid: number, timeNs: number, timed: boolean): void {
    const st = this.thread(tid);
    if (tid >= 0 && vcpu >= 0) st.vcpu = vcpu;
    let rec = vcpu >= 0 ? this.openOf(vcpu) : undefined;
    let keyed = true;
    if (rec === undefined) {
      rec = st.unkeyed;
      keyed = false;
      if (rec === undefined) return;
    }
    this.unlink(rec, keyed);
    if (timed && rec.untimed !== true && timeNs >= rec.timeNs) rec.entryNs = timeNs;
    if (rec.vcpu === undefined) rec.vcpu = vcpu >= 0 ? vcpu : this.threadVcpu(rec);
    this.sink.exit(rec as ExitRecord);
  }

  /** The open exit a refinement event on thread `tid` belongs to, if any. */
  current(tid: number): MutableExit | undefined {
    return this.thread(tid).last;
  }

  /** Emits every exit still open, in kvm_exit order (end of input). */
  flush(): void {
    const rest: MutableExit[] = [];
    for (const r of this.byVcpu) if (r !== undefined) rest.push(r);
    for (const r of this.byBigVcpu.values()) if (r !== undefined) rest.push(r);
    for (const st of this.threads.values()) if (st.unkeyed !== undefined) rest.push(st.unkeyed);
    if (this.unknownThread.unkeyed !== undefined) rest.push(this.unknownThread.unkeyed);
    this.byVcpu.length = 0;
    this.byBigVcpu.clear();
    for (const st of this.threads.values()) {
      st.last = undefined;
      st.unkeyed = undefined;
    }
    this.unknownThread.last = undefined;
    this.unknownThread.unkeyed = undefined;
    rest.sort((a, b) => a.line - b.line);
    for (const rec of rest) this.emitUnmatched(rec);
  }

  private threadVcpu(rec: MutableExit): number | undefined {
    const tid = rec.tid ?? -1;
    if (tid < 0) return undefined;
    const v = this.thread(tid).vcpu;
    return v >= 0 ? v : undefined;
  }

  private closeUnmatched(rec: MutableExit, keyedVcpu: boolean): void {
    this.unlink(rec, keyedVcpu);
    this.emitUnmatched(rec);
  }

  private emitUnmatched(rec: MutableExit): void {
    if (rec.vcpu === undefined) rec.vcpu = this.threadVcpu(rec);
    this.sink.exit(rec as ExitRecord);
  }
}
