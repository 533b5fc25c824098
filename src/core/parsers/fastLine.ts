/**
 * The fast path of the text parser: one forward pass over a kvm_exit or kvm_entry line in the
 * layouts tools print by the million (perf script, ftrace, trace-cmd), with no search and no string.
 *
 * What repeats is not parsed again, only compared, 8 bytes at a time (byteMemo.ts):
 * - the envelope before the timestamp (`     CPU 0/KVM  4000 [000] `) is the same on every line of a
 *   thread: the general path teaches each prefix it parsed (with its thread, CPU and comm);
 * - the `REASON rip 0xHEX` region of a gen-2 kvm_exit maps to its reason token and site key;
 * - the fixed-width gen-2 tail is compared with the last one seen after the same reason.
 * The timestamp is read 4 digits at a time in the shape of the previous line's, the event recognised
 * by two 4-byte compares. Accepted shapes (anything else: EV_NONE, and the caller runs the general path):
 *
 *   kvm_exit   `vcpu N reason R rip 0xH` + the exact gen-2 tail (kernels ≥ 5.10)
 *              `reason R rip 0xH[ info A B]` (gen 0 / gen 1 / plugin without a function name)
 *   kvm_entry  `vcpu N` followed by end, a blank or `,`
 *
 * readLine() reads the same lines before anyone searched for their newline (the splitter asks it
 * first): a gen-2 exit ends a tail after a region as long as the last one of its reason, an entry at
 * the first newline after its vCPU. So the bytes of those lines are read once, not twice.
 *
 * Invariant: for every line it accepts, the result is what the general path would give (the tests
 * compare both ways on every fixture and on mutated lines). It changes no parser state before
 * accepting a line, except its own memos.
 */
import type { ByteInterner } from './interning';
import { digitsAt, newlineAt, scan, scanHex, skipPadding } from './bytes';
import { ByteMemo, MIN_MEMO_BYTES } from './byteMemo';
import type { ExitKeyTable } from './exitKeys';
import { fastGen2Tail, GEN2_TAIL_LENGTH } from './gen2Tail';
import { EV_ENTRY, EV_EXIT, EV_NONE, type ExitFields } from './kvmEvents';
import type { ReasonToken } from './reasonTokens';

/** Little-endian int32 of 4 ASCII bytes, to compare 4 bytes at once through a DataView. */
function le32(text: string): number {
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
}
const W_KVM_COLON = le32('kvm:');
const W_KVM_ = le32('kvm_');
const W_EXIT = le32('exit');
const W_ENTR = le32('entr');
const W_VCPU = le32('vcpu');
const W_REAS = le32('reas');
const W__REA = le32(' rea');
const W_SON_ = le32('son ');
const W__RIP = le32(' rip');
const W__INF = le32(' inf');
const W_SPACES = 0x20202020;
/** Eight spaces read as a little-endian double. */
const D_SPACES = new DataView(new Uint8Array(8).fill(32).buffer).getFloat64(0, true);

/** log2 of the number of region-length guesses (by the first 8 bytes of a region: the reason). */
const LENGTH_BITS = 8;

/** POW10[i] = 10^(9-i): the ns multiplier of a fraction with i digits (as envelope.ts). */
const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/** What the general path read from a cached envelope prefix. */
interface PrefixInfo {
  readonly tid: number;
  readonly hostCpu: number;
  readonly comm: string | undefined;
}

/**
 * Reads kvm_exit / kvm_entry lines on the fast path. After read() returns EV_EXIT or EV_ENTRY the
 * public fields describe the line (for an exit also the ExitFields passed in).
 */
export class FastLineReader {
  /** Timestamp offsets from the line start of the last two layouts seen, most recent first (-1: none). */
  private off0 = -1;
  private off1 = -1;
  /** Envelope prefixes (up to 64 bytes; the hash takes the first word and the last 16 bytes, where thread and CPU are). */
  private readonly prefixes = new ByteMemo<PrefixInfo>(7, 64, 4);
  /**
   * `REASON rip 0xHEX` (up to 48 bytes) → site key and reason token; the hash takes the reason's first
   * and the RIP's last 8 bytes. 64 Ki entries (4 MB, only touched lines cost): with 16 Ki, a trace of
   * 30,000 RIPs missed on one exit in five, and a miss reads its line twice.
   */
  private readonly regions = new ByteMemo<ReasonToken>(15, 48, 2);
  /** Integer and fraction digits of the last timestamp (fraction -1: a bare integer). */
  private intDigits = 0;
  private fracDigits = 0;

