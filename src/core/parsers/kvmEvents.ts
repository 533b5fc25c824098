/**
 * Payload decoders for the kvm tracepoints ExitLens reads, straight from bytes. Print formats by
 * kernel generation (docs/formats.md, /work/shared/fixtures/tracepoint-formats.md):
 *   kvm_exit  gen 0 (2.6.3x)  `reason %s rip 0x%lx`                       (lower-case VMX names)
 *             gen 1 (≤ 5.8)   `reason %s rip 0x%lx info %llx %llx`        (VMX info2 = interruption info)
 *             gen 1a (5.9 rc) `vcpu %u reason %s[%s%s] rip 0x%lx info %llx %llx`
 *             gen 2 (≥ 5.10)  `vcpu %u reason %s%s%s rip 0x%lx info1 0x%016llx info2 0x%016llx
 *                              intr_info 0x%08x error_code 0x%08x`       (info2 = IDT-vectoring info)
 *             plugin          `reason %s rip 0x%llx[ <func>[+0x..]] info %llx %llx`, `reason UNKNOWN (%llu)`
 *   kvm_entry `vcpu %u` | `vcpu %u, rip 0x%lx[…]` | plugin ` vcpu %u rip 0x%llx`
 * Decoders are tolerant: unknown tokens after `rip` are skipped (plugin function names, hand-trimmed
 * tails); a missing value at the end of the line is reported as `incomplete` so the caller can try a
 * mail-wrapped continuation line.
 */
import { ascii, equalsBytes, isBlank, scan, scanDec, scanHex, skipBlanks, skipPadding, startsWith, tokenEnd } from './bytes';
import { fastGen2Head, fastGen2Tail, GEN2_TAIL_LENGTH } from './gen2Tail';

/** Event ids of the kvm tracepoints ExitLens reads (EV_NONE: any other event). */
export const EV_NONE = 0;
export const EV_EXIT = 1;
export const EV_ENTRY = 2;
export const EV_PAGE_FAULT = 3;
export const EV_MMIO = 4;
export const EV_FAST_MMIO = 5;
export const EV_PIO = 6;
export const EV_CR = 7;
export const EV_MSR = 8;
export const EV_CPUID = 9;
export const EV_EMULATE_INSN = 10;
export const EV_INJ_EXCEPTION = 11;
export const EV_USERSPACE_EXIT = 12;

/** Printable event names by id (for messages). */
export const EVENT_NAMES: readonly string[] = [
  '',
  'kvm_exit',
  'kvm_entry',
  'kvm_page_fault',
  'kvm_mmio',
  'kvm_fast_mmio',
  'kvm_pio',
  'kvm_cr',
  'kvm_msr',
  'kvm_cpuid',
  'kvm_emulate_insn',
  'kvm_inj_exception',
  'kvm_userspace_exit',
];
const EVENT_BYTES = EVENT_NAMES.map(ascii);

/**
 * Id of the event whose name is buf[start, end) (starting with `kvm_`), EV_NONE for events ExitLens
 * does not read (kvm_fpu, kvm_nested_vmexit, kvm_mmu_*, …).
 */
export function eventId(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  // kvm_exit and kvm_entry are most lines: test them first, byte by byte.
  if (len === 8 && buf[start + 4] === 101 && buf[start + 5] === 120 && buf[start + 6] === 105 && buf[start + 7] === 116) return EV_EXIT;
  if (len === 9 && buf[start + 4] === 101 && buf[start + 5] === 110 && buf[start + 6] === 116 && buf[start + 7] === 114 && buf[start + 8] === 121) return EV_ENTRY;
  for (let id = EV_PAGE_FAULT; id < EVENT_BYTES.length; id++) {
    if (equalsBytes(buf, start, end, EVENT_BYTES[id])) return id;
  }
  return EV_NONE;
}

/** Decoded kvm_exit payload (a reused scratch object). Numbers are -1 when absent. */
export interface ExitFields {
  vcpu: number;
  reasonStart: number;
  reasonEnd: number;
  /** Set for `reason UNKNOWN (N)` (plugin) — the decimal N. */
  unknownCode: number;
  /** Byte range of the flag tokens between the reason and `rip` (start < 0 when none). */
  flagsStart: number;
  flagsEnd: number;
  ripHi: number;
  ripLo: number;
  /** 0: no info (gen 0); 1: `info A B` (gen 1/1a/plugin); 2: key/value tail (gen 2). */
  gen: number;
  hasInfo1: boolean;
  info1Hi: number;
  info1Lo: number;
  hasInfo2: boolean;
  info2Hi: number;
  info2Lo: number;
  intrInfo: number;
  errorCode: number;
  /** The line ended where a value was due: maybe wrapped by a mail client. */
  incomplete: boolean;
  /** Why the payload is unusable (undefined when it parsed). */
  error: string | undefined;
}

