/**
 * What a parser reports besides exits: the format it recognised, header metadata, warnings, and the
 * aggregated tables of tools that print no per-exit records (perf kvm stat, kvm_stat).
 */
import type { ExitRecord, Isa } from './exit';

/** Input formats, as named in the CLI's `--format` option and in `summary --json`. */
export type TraceFormat = 'ftrace' | 'trace-cmd' | 'perf-script' | 'perf-kvm-stat' | 'kvm-stat' | 'exitlens-jsonl';

export const TRACE_FORMATS: readonly TraceFormat[] = ['ftrace', 'trace-cmd', 'perf-script', 'perf-kvm-stat', 'kvm-stat', 'exitlens-jsonl'];

/** A problem with one line of input. The line is not counted; parsing goes on. */
export interface TraceWarning {
  /** 1-based line number in the input file. */
  readonly line: number;
  readonly message: string;
}

/** Paging mode of the traced guest, when known (simulator header, file name, or user label). */
export type PagingMode = 'shadow' | 'ept';

/** Header information, e.g. from the simulator's `# exitlens-simulated:` line or the JSONL header. */
export interface TraceMeta {
  readonly simulated?: boolean;
  readonly workload?: string;
  readonly paging?: PagingMode;
  readonly cpu?: string;
  readonly pages?: '4k' | '2m';
  readonly seed?: number;
  /** Symbol file written beside a simulated trace, relative to the trace file. */
  readonly symbols?: string;
  /** Nominal CPU frequency in Hz (simulated traces), to turn ns into cycles. */
  readonly cpuHz?: number;
  readonly isa?: Isa;
  /** Free-form build label. */
  readonly label?: string;
}

/** One row of an aggregated table (perf kvm stat report, kvm_stat). */
export interface AggregateRow {
  /** The key as printed: a reason name, `0xfee00380:W`, `0xc090:POUT`, `kvm_exit(HLT)`, `exits`… */
  readonly key: string;
  readonly samples: number;
  readonly samplesPct?: number;
  readonly timePct?: number;
  /** Microseconds, as perf prints them. */
  readonly minUs?: number;
  readonly maxUs?: number;
  readonly avgUs?: number;
  /** The `( +- x% )` relative standard deviation. */
  readonly stddevPct?: number;
  /** kvm_stat: the delta / current column. */
  readonly current?: number;
}

/** A whole aggregated table: one `perf kvm stat report --event=…` block or one kvm_stat screen. */
export interface AggregateTable {
  /** `vmexit` | `mmio` | `ioport` | `msr` for perf kvm stat; `kvm_stat` for kvm_stat. */
  readonly event: string;
  /** `all` or the VCPU number from the `Analyze events for …` title. */
  readonly vcpu?: number | 'all';
  readonly rows: readonly AggregateRow[];
  readonly totalSamples?: number;
  readonly totalTimeUs?: number;
  /** 1-based line of the table's header. */
  readonly line: number;
}

/**
 * The dictionary behind `TraceSink.compactExit`: small integer keys chosen by one parser, each
 * standing for a value that never changes for the dictionary's lifetime. Keys are dense from 0, so
 * a sink can map them with typed arrays and look each one up here only once.
 */
export interface ExitKeys {
  /** `ExitRecord.reasonName` of reason key `key`. */
  reasonName(key: number): string;
  /** `ExitRecord.isa` of reason key `key`. */
  reasonIsa(key: number): Isa;
  /** `ExitRecord.rip` (canonical `0x..`) of site key `key`. */
  rip(key: number): string;
}

/**
 * One exit as numbers, for `TraceSink.compactExit`. A view the parser reuses: read it during the
 * call, never keep it. Absent values are -1 (times and vCPUs are never negative).
 */
export interface CompactExit {
  /** Reason key in the call's ExitKeys. */
  readonly reasonKey: number;
  /** Index in CATEGORIES. */
  readonly category: number;
  /** Site (RIP) key in the call's ExitKeys, -1 when the exit has no RIP. */
  readonly siteKey: number;
  readonly vcpu: number;
  readonly timeNs: number;
  readonly entryNs: number;
  readonly line: number;
}

/** Receives what a parser finds, in file order. Implemented by the analysis and by tests. */
export interface TraceSink {
  exit(record: ExitRecord): void;
  warning(warning: TraceWarning): void;
  table?(table: AggregateTable): void;
  meta?(meta: TraceMeta): void;
  /**
   * Optional fast path for sinks that only aggregate. A sink that implements it declares that it
   * reads nothing of an exit but its reason name and ISA, category, RIP, vCPU, times and line; a
   * parser may then describe an exit with numbers (a view it reuses) instead of allocating an
   * ExitRecord. It means exactly `exit({reasonName: keys.reasonName(e.reasonKey), isa:
   * keys.reasonIsa(e.reasonKey), category: CATEGORIES[e.category], rip: e.siteKey < 0 ? undefined :
   * keys.rip(e.siteKey), vcpu: e.vcpu < 0 ? undefined : e.vcpu, timeNs: e.timeNs, entryNs: e.entryNs
   * < 0 ? undefined : e.entryNs, line: e.line, …})`. Parsers keep the order of exits whichever method
   * they use, and still call `exit` for exits they cannot describe this way (refined by later
   * events), so a sink must implement both consistently. Plain sinks that leave it out get
   * ExitRecords as always.
   */
  compactExit?(keys: ExitKeys, exit: CompactExit): void;
}

/**
 * A streaming parser for one format. Bytes arrive in arbitrary chunks (a record may be split
 * anywhere, even inside a UTF-8 sequence); `end()` flushes the last line and any pending exits.
 */
export interface TraceParser {
  readonly format: TraceFormat;
  push(chunk: Uint8Array): void;
  end(): void;
}
