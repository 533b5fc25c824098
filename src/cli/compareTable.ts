/**
 * The readable form of a Comparison, for terminals and CI logs: one column per trace, then the last
 * trace against the baseline (Δ = B − A, ratio = B / A), categories first because shadow-paging and
 * EPT runs only line up by category.
 */
import { CATEGORIES } from '../core/model/exit';
import type { Comparison, ComparedSeries } from '../core/compare/index';
import { formatCount, formatDelta, formatNs, formatRatio } from '../core/compare/format';

/** One argument, so it can be passed to map() (formatNs's second one is the missing-value text). */
const fmtNs = (ns: number) => formatNs(ns);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function seriesRow(name: string, s: ComparedSeries, unit: (n: number) => string): string[] {
  const last = s.values.length - 1;
  return [name, ...s.values.map(unit), formatDelta(s.delta[last], unit), formatRatio(s.ratio[last])];
}

export interface CompareTableOptions {
  readonly topReasons?: number;
  readonly topSites?: number;
}

/** Renders the comparison as plain-text tables. */
export function formatCompareTable(c: Comparison, options: CompareTableOptions = {}): string {
  const labels = c.traces.map((t) => t.label);
  const last = labels[labels.length - 1];
  const versus = labels.length > 2 ? `Δ ${last}` : 'Δ (B − A)';
  const out: string[] = [];
  out.push(`Comparing ${c.traces.length} traces; baseline (A) = ${labels[0]}\n`);
  c.traces.forEach((t, i) => {
    const paging = t.paging ? ` · ${t.paging} paging` : '';
    out.push(`  [${i}] ${t.label}: ${t.file ?? '(no file)'} · ${t.format} · ${t.isa}${paging} · ${formatCount(t.exits)} exits${t.simulated ? ' · simulated' : ''}\n`);
  });
  out.push('\n');

  const header = (first: string) => [first, ...labels, versus, 'ratio'];
  out.push(table(header('Totals'), [
    seriesRow('exits', c.totals.exits, formatCount),
    seriesRow('exits but HLT', c.totals.overheadExits, formatCount),
    seriesRow('host time', c.totals.hostTimeNs, fmtNs),
    seriesRow('host time but HLT', c.totals.overheadTimeNs, fmtNs),
  ]));
  out.push('\n');

  const cats = CATEGORIES.filter((cat) => c.categories[cat].values.some((v) => v !== 0));
  out.push(table(header('Category (exits)'), cats.map((cat) => seriesRow(cat, c.categories[cat], formatCount))));
  out.push('\n');
  out.push(table(header('Category (host time)'), cats.map((cat) => seriesRow(cat, c.categories[cat].timeNs, fmtNs))));
  out.push('\n');

  const reasons = Object.entries(c.reasons).slice(0, options.topReasons ?? 15);
  out.push(table(header('Reason (exits)'), reasons.map(([name, s]) => seriesRow(`${name} [${s.category}]`, s, formatCount))));

  const sites = c.sites.slice(0, options.topSites ?? 10);
  if (sites.length > 0) {
    out.push('\n');
    out.push(table(header('Site (exits)'), sites.map((s) => seriesRow(siteName(s), s, formatCount))));
  }
  if (c.matrix) {
    const m = c.matrix;
    out.push('\nBuild × paging (exits but HLT)\n');
    out.push(table(['build', 'shadow', 'ept', 'EPT / shadow'], m.builds.map((b, i) => [
      b,
      formatCount(m.cells[i][0].overheadExits),
      formatCount(m.cells[i][1].overheadExits),
      formatRatio(m.eptEffect[i].exitsRatio),
    ])));
  }
  for (const w of c.whatIf ?? []) {
    const range = (r: { low: number; mid: number; high: number } | null) => (r === null ? '—' : `${fmtNs(r.low)} / ${fmtNs(r.mid)} / ${fmtNs(r.high)}`);
    const e = w.added.eptViolations;
    out.push(`\nEPT what-if for ${w.label} (estimate, low / mid / high)\n`);
    out.push(table(['estimate', 'value'], [
      ['exits removed (pagefault, cr3, invlpg)', formatCount(w.removed.exits)],
      ['host time removed', fmtNs(w.removed.hostNs)],
      ['page-walk time added', range(w.added.walkNs)],
      ['first-touch EPT violations added', `${formatCount(e.low)} – ${formatCount(e.high)} (${fmtNs(e.lowNs)} – ${fmtNs(e.highNs)})`],
      ['net host time saved', range(w.net.hostNs)],
    ]));
    out.push(`${w.verdict}\n`);
    out.push(w.assumptions.map((a) => `  - ${a}`).join('\n') + '\n');
  }
  if (c.notes.length > 0) out.push('\n' + c.notes.map((n) => `note: ${n}`).join('\n') + '\n');
  return out.join('');
}

function siteName(s: { file?: string; line?: number; symbol?: string; offset?: number; rip?: string }): string {
  if (s.file !== undefined && s.line !== undefined) return `${s.file}:${s.line}${s.symbol ? ` (${s.symbol})` : ''}`;
  if (s.symbol !== undefined) return `${s.symbol}+0x${(s.offset ?? 0).toString(16)}`;
  return s.rip ?? '?';
}
