/**
 * Summaries of inputs that carry no per-exit records: `perf kvm stat report` tables and kvm_stat
 * screens. Counts come straight from the tables; percentiles stay null because the tools print
 * none; nothing is invented.
 *
 * perf kvm stat: exits = the samples of the vmexit table for all VCPUs (when a file also holds
 * per-VCPU tables, they give `perVcpu` but are not added on top). Without an all-VCPU table, the
 * per-VCPU tables (first one per VCPU) are disjoint and are summed. Timing per reason comes from the
 * Avg/Min/Max columns: count = samples, totalNs = samples × avg, min/max when printed (perf ≥ 3.13).
 *
 * kvm_stat, tracepoint mode: exits = the `kvm_exit` row (else the sum of the `kvm_exit(REASON)`
 * rows); byReason from the `kvm_exit(REASON)` rows. Debugfs mode has counters, not reasons, so
 * byReason stays empty and only counters that count one kind of exit map to a category:
 * `exits` is the total; `io_exits`→io and `mmio_exits`→mmio (exits that went to the userspace VMM for
 * port I/O / MMIO, so a lower bound of those categories); `halt_exits`→hlt; `irq_exits`,
 * `irq_window(_exits)`, `nmi_window(_exits)`→interrupt; `hypercalls`→hypercall. Counters that are not
 * exits (pf_fixed, pf_guest, insn_emulation, signal_exits, tlb_flush, …) are not mapped. In both
 * modes the exits no row accounts for are counted as `other`, so byCategory sums to `exits`.
 * When several kvm_stat screens are present, the last one is used (screens show running totals).
 */
import { CATEGORIES, type Category, type Isa } from '../model/exit';
import type { AggregateRow, AggregateTable, TraceWarning } from '../model/trace';
import type { TimingStats, VcpuSummary } from '../model/summary';
import { categoryCountsFrom, categoryIndex, CATEGORY_COUNT, zeroCategoryCounts } from './categoryIndex';
import { emptyTimingStats } from './histogram';
import { guessIsa } from '../taxonomy/index';

/** Category of a reason name for a given ISA; the taxonomy's `reasonCategory` in production. */
export type ReasonCategoryFn = (isa: Isa, reasonName: string) => Category;

/** The summary fields an aggregated input determines. */
export interface AggregatedPart {
  readonly isa: Isa | 'unknown';
  readonly exits: number;
  readonly byReason: Record<string, number>;
  readonly byCategory: Record<Category, number>;
  readonly timeByCategory: Record<Category, number>;
  readonly reasonCategory: Record<string, Category>;
  readonly vcpus: number[];
  readonly perVcpu: VcpuSummary[];
  readonly timing: Record<string, TimingStats>;
  readonly categoryTiming: Record<Category, TimingStats>;
  readonly warnings: TraceWarning[];
}

/** Mutable timing of a row group: what perf prints lets us sum counts/totals and take min/max. */
interface RowTiming {
  count: number;
  totalNs: number;
  minNs: number | null;
  maxNs: number | null;
  timed: boolean;
}

/** Debugfs-mode counters that count one kind of VM exit, and the category they count. */
export const KVM_STAT_DEBUGFS_CATEGORIES: Readonly<Record<string, Category>> = {
  io_exits: 'io',
  mmio_exits: 'mmio',
  halt_exits: 'hlt',
  irq_exits: 'interrupt',
  irq_window: 'interrupt',
  irq_window_exits: 'interrupt',
  nmi_window: 'interrupt',
  nmi_window_exits: 'interrupt',
  hypercalls: 'hypercall',
};

const KVM_EXIT_CHILD = /^kvm_exit\((.+)\)$/;

/**
 * Guesses the ISA from reason names when no header says it: first from a name only one ISA's table
 * knows (taxonomy), else by case: the kernel's (and perf's) VMX names are upper case
 * (`EPT_VIOLATION`), its SVM names lower case (`npf`, `write_cr3`).
 */
export function guessIsaFromReasonNames(names: Iterable<string>): Isa | 'unknown' {
  const list = [...names];
  const known = guessIsa(list);
  if (known) return known;
  let vmx = 0;
  let svm = 0;
  for (const n of list) {
    if (n.startsWith('0x')) continue;
    if (/^[A-Z][A-Z0-9_]*$/.test(n)) vmx++;
    else if (/^[a-z][a-z0-9_]*$/.test(n)) svm++;
  }
  return vmx === 0 && svm === 0 ? 'unknown' : vmx >= svm ? 'vmx' : 'svm';
}

