/**
 * Pairs kvm_exit with the kvm_entry that ends it and hands the closed exit to the sink; the parser
 * attaches the events in between (kvm_mmio, kvm_pio, kvm_cr, kvm_page_fault…) through current().
 *
 * Pairing key: the vCPU printed in the kvm_exit payload (`vcpu N`, kernels ≥ 5.9), else the host
 * thread. A kvm_entry closes the open exit of its vCPU, or of its thread when exits print no vCPU.
 * Refinement events print no vCPU: they go to the open exit of the same host thread.
 * An exit is emitted when it is closed: by its kvm_entry (with entryNs), by the next kvm_exit of the
 * same vCPU/thread (without entryNs: the entry was not traced), or at end of input (without entryNs,
 * in kvm_exit order). So records come in closing order, not kvm_exit order; each keeps its `line`.
 *
 * Open exits are pooled OpenExit objects. A sink with `compactExit` gets each exit that no refinement
 * event touched as primitives (no allocation per exit); any other exit, and every exit for a plain
 * sink, is emitted as its ExitRecord.
 */
import type { ExitRecord } from '../model/exit';
import type { TraceSink } from '../model/trace';
import type { ExitKeyTable } from './exitKeys';
import type { HexInterner } from './interning';
import { materializeExit, OpenExit } from './openExit';


/** Per host thread: the vCPU it last ran, its last exit while open, and its open exit that printed no vCPU. */
interface ThreadState {
  readonly tid: number;
  vcpu: number;
  last: OpenExit | undefined;
  unkeyed: OpenExit | undefined;
}

/** vCPU numbers below this index an array; larger ones (never seen in practice) a Map. */
const VCPU_ARRAY_LIMIT = 4096;

/** Pairs exits with entries and hands closed exits to the sink (rules in the module comment). */
export class ExitAssembler {
  /** Open exits that printed a vCPU, by vCPU. Slots are cleared, never deleted (Map deletes are slow). */
  private readonly byVcpu: (OpenExit | undefined)[] = [];
  private readonly byBigVcpu = new Map<number, OpenExit | undefined>();
  private readonly threads = new Map<number, ThreadState>();
  /** Lines that show no thread (bare or trimmed lines) share one state. */
  private readonly unknownThread: ThreadState = { tid: -1, vcpu: -1, last: undefined, unkeyed: undefined };
  /** Direct-mapped cache in front of `threads`: vCPU threads interleave line by line. */
  private readonly recent: ThreadState[] = new Array<ThreadState>(64).fill(this.unknownThread);
  private readonly pool: OpenExit[] = [];
  private readonly compact: boolean;

  constructor(
    private readonly sink: TraceSink,
    private readonly keys: ExitKeyTable,
    private readonly hex: HexInterner,
  ) {
    this.compact = typeof sink.compactExit === 'function';
  }

  /** A blank OpenExit to fill and pass to exit(). */
  acquire(): OpenExit {
    const o = this.pool.pop();
    return o !== undefined ? o : new OpenExit();
  }

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

  private openOf(vcpu: number): OpenExit | undefined {
    return vcpu < VCPU_ARRAY_LIMIT ? this.byVcpu[vcpu] : this.byBigVcpu.get(vcpu);
  }

  private setOpen(vcpu: number, o: OpenExit | undefined): void {
    if (vcpu < VCPU_ARRAY_LIMIT) {
      // Grow densely (holes would turn the array into a dictionary).
      while (this.byVcpu.length < vcpu) this.byVcpu.push(undefined);
      this.byVcpu[vcpu] = o;
    } else this.byBigVcpu.set(vcpu, o);
  }

  /** Takes an open exit out of its pairing slot and out of its thread's `last`. */
  private unlink(o: OpenExit, keyedVcpu: boolean): void {
    const st = this.thread(o.tid);
    if (keyedVcpu) this.setOpen(o.keyVcpu, undefined);
    else if (st.unkeyed === o) st.unkeyed = undefined;
    if (st.last === o) st.last = undefined;
  }

