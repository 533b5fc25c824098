/**
 * Summary webview entry (browser bundle), for the summary panel and the ExitLens Summary custom editor.
 * Speaks src/shared/protocol.ts: sends `ready` with a request id, renders the `summary`/`error` reply to
 * the newest id only, reports `rendered` once the chart is drawn. Warning line links and the Compare
 * with… / Annotate sources / Export… buttons are requests the host carries out (SummaryPageRequest).
 * State (chart metric and the last summary) survives the panel being hidden via getState/setState.
 */
import type { TraceSummary } from '../../core/model/summary';
import {
  PROTOCOL_VERSION,
  describeMessage,
  parseHostMessage,
  parseProgressDetail,
  type HostToWebviewMessage,
  type ProgressDetailMessage,
  type SummaryPageRequest,
  type WebviewToHostMessage,
} from '../../shared/protocol';
import { append, el, setStatus as showStatus } from '../common/dom';
import { CategoryChart, type ChartMetric } from './categoryChart';
import { formatBytes, formatCount } from '../../core/format';
import { categoriesSection, headerSection, idleSection, reasonsSection, sitesSection, warningsSection } from './summaryView';
import './summary.css';

interface VsCodeApi<S> {
  postMessage(message: WebviewToHostMessage | SummaryPageRequest): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** What the page keeps across hide/show. */
interface PageState {
  readonly metric: ChartMetric;
  readonly last?: { readonly fileLabel: string; readonly summary: TraceSummary };
}

const vscode = acquireVsCodeApi<PageState>();
const app = document.getElementById('app') as HTMLElement;
let state: PageState = vscode.getState() ?? { metric: 'exits' };
let nextRequestId = 1;
let pending = 0;
let chart: CategoryChart | undefined;

function request(type: 'ready' | 'refresh'): void {
  pending = nextRequestId++;
  vscode.postMessage(type === 'ready' ? { type, protocol: PROTOCOL_VERSION, requestId: pending } : { type, requestId: pending });
}

function setStatus(text: string, className = 'status'): void {
  showStatus(app, text, className);
}

/** A button that sends a request to the host. */
function actionButton(label: string, title: string, request: SummaryPageRequest): HTMLButtonElement {
  const b = el('button', 'action', label);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', () => vscode.postMessage(request));
  return b;
}

function refreshButton(): HTMLButtonElement {
  const refresh = el('button', 'refresh', 'Refresh');
  refresh.type = 'button';
  refresh.addEventListener('click', () => {
    setStatus('Re-reading the trace…');
    request('refresh');
  });
  return refresh;
}

function controls(): HTMLElement {
  const bar = el('div', 'controls');
  const metricButton = (metric: ChartMetric, label: string) => {
    const b = el('button', metric === state.metric ? 'active' : undefined, label);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(metric === state.metric));
    b.addEventListener('click', () => {
      state = { ...state, metric };
      vscode.setState(state);
      if (state.last) render(state.last.fileLabel, state.last.summary, pending);
    });
    return b;
  };
  return append(
    bar,
    metricButton('exits', 'Exits'),
    metricButton('hostTime', 'Host time'),
    refreshButton(),
    actionButton('Compare with…', 'Compare this trace with other traces (ExitLens: Compare Builds)', { type: 'compareWith' }),
    actionButton('Annotate sources', 'Show these exits on the guest source lines (ExitLens: Annotate Sources from Trace)', { type: 'annotate' }),
    actionButton('Export…', 'Save this summary as Markdown or JSON', { type: 'export' }),
  );
}

function render(fileLabel: string, summary: TraceSummary, requestId: number | undefined): void {
  chart?.destroy();
  app.replaceChildren();
  const canvas = el('canvas');
  canvas.id = 'chart';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${state.metric === 'exits' ? 'Exits' : 'Host time'} per category`);
  const status = el('p', 'status', 'Drawing…');
  status.id = 'status';
  append(app, headerSection(fileLabel, summary), controls(), append(el('div', 'chart-frame'), canvas), status);
  const openLine = (line: number) => vscode.postMessage({ type: 'openLine', line });
  append(app, categoriesSection(summary), reasonsSection(summary), idleSection(summary), sitesSection(summary), warningsSection(fileLabel, summary, openLine));
  chart = new CategoryChart(canvas);
  const bars = chart.draw(summary, state.metric);
  setStatus(bars > 0 ? `Chart drawn: ${bars} ${bars === 1 ? 'category' : 'categories'}.` : `No ${state.metric === 'exits' ? 'exits' : 'host time'} to chart.`);
  if (requestId !== undefined) vscode.postMessage({ type: 'rendered', requestId, bars });
}

/** `Reading… 42 % · 1.2 GiB of 3.0 GiB · 1,234,567 exits/s` */
function progressLine(m: ProgressDetailMessage): string {
  const parts = [];
  if (m.totalBytes) parts.push(`${Math.min(100, Math.floor((100 * m.bytesRead) / m.totalBytes))} %`);
  parts.push(`${formatBytes(m.bytesRead)}${m.totalBytes ? ` of ${formatBytes(m.totalBytes)}` : ''}`);
  parts.push(`${formatCount(m.exits)} exits`);
  if (m.elapsedMs > 0) parts.push(`${formatCount((m.exits * 1000) / m.elapsedMs)} exits/s`);
  return `Reading… ${parts.join(' · ')}`;
}

function handle(message: HostToWebviewMessage | ProgressDetailMessage): void {
  if (message.requestId !== pending) return; // a reply to a request that a refresh superseded
  switch (message.type) {
    case 'progress': {
      const total = message.totalBytes ? ` of ${formatBytes(message.totalBytes)}` : '';
      setStatus(`Reading… ${formatBytes(message.bytesRead)}${total}`);
      return;
    }
    case 'progressDetail':
      setStatus(progressLine(message), 'status progress');
      return;
    case 'summary':
      if (message.protocol !== PROTOCOL_VERSION) {
        setStatus(`This panel (protocol ${PROTOCOL_VERSION}) and the extension (protocol ${message.protocol}) disagree; close and reopen the panel.`, 'status error');
        return;
      }
      state = { ...state, last: { fileLabel: message.fileLabel, summary: message.summary } };
      vscode.setState(state);
      render(message.fileLabel, message.summary, message.requestId);
      return;
    case 'error':
      chart?.destroy();
      app.replaceChildren(el('h1', undefined, message.fileLabel), append(el('div', 'controls'), refreshButton()));
      setStatus(message.message, 'status error');
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data) ?? parseProgressDetail(event.data);
  if (!message) {
    vscode.postMessage({ type: 'log', level: 'warn', message: `unknown message ignored: ${describeMessage(event.data)}` });
    return;
  }
  try {
    handle(message);
  } catch (e) {
    setStatus(`Could not show the summary: ${e instanceof Error ? e.message : String(e)}`, 'status error');
    vscode.postMessage({ type: 'log', level: 'error', message: `render failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
  }
});

// Show what we had while the host re-reads (a hidden panel's page is rebuilt when it is shown again).
if (state.last) {
  try {
    render(state.last.fileLabel, state.last.summary, undefined);
    setStatus('Refreshing…');
  } catch {
    state = { metric: state.metric };
  }
}
request('ready');
