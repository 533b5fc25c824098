/**
 * The streaming parser for kernel trace text: ftrace (`trace`, `trace_pipe`), `trace-cmd report` and
 * `perf script` — one line loop, since the three differ only in the envelope (envelope.ts) and real
 * files mix them (mails paste bare `event: payload` lines next to full ones). The format passed in is
 * what detection saw and what the parser reports.
 *
 * Hot path (one kvm_exit or kvm_entry line in a common layout): fastLine.ts reads it in one forward
 * pass, taking the envelope before the timestamp from a cache of prefixes this parser already read;
 * reason and RIP become small integer keys (exitKeys.ts) and the exit an OpenExit (openExit.ts), so
 * a sink with `compactExit` gets it with no allocation and no string. Every other line takes the
 * general path: find `kvm_` with native search, read the envelope backwards and the payload forwards
 * from the bytes. No regex, no per-line string on either path.
 *
 * Damage handling: a kvm_exit/kvm_entry line whose envelope or payload cannot be read is a warning
 * (with its line) and is not counted; other events and prose are ignored silently. A record cut after
 * a key (`… rip` + newline) is joined with the next line when that line is plainly its rest (no event,
 * no `: `) — mail clients wrap long lines that way — else it is a warning.
 */
import type { Isa } from '../model/exit';
import type { TraceFormat, TraceParser, TraceSink } from '../model/trace';
import { reasonByCode, type ReasonInfo } from '../taxonomy';
import { ascii, asciiString, COLON, copyBytes, indexOfSeq, isBlank, startsWith, utf8 } from './bytes';
import { EventFinder, hasEarlierEvent } from './eventFinder';
import { contentStart, newEnvelope, parseEnvelope } from './envelope';
import { ExitAssembler } from './exitAssembler';
import { Refiner } from './exitDetails';
import { ExitKeyTable } from './exitKeys';
import { FastLineReader } from './fastLine';
import { parseSimulatedHeader, SIMULATED_PREFIX } from './headerMeta';
import { ByteInterner, HexInterner } from './interning';
import { afterKey, decodeEntryPayload, decodeExitPayload, entryResult, EV_CPUID, EV_ENTRY, EV_EXIT, EV_NONE, EVENT_NAMES, newExitFields } from './kvmEvents';
import { LineSplitter } from './lineSplitter';
import { materializeExit } from './openExit';
import { makeReasonToken, type ReasonToken } from './reasonTokens';

const KVM_ = ascii('kvm_');
const SIM_PREFIX = ascii(SIMULATED_PREFIX);
const W_REASON = ascii('reason');
const W_VCPU = ascii('vcpu');

function makeFlags(buf: Uint8Array, start: number, end: number): readonly string[] {
  return Object.freeze(asciiString(buf, start, end).split(/\s+/).filter((s) => s !== ''));
}

/** Options for TextTraceParser. */
export interface TextParserOptions {
  /** ISA to assume before the trace shows one (e.g. from a header); default: decided by the reason names. */
  readonly isa?: Isa;
  /** Use the fast path for common kvm_exit/kvm_entry lines (default true; tests compare both ways). */
  readonly fastPath?: boolean;
}

/**
 * The parser behind the `ftrace`, `trace-cmd` and `perf-script` formats. Feed it chunks with push(),
 * then end(): exits reach the sink as they are closed, warnings as they are found.
 */
export class TextTraceParser implements TraceParser {
  private readonly splitter: LineSplitter;
  private readonly asm: ExitAssembler;
  private readonly env = newEnvelope();
  private readonly f = newExitFields();
  private readonly comms = new ByteInterner<string>(256);
  private readonly reasons = new ByteInterner<ReasonToken>(256, makeReasonToken);
  private readonly flags = new ByteInterner<readonly string[]>(64, makeFlags);
  private readonly hex = new HexInterner(14);
  private readonly refiner = new Refiner(this.hex);
  /** Reason and RIP keys; the dictionary a compactExit sink receives. */
  readonly keys = new ExitKeyTable();
  private readonly fast = new FastLineReader(this.reasons, this.keys);
  private readonly fastOn: boolean;
  private fastCount = 0;
  /** Whether the splitter's next line goes to fastLineAt first: the last line was a fast one. */
  private speculate = false;
  /** ISA evidence: set by the first reason name only one ISA uses (or by a header). */
  private isa: Isa | undefined;
  private lastTimeNs = 0;
  /** Time of the exit openExit() is about to open. */
  private exitTimeNs = 0;
  /** The general path's event search; its evStart and payload describe the event it found last. */
  private readonly events = new EventFinder();
  private dvBuf: Uint8Array | undefined;
  private dv: DataView | undefined;
  /** A record line that ended where a value was due, waiting for its continuation line. */
  private pending: Uint8Array | undefined;
  private pendingLine = 0;
  private pendingEvent = EV_NONE;
  private pendingError = '';
  private joining = false;

