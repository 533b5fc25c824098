/**
 * The streaming parser for kernel trace text: ftrace (`trace`, `trace_pipe`), `trace-cmd report` and
 * `perf script` — one line loop, since the three differ only in the envelope (envelope.ts) and real
 * files mix them (mails paste bare `event: payload` lines next to full ones). The format passed in is
 * what detection saw and what the parser reports.
 *
 * Hot path (one kvm_exit or kvm_entry line): find the line end and `kvm_` with native search, read the
 * envelope backwards and the payload forwards from the bytes, intern comm, reason and RIP through
 * byte-keyed caches, allocate only the ExitRecord. No regex, no per-line string.
 *
 * Damage handling: a kvm_exit/kvm_entry line whose envelope or payload cannot be read is a warning
 * (with its line) and is not counted; other events and prose are ignored silently. A record cut after
 * a key (`… rip` + newline) is joined with the next line when that line is plainly its rest (no event,
 * no `: `) — mail clients wrap long lines that way — else it is a warning.
 */
import type { Isa } from '../model/exit';
import type { TraceFormat, TraceParser, TraceSink } from '../model/trace';
import { payloadReasonByName, reasonByCode, refine, type ReasonInfo } from '../taxonomy';
import { ascii, asciiString, COLON, copyBytes, indexOfSeq, isBlank, startsWith, utf8 } from './bytes';
import { contentStart, newEnvelope, parseEnvelope } from './envelope';
import { ExitAssembler, newExit } from './exitAssembler';
import { decodeFastPath, Refiner } from './exitDetails';
import { parseSimulatedHeader, SIMULATED_PREFIX } from './headerMeta';
import { ByteInterner, HexInterner } from './interning';
import { afterKey, decodeEntryPayload, decodeExitPayload, entryResult, eventId, EV_ENTRY, EV_EXIT, EV_NONE, EVENT_NAMES, newExitFields } from './kvmEvents';
import { LineSplitter } from './lineSplitter';

const KVM_ = ascii('kvm_');
const SIM_PREFIX = ascii(SIMULATED_PREFIX);
const W_REASON = ascii('reason');
const W_VCPU = ascii('vcpu');

/** A reason token as printed, resolved against both ISAs' tables once per distinct token. */
interface ReasonEntry {
  readonly text: string;
  readonly vmx: ReasonInfo | undefined;
  readonly svm: ReasonInfo | undefined;
  /** The number when the kernel printed one (`0x4b`), else -1. */
  readonly hexCode: number;
}

function makeReasonEntry(buf: Uint8Array, start: number, end: number): ReasonEntry {
  const text = asciiString(buf, start, end);
  let hexCode = -1;
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text)) hexCode = Number.parseInt(text.slice(2), 16);
  return { text, vmx: payloadReasonByName('vmx', text), svm: payloadReasonByName('svm', text), hexCode };
}

function makeFlags(buf: Uint8Array, start: number, end: number): readonly string[] {
  return Object.freeze(asciiString(buf, start, end).split(/\s+/).filter((s) => s !== ''));
}

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/**
 * Whether [cs, evStart) holds `<digits>: ` — a timestamp and the event it stamps — so that the kvm_
 * token found later is text inside another event's payload (a tracing_mark_write), not a record.
 */
function hasEarlierEvent(buf: Uint8Array, cs: number, evStart: number): boolean {
  for (let i = cs + 1; i + 1 < evStart; i++) {
    if (buf[i] === COLON && isBlank(buf[i + 1]) && buf[i - 1] >= 48 && buf[i - 1] <= 57) return true;
  }
  return false;
}

