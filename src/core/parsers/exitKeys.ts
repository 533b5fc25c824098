/**
 * Small integer keys for what repeats in a trace — resolved exit reasons and guest RIPs — so the hot
 * path carries numbers instead of strings, and a sink with `compactExit` (model/trace.ts) aggregates
 * into typed arrays. One ExitKeyTable per parser; it is the ExitKeys dictionary that parser hands to
 * its sink. Strings are made once per distinct key, when someone asks for them.
 *
 * Memory grows with distinct reasons (tens) and distinct RIPs (bounded by the guest's code), never
 * with the number of exits — the same bound as the summary's own site table.
 */
import { CATEGORIES, type Isa } from '../model/exit';
import type { ExitKeys } from '../model/trace';
import { decodeFastPath } from './exitDetails';
import { newExit } from './openExit';
import { hexText } from './interning';
import { refine, type ReasonInfo } from '../taxonomy';

const CAT_PAGEFAULT = CATEGORIES.indexOf('pagefault');
const CAT_EXCEPTION = CATEGORIES.indexOf('exception');
const CAT_CR3 = CATEGORIES.indexOf('cr3');
const CAT_CR = CATEGORIES.indexOf('cr');
const CAT_OTHER = CATEGORIES.indexOf('other');

/** How a reason's category depends on the payload (see taxonomy/categorize.ts). */
const MODE_STATIC = 0;
/** VMX EXCEPTION_NMI: `pagefault` when the interruption information says vector 14, else `exception`. */
const MODE_VMX_EXCEPTION = 1;
/** VMX CR_ACCESS: `cr3` when qualification bits 3:0 are 3, else `cr`. */
const MODE_VMX_CR = 2;

const INITIAL_RIP_BITS = 12;

/** Mixes both halves into every bit: kernel RIPs share their high half and differ in few low bits. */
function ripHash(hi: number, lo: number): number {
  const h = Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 15);
}

/**
 * Reason keys (by ISA, name and table entry) and RIP keys (by 64-bit value, as two 32-bit halves in
 * an open-addressing table). Implements ExitKeys for the sink.
 */
export class ExitKeyTable implements ExitKeys {
  private readonly names: string[] = [];
  private readonly isas: Isa[] = [];
  private readonly modes: number[] = [];
  private readonly staticCategories: number[] = [];
  private readonly byReason = new Map<string, number>();

  private ripMask = (1 << INITIAL_RIP_BITS) - 1;
  private slotHi = new Int32Array(1 << INITIAL_RIP_BITS);
  private slotLo = new Int32Array(1 << INITIAL_RIP_BITS);
  /** Key + 1 per slot; 0 marks an empty slot. */
  private slotKey = new Int32Array(1 << INITIAL_RIP_BITS);
  private readonly ripHi: number[] = [];
  private readonly ripLo: number[] = [];
  private readonly ripTexts: (string | undefined)[] = [];

  /**
   * The key of an exit reason as the parser resolved it. `info` is the table entry (undefined for a
   * name no table knows, whose category is `other`); `name` is the reported reasonName.
   */
  reasonKey(isa: Isa, info: ReasonInfo | undefined, name: string): number {
    const id = `${isa}\u0000${name}\u0000${info === undefined ? '' : info.code}`;
    let key = this.byReason.get(id);
    if (key === undefined) {
      key = this.names.length;
      this.byReason.set(id, key);
      this.names.push(name);
      this.isas.push(isa);
      let mode = MODE_STATIC;
      let category = CAT_OTHER;
      if (info !== undefined) {
        if (isa === 'vmx' && info.code === 0 && info.category === 'exception') mode = MODE_VMX_EXCEPTION;
        else if (isa === 'vmx' && info.code === 28 && info.category === 'cr') mode = MODE_VMX_CR;
        else {
          // Reasons whose category does not depend on the payload: ask the taxonomy once.
          const probe = newExit(0, isa, name, 0);
          probe.reason = info.code;
          decodeFastPath(probe, info, 0);
          category = CATEGORIES.indexOf(refine(info, probe));
        }
      }
      this.modes.push(mode);
      this.staticCategories.push(category);
    }
    return key;
  }

  /**
   * Index in CATEGORIES of an exit of reason `key` before any refinement event, from the decoded
   * payload: `intrInfo` is the VMX interruption information (-1 when absent), `info1Lo` the low 32
   * bits of the qualification. Equals what refine() gives the parsers' fresh record.
   */
  category(key: number, hasInfo1: boolean, info1Lo: number, intrInfo: number): number {
    const mode = this.modes[key];
    if (mode === MODE_STATIC) return this.staticCategories[key];
    if (mode === MODE_VMX_EXCEPTION) return intrInfo >= 0x80000000 && (intrInfo & 0xff) === 14 ? CAT_PAGEFAULT : CAT_EXCEPTION;
    return hasInfo1 && (info1Lo & 15) === 3 ? CAT_CR3 : CAT_CR;
  }

  /** The key of the RIP whose value is hi·2^32 + lo (both unsigned 32-bit). */
  ripKey(hi: number, lo: number): number {
    const mask = this.ripMask;
    let slot = ripHash(hi, lo) & mask;
    const keys = this.slotKey;
    for (;;) {
      const k = keys[slot];
      if (k === 0) return this.insertRip(slot, hi, lo);
      if (this.slotLo[slot] === (lo | 0) && this.slotHi[slot] === (hi | 0)) return k - 1;
      slot = (slot + 1) & mask;
    }
  }

  private insertRip(slot: number, hi: number, lo: number): number {
    const key = this.ripHi.length;
    this.ripHi.push(hi);
    this.ripLo.push(lo);
    this.ripTexts.push(undefined);
    this.slotHi[slot] = hi;
    this.slotLo[slot] = lo;
    this.slotKey[slot] = key + 1;
    // Keep the load factor at most 1/2 so probes stay short.
    if (2 * this.ripHi.length > this.ripMask) this.growRips();
    return key;
  }

  private growRips(): void {
    const size = 2 * (this.ripMask + 1);
    this.ripMask = size - 1;
    this.slotHi = new Int32Array(size);
    this.slotLo = new Int32Array(size);
    this.slotKey = new Int32Array(size);
    for (let key = 0; key < this.ripHi.length; key++) {
      const hi = this.ripHi[key];
      const lo = this.ripLo[key];
      let slot = ripHash(hi, lo) & this.ripMask;
      while (this.slotKey[slot] !== 0) slot = (slot + 1) & this.ripMask;
      this.slotHi[slot] = hi;
      this.slotLo[slot] = lo;
      this.slotKey[slot] = key + 1;
    }
  }

  /** Distinct RIPs seen. */
  get ripCount(): number {
    return this.ripHi.length;
  }

  reasonName(key: number): string {
    return this.names[key];
  }

  reasonIsa(key: number): Isa {
    return this.isas[key];
  }

  rip(key: number): string {
    let text = this.ripTexts[key];
    if (text === undefined) this.ripTexts[key] = text = hexText(this.ripHi[key], this.ripLo[key]);
    return text;
  }
}