  constructor(
    readonly format: TraceFormat,
    private readonly sink: TraceSink,
    options: TextParserOptions = {},
  ) {
    this.isa = options.isa;
    this.fastOn = options.fastPath !== false;
    this.asm = new ExitAssembler(sink, this.keys, this.hex);
    this.splitter = new LineSplitter(
      (buf, start, end, line) => this.onLine(buf, start, end, line),
      (line, max) => this.sink.warning({ line, message: `line longer than ${max} bytes; skipped` }),
      undefined,
      this.fastOn ? (buf, start, limit, line) => this.fastLineAt(buf, start, limit, line) : undefined,
    );
  }

  /** Lines read so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  /** Lines the fast path read (the rest took the general path). */
  get fastLines(): number {
    return this.fastCount;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    if (this.pending !== undefined) this.dropPending();
    this.asm.flush();
  }

  /**
   * The splitter's first try at a line: the fast path without the line's end (FastLineReader.readLine).
   * Tried only while the previous line took the fast path, so that input the fast path rejects is not
   * read twice line after line. Returns the line's `\n`, or -1 (the splitter then calls onLine).
   */
  private fastLineAt(buf: Uint8Array, start: number, limit: number, line: number): number {
    if (!this.speculate || this.pending !== undefined) return -1;
    const fl = this.fast;
    const ev = fl.readLine(buf, this.dataView(buf), start, limit, this.f);
    if (ev === EV_NONE) {
      this.speculate = false;
      return -1;
    }
    this.fastAccept(ev, line);
    return fl.lineEnd;
  }

  /** Counts a line the fast path read (EV_EXIT or EV_ENTRY, as FastLineReader describes it). */
  private fastAccept(ev: number, line: number): void {
    const fl = this.fast;
    this.fastCount++;
    if (ev === EV_EXIT) {
      this.lastTimeNs = this.exitTimeNs = fl.timeNs;
      this.openExit(fl.token, fl.siteKey, line, true, fl.tid, fl.hostCpu, fl.comm, undefined);
    } else {
      this.lastTimeNs = this.asm.entryTimeNs = fl.timeNs;
      this.asm.entry(fl.vcpu, fl.tid, true);
    }
  }

  private onLine(buf: Uint8Array, start: number, end: number, line: number): void {
    if (end > start && buf[end - 1] === 13) end--;
    if (this.fastOn && this.pending === undefined) {
      const ev = this.fast.read(buf, this.dataView(buf), start, end, this.f);
      if (ev !== EV_NONE) {
        this.speculate = true;
        this.fastAccept(ev, line);
        return;
      }
    }
    const cs = contentStart(buf, start, end);
    if (this.pending !== undefined && this.tryContinuation(buf, cs, end)) return;
    if (cs >= end) return;
    if (buf[cs] === 35 /* # */) {
      if (startsWith(buf, cs, end, SIM_PREFIX)) {
        const meta = parseSimulatedHeader(utf8(buf, cs + SIM_PREFIX.length, end));
        if (meta.isa && this.isa === undefined) this.isa = meta.isa;
        this.sink.meta?.(meta);
      }
      return;
    }
    const events = this.events;
    let ev = events.find(buf, cs, end);
    if (ev === EV_NONE) return;
    const env = this.env;
    let ok = parseEnvelope(buf, cs, events.evStart, env, this.dataView(buf));
    if (!ok && events.guessed) {
      // The guessed token may not be the first one on the line: look again from the start.
      ev = events.search(buf, cs, end);
      if (ev === EV_NONE) return;
      ok = parseEnvelope(buf, cs, events.evStart, env, this.dataView(buf));
    }
    if (!ok) {
      // A record whose envelope was damaged (cut by hand, glued to other text) is a warning; prose
      // that merely names the event (`… kvm_exit: handling changed …`) is not.
      if ((ev === EV_EXIT || ev === EV_ENTRY) && this.looksLikeRecord(ev, buf, end) && !hasEarlierEvent(buf, cs, events.evStart)) {
        const shown = asciiString(buf, cs, Math.min(events.evStart, cs + 40)).trim();
        this.sink.warning({ line, message: `${EVENT_NAMES[ev]} with unreadable text before the event ("${shown}"); not counted` });
      }
      return;
    }
    if (!env.timed && (ev === EV_EXIT || ev === EV_ENTRY) && !this.looksLikeRecord(ev, buf, end)) return;
    if (env.timed) this.lastTimeNs = env.timeNs;
    if (ev === EV_EXIT || ev === EV_ENTRY) {
      const comm = env.commStart >= 0 ? this.comms.get(buf, env.commStart, env.commEnd, this.dv) : undefined;
      if (this.fastOn && this.fast.wantsPrefix && env.timed && !this.joining) this.fast.teach(buf, this.dataView(buf), start, env.tsStart, env.tid, env.cpu, comm);
      if (ev === EV_EXIT) this.onExit(buf, end, line, start, comm);
      else this.onEntry(buf, end, line, start);
    } else if (ev !== EV_CPUID) {
      // kvm_cpuid refines nothing (the exit is already `cpuid`): no need to make the record.
      const open = this.asm.current(env.tid);
      if (open !== undefined) {
        const rec = materializeExit(open, this.keys, this.hex);
        if (!this.refiner.apply(ev, rec, buf, events.payload, end) && !this.joining) this.holdPending(buf, start, end, line, ev, '');
      }
    }
  }

