/**
 * What an exit's details are made of besides its reason: the qualification decoded on the fast path,
 * and the refinement events traced between the exit and its entry (kvm_page_fault, kvm_mmio,
 * kvm_fast_mmio, kvm_pio, kvm_cr, kvm_msr, kvm_emulate_insn, kvm_inj_exception, kvm_userspace_exit).
 * Formats in docs/formats.md ("Pairing and refinement"). Damaged refinement payloads are ignored:
 * the exit still counts, it only lacks the detail.
 */
import {
  categorize,
  decodeInterruptionInfo,
  decodeSvmIo,
  decodeVmxCrAccess,
  decodeVmxIo,
  hardwareException,
  svmCrAccess,
  svmExceptionVector,
  type ReasonInfo,
} from '../taxonomy';
import { ascii, COLON, isBlank, scan, scanDec, scanHex, skipBlanks, startsWith, tokenEnd, trimEnd } from './bytes';
import type { MutableExit } from './openExit';
import { ByteInterner, type HexInterner } from './interning';
import {
  afterKey,
  EV_CPUID,
  EV_CR,
  EV_EMULATE_INSN,
  EV_FAST_MMIO,
  EV_INJ_EXCEPTION,
  EV_MMIO,
  EV_MSR,
  EV_PAGE_FAULT,
  EV_PIO,
  EV_USERSPACE_EXIT,
} from './kvmEvents';
import { RefinementCache } from './refinementCache';

const W_ADDRESS = ascii('address');
const W_ERROR_CODE = ascii('error_code');
const W_LEN = ascii('len');
const W_GPA = ascii('gpa');
const W_AT = ascii('at');
const W_SIZE = ascii('size');
const W_COUNT = ascii('count');
const W_REASON = ascii('reason');
const W_MMIO = ascii('mmio');
const W_GP = ascii('(#GP)');

/**
 * Qualification decoding on the parsers' fast path: shared frozen objects, no allocation. `info1Lo`
 * is the low 32 bits of info1 as the payload decoder read them.
 */
export function decodeFastPath(rec: MutableExit, info: ReasonInfo, info1Lo: number): void {
  const code = info.code;
  if (rec.isa === 'vmx') {
    if (code === 28) {
      if (rec.info1 !== undefined) rec.cr = decodeVmxCrAccess(info1Lo);
    } else if (code === 30) {
      if (rec.info1 !== undefined) rec.io = decodeVmxIo(info1Lo);
    } else if (code === 0 && rec.intrInfo !== undefined) {
      rec.exception = decodeInterruptionInfo(rec.intrInfo, rec.errorCode);
      // The exit qualification of a #PF is the faulting linear address.
      if (rec.exception !== undefined && rec.exception.vector === 14 && rec.info1 !== undefined) rec.faultAddress = rec.info1;
    }
  } else {
    if (code < 0x20 || code === 0x65 || (code >= 0x90 && code <= 0x9f)) rec.cr = svmCrAccess(code);
    else if (code === 0x7b) {
      if (rec.info1 !== undefined) rec.io = decodeSvmIo(info1Lo);
    } else if (code === 0x400) {
      if (rec.info2 !== undefined) rec.faultAddress = rec.info2;
    } else {
      const vector = svmExceptionVector(code);
      if (vector !== undefined) {
        // PF intercept: EXITINFO1 = error code, EXITINFO2 = faulting address.
        rec.exception = hardwareException(vector, vector === 14 && rec.info1 !== undefined ? info1Lo : undefined);
        if (vector === 14 && rec.info2 !== undefined) rec.faultAddress = rec.info2;
      }
    }
  }
}

/** Applies refinement events to open exits; holds the interners their strings go through. */
export class Refiner {
  private readonly texts = new ByteInterner<string>(512);
  private readonly refs = new RefinementCache();

  /** `hex` is the parser's interner, so RIPs and GPAs share strings. */
  constructor(private readonly hex: HexInterner) {}