/** Builds the summary fields from perf kvm stat / kvm_stat tables (see the module comment). */
export function summarizeTables(
  tables: readonly AggregateTable[],
  isaHint: Isa | undefined,
  reasonCategory: ReasonCategoryFn,
): AggregatedPart {
  const vmexit = tables.filter((t) => t.event === 'vmexit');
  if (vmexit.length > 0) return fromPerfKvmStat(vmexit, isaHint, reasonCategory);
  const screens = tables.filter((t) => t.event === 'kvm_stat');
  if (screens.length > 0) return fromKvmStat(screens, isaHint, reasonCategory);
  return emptyPart(isaHint ?? 'unknown', []);
}

function fromPerfKvmStat(vmexit: AggregateTable[], isaHint: Isa | undefined, reasonCategory: ReasonCategoryFn): AggregatedPart {
  const warnings: TraceWarning[] = [];
  const allTables = vmexit.filter((t) => t.vcpu === undefined || t.vcpu === 'all');
  const perVcpuTables = new Map<number, AggregateTable>();
  for (const t of vmexit) if (typeof t.vcpu === 'number' && !perVcpuTables.has(t.vcpu)) perVcpuTables.set(t.vcpu, t);
  const counted = allTables.length > 0 ? [allTables[0]] : [...perVcpuTables.values()];
  if (allTables.length > 1)
    warnings.push({
      line: allTables[1].line,
      message: `${allTables.length} vmexit tables for all VCPUs; counting the first (line ${allTables[0].line}), the others are kept in tables`,
    });
  const isa = isaHint ?? guessIsaFromReasonNames(vmexit.flatMap((t) => t.rows.map((r) => r.key.trim())));
  const catOf = (name: string): Category => (isa === 'unknown' ? reasonCategory('vmx', name) : reasonCategory(isa, name));

  const byReasonTiming = new Map<string, RowTiming>();
  for (const table of counted) {
    let sum = 0;
    for (const row of table.rows) {
      const key = row.key.trim();
      mergeRow(byReasonTiming, key, row);
      sum += row.samples;
    }
    if (table.totalSamples !== undefined && table.totalSamples !== sum)
      warnings.push({ line: table.line, message: `vmexit table rows add up to ${sum} samples but its footer says ${table.totalSamples}; using the rows` });
  }
  const part = fromReasonTimings(byReasonTiming, isa, catOf, warnings);

  const perVcpu: VcpuSummary[] = [...perVcpuTables.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([vcpu, table]) => {
      const cats = new Float64Array(CATEGORY_COUNT);
      let exits = 0;
      let totalNs = 0;
      for (const row of table.rows) {
        exits += row.samples;
        cats[categoryIndex(catOf(row.key.trim()))] += row.samples;
        totalNs += rowTotalNs(row);
      }
      return { vcpu, exits, totalNs, byCategory: categoryCountsFrom(cats) };
    });
  return { ...part, vcpus: perVcpu.map((v) => v.vcpu), perVcpu };
}

function fromKvmStat(screens: AggregateTable[], isaHint: Isa | undefined, reasonCategory: ReasonCategoryFn): AggregatedPart {
  const warnings: TraceWarning[] = [];
  const screen = screens[screens.length - 1];
  if (screens.length > 1)
    warnings.push({ line: screen.line, message: `${screens.length} kvm_stat screens; using the last one (line ${screen.line}), all are kept in tables` });
  const rows = new Map<string, number>();
  const children = new Map<string, number>();
  for (const row of screen.rows) {
    const key = row.key.trim();
    const child = KVM_EXIT_CHILD.exec(key);
    if (child) children.set(child[1], (children.get(child[1]) ?? 0) + row.samples);
    else rows.set(key, row.samples);
  }
  const isa = isaHint ?? guessIsaFromReasonNames(children.keys());
  const catOf = (name: string): Category => reasonCategory(isa === 'unknown' ? 'vmx' : isa, name);

  if (children.size > 0 || rows.has('kvm_exit')) {
    const timings = new Map<string, RowTiming>();
    for (const [name, count] of children) timings.set(name, { count, totalNs: 0, minNs: null, maxNs: null, timed: false });
    const part = fromReasonTimings(timings, isa, catOf, warnings);
    const total = rows.get('kvm_exit');
    return withRemainder(part, total, 'kvm_exit', screen.line);
  }
  if (rows.has('exits')) {
    const part = emptyPart(isa, warnings);
    for (const [key, count] of rows) {
      const cat = KVM_STAT_DEBUGFS_CATEGORIES[key];
      if (cat) part.byCategory[cat] += count;
    }
    let mapped = 0;
    for (const c of CATEGORIES) mapped += part.byCategory[c];
    return withRemainder({ ...part, exits: mapped }, rows.get('exits'), 'exits', screen.line);
  }
  warnings.push({ line: screen.line, message: 'kvm_stat screen has neither kvm_exit nor exits rows; no exits counted' });
  return emptyPart(isa, warnings);
}