  timeNs = 0;
  tid = -1;
  hostCpu = -1;
  comm: string | undefined = undefined;
  /** vCPU of an accepted kvm_entry. */
  vcpu = -1;
  /** Reason token and site key of an accepted kvm_exit. */
  token: ReasonToken | undefined = undefined;
  siteKey = -1;
  /** True when the last read() gave up before the event: the general path should teach() its prefix. */
  wantsPrefix = false;
  /** Where the line readLine() accepted ends: the index of its `\n`. */
  lineEnd = -1;
  /** Length of the last gen-2 region read(), by a hash of its first 8 bytes: readLine()'s guess. */
  private readonly regionLengths = new Int32Array(1 << LENGTH_BITS);

  constructor(
    private readonly reasons: ByteInterner<ReasonToken>,
    private readonly keys: ExitKeyTable,
  ) {}

  /**
   * Reads line [start, end) (no line terminator) of buf; `dv` views the same bytes. Returns EV_EXIT,
   * EV_ENTRY or EV_NONE (not a line for the fast path).
   */
  read(buf: Uint8Array, dv: DataView, start: number, end: number, f: ExitFields): number {
    return this.readAt(buf, dv, start, end, f, true);
  }

  /**
   * read() for a line whose end is not known yet: the line starts at `start` and its `\n` must lie
   * before `limit`. Accepts only a line whose every byte up to a `\n` it checked (so none is a
   * newline), then sets lineEnd to that `\n`; the result is what read() gives on [start, lineEnd).
   * This spares the splitter's search for the newline on the lines that dominate big traces. EV_NONE
   * means "not decided here": the caller finds the end and calls read().
   */
  readLine(buf: Uint8Array, dv: DataView, start: number, limit: number, f: ExitFields): number {
    return this.readAt(buf, dv, start, limit, f, false);
  }

  /** read() (`known`: `end` is the line's end) or readLine() (`end` is only a bound). */
  private readAt(buf: Uint8Array, dv: DataView, start: number, end: number, f: ExitFields, known: boolean): number {
    this.wantsPrefix = true;
    let off = this.off0;
    if (off < MIN_MEMO_BYTES || start + off >= end || !this.prefixes.lookup(dv, start, off)) {
      off = this.off1;
      if (off < MIN_MEMO_BYTES || start + off >= end || !this.prefixes.lookup(dv, start, off)) return EV_NONE;
      this.off1 = this.off0;
      this.off0 = off;
    }
    const prefix = this.prefixes.object as PrefixInfo;
    let p = start + off;
    if (!this.timestamp(buf, dv, p, end)) return EV_NONE;
    p = this.tsEnd;
    // `: ` then the padding of the event column.
    if (p + 1 >= end || buf[p] !== 58 || (buf[p + 1] !== 32 && buf[p + 1] !== 9)) return EV_NONE;
    p++;
    while (p + 8 <= end && dv.getFloat64(p, true) === D_SPACES) p += 8;
    if (p + 4 <= end && dv.getInt32(p, true) === W_SPACES) p += 4;
    while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
    // `kvm:kvm_exit:` (perf) or `kvm_exit:` (ftrace, trace-cmd); kvm_entry likewise.
    if (p + 10 > end) return EV_NONE;
    let w = dv.getInt32(p, true);
    if (w === W_KVM_COLON) {
      p += 4;
      if (p + 10 > end) return EV_NONE;
      w = dv.getInt32(p, true);
    }
    if (w !== W_KVM_) return EV_NONE;
    this.wantsPrefix = false;
    w = dv.getInt32(p + 4, true);
    let ev: number;
    if (w === W_EXIT && buf[p + 8] === 58) {
      ev = EV_EXIT;
      if (!this.exitPayload(buf, dv, p + 9, end, f, known)) return EV_NONE;
    } else if (w === W_ENTR && buf[p + 8] === 121 /* y */ && buf[p + 9] === 58) {
      ev = EV_ENTRY;
      // As decodeEntryPayload: `vcpu`, blanks, 1–15 digits that end at end, a blank or `,`.
      p += 10;
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
      if (p + 4 > end || dv.getInt32(p, true) !== W_VCPU) return EV_NONE;
      p += 4;
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
      const digits = p;
      let vcpu = 0;
      while (p < end) {
        const d = buf[p] - 48;
        if (d < 0 || d > 9) break;
        vcpu = vcpu * 10 + d;
        p++;
      }
      if (p === digits || p - digits > 15) return EV_NONE;
      if (known) {
        if (p < end && buf[p] !== 32 && buf[p] !== 9 && buf[p] !== 44) return EV_NONE;
      } else {
        // The rest of the line is not read (`, rip 0x…`), only searched for its newline. A `\r`
        // right after the digits is left to read(), which strips it first.
        if (p >= end) return EV_NONE;
        const c = buf[p];
        if (c !== 10) {
          if (c !== 32 && c !== 9 && c !== 44) return EV_NONE;
          p = newlineAt(buf, dv, p + 1, end);
          if (p < 0) return EV_NONE;
        }
        this.lineEnd = p;
      }
      this.vcpu = vcpu;
    } else return EV_NONE;
    this.timeNs = this.tsNs;
    this.tid = prefix.tid;
    this.hostCpu = prefix.hostCpu;
    this.comm = prefix.comm;
    return ev;
  }

