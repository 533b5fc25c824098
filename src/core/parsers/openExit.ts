/**
 * An exit between its kvm_exit line and the event that closes it, kept as numbers (OpenExit) so
 * that the common case — an exit closed by its kvm_entry with nothing in between — never needs an
 * ExitRecord when the sink aggregates (`TraceSink.compactExit`). The ExitRecord is made from it
 * (`materializeExit`) only when a sink wants records or a refinement event must edit the exit; both
 * ways give the same record the parser has always made.
 */
import type { Category, CrAccess, ExceptionInfo, Isa, MmioAccess, MsrAccess, PortIo } from '../model/exit';
import type { CompactExit } from '../model/trace';
import { refine, type ReasonInfo } from '../taxonomy';
import { decodeFastPath } from './exitDetails';
import type { ExitKeyTable } from './exitKeys';
import type { HexInterner } from './interning';

/** The parser's own, mutable view of an ExitRecord while it is open. */
export interface MutableExit {
  timeNs: number;
  entryNs: number | undefined;
  tid: number | undefined;
  comm: string | undefined;
  hostCpu: number | undefined;
  vcpu: number | undefined;
  isa: Isa;
  reason: number | undefined;
  reasonName: string;
  reasonFlags: readonly string[] | undefined;
  rip: string | undefined;
  info1: string | undefined;
  info2: string | undefined;
  intrInfo: number | undefined;
  errorCode: number | undefined;
  cr: CrAccess | undefined;
  exception: ExceptionInfo | undefined;
  io: PortIo | undefined;
  mmio: MmioAccess | undefined;
  msr: MsrAccess | undefined;
  faultAddress: string | undefined;
  userspaceExit: string | undefined;
  emulatedInsn: string | undefined;
  injectedException: string | undefined;
  category: Category;
  line: number;
  untimed: boolean | undefined;
}

/**
 * A record with every key present (absent values undefined): one hidden class for all records keeps
 * the consumers' property reads monomorphic. JSON.stringify drops the undefined keys.
 */
export function newExit(timeNs: number, isa: Isa, reasonName: string, line: number): MutableExit {
  return {
    timeNs,
    entryNs: undefined,
    tid: undefined,
    comm: undefined,
    hostCpu: undefined,
    vcpu: undefined,
    isa,
    reason: undefined,
    reasonName,
    reasonFlags: undefined,
    rip: undefined,
    info1: undefined,
    info2: undefined,
    intrInfo: undefined,
    errorCode: undefined,
    cr: undefined,
    exception: undefined,
    io: undefined,
    mmio: undefined,
    msr: undefined,
    faultAddress: undefined,
    userspaceExit: undefined,
    emulatedInsn: undefined,
    injectedException: undefined,
    category: 'other',
    line,
    untimed: undefined,
  };
}

/**
 * One open exit: what the kvm_exit line said, decoded to numbers and keys. Numbers are -1 when
 * absent. Instances are pooled by the ExitAssembler and reused once the exit is emitted; once
 * closed, one is the CompactExit view a compactExit sink gets.
 */
export class OpenExit implements CompactExit {
  /** kvm_exit time, ns (for an untimed line: the last timed kvm event's). */
  timeNs = 0;
  timed = true;
  tid = -1;
  hostCpu = -1;
  comm: string | undefined = undefined;
  /** vCPU printed by the kvm_exit payload (the pairing key), -1 when it printed none. */
  keyVcpu = -1;
  isa: Isa = 'vmx';
  info: ReasonInfo | undefined = undefined;
  reasonName = '';
  reasonFlags: readonly string[] | undefined = undefined;
  /** Keys in the parser's ExitKeyTable. */
  reasonKey = 0;
  siteKey = -1;
  /** Index in CATEGORIES from the payload alone (valid while no refinement touched the exit). */
  category = 0;
  /** 0: no info; 1: gen-1 `info A B`; 2: gen-2 key/value tail. */
  gen = 0;
  hasInfo1 = false;
  info1Hi = 0;
  info1Lo = 0;
  hasInfo2 = false;
  info2Hi = 0;
  info2Lo = 0;
  intrInfo = -1;
  errorCode = -1;
  line = 0;
  /** Set when closed: the closing kvm_entry's time (-1: none) and the vCPU to report (-1: unknown). */
  entryNs = -1;
  vcpu = -1;
  /** The ExitRecord, once one was needed (a refinement event, or a sink that takes records). */
  record: MutableExit | undefined = undefined;
}

/**
 * The ExitRecord of an open exit, made on first need and then kept on it. Field by field what the
 * text parser has always put in a fresh record: strings through the parser's interners, the
 * qualification decoded, the category refined.
 */
export function materializeExit(o: OpenExit, keys: ExitKeyTable, hex: HexInterner): MutableExit {
  if (o.record !== undefined) return o.record;
  const rec = newExit(o.timeNs, o.isa, o.reasonName, o.line);
  if (!o.timed) rec.untimed = true;
  if (o.tid >= 0) rec.tid = o.tid;
  if (o.comm !== undefined) rec.comm = o.comm;
  if (o.hostCpu >= 0) rec.hostCpu = o.hostCpu;
  if (o.keyVcpu >= 0) rec.vcpu = o.keyVcpu;
  if (o.reasonFlags !== undefined) rec.reasonFlags = o.reasonFlags;
  if (o.siteKey >= 0) rec.rip = keys.rip(o.siteKey);
  if (o.hasInfo1) rec.info1 = hex.get(o.info1Hi, o.info1Lo);
  if (o.hasInfo2) rec.info2 = hex.get(o.info2Hi, o.info2Lo);
  if (o.gen === 1) {
    // Gen-1 VMX `info A B`: B is the VM-exit interruption information (gen 2 prints it as intr_info).
    if (o.isa === 'vmx' && o.info2Hi === 0) rec.intrInfo = o.info2Lo;
  } else {
    if (o.intrInfo >= 0) rec.intrInfo = o.intrInfo;
    if (o.errorCode >= 0) rec.errorCode = o.errorCode;
  }
  const info = o.info;
  if (info !== undefined) {
    rec.reason = info.code;
    decodeFastPath(rec, info, o.info1Lo);
    rec.category = refine(info, rec);
  }
  o.record = rec;
  return rec;
}