  private onExit(buf: Uint8Array, end: number, line: number, lineStart: number, comm: string | undefined): void {
    const f = this.f;
    if (!decodeExitPayload(buf, this.events.payload, end, f, this.dataView(buf))) {
      if (f.incomplete && !this.joining) this.holdPending(buf, lineStart, end, line, EV_EXIT, f.error as string);
      else this.sink.warning({ line, message: `${f.error}; not counted` });
      return;
    }
    const env = this.env;
    const flags = f.flagsStart >= 0 ? this.flags.get(buf, f.flagsStart, f.flagsEnd) : undefined;
    const token = f.unknownCode >= 0 ? undefined : this.reasons.get(buf, f.reasonStart, f.reasonEnd, this.dv);
    this.exitTimeNs = env.timed ? env.timeNs : this.lastTimeNs;
    this.openExit(token, this.keys.ripKey(f.ripHi, f.ripLo), line, env.timed, env.tid, env.cpu, comm, flags);
  }

  /**
   * Opens the exit whose payload is decoded in this.f and whose time is exitTimeNs, with its reason
   * token (undefined for the plugin's `UNKNOWN (N)`, whose number is in f) and site key: resolves the
   * reason against the trace's ISA evidence and hands an OpenExit to the assembler. Both paths end
   * here. (The time travels in a field: a double argument would be boxed on every call.)
   */
  private openExit(
    r: ReasonToken | undefined,
    siteKey: number,
    line: number,
    timed: boolean,
    tid: number,
    hostCpu: number,
    comm: string | undefined,
    flags: readonly string[] | undefined,
  ): void {
    const f = this.f;
    let info: ReasonInfo | undefined;
    let isa: Isa;
    let name: string;
    let key: number;
    if (r === undefined) {
      isa = this.isa ?? 'vmx';
      info = reasonByCode(isa, f.unknownCode);
      name = info.name;
      key = this.keys.reasonKey(isa, info, name);
    } else {
      if (r.vmx !== undefined && r.svm !== undefined) {
        // Lower-case names shared by legacy VMX (2.6.3x, no info) and SVM: use the trace's evidence.
        isa = this.isa ?? (f.gen === 0 ? 'vmx' : 'svm');
        info = r[isa];
      } else if (r.vmx !== undefined) {
        isa = 'vmx';
        info = r.vmx;
        if (this.isa === undefined) this.isa = 'vmx';
      } else if (r.svm !== undefined) {
        isa = 'svm';
        info = r.svm;
        if (this.isa === undefined) this.isa = 'svm';
      } else {
        isa = this.isa ?? 'vmx';
        info = r.hexCode >= 0 ? reasonByCode(isa, r.hexCode) : undefined;
      }
      name = info !== undefined ? info.name : r.text;
      // The resolution depends only on the token and the ISA: cache its key on the token.
      if (isa === 'vmx') {
        key = r.vmxKey;
        if (key < 0) key = r.vmxKey = this.keys.reasonKey(isa, info, name);
      } else {
        key = r.svmKey;
        if (key < 0) key = r.svmKey = this.keys.reasonKey(isa, info, name);
      }
    }
    const o = this.asm.acquire();
    o.timeNs = this.exitTimeNs;
    o.timed = timed;
    o.tid = tid;
    o.hostCpu = hostCpu;
    o.comm = comm;
    o.keyVcpu = f.vcpu;
    o.isa = isa;
    o.info = info;
    o.reasonName = name;
    o.reasonFlags = flags;
    o.reasonKey = key;
    o.siteKey = siteKey;
    o.gen = f.gen;
    o.hasInfo1 = f.hasInfo1;
    o.info1Hi = f.info1Hi;
    o.info1Lo = f.info1Lo;
    o.hasInfo2 = f.hasInfo2;
    o.info2Hi = f.info2Hi;
    o.info2Lo = f.info2Lo;
    o.intrInfo = f.intrInfo;
    o.errorCode = f.errorCode;
    o.line = line;
    o.record = undefined;
    // Gen-1 VMX `info A B`: B is the VM-exit interruption information.
    const intrInfo = f.gen === 1 ? (isa === 'vmx' && f.info2Hi === 0 ? f.info2Lo : -1) : f.intrInfo;
    o.category = this.keys.category(key, f.hasInfo1, f.info1Lo, intrInfo);
    this.asm.exit(o);
  }