  /**
   * Applies refinement event `ev` (payload from `payload` to `end`) to its open exit. Returns false
   * only when the payload stops right after its first key (`kvm_userspace_exit: reason` + newline):
   * the caller may find the rest on the next line.
   */
  apply(ev: number, rec: MutableExit, buf: Uint8Array, payload: number, end: number): boolean {
    const p = skipBlanks(buf, payload, end);
    switch (ev) {
      case EV_PAGE_FAULT:
        this.onPageFault(rec, buf, p, end);
        break;
      case EV_MMIO:
        this.onMmio(rec, buf, p, end);
        break;
      case EV_FAST_MMIO: {
        const q = afterKey(buf, p, end, W_GPA);
        if (q >= 0 && scanHex(buf, q, end) >= 0) this.setMmio(rec, this.hex.get(scan.hi, scan.lo), 'write', undefined);
        break;
      }
      case EV_PIO:
        this.onPio(rec, buf, p, end);
        break;
      case EV_CR:
        this.onCr(rec, buf, p, end);
        break;
      case EV_MSR:
        this.onMsr(rec, buf, p, end);
        break;
      case EV_CPUID:
        // CPUID exits are already `cpuid`; the leaf values have no field in the model.
        break;
      case EV_EMULATE_INSN:
        if (rec.emulatedInsn === undefined) this.onEmulateInsn(rec, buf, p, end);
        break;
      case EV_INJ_EXCEPTION: {
        const e = trimEnd(buf, p, end);
        if (e > p && rec.injectedException === undefined) rec.injectedException = this.texts.get(buf, p, e);
        break;
      }
      case EV_USERSPACE_EXIT: {
        const q = afterKey(buf, p, end, W_REASON);
        if (q < 0 || q >= end) return !startsWith(buf, p, end, W_REASON);
        rec.userspaceExit = this.texts.get(buf, q, tokenEnd(buf, q, end));
        break;
      }
    }
    return true;
  }

  /** kvm_page_fault: `address %lx error_code %x`, newest `vcpu %u rip 0x%lx address 0x%016llx error_code 0x%llx`. */
  private onPageFault(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    const a = afterKey(buf, p, end, W_ADDRESS);
    if (a < 0 || scanHex(buf, a, end) < 0) return;
    const address = this.hex.get(scan.hi, scan.lo);
    const e = afterKey(buf, a, end, W_ERROR_CODE);
    const ec = e >= 0 && scanHex(buf, e, end) >= 0 ? scan.lo : undefined;
    if (rec.faultAddress === undefined) rec.faultAddress = address;
    if (rec.isa === 'vmx' && rec.reason === 0) {
      // KVM traces kvm_page_fault for a #PF intercept (kvm_handle_page_fault): the exception was vector 14.
      const vector = rec.exception?.vector;
      if (vector === undefined || (vector === 14 && rec.exception?.errorCode === undefined && ec !== undefined)) {
        rec.exception = ec !== undefined ? decodeInterruptionInfo((rec.intrInfo ?? 0x80000b0e) | 0x800, ec) : hardwareException(14);
        if (rec.faultAddress === undefined) rec.faultAddress = address;
        rec.category = categorize(rec);
      }
    }
  }

  /** kvm_mmio: `mmio %s len %u gpa 0x%llx val 0x%llx` (%s = read | write | unsatisfied-read). */
  private onMmio(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    if (!startsWith(buf, p, end, W_MMIO)) return;
    const d = skipBlanks(buf, p + 4, end);
    const de = tokenEnd(buf, d, end);
    const dir = de - d === 5 && buf[d] === 119 ? 'write' : de - d === 4 && buf[d] === 114 ? 'read' : de - d === 16 && buf[d] === 117 ? 'unsatisfied-read' : undefined;
    if (dir === undefined) return;
    const l = afterKey(buf, de, end, W_LEN);
    const length = l >= 0 && scanDec(buf, l, end) >= 0 ? scan.num : undefined;
    const g = afterKey(buf, de, end, W_GPA);
    if (g < 0 || scanHex(buf, g, end) < 0) return;
    this.setMmio(rec, this.hex.get(scan.hi, scan.lo), dir, length);
  }

  private setMmio(rec: MutableExit, gpa: string, dir: 'read' | 'write' | 'unsatisfied-read', length: number | undefined): void {
    // A read that went to userspace is traced twice (unsatisfied-read, then read): keep the completed one.
    if (rec.mmio !== undefined && !(rec.mmio.direction === 'unsatisfied-read' && dir === 'read')) return;
    rec.mmio = this.refs.mmio(gpa, dir, length);
    if (rec.faultAddress === undefined && (rec.category === 'ept' || rec.category === 'mmio')) rec.faultAddress = gpa;
    rec.category = categorize(rec);
  }

