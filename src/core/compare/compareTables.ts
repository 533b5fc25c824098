/**
 * The comparison's tables as plain data — one model behind what the panel and the HTML report show
 * and what the CSV and Markdown exports write, so an exported table is exactly the table on screen.
 * Each cell keeps its formatted text and its raw value: CSV gets raw numbers (for spreadsheets),
 * Markdown and the page get the text. Pure: no DOM, no vscode; the webview bundle imports it.
 */
import { CATEGORIES } from '../model/exit';
import type { Comparison, ComparedSeries, ComparedSite } from './compareModel';
import { definitionText, formatCount, formatDelta, formatNs, formatRatio } from './format';

/** One cell: what is shown, and the number (or string) behind it; null for "no value" (a ratio over 0). */
export interface TableCell {
  readonly text: string;
  readonly value: number | string | null;
}

/** A column; numeric columns are right-aligned everywhere. */
export interface TableColumn {
  readonly name: string;
  readonly numeric: boolean;
}

/** A row; sites resolved to a source line carry it, so the panel can open the line. */
export interface TableRow {
  readonly cells: readonly TableCell[];
  readonly site?: { readonly file: string; readonly line: number };
}

/** The tables a comparison has, by id. */
export type CompareTableId = 'totals' | 'categories' | 'categoryTime' | 'reasons' | 'sites' | 'matrix' | 'whatIf';

export interface CompareTable {
  readonly id: CompareTableId;
  readonly title: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly TableRow[];
}

export interface CompareTablesOptions {
  /** Reason rows (default 20). */
  readonly topReasons?: number;
  /** Site rows (default 25). */
  readonly topSites?: number;
}

const text = (t: string): TableCell => ({ text: t, value: t });
const num = (v: number, unit: (n: number) => string): TableCell => ({ text: unit(v), value: v });

/** `file:line (symbol)`, `symbol+0x1f`, or the raw RIP: how a compared site is named. */
export function siteName(s: Pick<ComparedSite, 'file' | 'line' | 'symbol' | 'offset' | 'rip'>): string {
  if (s.file !== undefined && s.line !== undefined) return `${s.file}:${s.line}${s.symbol ? ` (${s.symbol})` : ''}`;
  if (s.symbol !== undefined) return `${s.symbol}+0x${(s.offset ?? 0).toString(16)}`;
  return s.rip ?? '?';
}

/** Value columns then Δ / ratio columns of every non-baseline trace against trace 0. */
function seriesColumns(c: Comparison): TableColumn[] {
  const labels = c.traces.map((t) => t.label);
  const cols: TableColumn[] = labels.map((l) => ({ name: l, numeric: true }));
  for (let i = 1; i < labels.length; i++) {
    const who = labels.length === 2 ? '(B − A)' : labels[i];
    cols.push({ name: `Δ ${who}`, numeric: true }, { name: labels.length === 2 ? 'ratio (B / A)' : `ratio ${labels[i]}`, numeric: true });
  }
  return cols;
}

function seriesCells(s: ComparedSeries, unit: (n: number) => string): TableCell[] {
  const cells = s.values.map((v) => num(v, unit));
  for (let i = 1; i < s.values.length; i++) {
    cells.push({ text: formatDelta(s.delta[i], unit), value: s.delta[i] }, { text: formatRatio(s.ratio[i]), value: s.ratio[i] });
  }
  return cells;
}