/**
 * Makes byCategory add up to the tool's own total: exits no row accounts for become `other`. A
 * total smaller than its parts is reported and the parts win.
 */
function withRemainder(part: AggregatedPart, total: number | undefined, rowName: string, line: number): AggregatedPart {
  if (total === undefined) return part;
  if (total < part.exits) {
    part.warnings.push({ line, message: `kvm_stat '${rowName}' total ${total} is below the ${part.exits} exits its rows count; using the rows` });
    return part;
  }
  part.byCategory.other += total - part.exits;
  return { ...part, exits: total };
}

function mergeRow(into: Map<string, RowTiming>, key: string, row: AggregateRow): void {
  const t = into.get(key) ?? { count: 0, totalNs: 0, minNs: null, maxNs: null, timed: false };
  t.count += row.samples;
  if (row.avgUs !== undefined) {
    t.totalNs += rowTotalNs(row);
    t.timed = true;
  }
  if (row.minUs !== undefined) t.minNs = minOf(t.minNs, usToNs(row.minUs));
  if (row.maxUs !== undefined) t.maxNs = maxOf(t.maxNs, usToNs(row.maxUs));
  into.set(key, t);
}

function fromReasonTimings(
  timings: Map<string, RowTiming>,
  isa: Isa | 'unknown',
  catOf: (name: string) => Category,
  warnings: TraceWarning[],
): AggregatedPart {
  const part = emptyPart(isa, warnings);
  const catTiming = CATEGORIES.map((): RowTiming => ({ count: 0, totalNs: 0, minNs: null, maxNs: null, timed: false }));
  const sorted = [...timings.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let exits = 0;
  for (const [name, t] of sorted) {
    const cat = catOf(name);
    exits += t.count;
    part.byReason[name] = t.count;
    part.reasonCategory[name] = cat;
    part.byCategory[cat] += t.count;
    part.timeByCategory[cat] += t.totalNs;
    part.timing[name] = rowStats(t);
    if (t.timed) {
      const c = catTiming[categoryIndex(cat)];
      c.count += t.count;
      c.totalNs += t.totalNs;
      c.minNs = minOf(c.minNs, t.minNs);
      c.maxNs = maxOf(c.maxNs, t.maxNs);
      c.timed = true;
    }
  }
  CATEGORIES.forEach((c, i) => (part.categoryTiming[c] = rowStats(catTiming[i])));
  return { ...part, exits };
}

/** Timing of a table row group; a group without an Avg column has no measured time (count 0). */
function rowStats(t: RowTiming): TimingStats {
  if (!t.timed || t.count === 0) return emptyTimingStats();
  return { count: t.count, totalNs: t.totalNs, minNs: t.minNs, maxNs: t.maxNs, meanNs: t.totalNs / t.count, p50Ns: null, p95Ns: null, p99Ns: null };
}

/** samples × avg, with avg rounded to whole ns first (perf prints it to 10 ns), so totals are integers. */
function rowTotalNs(row: AggregateRow): number {
  return row.avgUs === undefined ? 0 : row.samples * usToNs(row.avgUs);
}

function usToNs(us: number): number {
  return Math.round(us * 1000);
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function emptyPart(isa: Isa | 'unknown', warnings: TraceWarning[]): AggregatedPart {
  const categoryTiming = {} as Record<Category, TimingStats>;
  for (const c of CATEGORIES) categoryTiming[c] = emptyTimingStats();
  return {
    isa,
    exits: 0,
    byReason: {},
    byCategory: zeroCategoryCounts(),
    timeByCategory: zeroCategoryCounts(),
    reasonCategory: {},
    vcpus: [],
    perVcpu: [],
    timing: {},
    categoryTiming,
    warnings,
  };
}
