/**
 * Compare page entry (browser bundle `dist/webview/compare.js`), shared by the VS Code compare panel
 * and the standalone HTML report; `host.ts` hides the difference. Renders a ComparePayload — charts,
 * tables, the build × paging matrix and the EPT what-if — keeps the user's choices and the last
 * payload in the host's state (so a hidden or reloaded panel comes back as it was), and reports the
 * numbers it drew (`compareRendered`), which the integration tests compare with `summarize`.
 */
import type { Chart } from 'chart.js';
import { categoryBars } from '../../core/compare/chartData';
import { comparisonToMarkdown, compareTables, tableToCsv, tableToMarkdown, type CompareTable, type CompareTableId } from '../../core/compare/compareTables';
import { COMPARE_PAYLOAD_VERSION, type ComparePayload } from '../../core/compare/payload';
import { REPORT_DATA_ID } from '../../core/report/htmlReport';
import type { CompareHostMessage } from '../../shared/protocol';
import { append, el, setStatus as showStatus, themeColor } from '../common/dom';
import { formatBytes } from '../../core/format';
import { categoryChart, deltaChart, histogramChart, timelineChart } from './compareCharts';
import { button, chartFrame, compareTableElement, headerSection, select, toolbar, whatIfBlock } from './compareView';
import { detectHost, type PageState } from './host';
import './compare.css';

const host = detectHost(REPORT_DATA_ID);
const app = document.getElementById('app') as HTMLElement;
let state: PageState = host.loadState() ?? { metric: 'exits', deltaTrace: 1 };
const charts = new Map<string, Chart>();

function setStatus(text: string, className = 'status'): void {
  showStatus(app, text, className);
}

function save(next: Partial<PageState>): void {
  state = { ...state, ...next };
  host.saveState(state);
}

/** A canvas as a PNG on the theme's background (a transparent PNG is unreadable in a dark mail client). */
function chartPng(canvas: HTMLCanvasElement): string {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return canvas.toDataURL('image/png');
  ctx.fillStyle = themeColor('--vscode-editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png');
}

function pngButton(id: string): HTMLElement {
  return button('Save PNG', () => {
    const canvas = document.getElementById(`chart-${id}`) as HTMLCanvasElement | null;
    if (canvas) host.save('png', `exitlens-compare-${id}.png`, chartPng(canvas));
  }, { title: 'Save this chart as a PNG image', id: `png-${id}` });
}

function tableExports(table: CompareTable): HTMLElement {
  const name = `exitlens-compare-${table.id}`;
  return toolbar(
    button('CSV', () => host.save('csv', `${name}.csv`, tableToCsv(table)), { title: `Save "${table.title}" as CSV`, id: `csv-${table.id}` }),
    button('Markdown', () => host.save('md', `${name}.md`, tableToMarkdown(table)), { title: `Save "${table.title}" as Markdown`, id: `md-${table.id}` }),
    button('Copy Markdown', () => void host.copy('md', `${name}.md`, tableToMarkdown(table)).then((m) => setStatus(m)), {
      title: `Copy "${table.title}" as a Markdown table (paste it into a mail or an issue)`,
      id: `copy-${table.id}`,
    }),
  );
}

function replaceChart(id: string, make: () => Chart): void {
  charts.get(id)?.destroy();
  charts.set(id, make());
}

function section(id: string, title: string, ...children: Array<HTMLElement | undefined>): HTMLElement {
  const s = append(el('section'), el('h2', undefined, title), ...children);
  s.id = `section-${id}`;
  return s;
}