/** Every table of the comparison, in page order (matrix and what-if only when present). */
export function compareTables(c: Comparison, options: CompareTablesOptions = {}): CompareTable[] {
  const series = seriesColumns(c);
  const tables: CompareTable[] = [];
  tables.push({
    id: 'totals',
    title: 'Totals',
    columns: [{ name: 'Total', numeric: false }, ...series],
    rows: [
      { cells: [text('exits'), ...seriesCells(c.totals.exits, formatCount)] },
      { cells: [text('exits but HLT'), ...seriesCells(c.totals.overheadExits, formatCount)] },
      { cells: [text('host time'), ...seriesCells(c.totals.hostTimeNs, formatNs)] },
      { cells: [text('host time but HLT'), ...seriesCells(c.totals.overheadTimeNs, formatNs)] },
    ],
  });
  const cats = CATEGORIES.filter((cat) => c.categories[cat].values.some((v) => v !== 0) || c.categories[cat].timeNs.values.some((v) => v !== 0));
  tables.push({
    id: 'categories',
    title: 'Exits per category',
    columns: [{ name: 'Category', numeric: false }, ...series],
    rows: cats.map((cat) => ({ cells: [text(cat), ...seriesCells(c.categories[cat], formatCount)] })),
  });
  tables.push({
    id: 'categoryTime',
    title: 'Host time per category',
    columns: [{ name: 'Category', numeric: false }, ...series],
    rows: cats.map((cat) => ({ cells: [text(cat), ...seriesCells(c.categories[cat].timeNs, formatNs)] })),
  });
  tables.push({
    id: 'reasons',
    title: 'Exits per reason',
    columns: [{ name: 'Reason', numeric: false }, { name: 'Category', numeric: false }, ...series],
    rows: Object.entries(c.reasons)
      .slice(0, options.topReasons ?? 20)
      .map(([name, r]) => ({ cells: [text(name), text(r.category), ...seriesCells(r, formatCount)] })),
  });
  tables.push({
    id: 'sites',
    title: 'Top sites (exits)',
    columns: [{ name: 'Site', numeric: false }, { name: 'Categories', numeric: false }, ...series],
    rows: c.sites.slice(0, options.topSites ?? 25).map((s) => ({
      cells: [text(siteName(s)), text(s.categories.join(', ')), ...seriesCells(s, formatCount)],
      ...(s.file !== undefined && s.line !== undefined ? { site: { file: s.file, line: s.line } } : {}),
    })),
  });
  if (c.matrix) {
    const m = c.matrix;
    tables.push({
      id: 'matrix',
      title: 'Build × paging (exits but HLT, host time but HLT)',
      columns: [
        { name: 'Build', numeric: false },
        { name: 'shadow exits', numeric: true },
        { name: 'ept exits', numeric: true },
        { name: 'EPT / shadow exits', numeric: true },
        { name: 'shadow time', numeric: true },
        { name: 'ept time', numeric: true },
        { name: 'EPT / shadow time', numeric: true },
      ],
      rows: [
        ...m.builds.map((b, i) => ({
          cells: [
            text(b),
            num(m.cells[i][0].overheadExits, formatCount),
            num(m.cells[i][1].overheadExits, formatCount),
            { text: formatRatio(m.eptEffect[i].exitsRatio), value: m.eptEffect[i].exitsRatio },
            num(m.cells[i][0].overheadTimeNs, formatNs),
            num(m.cells[i][1].overheadTimeNs, formatNs),
            { text: formatRatio(m.eptEffect[i].timeRatio), value: m.eptEffect[i].timeRatio },
          ],
        })),
        {
          cells: [
            text(`${m.builds[1]} / ${m.builds[0]}`),
            { text: formatRatio(m.buildEffect[0].exitsRatio), value: m.buildEffect[0].exitsRatio },
            { text: formatRatio(m.buildEffect[1].exitsRatio), value: m.buildEffect[1].exitsRatio },
            text(''),
            { text: formatRatio(m.buildEffect[0].timeRatio), value: m.buildEffect[0].timeRatio },
            { text: formatRatio(m.buildEffect[1].timeRatio), value: m.buildEffect[1].timeRatio },
            text(''),
          ],
        },
      ],
    });
  }
  if (c.whatIf && c.whatIf.length > 0) {
    const range = (r: { low: number; mid: number; high: number } | null, unit: (n: number) => string) =>
      r === null ? ['—', '—', '—'] : [unit(r.low), unit(r.mid), unit(r.high)];
    tables.push({
      id: 'whatIf',
      title: 'EPT what-if (estimate)',
      columns: [
        { name: 'Trace', numeric: false },
        { name: 'Estimate', numeric: false },
        { name: 'low', numeric: true },
        { name: 'mid', numeric: true },
        { name: 'high', numeric: true },
      ],
      rows: c.whatIf.flatMap((w) => {
        const v = (low: number | null, mid: number | null, high: number | null, shown: string[]) => [
          { text: shown[0], value: low },
          { text: shown[1], value: mid },
          { text: shown[2], value: high },
        ];
        const walk = w.added.walkNs;
        const net = w.net.hostNs;
        const e = w.added.eptViolations;
        return [
          { cells: [text(w.label), text('exits removed'), ...v(w.removed.exits, w.removed.exits, w.removed.exits, Array(3).fill(formatCount(w.removed.exits)))] },
          { cells: [text(w.label), text('host time removed'), ...v(w.removed.hostNs, w.removed.hostNs, w.removed.hostNs, Array(3).fill(formatNs(w.removed.hostNs)))] },
          { cells: [text(w.label), text('page-walk time added'), ...v(walk?.low ?? null, walk?.mid ?? null, walk?.high ?? null, range(walk, formatNs))] },
          { cells: [text(w.label), text('first-touch EPT violations added'), ...v(e.low, (e.low + e.high) / 2, e.high, [formatCount(e.low), formatCount((e.low + e.high) / 2), formatCount(e.high)])] },
          { cells: [text(w.label), text('net host time saved'), ...v(net?.low ?? null, net?.mid ?? null, net?.high ?? null, range(net, formatNs))] },
        ];
      }),
    });
  }
  return tables;
}

