/**
 * Fast paths for the gen-2 kvm_exit payload (kernel ≥ 5.10), the bulk of large traces:
 * `vcpu %u reason %s rip 0x%lx` compared keyword by keyword through a DataView, and the fixed-width
 * tail (`info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x`) read at fixed offsets,
 * all-zero fields recognised 4 bytes at a time. Anything else goes to the general decoder in
 * kvmEvents.ts, which also explains what is wrong with a damaged payload.
 */
import { HEX_VALUE, scan, scanDec, scanHex } from './bytes';
import type { ExitFields } from './kvmEvents';

/** Length of the exact gen-2 tail ` info1 0x%016llx info2 0x%016llx intr_info 0x%08x error_code 0x%08x`. */
export const GEN2_TAIL_LENGTH = 93;

/** Little-endian uint32 of 4 ASCII bytes, to compare 4 bytes at once through a DataView. */
function le32(text: string): number {
  return (text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)) >>> 0;
}
const ZEROS = le32('0000');
const L_VCPU = le32('vcpu');
const L_REAS = le32(' rea');
const L_SON = le32('son ');
const L_RIP = le32('rip ');
const L_INF = le32(' inf');
const L_O1_0 = le32('o1 0');
const L_O2_0 = le32('o2 0');
const L_INT = le32(' int');
const L_R_IN = le32('r_in');
const L_FO_0 = le32('fo 0');
const L_ERR = le32(' err');
const L_OR_C = le32('or_c');
const L_ODE = le32('ode ');

/** `n` (8 or 16) hex digits at p into scan.hi/lo; false if any is not hex. All-zero fields are checked 4 bytes at a time. */
function fixedHex(buf: Uint8Array, dv: DataView, p: number, n: number): boolean {
  if (dv.getUint32(p, true) === ZEROS && dv.getUint32(p + 4, true) === ZEROS && (n === 8 || (dv.getUint32(p + 8, true) === ZEROS && dv.getUint32(p + 12, true) === ZEROS))) {
    scan.hi = 0;
    scan.lo = 0;
    return true;
  }
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const d = HEX_VALUE[buf[p + i]];
    if (d < 0) return false;
    hi = (hi << 4) | (lo >>> 28);
    lo = ((lo << 4) | d) >>> 0;
  }
  scan.hi = hi >>> 0;
  scan.lo = lo;
  return true;
}

/**
 * The gen-2 tail exactly as the kernel prints it, read at fixed offsets (`dv` views the same bytes as
 * buf). False, with nothing set, when any byte differs: the general loop then reads the tail, or
 * explains what is wrong with it.
 */
export function fastGen2Tail(buf: Uint8Array, dv: DataView, p: number, f: ExitFields): boolean {
  if (
    dv.getUint32(p, true) !== L_INF ||
    dv.getUint32(p + 4, true) !== L_O1_0 ||
    buf[p + 8] !== 120 ||
    dv.getUint32(p + 25, true) !== L_INF ||
    dv.getUint32(p + 29, true) !== L_O2_0 ||
    buf[p + 33] !== 120 ||
    dv.getUint32(p + 50, true) !== L_INT ||
    dv.getUint32(p + 54, true) !== L_R_IN ||
    dv.getUint32(p + 58, true) !== L_FO_0 ||
    buf[p + 62] !== 120 ||
    dv.getUint32(p + 71, true) !== L_ERR ||
    dv.getUint32(p + 75, true) !== L_OR_C ||
    dv.getUint32(p + 79, true) !== L_ODE ||
    buf[p + 83] !== 48 ||
    buf[p + 84] !== 120
  ) {
    return false;
  }
  if (!fixedHex(buf, dv, p + 9, 16)) return false;
  const i1h = scan.hi;
  const i1l = scan.lo;
  if (!fixedHex(buf, dv, p + 34, 16)) return false;
  const i2h = scan.hi;
  const i2l = scan.lo;
  if (!fixedHex(buf, dv, p + 63, 8)) return false;
  const intr = scan.lo;
  if (!fixedHex(buf, dv, p + 85, 8)) return false;
  f.gen = 2;
  f.hasInfo1 = true;
  f.info1Hi = i1h;
  f.info1Lo = i1l;
  f.hasInfo2 = true;
  f.info2Hi = i2h;
  f.info2Lo = i2l;
  f.intrInfo = intr;
  f.errorCode = scan.lo;
  return true;
}

/**
 * `vcpu N reason NAME rip 0xHEX` exactly (single blanks, no flags): sets vcpu, the reason range and
 * the RIP in f and returns the index after the RIP, or -1 (nothing reliable set) for any other shape.
 */
export function fastGen2Head(buf: Uint8Array, dv: DataView, p: number, end: number, f: ExitFields): number {
  if (p + 24 > end || dv.getUint32(p, true) !== L_VCPU || buf[p + 4] !== 32) return -1;
  let q = scanDec(buf, p + 5, end);
  if (q < 0 || q + 8 > end || dv.getUint32(q, true) !== L_REAS || dv.getUint32(q + 4, true) !== L_SON) return -1;
  const vcpu = scan.num;
  const rs = q + 8;
  q = rs;
  while (q < end && buf[q] !== 32) q++;
  if (q === rs || q + 7 > end || dv.getUint32(q + 1, true) !== L_RIP || buf[q + 5] !== 48 || buf[q + 6] !== 120) return -1;
  const re = q;
  q = scanHex(buf, q + 5, end);
  if (q < 0 || (q < end && buf[q] !== 32)) return -1;
  f.vcpu = vcpu;
  f.reasonStart = rs;
  f.reasonEnd = re;
  f.ripHi = scan.hi;
  f.ripLo = scan.lo;
  return q;
}
