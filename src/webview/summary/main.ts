/**
 * Summary webview entry (browser bundle). Speaks src/shared/protocol.ts: sends `ready` with a request id,
 * renders the `summary`/`error` reply to the newest id only, reports `rendered` once the chart is drawn.
 * State (chart metric and the last summary) survives the panel being hidden via getState/setState.
 */
import type { TraceSummary } from '../../core/model/summary';
import {
  PROTOCOL_VERSION,
  describeMessage,
  parseHostMessage,
  type HostToWebviewMessage,
  type WebviewToHostMessage,
} from '../../shared/protocol';
import { append, el } from '../common/dom';
import { CategoryChart, type ChartMetric } from './categoryChart';
import { formatBytes } from './format';
import { categoriesSection, headerSection, reasonsSection, sitesSection, warningsSection } from './summaryView';
import './summary.css';

interface VsCodeApi<S> {
  postMessage(message: WebviewToHostMessage): void;
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
  let status = document.getElementById('status');
  if (!status) {
    status = el('p');
    status.id = 'status';
    app.append(status);
  }
  status.className = className;
  status.textContent = text;
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
  const refresh = el('button', 'refresh', 'Refresh');
  refresh.type = 'button';
  refresh.addEventListener('click', () => {
    setStatus('Re-reading the trace…');
    request('refresh');
  });
  return append(bar, metricButton('exits', 'Exits'), metricButton('hostTime', 'Host time'), refresh);
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
  append(app, categoriesSection(summary), reasonsSection(summary), sitesSection(summary), warningsSection(fileLabel, summary));
  chart = new CategoryChart(canvas);
  const bars = chart.draw(summary, state.metric);
  setStatus(bars > 0 ? `Chart drawn: ${bars} ${bars === 1 ? 'category' : 'categories'}.` : `No ${state.metric === 'exits' ? 'exits' : 'host time'} to chart.`);
  if (requestId !== undefined) vscode.postMessage({ type: 'rendered', requestId, bars });
}

function handle(message: HostToWebviewMessage): void {
  if (message.requestId !== pending) return; // a reply to a request that a refresh superseded
  switch (message.type) {
    case 'progress': {
      const total = message.totalBytes ? ` of ${formatBytes(message.totalBytes)}` : '';
      setStatus(`Reading… ${formatBytes(message.bytesRead)}${total}`);
      return;
    }
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
      app.replaceChildren(el('h1', undefined, message.fileLabel));
      setStatus(message.message, 'status error');
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
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