function render(p: ComparePayload, requestId: number | undefined): void {
  for (const c of charts.values()) c.destroy();
  charts.clear();
  app.replaceChildren();
  const c = p.comparison;
  const tables = compareTables(c);
  const byId = new Map<CompareTableId, CompareTable>(tables.map((t) => [t.id, t]));
  const onSite = host.canOpenSites ? (file: string, line: number) => host.openSite(file, line) : undefined;
  const deltaTrace = Math.min(Math.max(1, state.deltaTrace), c.traces.length - 1);
  const reason = state.histogramReason && p.histogramReasons.includes(state.histogramReason) ? state.histogramReason : p.histogramReasons[0];

  const metricButtons = (['exits', 'hostTime'] as const).map((m) =>
    button(m === 'exits' ? 'Exits' : 'Host time', () => {
      save({ metric: m });
      render(p, requestId);
    }, { primary: state.metric === m, pressed: state.metric === m, id: `metric-${m}` }),
  );
  const allMarkdown = () => comparisonToMarkdown(c, tables);
  const top = toolbar(
    ...metricButtons,
    el('span', 'spacer'),
    button('Copy all as Markdown', () => void host.copy('md', 'exitlens-compare.md', allMarkdown()).then((m) => setStatus(m)), { id: 'copy-all' }),
    button('Save Markdown', () => host.save('md', 'exitlens-compare.md', allMarkdown()), { id: 'save-all' }),
    host.canRefresh
      ? button('Refresh', () => {
          setStatus('Re-reading the traces…');
          host.refresh();
        }, { id: 'refresh' })
      : undefined,
  );
  append(app, headerSection(p), top);

  const metricName = state.metric === 'exits' ? 'Exits' : 'Host time';
  const cat = chartFrame('categories', `${metricName} per category, one bar per trace`);
  append(app, section('categories', `${metricName} per category`, cat.frame, toolbar(pngButton('categories'))));
  for (const id of ['categories', 'categoryTime'] as const) {
    const t = byId.get(id);
    if (t) append(app.lastElementChild as HTMLElement, el('h3', undefined, t.title), compareTableElement(t), tableExports(t));
  }

  const delta = chartFrame('delta', `Change per category against ${c.traces[0].label}`, Math.max(160, 34 * categoryBars(c, state.metric).labels.length + 60));
  const traceChoice =
    c.traces.length > 2
      ? select('Trace', c.traces.slice(1).map((t, i) => ({ value: String(i + 1), label: t.label })), String(deltaTrace), (v) => {
          save({ deltaTrace: Number(v) });
          replaceChart('delta', () => deltaChart(delta.canvas, p, Number(v), state.metric));
        }, 'delta-trace')
      : undefined;
  append(
    app,
    section(
      'delta',
      `Change against the baseline (${metricName.toLowerCase()}, B − A)`,
      el('p', 'muted', 'Red: more than the baseline, green: less; grey: within ±10 % of the baseline.'),
      toolbar(traceChoice),
      delta.frame,
      toolbar(pngButton('delta')),
    ),
  );

  const timeline = chartFrame('timeline', 'Exits per millisecond over time, one line per trace');
  append(
    app,
    section(
      'timeline',
      'Exits per ms over time',
      el('p', 'muted', 'Wheel to zoom, drag to pan, Shift+drag to zoom into a range.'),
      timeline.frame,
      toolbar(button('Reset zoom', () => (charts.get('timeline') as (Chart & { resetZoom?: () => void }) | undefined)?.resetZoom?.(), { id: 'reset-zoom' }), pngButton('timeline')),
    ),
  );

  const histogram = chartFrame('histogram', 'Host-time distribution of one exit reason, per trace, log scale');
  const reasonChoice =
    p.histogramReasons.length > 0
      ? select('Reason', p.histogramReasons.map((r) => ({ value: r, label: r })), reason ?? '', (v) => {
          save({ histogramReason: v });
          replaceChart('histogram', () => histogramChart(histogram.canvas, p, v).chart);
        }, 'histogram-reason')
      : undefined;
  append(
    app,
    section(
      'histogram',
      'Host-time distribution per reason',
      p.histogramReasons.length > 0 ? toolbar(reasonChoice) : el('p', 'muted', 'No per-exit host times in these traces (aggregated reports).'),
      p.histogramReasons.length > 0 ? histogram.frame : undefined,
      p.histogramReasons.length > 0 ? toolbar(pngButton('histogram')) : undefined,
    ),
  );

  const sites = byId.get('sites');
  if (sites) {
    append(
      app,
      section(
        'sites',
        sites.title,
        sites.rows.length === 0 ? el('p', 'muted', 'No per-site data (aggregated reports have no guest addresses).') : undefined,
        sites.rows.length > 0 ? compareTableElement(sites, onSite) : undefined,
        host.canOpenSites && sites.rows.some((r) => r.site) ? el('p', 'muted', 'Click a source line to open it beside this panel.') : undefined,
        tableExports(sites),
      ),
    );
  }
  const reasons = byId.get('reasons');
  if (reasons) append(app, section('reasons', reasons.title, compareTableElement(reasons), tableExports(reasons)));
  const matrix = byId.get('matrix');
  if (matrix) {
    append(
      app,
      section(
        'matrix',
        'Build × paging',
        el('p', 'muted', 'Rows: builds; EPT / shadow is what EPT buys each build; the last row is the second build over the first under each paging mode.'),
        compareTableElement(matrix),
        tableExports(matrix),
      ),
    );
  }
  if (c.whatIf && c.whatIf.length > 0) {
    const t = byId.get('whatIf');
    append(app, section('whatif', 'EPT what-if (estimate)', ...c.whatIf.map((w) => whatIfBlock(w, t)), t ? tableExports(t) : undefined));
  }
  const status = el('p', 'status', 'Drawing…');
  status.id = 'status';
  app.append(status);

  // Charts last: their canvases must be in the document to get a size.
  const drawn: string[] = [];
  const catChart = categoryChart(cat.canvas, p, state.metric);
  charts.set('categories', catChart.chart);
  drawn.push('categories');
  charts.set('delta', deltaChart(delta.canvas, p, deltaTrace, state.metric));
  drawn.push('delta');
  const tl = timelineChart(timeline.canvas, p);
  charts.set('timeline', tl.chart);
  if (tl.points > 0) drawn.push('timeline');
  if (reason) {
    charts.set('histogram', histogramChart(histogram.canvas, p, reason).chart);
    drawn.push('histogram');
  }
  setStatus(`Charts drawn: ${drawn.join(', ')}.`);
  const exits = categoryBars(c, 'exits');
  const time = categoryBars(c, 'hostTime');
  const byCategory = (g: typeof exits) => Object.fromEntries(g.labels.map((label, j) => [label, g.values.map((row) => row[j])]));
  if (requestId !== undefined) host.rendered({ charts: drawn, categoryExits: byCategory(exits), categoryTimeNs: byCategory(time), siteRows: sites?.rows.length ?? 0 });
}

