/**
 * Decoders for what kvm_exit prints besides the reason: the VMX exit qualification and VM-exit
 * interruption information (Intel SDM vol. 3C, "Exit Qualification for Control-Register Accesses",
 * "... for I/O Instructions", "VM-Exit Interruption-Information Field"), and the SVM EXITINFO1 of IOIO
 * and the intercept codes (AMD APM vol. 2, 15.10 and 15.9).
 *
 * Decoded objects are frozen and shared between records (the parsers' fast path allocates one object
 * per exit, the record); records that add a value (kvm_cr, kvm_page_fault) get their own copy.
 */
import { canonicalHex, type CrAccess, type ExceptionInfo, type Isa, type PortIo } from '../model/exit';

const CR_ACCESS_TYPES: readonly CrAccess['access'][] = ['write', 'read', 'clts', 'lmsw'];

const crCache: (CrAccess | undefined)[] = new Array(64);

/** A shared CrAccess for control register `cr` (0–15) and access type. */
export function crAccess(cr: number, access: CrAccess['access']): CrAccess {
  const slot = ((cr & 15) << 2) | CR_ACCESS_TYPES.indexOf(access);
  let v = crCache[slot];
  if (!v) {
    v = Object.freeze({ cr: cr & 15, access });
    crCache[slot] = v;
  }
  return v;
}

/** VMX CR_ACCESS qualification: bits 3:0 = CR number, bits 5:4 = 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW. */
export function decodeVmxCrAccess(qualification: number): CrAccess {
  return crAccess(qualification & 15, CR_ACCESS_TYPES[(qualification >>> 4) & 3]);
}

/**
 * SVM CR intercepts carry the CR in the exit code itself: 0x00–0x0f read_crN, 0x10–0x1f write_crN,
 * 0x65 cr0_sel_write (a CR0 write), 0x90–0x9f the SEV-ES write_crN_trap codes. Undefined otherwise.
 */
export function svmCrAccess(code: number): CrAccess | undefined {
  if (code >= 0x00 && code <= 0x0f) return crAccess(code, 'read');
  if (code >= 0x10 && code <= 0x1f) return crAccess(code - 0x10, 'write');
  if (code === 0x65) return crAccess(0, 'write');
  if (code >= 0x90 && code <= 0x9f) return crAccess(code - 0x90, 'write');
  return undefined;
}

const ioCache = new Map<number, PortIo>();

function cachedIo(key: number, make: () => PortIo): PortIo {
  let v = ioCache.get(key);
  if (!v) {
    if (ioCache.size >= 4096) ioCache.clear();
    v = Object.freeze(make());
    ioCache.set(key, v);
  }
  return v;
}

/** VMX IO_INSTRUCTION qualification: bits 2:0 size-1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP, bits 31:16 port. */
export function decodeVmxIo(qualification: number): PortIo {
  const q = qualification >>> 0;
  // Bit 31 of the cache key tells VMX from SVM encodings apart; bits 6..15 of the qualification carry nothing we keep.
  const key = (q & 0xffff003f) >>> 0;
  return cachedIo(key, () => {
    const io: { port: number; size: number; direction: 'in' | 'out'; string?: boolean; rep?: boolean } = {
      port: q >>> 16,
      size: (q & 7) + 1,
      direction: q & 8 ? 'in' : 'out',
    };
    if (q & 16) io.string = true;
    if (q & 32) io.rep = true;
    return io;
  });
}

/** SVM IOIO EXITINFO1: bit 0 type (1 = IN), bit 2 string, bit 3 REP, bits 6:4 one-hot SZ8/SZ16/SZ32, bits 31:16 port. */
export function decodeSvmIo(exitInfo1: number): PortIo {
  const q = exitInfo1 >>> 0;
  // Offset the SVM keys by 2^32 so they never collide with VMX ones.
  const key = 4294967296 + (q & 0xffff007d);
  return cachedIo(key, () => {
    const sz = (q >>> 4) & 7;
    const io: { port: number; size: number; direction: 'in' | 'out'; string?: boolean; rep?: boolean } = {
      port: q >>> 16,
      size: sz & 4 ? 4 : sz & 2 ? 2 : 1,
      direction: q & 1 ? 'in' : 'out',
    };
    if (q & 4) io.string = true;
    if (q & 8) io.rep = true;
    return io;
  });
}

/** Interruption type names by the 3-bit type field (bits 10:8) of the VMX interruption information. */
const INTERRUPTION_TYPES: readonly string[] = ['external', 'other', 'nmi', 'hardware', 'software-interrupt', 'privileged-software', 'software', 'other'];

const excCache = new Map<number, ExceptionInfo>();

/**
 * VMX VM-exit interruption information: bit 31 valid, bits 7:0 vector, bits 10:8 type, bit 11 error
 * code valid. `errorCode` (the VM-exit interruption error code) is kept only when bit 11 says it is
 * valid. Undefined when the valid bit is clear.
 */