  /** kvm_pio: `pio_%s at 0x%x size %d count %d[ val 0x%x %s]`. */
  private onPio(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    // pio_read | pio_write
    if (p + 5 >= end || buf[p + 3] !== 95) return;
    const dir = buf[p + 4] === 114 ? 'in' : buf[p + 4] === 119 ? 'out' : undefined;
    if (dir === undefined) return;
    const a = afterKey(buf, p, end, W_AT);
    if (a < 0 || scanHex(buf, a, end) < 0 || scan.hi !== 0 || scan.lo > 0xffff) return;
    const port = scan.lo;
    const s = afterKey(buf, a, end, W_SIZE);
    if (s < 0 || scanDec(buf, s, end) < 0) return;
    const size = scan.num;
    const c = afterKey(buf, s, end, W_COUNT);
    const count = c >= 0 && scanDec(buf, c, end) >= 0 ? scan.num : 1;
    rec.io = this.refs.pio(rec.io, port, size, dir, count);
  }

  /** kvm_cr: `cr_%s %x = 0x%lx`. */
  private onCr(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    if (p + 4 >= end || buf[p + 2] !== 95) return;
    const access = buf[p + 3] === 119 ? 'write' : buf[p + 3] === 114 ? 'read' : undefined;
    if (access === undefined) return;
    const n = skipBlanks(buf, tokenEnd(buf, p, end), end);
    const ne = scanHex(buf, n, end);
    if (ne < 0 || scan.hi !== 0 || scan.lo > 15) return;
    const cr = scan.lo;
    let value: string | undefined;
    const eq = skipBlanks(buf, ne, end);
    if (eq < end && buf[eq] === 61 /* = */) {
      const v = skipBlanks(buf, eq + 1, end);
      if (scanHex(buf, v, end) >= 0) value = this.hex.get(scan.hi, scan.lo);
    }
    rec.cr = this.refs.cr(cr, access, value);
    rec.category = categorize(rec);
  }

  /** kvm_msr: `msr_%s %x = 0x%llx[ (#GP)]`. */
  private onMsr(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    if (p + 5 >= end || buf[p + 3] !== 95) return;
    const direction = buf[p + 4] === 119 ? 'write' : buf[p + 4] === 114 ? 'read' : undefined;
    if (direction === undefined) return;
    const n = skipBlanks(buf, tokenEnd(buf, p, end), end);
    if (scanHex(buf, n, end) < 0 || scan.hi !== 0) return;
    const index = scan.lo;
    const gp = afterKey(buf, n, end, W_GP) >= 0;
    rec.msr = this.refs.msr(index, direction, gp);
  }

  /** kvm_emulate_insn: kernel `%x:%llx:%s (%s)%s` (`0:1007:ee (real)`), plugin `%llx:%llx[ func]: %s[ FAIL]`. */
  private onEmulateInsn(rec: MutableExit, buf: Uint8Array, p: number, end: number): void {
    let c1 = p;
    while (c1 < end && buf[c1] !== COLON) c1++;
    let c2 = c1 + 1;
    while (c2 < end && buf[c2] !== COLON) c2++;
    if (c2 >= end) return;
    let s = skipBlanks(buf, c2 + 1, end);
    let e = trimEnd(buf, s, end);
    // Kernel form: the bytes end at the last " (" (mode); the plugin form has no mode.
    let paren = -1;
    for (let i = e - 1; i >= s; i--) {
      if (buf[i] === 40 && (i === s || isBlank(buf[i - 1]))) {
        paren = i;
        break;
      }
    }
    if (paren >= 0) e = trimEnd(buf, s, paren);
    else if (e - s >= 5 && buf[e - 4] === 70 && buf[e - 3] === 65 && buf[e - 2] === 73 && buf[e - 1] === 76) e = trimEnd(buf, s, e - 4);
    s = skipBlanks(buf, s, e);
    if (e > s) rec.emulatedInsn = this.texts.get(buf, s, e);
  }
}