/** A fresh scratch ExitFields (the parser reuses one for every kvm_exit line). */
export function newExitFields(): ExitFields {
  return {
    vcpu: -1,
    reasonStart: 0,
    reasonEnd: 0,
    unknownCode: -1,
    flagsStart: -1,
    flagsEnd: -1,
    ripHi: 0,
    ripLo: 0,
    gen: 0,
    hasInfo1: false,
    info1Hi: 0,
    info1Lo: 0,
    hasInfo2: false,
    info2Hi: 0,
    info2Lo: 0,
    intrInfo: -1,
    errorCode: -1,
    incomplete: false,
    error: undefined,
  };
}

const W_VCPU = ascii('vcpu');
const W_REASON = ascii('reason');
const W_RIP = ascii('rip');
const W_INFO = ascii('info');
const W_INFO1 = ascii('info1');
const W_INFO2 = ascii('info2');
const W_INTR_INFO = ascii('intr_info');
const W_ERROR_CODE = ascii('error_code');
const W_UNKNOWN = ascii('UNKNOWN');

/** True when a number token ends at p: end of line, blank, or `,`. */
function endsToken(buf: Uint8Array, p: number, end: number): boolean {
  return p >= end || isBlank(buf[p]) || buf[p] === 44;
}

/** Index of the word `w` as a whole token in [p, end), or -1. */
function findToken(buf: Uint8Array, p: number, end: number, w: Uint8Array): number {
  const n = w.length;
  for (let i = p; i + n <= end; i++) {
    if (buf[i] !== w[0]) continue;
    if (i > p && !isBlank(buf[i - 1]) && buf[i - 1] !== 62 /* > */) continue;
    let j = 1;
    while (j < n && buf[i + j] === w[j]) j++;
    if (j === n && (i + n === end || isBlank(buf[i + n]))) return i;
  }
  return -1;
}

function fail(f: ExitFields, message: string): boolean {
  f.error = message;
  return false;
}

function truncated(f: ExitFields, message: string): boolean {
  f.incomplete = true;
  f.error = message;
  return false;
}

/** One hex value token at p into scan; returns the index after it, -2 at end of line, -1 if not hex. */
function hexToken(buf: Uint8Array, p: number, end: number): number {
  p = skipBlanks(buf, p, end);
  if (p >= end) return -2;
  const q = scanHex(buf, p, end);
  if (q < 0 || !endsToken(buf, q, end)) return -1;
  return q;
}

/**
 * Decodes a kvm_exit payload [p, end) into f. Returns false with f.error set when unusable. `dv`, a
 * DataView of the same bytes, enables the fixed-layout fast path for the gen-2 tail.
 */
