/**
 * Exit-reason tables for VMX and SVM, loaded from the generated JSON in src/core/data (see
 * generateReasonTables.mjs for the sources). Every name any supported tool prints — the kernel's
 * current names, the 2.6.3x lower-case VMX names, PENDING_INTERRUPT, the libtraceevent plugin's
 * `EXIT_*` SVM names and kvm_stat's SVM names — resolves to one number and one canonical name, so an
 * exit aggregates the same whichever tool printed it.
 */
import type { Category, Isa } from '../model/exit';
import vmxTable from '../data/vmxReasons.json';
import svmTable from '../data/svmReasons.json';

/** What the tables know about one exit reason. Shared, frozen instances: compare by identity if useful. */
export interface ReasonInfo {
  readonly isa: Isa;
  /** VMX basic reason (bits 15:0) or SVM exit code. */
  readonly code: number;
  /** The name ExitLens reports: the kernel's current print name, `PENDING_INTERRUPT` as printed, or `0x..` when the kernel prints the number. */
  readonly name: string;
  /** Category when nothing but the reason is known (qualification refines it: see categorize.ts). */
  readonly category: Category;
}

interface TableJson {
  readonly isa: string;
  readonly flags: readonly { readonly mask: number; readonly name: string }[];
  readonly reasons: readonly { readonly code: number; readonly name: string; readonly category: string }[];
  readonly aliases: readonly { readonly name: string; readonly code: number; readonly source: string; readonly keepName?: boolean }[];
}

interface IsaTable {
  readonly byCode: Map<number, ReasonInfo>;
  readonly byName: Map<string, ReasonInfo>;
  /** Names a kvm_exit payload can show: all but kvm_stat's own SVM names (`HLT`, `CPUID`… clash with VMX). */
  readonly byPayloadName: Map<string, ReasonInfo>;
  readonly flags: readonly { readonly mask: number; readonly name: string }[];
}

function hexName(code: number): string {
  return '0x' + code.toString(16);
}

function buildTable(isa: Isa, json: TableJson): IsaTable {
  const byCode = new Map<number, ReasonInfo>();
  const byName = new Map<string, ReasonInfo>();
  const byPayloadName = new Map<string, ReasonInfo>();
  for (const r of json.reasons) {
    const info: ReasonInfo = Object.freeze({ isa, code: r.code, name: r.name, category: r.category as Category });
    byCode.set(r.code, info);
    byName.set(r.name, info);
    byPayloadName.set(r.name, info);
  }
  for (const a of json.aliases) {
    const main = byCode.get(a.code);
    // An alias for a code the kernel prints as a number reports that number, as the kernel would.
    const base = main ?? Object.freeze({ isa, code: a.code, name: hexName(a.code), category: 'other' as Category });
    if (!main) byCode.set(a.code, base);
    const info = a.keepName ? Object.freeze({ ...base, name: a.name }) : base;
    byName.set(a.name, info);
    if (a.source !== 'kvm_stat') byPayloadName.set(a.name, info);
  }
  return { byCode, byName, byPayloadName, flags: json.flags };
}

const TABLES: Readonly<Record<Isa, IsaTable>> = {
  vmx: buildTable('vmx', vmxTable as TableJson),
  svm: buildTable('svm', svmTable as TableJson),
};

/** Bounded cache for numbers outside the tables, so repeated unknown codes share one info object. */
const unknownByCode: Record<Isa, Map<number, ReasonInfo>> = { vmx: new Map(), svm: new Map() };

/** Looks a printed reason name up in one ISA's table (exact, case-sensitive: `hlt` and `HLT` differ by ISA). */
export function reasonByName(isa: Isa, name: string): ReasonInfo | undefined {
  return TABLES[isa].byName.get(name);
}

/**
 * Looks up a reason name as a kvm_exit payload prints it (kernel, 2.6.3x, libtraceevent plugin) —
 * not kvm_stat's SVM names, which only appear in kvm_stat output and would make `HLT`, `CPUID`,
 * `INVLPG`… look like SVM exits in an Intel trace.
 */
export function payloadReasonByName(isa: Isa, name: string): ReasonInfo | undefined {
  return TABLES[isa].byPayloadName.get(name);
}

/**
 * The reason for a number. Numbers outside the tables are never dropped: they get the kernel's own
 * rendering, `0x..`, and category `other`.
 */
export function reasonByCode(isa: Isa, code: number): ReasonInfo {
  const known = TABLES[isa].byCode.get(code);
  if (known) return known;
  const cache = unknownByCode[isa];
  let info = cache.get(code);
  if (!info) {
    if (cache.size > 4096) cache.clear();
    info = Object.freeze({ isa, code, name: hexName(code), category: 'other' as Category });
    cache.set(code, info);
  }
  return info;
}

/** Which ISAs' tables know a printed name: both for the few lower-case names legacy VMX and SVM share (`cpuid`, `invlpg`…). */
export function isasForName(name: string): readonly Isa[] {
  const v = TABLES.vmx.byName.has(name);
  const s = TABLES.svm.byName.has(name);
  return v && s ? BOTH : v ? ONLY_VMX : s ? ONLY_SVM : NONE;
}
const BOTH: readonly Isa[] = Object.freeze(['vmx', 'svm'] as Isa[]);
const ONLY_VMX: readonly Isa[] = Object.freeze(['vmx'] as Isa[]);
const ONLY_SVM: readonly Isa[] = Object.freeze(['svm'] as Isa[]);
const NONE: readonly Isa[] = Object.freeze([] as Isa[]);

/**
 * The ISA a set of printed names belongs to, from the first name only one ISA knows; undefined when
 * every name is shared or unknown. Aggregated tables (perf kvm stat, kvm_stat) carry names only.
 */
export function guessIsa(names: Iterable<string>): Isa | undefined {
  for (const name of names) {
    const isas = isasForName(name);
    if (isas.length === 1) return isas[0];
  }
  return undefined;
}

/** VMX reason flag tokens for bits 31:16, as the kernel prints them: `FAILED_VMENTRY`, then any other bits as one hex number. */
export function vmxReasonFlagNames(exitReason: number): string[] {
  const out: string[] = [];
  let rest = (exitReason & 0xffff0000) >>> 0;
  for (const f of TABLES.vmx.flags) {
    if ((rest & f.mask) >>> 0 === f.mask) {
      out.push(f.name);
      rest = (rest & ~f.mask) >>> 0;
    }
  }
  // trace_print_flags_seq() prints the bits no table entry names as one hex number after the names.
  if (rest !== 0) out.push(hexName(rest));
  return out;
}

/** Every reason of one ISA's main table plus aliases, for tests and documentation. */
export function allReasons(isa: Isa): ReadonlyMap<string, ReasonInfo> {
  return TABLES[isa].byName;
}