  /** What timestamp() read: the time in ns and where it stopped (the byte after the last digit). */
  private tsNs = 0;
  private tsEnd = 0;

  /**
   * Reads the timestamp `sec[.frac]` at p into tsNs (same arithmetic as parseEnvelope, so the same
   * double) and tsEnd; false if there is none. Tries the previous line's digit counts first (4 digits
   * per step), else counts them. (Results go to fields: a returned double would be boxed per call.)
   */
  private timestamp(buf: Uint8Array, dv: DataView, p: number, end: number): boolean {
    const id = this.intDigits;
    const fd = this.fracDigits;
    if (id > 0) {
      const after = fd < 0 ? p + id : p + id + 1 + fd;
      if (after < end && buf[after] === 58 && (fd < 0 || buf[p + id] === 46)) {
        const v = digitsAt(buf, dv, p, id);
        const frac = fd < 0 ? 0 : digitsAt(buf, dv, p + id + 1, fd);
        if (v >= 0 && frac >= 0) {
          this.tsEnd = after;
          this.tsNs = fd < 0 ? v : v * 1e9 + (fd > 9 ? Math.floor(frac / 10 ** (fd - 9)) : frac) * POW10[fd > 9 ? 9 : fd];
          return true;
        }
      }
    }
    const intStart = p;
    let v = 0;
    while (p < end) {
      const d = buf[p] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    const intDigits = p - intStart;
    if (intDigits === 0 || intDigits > 15 || p >= end) return false;
    let ns = v;
    let fracDigits = -1;
    if (buf[p] === 46 /* . */) {
      p++;
      const fracStart = p;
      let frac = 0;
      while (p < end) {
        const d = buf[p] - 48;
        if (d < 0 || d > 9) break;
        frac = frac * 10 + d;
        p++;
      }
      fracDigits = p - fracStart;
      if (fracDigits === 0 || fracDigits > 15) return false;
      if (fracDigits > 9) frac = Math.floor(frac / 10 ** (fracDigits - 9));
      ns = v * 1e9 + frac * POW10[fracDigits > 9 ? 9 : fracDigits];
    }
    this.intDigits = intDigits;
    this.fracDigits = fracDigits;
    this.tsEnd = p;
    this.tsNs = ns;
    return true;
  }

  /**
   * A kvm_exit payload from `p` in one of the fast shapes into f, token and siteKey; false for any
   * other. Unless `known`, `end` is only a bound and the gen-2 shape alone is tried (readLine()).
   */
  private exitPayload(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields, known: boolean): boolean {
    p = skipPadding(buf, dv, p, end);
    if (p + 24 > end) return false;
    f.vcpu = -1;
    f.unknownCode = -1;
    f.flagsStart = -1;
    f.gen = 0;
    f.hasInfo1 = false;
    f.hasInfo2 = false;
    f.intrInfo = -1;
    f.errorCode = -1;
    f.incomplete = false;
    f.error = undefined;
    const w = dv.getInt32(p, true);
    if (w === W_VCPU) return this.gen2Payload(buf, dv, p, end, f, known);
    if (w === W_REAS && known) return this.gen1Payload(buf, dv, p, end, f);
    return false;
  }

  /**
   * `vcpu N reason R rip 0xH` + the exact gen-2 tail, as fastGen2Head + fastGen2Tail accept it (the
   * reason ends at the first space). The region `R rip 0xH` ends where the 93-byte tail begins.
   * Unless `known`, the line's end is predicted: the region is as long as the last one that began
   * with the same 8 bytes (a reason's RIPs have one width), and it is accepted only when those bytes
   * are a region (remembered, or parsed with no newline among them), a valid tail follows, and then
   * a `\n`.
   */
  private gen2Payload(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields, known: boolean): boolean {
    if (buf[p + 4] !== 32) return false;
    let q = p + 5;
    const digits = q;
    let vcpu = 0;
    while (q < end) {
      const d = buf[q] - 48;
      if (d < 0 || d > 9) break;
      vcpu = vcpu * 10 + d;
      q++;
    }
    if (q === digits || q - digits > 15 || q + 16 > end || dv.getInt32(q, true) !== W__REA || dv.getInt32(q + 4, true) !== W_SON_) return false;
    const rs = q + 8;
    const slot = Math.imul(dv.getInt32(rs, true) ^ Math.imul(dv.getInt32(rs + 4, true), 0x85ebca6b), 0x9e3779b1) >>> (32 - LENGTH_BITS);
    let re: number;
    if (known) re = end - GEN2_TAIL_LENGTH;
    else {
      re = rs + this.regionLengths[slot];
      if (re + GEN2_TAIL_LENGTH >= end || buf[re + GEN2_TAIL_LENGTH] !== 10) return false;
    }
    const len = re - rs;
    const regions = this.regions;
    if (len < MIN_MEMO_BYTES || len > regions.maxBytes) return false;
    let token: ReasonToken;
    if (regions.lookup(dv, rs, len)) {
      token = regions.object as ReasonToken;
      this.siteKey = regions.int;
    } else {
      // First time for this region: parse and validate it as fastGen2Head would. Also in readLine(),
      // where a miss would otherwise read the line twice (traces with tens of thousands of RIPs miss
      // often): there no byte may be a newline, and the tail must be valid before anything is interned,
      // since only the tail and the `\n` after it prove the guessed end.
      let sp = rs;
      while (sp < re && buf[sp] !== 32 && buf[sp] !== 10) sp++;
      if (sp === rs || sp + 7 > re || dv.getInt32(sp, true) !== W__RIP || buf[sp + 4] !== 32 || buf[sp + 5] !== 48 || buf[sp + 6] !== 120) return false;
      if (scanHex(buf, sp + 5, re) !== re) return false;
      const ripHi = scan.hi;
      const ripLo = scan.lo;
      if (!known && !fastGen2Tail(buf, dv, re, f)) return false;
      token = this.reasons.get(buf, rs, sp, dv);
      this.siteKey = this.keys.ripKey(ripHi, ripLo);
      regions.remember(dv, rs, len, this.siteKey, token);
    }
    if (!token.recallTail(dv, re, f)) {
      if (!fastGen2Tail(buf, dv, re, f)) return false;
      token.rememberTail(dv, re, f);
    }
    if (known) this.regionLengths[slot] = len;
    else this.lineEnd = re + GEN2_TAIL_LENGTH;
    f.vcpu = vcpu;
    this.token = token;
    return true;
  }

  /** `reason R rip 0xH[ info A B]`: gen 0 and gen 1 (also the plugin without a function name). */
  private gen1Payload(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields): boolean {
    if (buf[p + 4] !== 111 || buf[p + 5] !== 110 || buf[p + 6] !== 32) return false;
    const rs = p + 7;
    let q = rs;
    while (q < end && buf[q] !== 32 && buf[q] !== 9) q++;
    if (q === rs || q + 7 > end || dv.getInt32(q, true) !== W__RIP || buf[q + 4] !== 32 || buf[q + 5] !== 48 || buf[q + 6] !== 120) return false;
    const re = q;
    q = scanHex(buf, q + 5, end);
    if (q < 0) return false;
    const ripHi = scan.hi;
    const ripLo = scan.lo;
    if (q !== end) {
      if (q + 6 > end || dv.getInt32(q, true) !== W__INF || buf[q + 4] !== 111 || buf[q + 5] !== 32) return false;
      q = scanHex(buf, q + 6, end);
      if (q < 0 || q >= end || buf[q] !== 32) return false;
      f.info1Hi = scan.hi;
      f.info1Lo = scan.lo;
      q = scanHex(buf, q + 1, end);
      if (q !== end) return false;
      f.gen = 1;
      f.hasInfo1 = true;
      f.hasInfo2 = true;
      f.info2Hi = scan.hi;
      f.info2Lo = scan.lo;
    }
    // `reason UNKNOWN (N)` never gets here: `(N)` is not ` rip`.
    this.token = this.reasons.get(buf, rs, re, dv);
    this.siteKey = this.keys.ripKey(ripHi, ripLo);
    return true;
  }

  /**
   * Teaches the prefix [start, tsStart) of a line the general path read: its envelope gave thread
   * `tid`, CPU `hostCpu` and `comm` (-1 / undefined when absent). Prefixes shorter than 8 or longer
   * than 64 bytes, or holding `kvm_` (where the general path might see an event on another line),
   * are not cached.
   */
  teach(buf: Uint8Array, dv: DataView, start: number, tsStart: number, tid: number, hostCpu: number, comm: string | undefined): void {
    const len = tsStart - start;
    if (len < MIN_MEMO_BYTES || len > this.prefixes.maxBytes) return;
    for (let p = start; p + 3 < tsStart; p++) if (buf[p] === 107 && buf[p + 1] === 118 && buf[p + 2] === 109 && buf[p + 3] === 95) return;
    this.prefixes.remember(dv, start, len, 0, { tid, hostCpu, comm });
    if (len !== this.off0) {
      this.off1 = this.off0;
      this.off0 = len;
    }
  }
}
