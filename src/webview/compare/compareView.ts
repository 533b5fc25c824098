/**
 * DOM building blocks of the compare page. Every string from a trace (labels, file names, reason
 * and symbol names) goes in through textContent (common/dom.ts); there is no HTML path. Controls
 * are @vscode-elements web components, so buttons and selects look native in VS Code and in the
 * standalone report (which defines the same --vscode-* variables).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { CompareTable } from '../../core/compare/compareTables';
import type { TraceWhatIf } from '../../core/compare/compareModel';
import { definitionText, formatCount, formatNs } from '../../core/compare/format';
import type { ComparePayload } from '../../core/compare/payload';
import { append, el } from '../common/dom';

/** A native-looking button; `primary` buttons use the theme's button colours, others the secondary ones. */
export function button(label: string, onClick: () => void, options: { primary?: boolean; title?: string; id?: string; pressed?: boolean } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (!options.primary) b.secondary = true;
  if (options.title) b.title = options.title;
  if (options.id) b.id = options.id;
  if (options.pressed !== undefined) b.setAttribute('aria-pressed', String(options.pressed));
  b.addEventListener('click', onClick);
  return b;
}

/** A native-looking single select; `onChange` gets the chosen value. */
export function select(label: string, options: ReadonlyArray<{ value: string; label: string }>, value: string, onChange: (value: string) => void, id?: string): HTMLElement {
  const wrap = el('label', 'select');
  const s = document.createElement('vscode-single-select');
  if (id) s.id = id;
  s.setAttribute('aria-label', label);
  for (const o of options) {
    const opt = document.createElement('vscode-option');
    opt.value = o.value;
    opt.textContent = o.label;
    if (o.value === value) opt.selected = true;
    s.append(opt);
  }
  s.addEventListener('change', () => onChange(s.value));
  return append(wrap, el('span', 'select-label', label), s);
}

/** A row of buttons. */
export function toolbar(...items: Array<HTMLElement | undefined>): HTMLElement {
  return append(el('div', 'toolbar'), ...items);
}

/** The page heading, the traces and the definition of Δ and ratio. */
export function headerSection(p: ComparePayload): HTMLElement {
  const c = p.comparison;
  const section = el('section', 'header');
  section.id = 'header';
  append(section, el('h1', undefined, `Compare: ${p.title}`));
  const rows = c.traces.map((t, i) => [
    i === 0 ? 'A (baseline)' : c.traces.length > 2 ? `B${i}` : 'B',
    t.label,
    t.paging ?? '—',
    `${t.format}${t.simulated ? ' (simulated)' : ''}`,
    formatCount(t.exits),
    formatNs(t.durationNs),
    t.file ?? '—',
  ]);
  const table = simpleTable(['', 'Label', 'Paging', 'Format', 'Exits', 'Duration', 'File'], rows, [4, 5]);
  table.id = 'traces';
  // The swatch ties each trace to its colour in the charts.
  table.querySelectorAll('tbody tr').forEach((tr, i) => tr.firstElementChild?.prepend(append(el('span', `swatch trace-${i}`), document.createTextNode(''))));
  const def = el('p', 'definition', definitionText(c.traces[0].label));
  def.id = 'definition';
  append(section, table, def);
  if (p.generatedAt) append(section, el('p', 'muted', `Report generated ${p.generatedAt} by ExitLens.`));
  if (c.notes.length > 0) {
    const notes = el('ul', 'notes');
    notes.id = 'notes';
    for (const n of c.notes) append(notes, el('li', undefined, n));
    append(section, notes);
  }
  return section;
}

/** A table with a header row and text cells; `numeric` columns right-aligned. */
export function simpleTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: readonly number[] = []): HTMLTableElement {
  const t = el('table', 'data');
  append(t, append(el('thead'), append(el('tr'), ...headers.map((h, i) => el('th', numeric.includes(i) ? 'num' : undefined, h)))));
  const body = el('tbody');
  for (const row of rows) append(body, append(el('tr'), ...row.map((cell, i) => el('td', numeric.includes(i) ? 'num' : undefined, cell))));
  return append(t, body);
}

/**
 * A comparison table. Δ cells get a class by sign; rows of sites with a source line get a link
 * when `onSite` is given (the VS Code host), plain text otherwise (the report).
 */
export function compareTableElement(table: CompareTable, onSite?: (file: string, line: number) => void): HTMLTableElement {
  const t = el('table', 'data');
  t.id = `table-${table.id}`;
  append(t, append(el('thead'), append(el('tr'), ...table.columns.map((col) => el('th', col.numeric ? 'num' : undefined, col.name)))));
  const body = el('tbody');
  for (const row of table.rows) {
    const tr = el('tr');
    row.cells.forEach((cell, i) => {
      const col = table.columns[i];
      const td = el('td', col.numeric ? 'num' : undefined);
      if (col.name.startsWith('Δ') && typeof cell.value === 'number' && cell.value !== 0) td.classList.add(cell.value > 0 ? 'delta-up' : 'delta-down');
      if (i === 0 && row.site && onSite) {
        const site = row.site;
        const a = el('a', 'site-link', cell.text);
        a.href = '#';
        a.title = `Open ${site.file}:${site.line} beside this panel`;
        a.addEventListener('click', (e) => {
          e.preventDefault();
          onSite(site.file, site.line);
        });
        td.append(a);
        tr.dataset.file = site.file;
        tr.dataset.line = String(site.line);
      } else {
        td.textContent = cell.text;
      }
      tr.append(td);
    });
    body.append(tr);
  }
  return append(t, body);
}

/** One what-if: verdict, the estimate table rows of this trace, and every assumption. */
export function whatIfBlock(w: TraceWhatIf, table: CompareTable | undefined): HTMLElement {
  const block = el('div', 'whatif');
  block.dataset.trace = String(w.trace);
  append(block, el('h3', undefined, `${w.label}: what EPT would change (estimate)`), el('p', 'verdict', w.verdict));
  if (table) {
    const own = { ...table, rows: table.rows.filter((r) => r.cells[0].text === w.label).map((r) => ({ ...r, cells: r.cells.slice(1) })), columns: table.columns.slice(1) };
    append(block, compareTableElement(own));
  }
  const list = el('ul', 'assumptions');
  for (const a of w.assumptions) append(list, el('li', undefined, a));
  return append(block, el('h4', undefined, 'Assumptions'), list);
}

/** A chart frame: canvas with an accessible label inside a fixed-height box. */
export function chartFrame(id: string, label: string, height = 300): { frame: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas');
  canvas.id = `chart-${id}`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const frame = append(el('div', 'chart-frame'), canvas);
  frame.style.height = `${height}px`;
  return { frame, canvas };
}