// Spreadsheets run cells that start with these as formulas (CSV injection); trace strings are untrusted.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(cell: TableCell): string {
  if (cell.value === null) return '';
  if (typeof cell.value === 'number') return String(cell.value);
  const s = FORMULA_START.test(cell.value) ? `'${cell.value}` : cell.value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (CRLF line ends): a header row, then raw values — numbers unformatted, ns as ns. */
export function tableToCsv(table: CompareTable): string {
  const header = table.columns.map((col) => csvField({ text: col.name, value: col.name }));
  const lines = [header.join(','), ...table.rows.map((r) => r.cells.map(csvField).join(','))];
  return lines.join('\r\n') + '\r\n';
}

/**
 * Escapes text for a Markdown table cell: pipes, emphasis and link characters are backslashed and
 * angle brackets become entities, so a symbol such as `<img src=x onerror=…>` or `__do_fault` pastes
 * into a mail or an issue as the literal text.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_[\]|#]/g, (ch) => `\\${ch}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

/** A GitHub-flavoured Markdown table (numeric columns right-aligned) under a `####` title. */
export function tableToMarkdown(table: CompareTable): string {
  const head = `| ${table.columns.map((col) => escapeMarkdown(col.name)).join(' | ')} |`;
  const rule = `|${table.columns.map((col) => (col.numeric ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = table.rows.map((r) => `| ${r.cells.map((cell) => escapeMarkdown(cell.text)).join(' | ')} |`);
  return [`#### ${escapeMarkdown(table.title)}`, '', head, rule, ...rows, ''].join('\n');
}

/** The whole comparison as Markdown for a mail or an issue: traces, the Δ/ratio definition, tables, notes. */
export function comparisonToMarkdown(c: Comparison, tables: readonly CompareTable[] = compareTables(c)): string {
  const out: string[] = [`### ExitLens comparison: ${c.traces.map((t) => escapeMarkdown(t.label)).join(' vs ')}`, ''];
  c.traces.forEach((t, i) => {
    const facts = [t.format, t.isa, t.paging ? `${t.paging} paging` : undefined, `${formatCount(t.exits)} exits`, t.simulated ? 'simulated' : undefined].filter(Boolean).join(' · ');
    out.push(`- ${i === 0 ? '**A (baseline)**' : `B${c.traces.length > 2 ? i : ''}`}: ${escapeMarkdown(t.label)} — ${escapeMarkdown(t.file ?? '(no file)')} · ${facts}`);
  });
  out.push('', escapeMarkdown(definitionText(c.traces[0].label)), '');
  for (const t of tables) out.push(tableToMarkdown(t));
  if (c.whatIf) {
    for (const w of c.whatIf) {
      out.push(`#### EPT what-if for ${escapeMarkdown(w.label)} (estimate)`, '', escapeMarkdown(w.verdict), '');
      for (const a of w.assumptions) out.push(`- ${escapeMarkdown(a)}`);
      out.push('');
    }
  }
  if (c.notes.length > 0) {
    out.push('Notes:', '');
    for (const n of c.notes) out.push(`- ${escapeMarkdown(n)}`);
    out.push('');
  }
  return out.join('\n');
}