  private onEntry(buf: Uint8Array, end: number, line: number, lineStart: number): void {
    if (!decodeEntryPayload(buf, this.events.payload, end, this.dataView(buf))) {
      const r = entryResult;
      if (r.incomplete && !this.joining) this.holdPending(buf, lineStart, end, line, EV_ENTRY, r.error as string);
      else this.sink.warning({ line, message: `${r.error}; not counted` });
      return;
    }
    const env = this.env;
    this.asm.entryTimeNs = env.timeNs;
    this.asm.entry(entryResult.vcpu, env.tid, env.timed);
  }

  /** Whether the payload has the key every print format of the event starts with (`reason` / `vcpu`). */
  private looksLikeRecord(ev: number, buf: Uint8Array, end: number): boolean {
    return afterKey(buf, this.events.payload, end, ev === EV_EXIT ? W_REASON : W_VCPU) >= 0;
  }

  /** A DataView of the current buffer, for 4-byte compares on the hot path (one per chunk). */
  private dataView(buf: Uint8Array): DataView {
    if (this.dvBuf !== buf) {
      this.dvBuf = buf;
      this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.dv as DataView;
  }

  /** Keeps a record line cut after a key until the next line shows whether it continues. */
  private holdPending(buf: Uint8Array, start: number, end: number, line: number, ev: number, error: string): void {
    this.pending = copyBytes(buf, start, end);
    this.pendingLine = line;
    this.pendingEvent = ev;
    this.pendingError = error;
  }

  /**
   * A continuation is a non-empty line with no event and no `: ` — what a mail client leaves of a
   * wrapped record (`0xfd11d info 100000014 fd000`). Returns true when the line was consumed.
   */
  private tryContinuation(buf: Uint8Array, cs: number, end: number): boolean {
    const pending = this.pending as Uint8Array;
    let continues = cs < end && buf[cs] !== 35;
    for (let i = cs; continues && i < end; i++) {
      if (buf[i] === COLON && (i + 1 === end || isBlank(buf[i + 1]))) continues = false;
    }
    if (continues) {
      const k = indexOfSeq(buf, KVM_, cs);
      if (k >= 0 && k < end) continues = false;
    }
    if (!continues) {
      this.dropPending();
      return false;
    }
    const joined = new Uint8Array(pending.length + 1 + (end - cs));
    joined.set(pending, 0);
    joined[pending.length] = 32;
    joined.set(buf.subarray(cs, end), pending.length + 1);
    const line = this.pendingLine;
    this.pending = undefined;
    this.joining = true;
    try {
      this.onLine(joined, 0, joined.length, line);
    } finally {
      this.joining = false;
    }
    return true;
  }

  private dropPending(): void {
    const ev = this.pendingEvent;
    if (ev === EV_EXIT || ev === EV_ENTRY) this.sink.warning({ line: this.pendingLine, message: `${this.pendingError}; not counted` });
    this.pending = undefined;
  }
}
