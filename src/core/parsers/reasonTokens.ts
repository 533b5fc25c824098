/**
 * Reason tokens as a kvm_exit payload prints them (`EPT_VIOLATION`, `npf`, `0x45`), each resolved
 * against both ISAs' tables once per distinct token, plus what the fast path remembers per token:
 * the reason keys it resolved to and the last gen-2 tail that followed it (a reason's qualification
 * fields repeat: MSR_WRITE's are all zero, EXTERNAL_INTERRUPT's name the same vector).
 */
import { payloadReasonByName, type ReasonInfo } from '../taxonomy';
import { asciiString } from './bytes';
import type { ExitFields } from './kvmEvents';

/** Bytes in the exact gen-2 tail (gen2Tail.ts), and how the memo holds them: 11 doubles, an int32, a byte. */
const TAIL_BYTES = 93;
const TAIL_DOUBLES = 11;

/** One distinct reason token. */
export class ReasonToken {
  /** Reason keys of this token once resolved as a VMX / SVM reason (-1: not yet). */
  vmxKey = -1;
  svmKey = -1;
  /** The last exact gen-2 tail read after this token (bytes compared as doubles) and its values. */
  private tail: Float64Array | undefined = undefined;
  private tailWord = 0;
  private tailByte = 0;
  private info1Hi = 0;
  private info1Lo = 0;
  private info2Hi = 0;
  private info2Lo = 0;
  private intrInfo = 0;
  private errorCode = 0;

  constructor(
    readonly text: string,
    readonly vmx: ReasonInfo | undefined,
    readonly svm: ReasonInfo | undefined,
    /** The number when the kernel printed one (`0x4b`), else -1. */
    readonly hexCode: number,
  ) {}

  /**
   * When the 93 bytes at p equal the tail remembered for this token, sets its values in f and returns
   * true. Doubles compare bytes exactly here: a remembered tail is ASCII text, never NaN nor ±0.
   */
  recallTail(dv: DataView, p: number, f: ExitFields): boolean {
    const t = this.tail;
    if (t === undefined) return false;
    for (let i = 0; i < TAIL_DOUBLES; i++) if (dv.getFloat64(p + 8 * i, true) !== t[i]) return false;
    if (dv.getInt32(p + 8 * TAIL_DOUBLES, true) !== this.tailWord || dv.getUint8(p + TAIL_BYTES - 1) !== this.tailByte) return false;
    f.gen = 2;
    f.hasInfo1 = true;
    f.info1Hi = this.info1Hi;
    f.info1Lo = this.info1Lo;
    f.hasInfo2 = true;
    f.info2Hi = this.info2Hi;
    f.info2Lo = this.info2Lo;
    f.intrInfo = this.intrInfo;
    f.errorCode = this.errorCode;
    return true;
  }

  /** Remembers the tail at p, which fastGen2Tail just decoded into f. */
  rememberTail(dv: DataView, p: number, f: ExitFields): void {
    const t = this.tail ?? (this.tail = new Float64Array(TAIL_DOUBLES));
    for (let i = 0; i < TAIL_DOUBLES; i++) t[i] = dv.getFloat64(p + 8 * i, true);
    this.tailWord = dv.getInt32(p + 8 * TAIL_DOUBLES, true);
    this.tailByte = dv.getUint8(p + TAIL_BYTES - 1);
    this.info1Hi = f.info1Hi;
    this.info1Lo = f.info1Lo;
    this.info2Hi = f.info2Hi;
    this.info2Lo = f.info2Lo;
    this.intrInfo = f.intrInfo;
    this.errorCode = f.errorCode;
  }
}

/** The ReasonToken of bytes [start, end): for a ByteInterner, which calls it once per distinct token. */
export function makeReasonToken(buf: Uint8Array, start: number, end: number): ReasonToken {
  const text = asciiString(buf, start, end);
  let hexCode = -1;
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text)) hexCode = Number.parseInt(text.slice(2), 16);
  return new ReasonToken(text, payloadReasonByName('vmx', text), payloadReasonByName('svm', text), hexCode);
}