export function decodeInterruptionInfo(intrInfo: number, errorCode?: number): ExceptionInfo | undefined {
  const v = intrInfo >>> 0;
  if (v < 0x80000000) return undefined;
  const hasEc = (v & 0x800) !== 0 && errorCode !== undefined;
  const key = (v & 0xfff) * 4294967296 + (hasEc ? (errorCode as number) >>> 0 : 0) + (hasEc ? 0x1000 * 4294967296 : 0);
  let info = excCache.get(key);
  if (!info) {
    if (excCache.size >= 4096) excCache.clear();
    const base = { vector: v & 0xff, type: INTERRUPTION_TYPES[(v >>> 8) & 7] };
    info = Object.freeze(hasEc ? { ...base, errorCode: (errorCode as number) >>> 0 } : base);
    excCache.set(key, info);
  }
  return info;
}

/** The exception vector of an SVM exception intercept (exit codes 0x40–0x5f), else undefined. */
export function svmExceptionVector(code: number): number | undefined {
  return code >= 0x40 && code <= 0x5f ? code - 0x40 : undefined;
}

/** A shared ExceptionInfo for a vector with no interruption information (SVM intercepts, kvm_page_fault evidence). */
export function hardwareException(vector: number, errorCode?: number): ExceptionInfo {
  return errorCode === undefined
    ? (decodeInterruptionInfo(0x80000300 | (vector & 0xff)) as ExceptionInfo)
    : (decodeInterruptionInfo(0x80000b00 | (vector & 0xff), errorCode) as ExceptionInfo);
}

/**
 * Low 32 bits of a printed hex value (`0x...`, or bare hex as gen-1 `info` prints it); undefined if it
 * is not hex. Qualification bits that matter all sit in the low 32 bits.
 */
export function hexLow32(text: string): number | undefined {
  let s = text;
  if (s.startsWith('0x') || s.startsWith('0X')) s = s.slice(2);
  if (s.length === 0 || !/^[0-9a-fA-F]+$/.test(s)) return undefined;
  return Number.parseInt(s.slice(-8), 16) >>> 0;
}

/** VMX basic reasons whose qualification this module decodes. */
export const VMX_EXCEPTION_NMI = 0;
export const VMX_CR_ACCESS = 28;
export const VMX_IO_INSTRUCTION = 30;
export const VMX_EPT_VIOLATION = 48;
export const VMX_EPT_MISCONFIG = 49;
/** SVM exit codes this module decodes. */
export const SVM_EXCP_PF = 0x4e;
export const SVM_IOIO = 0x7b;
export const SVM_NPF = 0x400;

/** Raw exit fields, as a trace or a JSONL record gives them (kernel ≥ 5.10 meaning of info2). */
export interface QualificationInput {
  readonly isa: Isa;
  readonly reason?: number;
  readonly info1?: string;
  readonly info2?: string;
  readonly intrInfo?: number;
  readonly errorCode?: number;
}

/** What decodeQualification can tell from the raw fields. */
export interface DecodedQualification {
  cr?: CrAccess;
  exception?: ExceptionInfo;
  io?: PortIo;
  faultAddress?: string;
}

/**
 * Decodes the raw kvm_exit fields of one exit (for the JSONL reader, the simulator and tests; the
 * text parsers call the individual decoders on their fast path). `intrInfo` must already be the
 * VM-exit interruption information: for gen-1 VMX traces that is what `info2` printed.
 */
export function decodeQualification(input: QualificationInput): DecodedQualification {
  const out: DecodedQualification = {};
  const code = input.reason;
  if (code === undefined) return out;
  if (input.isa === 'vmx') {
    const q = input.info1 === undefined ? undefined : hexLow32(input.info1);
    if (code === VMX_CR_ACCESS && q !== undefined) out.cr = decodeVmxCrAccess(q);
    else if (code === VMX_IO_INSTRUCTION && q !== undefined) out.io = decodeVmxIo(q);
    else if (code === VMX_EXCEPTION_NMI && input.intrInfo !== undefined) {
      out.exception = decodeInterruptionInfo(input.intrInfo, input.errorCode);
      // For a #PF the exit qualification is the faulting linear address (CR2).
      if (out.exception?.vector === 14 && input.info1 !== undefined) out.faultAddress = canonicalHex(input.info1);
    }
  } else {
    const cr = svmCrAccess(code);
    if (cr) out.cr = cr;
    const vector = svmExceptionVector(code);
    if (vector !== undefined) {
      // PF intercept: EXITINFO1 = error code, EXITINFO2 = faulting address.
      const ec = vector === 14 && input.info1 !== undefined ? hexLow32(input.info1) : undefined;
      out.exception = hardwareException(vector, ec);
      if (vector === 14 && input.info2 !== undefined) out.faultAddress = canonicalHex(input.info2);
    }
    if (code === SVM_IOIO && input.info1 !== undefined) {
      const q = hexLow32(input.info1);
      if (q !== undefined) out.io = decodeSvmIo(q);
    }
    if (code === SVM_NPF && input.info2 !== undefined) out.faultAddress = canonicalHex(input.info2);
  }
  return out;
}
