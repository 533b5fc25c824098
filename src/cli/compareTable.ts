/**
 * The readable form of a Comparison, for terminals and CI logs: one column per trace, then the last
 * trace against the baseline (Δ = B − A, ratio = B / A), categories first because shadow-paging and
 * EPT runs only line up by category.
 */
import { CATEGORIES } from '../core/model/exit';
import type { Comparison, ComparedSeries } from '../core/compare/index';

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

function fmtNs(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

function fmtDelta(d: number, unit: (n: number) => string): string {
  return d > 0 ? `+${unit(d)}` : d < 0 ? `−${unit(-d)}` : '0';
}

/** `0.25×`, `—` when the baseline is zero. */
export function fmtRatio(r: number | null): string {
  if (r === null) return '—';
  return r >= 100 ? `${Math.round(r)}×` : `${r.toFixed(2)}×`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function seriesRow(name: string, s: ComparedSeries, unit: (n: number) => string): string[] {
  const last = s.values.length - 1;
  return [name, ...s.values.map(unit), fmtDelta(s.delta[last], unit), fmtRatio(s.ratio[last])];
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
    out.push(`  [${i}] ${t.label}: ${t.file ?? '(no file)'} · ${t.format} · ${t.isa}${paging} · ${fmtInt(t.exits)} exits${t.simulated ? ' · simulated' : ''}\n`);
  });
  out.push('\n');

  const header = (first: string) => [first, ...labels, versus, 'ratio'];
  out.push(table(header('Totals'), [
    seriesRow('exits', c.totals.exits, fmtInt),
    seriesRow('exits but HLT', c.totals.overheadExits, fmtInt),
    seriesRow('host time', c.totals.hostTimeNs, fmtNs),
    seriesRow('host time but HLT', c.totals.overheadTimeNs, fmtNs),
  ]));
  out.push('\n');

  const cats = CATEGORIES.filter((cat) => c.categories[cat].values.some((v) => v !== 0));
  out.push(table(header('Category (exits)'), cats.map((cat) => seriesRow(cat, c.categories[cat], fmtInt))));
  out.push('\n');
  out.push(table(header('Category (host time)'), cats.map((cat) => seriesRow(cat, c.categories[cat].timeNs, fmtNs))));
  out.push('\n');

  const reasons = Object.entries(c.reasons).slice(0, options.topReasons ?? 15);
  out.push(table(header('Reason (exits)'), reasons.map(([name, s]) => seriesRow(`${name} [${s.category}]`, s, fmtInt))));

  const sites = c.sites.slice(0, options.topSites ?? 10);
  if (sites.length > 0) {
    out.push('\n');
    out.push(table(header('Site (exits)'), sites.map((s) => seriesRow(siteName(s), s, fmtInt))));
  }
  if (c.matrix) {
    const m = c.matrix;
    out.push('\nBuild × paging (exits but HLT)\n');
    out.push(table(['build', 'shadow', 'ept', 'EPT / shadow'], m.builds.map((b, i) => [
      b,
      fmtInt(m.cells[i][0].overheadExits),
      fmtInt(m.cells[i][1].overheadExits),
      fmtRatio(m.eptEffect[i].exitsRatio),
    ])));
  }
  if (c.notes.length > 0) out.push('\n' + c.notes.map((n) => `note: ${n}`).join('\n') + '\n');
  return out.join('');
}

function siteName(s: { file?: string; line?: number; symbol?: string; offset?: number; rip?: string }): string {
  if (s.file !== undefined && s.line !== undefined) return `${s.file}:${s.line}${s.symbol ? ` (${s.symbol})` : ''}`;
  if (s.symbol !== undefined) return `${s.symbol}+0x${(s.offset ?? 0).toString(16)}`;
  return s.rip ?? '?';
}