/** Options for TextTraceParser. */
export interface TextParserOptions {
  /** ISA to assume before the trace shows one (e.g. from a header); default: decided by the reason names. */
  readonly isa?: Isa;
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
  private readonly reasons = new ByteInterner<ReasonEntry>(256, makeReasonEntry);
  private readonly flags = new ByteInterner<readonly string[]>(64, makeFlags);
  private readonly hex = new HexInterner(14);
  private readonly refiner = new Refiner(this.hex);
  /** ISA evidence: set by the first reason name only one ISA uses (or by a header). */
  private isa: Isa | undefined;
  private lastTimeNs = 0;
  /** Cache of the next `kvm_` position in the current chunk (kvmPos ≥ buffer length: none left). */
  private kvmBuf: Uint8Array | undefined;
  private kvmPos = 0;
  /** Event found by findEvent(): its id, where `sys:event` starts, and where the payload starts. */
  private evStart = 0;
  private payload = 0;
  /** Offset of `kvm_` from the content start on the last line where it was searched for. */
  private eventOffset = 0;
  /** Whether the last findEvent() used the positional guess. */
  private guessed = false;
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
    this.asm = new ExitAssembler(sink);
    this.splitter = new LineSplitter(
      (buf, start, end, line) => this.onLine(buf, start, end, line),
      (line, max) => this.sink.warning({ line, message: `line longer than ${max} bytes; skipped` }),
    );
  }

  /** Lines read so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    if (this.pending !== undefined) this.dropPending();
    this.asm.flush();
  }

  private onLine(buf: Uint8Array, start: number, end: number, line: number): void {
    if (end > start && buf[end - 1] === 13) end--;
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
    let ev = this.findEvent(buf, cs, end);
    if (ev === EV_NONE) return;
    const env = this.env;
    let ok = parseEnvelope(buf, cs, this.evStart, env, this.dataView(buf));
    if (!ok && this.guessed) {
      // The guessed token may not be the first one on the line: look again from the start.
      ev = this.searchEvent(buf, cs, end);
      if (ev === EV_NONE) return;
      ok = parseEnvelope(buf, cs, this.evStart, env, this.dataView(buf));
    }
    if (!ok) {
      // A record whose envelope was damaged (cut by hand, glued to other text) is a warning; prose
      // that merely names the event (`… kvm_exit: handling changed …`) is not.
      if ((ev === EV_EXIT || ev === EV_ENTRY) && this.looksLikeRecord(ev, buf, end) && !hasEarlierEvent(buf, cs, this.evStart)) {
        const shown = asciiString(buf, cs, Math.min(this.evStart, cs + 40)).trim();
        this.sink.warning({ line, message: `${EVENT_NAMES[ev]} with unreadable text before the event ("${shown}"); not counted` });
      }
      return;
    }
    if (!env.timed && (ev === EV_EXIT || ev === EV_ENTRY) && !this.looksLikeRecord(ev, buf, end)) return;
    if (env.timed) this.lastTimeNs = env.timeNs;
    if (ev === EV_EXIT) this.onExit(buf, end, line, start);
    else if (ev === EV_ENTRY) this.onEntry(buf, end, line, start);
    else {
      const rec = this.asm.current(env.tid);
      if (rec !== undefined && !this.refiner.apply(ev, rec, buf, this.payload, end) && !this.joining) this.holdPending(buf, start, end, line, ev, '');
    }
  }

  /**
   * Finds the `[sys:]kvm_<name>:` event token in [cs, end); returns its id (EV_NONE when there is none
   * or ExitLens does not read that event) and sets evStart/payload. Tools pad their columns, so the
   * token is usually where it was on the previous line (±1: `kvm_exit` and `kvm_entry` are
   * right-aligned by perf): that position is tried before searching.
   */
  private findEvent(buf: Uint8Array, cs: number, end: number): number {
    const guess = cs + this.eventOffset;
    for (let d = 0; d < 3; d++) {
      const k = d === 0 ? guess : d === 1 ? guess - 1 : guess + 1;
      if (k >= cs && k + 5 < end && buf[k] === 107 && buf[k + 1] === 118 && buf[k + 2] === 109 && buf[k + 3] === 95) {
        const id = this.eventAt(buf, cs, end, k);
        if (id >= 0) {
          this.guessed = true;
          return id;
        }
      }
    }
    return this.searchEvent(buf, cs, end);
  }

  /** findEvent() without the positional guess. */
  private searchEvent(buf: Uint8Array, cs: number, end: number): number {
    this.guessed = false;
    let from = cs;
    for (;;) {
      let k: number;
      if (this.kvmBuf === buf && this.kvmPos >= from) k = this.kvmPos;
      else {
        k = indexOfSeq(buf, KVM_, from);
        if (k < 0) k = buf.length;
        this.kvmBuf = buf;
        this.kvmPos = k;
      }
      if (k + 4 >= end) return EV_NONE;
      from = k + 1;
      const id = this.eventAt(buf, cs, end, k);
      if (id >= 0) {
        this.eventOffset = k - cs;
        return id;
      }
    }
  }

  /** The event id when an event token starts at k (`kvm_` there), else -1. */
  private eventAt(buf: Uint8Array, cs: number, end: number, k: number): number {
    let e = k + 4;
    while (e < end && isIdent(buf[e])) e++;
    if (e >= end || buf[e] !== COLON) return -1;
    let s = k;
    if (k > cs) {
      const before = buf[k - 1];
      if (before === COLON) {
        // perf's `sys:event`: the system name must be a whole token.
        s = k - 1;
        while (s > cs && isIdent(buf[s - 1])) s--;
        if (s === k - 1 || (s > cs && !isBlank(buf[s - 1]))) return -1;
      } else if (isIdent(before)) return -1;
    }
    this.evStart = s;
    this.payload = e + 1;
    return eventId(buf, k, e);
  }

  private onExit(buf: Uint8Array, end: number, line: number, lineStart: number): void {
    const f = this.f;
    if (!decodeExitPayload(buf, this.payload, end, f, this.dataView(buf))) {
      if (f.incomplete && !this.joining) this.holdPending(buf, lineStart, end, line, EV_EXIT, f.error as string);
      else this.sink.warning({ line, message: `${f.error}; not counted` });
      return;
    }
    const env = this.env;
    let info: ReasonInfo | undefined;
    let isa: Isa;
    let name: string;
    if (f.unknownCode >= 0) {
      isa = this.isa ?? 'vmx';
      info = reasonByCode(isa, f.unknownCode);
      name = info.name;
    } else {
      const r = this.reasons.get(buf, f.reasonStart, f.reasonEnd, this.dv);
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
    }
    const rec = newExit(env.timed ? env.timeNs : this.lastTimeNs, isa, name, line);
    if (!env.timed) rec.untimed = true;
    if (env.tid >= 0) rec.tid = env.tid;
    if (env.commStart >= 0) rec.comm = this.comms.get(buf, env.commStart, env.commEnd, this.dv);
    if (env.cpu >= 0) rec.hostCpu = env.cpu;
    if (f.vcpu >= 0) rec.vcpu = f.vcpu;
    if (f.flagsStart >= 0) rec.reasonFlags = this.flags.get(buf, f.flagsStart, f.flagsEnd);
    rec.rip = this.hex.get(f.ripHi, f.ripLo);
    if (f.hasInfo1) rec.info1 = this.hex.get(f.info1Hi, f.info1Lo);
    if (f.hasInfo2) rec.info2 = this.hex.get(f.info2Hi, f.info2Lo);
    if (f.gen === 1) {
      // Gen-1 VMX `info A B`: B is the VM-exit interruption information (gen 2 prints it as intr_info).
      if (isa === 'vmx' && f.info2Hi === 0) rec.intrInfo = f.info2Lo;
    } else {
      if (f.intrInfo >= 0) rec.intrInfo = f.intrInfo;
      if (f.errorCode >= 0) rec.errorCode = f.errorCode;
    }
    if (info !== undefined) {
      rec.reason = info.code;
      decodeFastPath(rec, info, f.info1Lo);
      rec.category = refine(info, rec);
    }
    this.asm.exit(rec, env.tid);
  }

  private onEntry(buf: Uint8Array, end: number, line: number, lineStart: number): void {
    if (!decodeEntryPayload(buf, this.payload, end, this.dataView(buf))) {
      const r = entryResult;
      if (r.incomplete && !this.joining) this.holdPending(buf, lineStart, end, line, EV_ENTRY, r.error as string);
      else this.sink.warning({ line, message: `${r.error}; not counted` });
      return;
    }
    const env = this.env;
    this.asm.entry(entryResult.vcpu, env.tid, env.timeNs, env.timed);
  }

  /** Whether the payload has the key every print format of the event starts with (`reason` / `vcpu`). */
  private looksLikeRecord(ev: number, buf: Uint8Array, end: number): boolean {
    return afterKey(buf, this.payload, end, ev === EV_EXIT ? W_REASON : W_VCPU) >= 0;
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
