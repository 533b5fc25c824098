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
 * Invariant: for every line it accepts, the result is what the general path would give (the tests
 * compare both ways on every fixture and on mutated lines). It changes no parser state before
 * accepting a line, except its own memos.
 */
import type { ByteInterner } from './interning';
import { scan, scanHex, skipPadding } from './bytes';
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

/** POW10[i] = 10^(9-i): the ns multiplier of a fraction with i digits (as envelope.ts). */
const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/** What the general path read from a cached envelope prefix. */
interface PrefixInfo {
  readonly tid: number;
  readonly hostCpu: number;
  readonly comm: string | undefined;
}

/**
 * The decimal value of the n ASCII digits at p, or -1 if any byte is not a digit. Four digits at a
 * time: a word is all digits when every byte's high nibble is 3 and stays 3 after adding 6; then two
 * multiply-adds fold "1234" into 1234. Exact for n ≤ 15, like the digit-by-digit loop.
 */
function digitsAt(buf: Uint8Array, dv: DataView, p: number, n: number): number {
  let v = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = dv.getInt32(p + i, true);
    if ((w & 0xf0f0f0f0) !== 0x30303030 || ((w + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) return -1;
    const d = w - 0x30303030;
    const x = (d * 10 + (d >>> 8)) & 0x00ff00ff;
    v = v * 10000 + (x & 0xff) * 100 + (x >>> 16);
  }
  for (; i < n; i++) {
    const d = buf[p + i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
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
  /** `REASON rip 0xHEX` (up to 48 bytes) → site key and reason token; the hash takes the reason's first and the RIP's last 8 bytes. */
  private readonly regions = new ByteMemo<ReasonToken>(13, 48, 2);
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

  constructor(
    private readonly reasons: ByteInterner<ReasonToken>,
    private readonly keys: ExitKeyTable,
  ) {}

  /**
   * Reads line [start, end) (no line terminator) of buf; `dv` views the same bytes. Returns EV_EXIT,
   * EV_ENTRY or EV_NONE (not a line for the fast path).
   */
  read(buf: Uint8Array, dv: DataView, start: number, end: number, f: ExitFields): number {
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
      if (!this.exitPayload(buf, dv, p + 9, end, f)) return EV_NONE;
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
      if (p === digits || p - digits > 15 || (p < end && buf[p] !== 32 && buf[p] !== 9 && buf[p] !== 44)) return EV_NONE;
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

  /** A kvm_exit payload from `p` in one of the fast shapes into f, token and siteKey; false for any other. */
  private exitPayload(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields): boolean {
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
    if (w === W_VCPU) return this.gen2Payload(buf, dv, p, end, f);
    if (w === W_REAS) return this.gen1Payload(buf, dv, p, end, f);
    return false;
  }

  /**
   * `vcpu N reason R rip 0xH` + the exact gen-2 tail, as fastGen2Head + fastGen2Tail accept it (the
   * reason ends at the first space). The region `R rip 0xH` ends where the 93-byte tail begins.
   */
  private gen2Payload(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields): boolean {
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
    if (q === digits || q - digits > 15 || q + 8 > end || dv.getInt32(q, true) !== W__REA || dv.getInt32(q + 4, true) !== W_SON_) return false;
    const rs = q + 8;
    const re = end - GEN2_TAIL_LENGTH;
    const len = re - rs;
    const regions = this.regions;
    if (len < MIN_MEMO_BYTES || len > regions.maxBytes) return false;
    let token: ReasonToken;
    if (regions.lookup(dv, rs, len)) {
      token = regions.object as ReasonToken;
      this.siteKey = regions.int;
    } else {
      // First time for this region: parse and validate it as fastGen2Head would.
      let sp = rs;
      while (sp < re && buf[sp] !== 32) sp++;
      if (sp === rs || sp + 7 > re || dv.getInt32(sp, true) !== W__RIP || buf[sp + 4] !== 32 || buf[sp + 5] !== 48 || buf[sp + 6] !== 120) return false;
      if (scanHex(buf, sp + 5, re) !== re) return false;
      token = this.reasons.get(buf, rs, sp, dv);
      this.siteKey = this.keys.ripKey(scan.hi, scan.lo);
      regions.remember(dv, rs, len, this.siteKey, token);
    }
    if (!token.recallTail(dv, re, f)) {
      if (!fastGen2Tail(buf, dv, re, f)) return false;
      token.rememberTail(dv, re, f);
    }
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
