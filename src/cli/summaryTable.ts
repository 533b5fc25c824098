/**
 * The readable form of a TraceSummary, laid out like `perf kvm stat report` (reason, samples,
 * samples%, time%, min/max/avg) plus our categories, percentiles, vCPUs and sites. HLT is shown
 * apart: it is idle time, and folding it in would make every other Time% look like zero.
 */
import { CATEGORIES } from '../core/model/exit';
import type { TimingStats, TraceSummary } from '../core/model/summary';

/** Options of the table rendering. */
export interface TableOptions {
  /** Rows of the site list (the summary may hold more). */
  readonly topSites: number;
}

/** Microseconds with two decimals, as perf prints them; `-` when unknown. */
export function formatUs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '-';
  return `${(ns / 1000).toFixed(2)}us`;
}

/** A percentage with two decimals; `-` when the whole is zero. */
export function formatPct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : '-';
}

/** A duration in the most readable unit. */
export function formatDuration(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(3)} us`;
  return `${ns} ns`;
}

/** Lays out rows with right-aligned columns except the ones listed as left-aligned. */
export function layout(header: readonly string[], rows: readonly (readonly string[])[], leftAligned: readonly number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (leftAligned.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Renders the whole summary as text (ends with a newline). */
export function formatSummaryTable(s: TraceSummary, options: TableOptions): string {
  const out: string[] = [];
  out.push(headline(s));
  if (s.aggregated) out.push('Aggregated input: counts and times as the tool printed them; no per-exit percentiles or guest RIPs.');
  out.push('');
  out.push(...reasonSection(s));
  out.push('');
  out.push(...categorySection(s));
  if (s.perVcpu.length > 0) {
    out.push('');
    out.push(...vcpuSection(s));
  }
  if (s.sites.length > 0 && options.topSites > 0) {
    out.push('');
    out.push(...siteSection(s, options.topSites));
  }
  if (s.tables && s.tables.length > 0) {
    out.push('');
    out.push(
      `Tables read: ${s.tables.map((t) => `${t.event}${t.vcpu === undefined || t.vcpu === 'all' ? '' : ` (VCPU ${t.vcpu})`} [line ${t.line}]`).join(', ')} — full rows in --json.`,
    );
  }
  return out.join('\n') + '\n';
}

function headline(s: TraceSummary): string {
  const parts = [`${s.format}`, `isa ${s.isa}`, `${s.exits} exits`];
  if (s.vcpus.length > 0) parts.push(`${s.vcpus.length} vCPU${s.vcpus.length === 1 ? '' : 's'}`);
  if (s.durationNs !== null) parts.push(`over ${formatDuration(s.durationNs)}`);
  if (s.meta.simulated) parts.push(`simulated${s.meta.workload ? ` ${s.meta.workload}` : ''}${s.meta.paging ? ` (${s.meta.paging})` : ''}`);
  return `${s.file ?? '(input)'}: ${parts.join(', ')}`;
}

function timingCells(t: TimingStats | undefined, timeShare: string): string[] {
  return [timeShare, formatUs(t?.minNs), formatUs(t?.maxNs), formatUs(t?.meanNs), formatUs(t?.p50Ns), formatUs(t?.p95Ns), formatUs(t?.p99Ns)];
}

const TIME_HEADER = ['Time%', 'Min', 'Max', 'Avg', 'p50', 'p95', 'p99'];

function reasonSection(s: TraceSummary): string[] {
  const hltReasons = Object.keys(s.byReason).filter((r) => s.reasonCategory[r] === 'hlt');
  const others = Object.keys(s.byReason).filter((r) => s.reasonCategory[r] !== 'hlt');
  const overheadNs = s.overhead.totalNs;
  const row = (r: string, timeWhole: number) => {
    const t = s.timing[r];
    return [r, s.reasonCategory[r] ?? '', String(s.byReason[r]), formatPct(s.byReason[r], s.exits), ...timingCells(t, t && t.count > 0 ? formatPct(t.totalNs, timeWhole) : '-')];
  };
  const header = ['VM-EXIT', 'Category', 'Samples', 'Samples%', ...TIME_HEADER];
  const out: string[] = [];
  if (others.length === 0 && hltReasons.length === 0) {
    out.push('No per-reason counts in this input (see the categories below).');
    return out;
  }
  out.push(`Exits by reason, HLT apart (Samples% of all ${s.exits} exits; Time% of the ${formatDuration(overheadNs)} non-HLT host time):`);
  out.push(...layout(header, others.map((r) => row(r, overheadNs)), [0, 1]));
  if (hltReasons.length > 0) {
    out.push('');
    out.push(`Idle (HLT, not overhead): ${s.hlt.exits} exit${s.hlt.exits === 1 ? '' : 's'}, ${formatDuration(s.hlt.totalNs)} host time (Time% of all host time):`);
    out.push(...layout(header, hltReasons.map((r) => row(r, overheadNs + s.hlt.totalNs)), [0, 1]));
  }
  return out;
}

function categorySection(s: TraceSummary): string[] {
  const rows = CATEGORIES.filter((c) => s.byCategory[c] > 0).map((c) => {
    const t = s.categoryTiming[c];
    const whole = c === 'hlt' ? s.overhead.totalNs + s.hlt.totalNs : s.overhead.totalNs;
    return [c, String(s.byCategory[c]), formatPct(s.byCategory[c], s.exits), ...timingCells(t, t.count > 0 ? formatPct(t.totalNs, whole) : '-')];
  });
  if (rows.length === 0) return ['No exits by category.'];
  return ['Exits by category (Time% as above: hlt against all host time, the rest against non-HLT time):', ...layout(['Category', 'Samples', 'Samples%', ...TIME_HEADER], rows, [0])];
}

function vcpuSection(s: TraceSummary): string[] {
  const shown = CATEGORIES.filter((c) => s.perVcpu.some((v) => v.byCategory[c] > 0));
  const rows = s.perVcpu.map((v) => [String(v.vcpu), String(v.exits), formatDuration(v.totalNs), ...shown.map((c) => String(v.byCategory[c]))]);
  return ['Per vCPU:', ...layout(['vCPU', 'Exits', 'Host time', ...shown], rows)];
}

function siteSection(s: TraceSummary, top: number): string[] {
  const sites = s.sites.slice(0, top);
  const rows = sites.map((site) => [
    site.rip,
    String(site.exits),
    formatPct(site.exits, s.exits),
    formatDuration(site.totalNs),
    site.timing ? formatDuration(site.timing.p95Ns) : '-',
    Object.entries(site.byCategory)
      .map(([c, n]) => `${c}:${n}`)
      .join(' '),
    site.vcpus.join(','),
  ]);
  return [`Top ${sites.length} of ${s.siteCount} guest RIPs by exits:`, ...layout(['RIP', 'Exits', 'Exits%', 'Host time', 'p95', 'Categories', 'vCPUs'], rows, [0, 5, 6])];
}