function showError(message: string): void {
  for (const c of charts.values()) c.destroy();
  charts.clear();
  app.replaceChildren(el('h1', undefined, 'Compare builds'));
  setStatus(message, 'status error');
}

function handle(message: CompareHostMessage): void {
  switch (message.type) {
    case 'compareProgress': {
      const parts = message.traces.map((t) => `${t.label}: ${t.done ? 'done' : `${formatBytes(t.bytesRead)}${t.totalBytes ? ` of ${formatBytes(t.totalBytes)}` : ''}`}`);
      setStatus(`Reading… ${parts.join(' · ')}`);
      return;
    }
    case 'comparePayload':
      if (message.payload.version !== COMPARE_PAYLOAD_VERSION) {
        showError(`This page reads comparison version ${COMPARE_PAYLOAD_VERSION}, the data is version ${message.payload.version}; close and reopen the panel.`);
        return;
      }
      save({ payload: message.payload, ...(message.session ? { session: message.session } : {}) });
      render(message.payload, message.requestId);
      return;
    case 'compareError':
      showError(message.message);
      return;
  }
}

function safely(f: () => void): void {
  try {
    f();
  } catch (e) {
    setStatus(`Could not show the comparison: ${e instanceof Error ? e.message : String(e)}`, 'status error');
    host.log('error', `render failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

// VS Code switches themes by changing the body's class and the --vscode-* variables under a live page;
// canvases keep the colours they were drawn with, so redraw (the data is in the state).
let themeClass = document.body.className;
new MutationObserver(() => {
  if (document.body.className === themeClass) return;
  themeClass = document.body.className;
  if (state.payload) safely(() => render(state.payload as ComparePayload, undefined));
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// A hidden (or reloaded) panel's page is rebuilt: show the last comparison at once, then ask the host.
if (state.payload) {
  safely(() => {
    render(state.payload as ComparePayload, undefined);
    if (host.canRefresh) setStatus('Restored the last comparison; Refresh re-reads the traces.');
  });
}
host.start((m) => safely(() => handle(m)));