  /** Opens an exit (filled after acquire()); closes what it supersedes. */
  exit(o: OpenExit): void {
    o.entryNs = -1;
    o.vcpu = -1;
    const tid = o.tid;
    const st = this.thread(tid);
    const vcpu = o.keyVcpu;
    if (vcpu >= 0) {
      const prev = this.openOf(vcpu);
      if (prev !== undefined) this.closeUnmatched(prev, true);
    } else if (st.unkeyed !== undefined) this.closeUnmatched(st.unkeyed, false);
    if (tid >= 0) {
      // A thread runs one vCPU at a time: a new exit on it means its previous one was re-entered untraced.
      const last = st.last;
      if (last !== undefined) this.closeUnmatched(last, last.keyVcpu >= 0 && this.openOf(last.keyVcpu) === last);
      if (vcpu >= 0) st.vcpu = vcpu;
    }
    if (vcpu >= 0) this.setOpen(vcpu, o);
    else st.unkeyed = o;
    st.last = o;
  }

  /** Time (ns) of the kvm_entry the next entry() call handles. A field: a double argument is boxed per call. */
  entryTimeNs = 0;

  /** A kvm_entry of `vcpu` (-1 if not printed) on thread `tid` at entryTimeNs: closes and emits the exit it ends. */
  entry(vcpu: number, tid: number, timed: boolean): void {
    const timeNs = this.entryTimeNs;
    const st = this.thread(tid);
    if (tid >= 0 && vcpu >= 0) st.vcpu = vcpu;
    let o = vcpu >= 0 ? this.openOf(vcpu) : undefined;
    let keyed = true;
    if (o === undefined) {
      o = st.unkeyed;
      keyed = false;
      if (o === undefined) return;
    }
    this.unlink(o, keyed);
    if (timed && o.timed && timeNs >= o.timeNs) o.entryNs = timeNs;
    o.vcpu = o.keyVcpu >= 0 ? o.keyVcpu : vcpu >= 0 ? vcpu : this.threadVcpu(o);
    this.emit(o);
  }

  /** The open exit a refinement event on thread `tid` belongs to, if any. */
  current(tid: number): OpenExit | undefined {
    return this.thread(tid).last;
  }

  /** Emits every exit still open, in kvm_exit order (end of input). */
  flush(): void {
    const rest: OpenExit[] = [];
    for (const o of this.byVcpu) if (o !== undefined) rest.push(o);
    for (const o of this.byBigVcpu.values()) if (o !== undefined) rest.push(o);
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
    for (const o of rest) this.emitUnmatched(o);
  }

  private threadVcpu(o: OpenExit): number {
    return o.tid < 0 ? -1 : this.thread(o.tid).vcpu;
  }

  private closeUnmatched(o: OpenExit, keyedVcpu: boolean): void {
    this.unlink(o, keyedVcpu);
    this.emitUnmatched(o);
  }

  private emitUnmatched(o: OpenExit): void {
    o.vcpu = o.keyVcpu >= 0 ? o.keyVcpu : this.threadVcpu(o);
    this.emit(o);
  }

  /** Hands a closed exit to the sink and recycles it. */
  private emit(o: OpenExit): void {
    if (this.compact && o.record === undefined) {
      (this.sink as Required<TraceSink>).compactExit(this.keys, o);
    } else {
      const rec = materializeExit(o, this.keys, this.hex);
      if (o.entryNs >= 0) rec.entryNs = o.entryNs;
      if (rec.vcpu === undefined && o.vcpu >= 0) rec.vcpu = o.vcpu;
      o.record = undefined;
      this.sink.exit(rec as ExitRecord);
    }
    o.comm = undefined;
    o.info = undefined;
    o.reasonFlags = undefined;
    this.pool.push(o);
  }
}