export function decodeExitPayload(buf: Uint8Array, p: number, end: number, f: ExitFields, dv?: DataView): boolean {
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
  p = skipPadding(buf, dv, p, end);
  if (p >= end) return truncated(f, 'kvm_exit with no payload');
  if (dv !== undefined) {
    const q = fastGen2Head(buf, dv, p, end, f);
    if (q >= 0) {
      if (end - q === GEN2_TAIL_LENGTH && fastGen2Tail(buf, dv, q, f)) return true;
      // Head read; the tail is not the exact kernel layout: start over on the general path.
      f.vcpu = -1;
    }
  }
  const first = buf[p];
  if (!(first === 114 /* r */ && startsWith(buf, p, end, W_REASON)) && !(first === 118 /* v */ && startsWith(buf, p, end, W_VCPU))) {
    // Damaged prefixes (libtraceevent's `CAN'T FIND FIELD …` glued before the payload): find the keys.
    const v = findToken(buf, p, end, W_VCPU);
    const r = findToken(buf, p, end, W_REASON);
    if (r < 0) return fail(f, "kvm_exit payload without 'reason'");
    p = v >= 0 && v < r ? v : r;
  }
  if (buf[p] === 118 && startsWith(buf, p, end, W_VCPU) && (p + 4 === end || isBlank(buf[p + 4]))) {
    p = skipBlanks(buf, p + 4, end);
    if (p >= end) return truncated(f, "truncated kvm_exit: 'vcpu' has no value");
    const q = scanDec(buf, p, end);
    if (q < 0 || !endsToken(buf, q, end)) return fail(f, "kvm_exit: 'vcpu' is not a number");
    f.vcpu = scan.num;
    p = skipBlanks(buf, q, end);
  }
  if (!(startsWith(buf, p, end, W_REASON) && (p + 6 === end || isBlank(buf[p + 6])))) {
    if (p >= end) return truncated(f, "truncated kvm_exit: no 'reason'");
    return fail(f, "kvm_exit payload without 'reason'");
  }
  p = skipBlanks(buf, p + 6, end);
  if (p >= end) return truncated(f, "truncated kvm_exit: 'reason' has no value");
  f.reasonStart = p;
  p = tokenEnd(buf, p, end);
  f.reasonEnd = p;
  if (equalsBytes(buf, f.reasonStart, p, W_UNKNOWN)) {
    // libtraceevent plugin: `reason UNKNOWN (%llu)`.
    const o = skipBlanks(buf, p, end);
    if (o < end && buf[o] === 40) {
      const q = scanDec(buf, o + 1, end);
      if (q < 0 || q >= end || buf[q] !== 41) return fail(f, 'kvm_exit: bad UNKNOWN reason number');
      f.unknownCode = scan.num;
      f.reasonEnd = q + 1;
      p = q + 1;
    }
  }
  // Flag tokens (FAILED_VMENTRY, 0x4000000) up to `rip`.
  p = skipBlanks(buf, p, end);
  while (!(startsWith(buf, p, end, W_RIP) && (p + 3 === end || isBlank(buf[p + 3])))) {
    if (p >= end) return truncated(f, "truncated kvm_exit: no 'rip'");
    if (f.flagsStart < 0) f.flagsStart = p;
    p = tokenEnd(buf, p, end);
    f.flagsEnd = p;
    p = skipBlanks(buf, p, end);
  }
  let q = hexToken(buf, p + 3, end);
  if (q === -2) return truncated(f, "truncated kvm_exit: 'rip' has no value");
  if (q < 0) return fail(f, "kvm_exit: 'rip' value is not hex");
  f.ripHi = scan.hi;
  f.ripLo = scan.lo;
  p = q;
  if (dv !== undefined && end - p === GEN2_TAIL_LENGTH && fastGen2Tail(buf, dv, p, f)) return true;
  for (;;) {
    p = skipBlanks(buf, p, end);
    if (p >= end) return true;
    const k = p;
    const ke = tokenEnd(buf, p, end);
    const kl = ke - k;
    p = ke;
    if (buf[k] !== 105 && buf[k] !== 101) continue; // neither i… nor e…: skip (plugin <func>+0x..)
    if (kl === 5 && startsWith(buf, k, ke, W_INFO1)) {
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'info1' has no value");
      if (q < 0) return fail(f, "kvm_exit: 'info1' value is not hex");
      f.gen = 2;
      f.hasInfo1 = true;
      f.info1Hi = scan.hi;
      f.info1Lo = scan.lo;
    } else if (kl === 5 && startsWith(buf, k, ke, W_INFO2)) {
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'info2' has no value");
      if (q < 0) return fail(f, "kvm_exit: 'info2' value is not hex");
      f.gen = 2;
      f.hasInfo2 = true;
      f.info2Hi = scan.hi;
      f.info2Lo = scan.lo;
    } else if (kl === 9 && startsWith(buf, k, ke, W_INTR_INFO)) {
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'intr_info' has no value");
      if (q < 0 || scan.hi !== 0) return fail(f, "kvm_exit: 'intr_info' value is not 32-bit hex");
      f.gen = 2;
      f.intrInfo = scan.lo;
    } else if (kl === 10 && startsWith(buf, k, ke, W_ERROR_CODE)) {
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'error_code' has no value");
      if (q < 0 || scan.hi !== 0) return fail(f, "kvm_exit: 'error_code' value is not 32-bit hex");
      f.gen = 2;
      f.errorCode = scan.lo;
    } else if (kl === 4 && startsWith(buf, k, ke, W_INFO)) {
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'info' has no values");
      if (q < 0) return fail(f, "kvm_exit: 'info' value is not hex");
      f.info1Hi = scan.hi;
      f.info1Lo = scan.lo;
      p = q;
      q = hexToken(buf, p, end);
      if (q === -2) return truncated(f, "truncated kvm_exit: 'info' has one value of two");
      if (q < 0) return fail(f, "kvm_exit: 'info' value is not hex");
      f.gen = 1;
      f.hasInfo1 = true;
      f.hasInfo2 = true;
      f.info2Hi = scan.hi;
      f.info2Lo = scan.lo;
    } else {
      continue;
    }
    p = q;
  }
}

/** Result of decodeEntryPayload: the vCPU, or -1 with an error. */
export const entryResult = { vcpu: -1, error: undefined as string | undefined, incomplete: false };

/** Decodes a kvm_entry payload: `vcpu N` with anything after it (`, rip 0x..`, plugin ` rip 0x..`). */
export function decodeEntryPayload(buf: Uint8Array, p: number, end: number, dv?: DataView): boolean {
  const r = entryResult;
  r.vcpu = -1;
  r.incomplete = false;
  r.error = undefined;
  p = skipPadding(buf, dv, p, end);
  if (p >= end) {
    r.incomplete = true;
    r.error = 'kvm_entry with no payload';
    return false;
  }
  if (!startsWith(buf, p, end, W_VCPU)) {
    r.error = "kvm_entry payload without 'vcpu'";
    return false;
  }
  p = skipBlanks(buf, p + 4, end);
  if (p >= end) {
    r.incomplete = true;
    r.error = "truncated kvm_entry: 'vcpu' has no value";
    return false;
  }
  const q = scanDec(buf, p, end);
  if (q < 0 || !endsToken(buf, q, end)) {
    r.error = "kvm_entry: 'vcpu' is not a number";
    return false;
  }
  r.vcpu = scan.num;
  return true;
}

/**
 * Position just after `key` and its blanks when the token `key` occurs in [p, end), else -1. For the
 * refinement events, whose payloads are short.
 */
export function afterKey(buf: Uint8Array, p: number, end: number, key: Uint8Array): number {
  const i = findToken(buf, p, end, key);
  return i < 0 ? -1 : skipBlanks(buf, i + key.length, end);
}
