/**
 * Number and label formatting for the editor annotations, hovers and the hot-sites view. Pure (no
 * `vscode`), so the unit tests and the decoration bench load it in plain Node, and every surface
 * prints the same value the same way.
 */
import { formatCount, formatNs as coreFormatNs, formatRatio as coreFormatRatio } from '../../core/format';
import type { Category } from '../../core/model/exit';

export { formatCount };

/** Short labels used in the after-line text (`CR3 38k`), where space is tight. */
export const CATEGORY_SHORT: Readonly<Record<Category, string>> = {
  pagefault: '#PF',
  ept: 'EPT',
  mmio: 'MMIO',
  cr3: 'CR3',
  cr: 'CR',
  invlpg: 'INVLPG',
  io: 'I/O',
  interrupt: 'IRQ',
  exception: 'exception',
  hlt: 'HLT',
  msr: 'MSR',
  cpuid: 'CPUID',
  hypercall: 'hypercall',
  other: 'other',
};

/** Longer labels for the hover table and the tree, where the reader may not know the jargon. */
export const CATEGORY_LONG: Readonly<Record<Category, string>> = {
  pagefault: 'guest page fault (#PF)',
  ept: 'EPT violation / misconfig',
  mmio: 'MMIO (emulated device)',
  cr3: 'CR3 load',
  cr: 'other control register',
  invlpg: 'INVLPG',
  io: 'port I/O',
  interrupt: 'external interrupt',
  exception: 'exception / NMI',
  hlt: 'HLT (idle)',
  msr: 'MSR access',
  cpuid: 'CPUID',
  hypercall: 'hypercall',
  other: 'other',
};

/**
 * Compact counts for the after-line text: exact below 10 000 (`4,801`), then `41.2k`, `3.10M`. Exact
 * while small because those are the numbers people check against a trace by hand.
 */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs < 10_000) return formatCount(n);
  if (abs < 1e6) return `${trim1(n / 1e3)}k`;
  if (abs < 1e9) return `${trim1(n / 1e6)}M`;
  return `${trim1(n / 1e9)}G`;
}

/** One decimal below 100 (`41.2`), none above (`412`); never `41.0` → `41`. */
function trim1(x: number): string {
  const s = Math.abs(x) < 100 ? x.toFixed(1) : x.toFixed(0);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** Nanoseconds as everywhere else, `n/a` when unknown (the hover says why next to it). */
export function formatNs(ns: number | null | undefined): string {
  return coreFormatNs(ns, 'n/a');
}

/** Cycles estimated from host ns at the trace's nominal clock; undefined when the clock is unknown. */
export function cyclesOf(ns: number, cpuHz: number | undefined): number | undefined {
  return cpuHz !== undefined && cpuHz > 0 && Number.isFinite(cpuHz) ? (ns * cpuHz) / 1e9 : undefined;
}

/** `0.4132` → `41.3 %`. */
export function formatPercent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

/** A signed delta with a real minus sign: `+4,800`, `−12`, `±0`. */
export function formatDelta(delta: number, compact = false): string {
  const body = compact ? formatCompact(Math.abs(delta)) : formatCount(Math.abs(delta));
  if (delta > 0) return `+${body}`;
  if (delta < 0) return `−${body}`;
  return '±0';
}

/** `4.00×` as in Compare Builds, or `new` when the baseline had none (ratio null). */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'new' : coreFormatRatio(ratio);
}

/** `1 exit`, `2 exits`. */
export function exitsWord(n: number): string {
  return n === 1 ? 'exit' : 'exits';
}

/** `symbol+0x1a` as perf prints it; the bare symbol when the offset is unknown. */
export function symbolOffset(symbol: string, offset: number | undefined): string {
  return offset === undefined ? symbol : `${symbol}+0x${offset.toString(16)}`;
}
