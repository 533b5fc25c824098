/**
 * The compare page runs in two hosts: a VS Code webview (messages to the extension, getState/
 * setState, the host saves files and opens editors) and the standalone HTML report written by
 * `exitlens report` (the payload is in the page, files download through the browser, nothing can
 * open an editor). The page talks only to this small adapter, so the same rendering code runs in both.
 */
import type { ComparePayload } from '../../core/compare/payload';
import { looksLikeComparePayload } from '../../core/compare/payload';
import {
  COMPARE_PROTOCOL_VERSION,
  describeMessage,
  parseCompareHostMessage,
  type CompareHostMessage,
  type CompareRenderedMessage,
  type CompareSessionState,
  type CompareWebviewMessage,
} from '../../shared/protocol';

/** What the page keeps across hide/show and reloads. */
export interface PageState {
  readonly metric: 'exits' | 'hostTime';
  /** Trace drawn in the delta chart against the baseline (1 … n−1). */
  readonly deltaTrace: number;
  readonly histogramReason?: string;
  readonly payload?: ComparePayload;
  /** The traces behind the payload (VS Code only), so a panel restored after a reload can refresh. */
  readonly session?: CompareSessionState;
}

/** What the page reports once it has drawn a payload. */
export type RenderedReport = Omit<CompareRenderedMessage, 'type' | 'requestId'>;

/** How the page reaches its host. */
export interface CompareHost {
  readonly kind: 'vscode' | 'standalone';
  /** Whether clicking a site can open its source line. */
  readonly canOpenSites: boolean;
  /** Whether the host can re-read the traces. */
  readonly canRefresh: boolean;
  loadState(): PageState | undefined;
  saveState(state: PageState): void;
  /** Starts listening; `onMessage` gets validated host messages for the current request only. */
  start(onMessage: (message: CompareHostMessage) => void): void;
  refresh(): void;
  rendered(report: RenderedReport): void;
  openSite(file: string, line: number): void;
  /** Saves an export (`data` is text, or a data: URL for PNG). */
  save(format: 'png' | 'csv' | 'md', name: string, data: string): void;
  /** Copies text to the clipboard; resolves to a message for the status line. */
  copy(format: 'csv' | 'md', name: string, text: string): Promise<string>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

interface VsCodeApi {
  postMessage(message: CompareWebviewMessage): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The VS Code webview host. */
function vscodeHost(api: VsCodeApi): CompareHost {
  let nextRequestId = 1;
  let pending = 0;
  let listener: ((m: CompareHostMessage) => void) | undefined;
  const request = (type: 'compareReady' | 'compareRefresh') => {
    pending = nextRequestId++;
    api.postMessage(type === 'compareReady' ? { type, protocol: COMPARE_PROTOCOL_VERSION, requestId: pending } : { type, requestId: pending });
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseCompareHostMessage(event.data);
    if (!message) {
      api.postMessage({ type: 'compareLog', level: 'warn', message: `unknown message ignored: ${describeMessage(event.data)}` });
      return;
    }
    if (message.requestId !== pending) return; // superseded by a refresh
    listener?.(message);
  });
  return {
    kind: 'vscode',
    canOpenSites: true,
    canRefresh: true,
    loadState: () => api.getState(),
    saveState: (s) => api.setState(s),
    start(onMessage) {
      listener = onMessage;
      request('compareReady');
    },
    refresh: () => request('compareRefresh'),
    rendered: (report) => api.postMessage({ type: 'compareRendered', requestId: pending, ...report }),
    openSite: (file, line) => api.postMessage({ type: 'compareOpenSite', file, line }),
    save: (format, name, data) => api.postMessage({ type: 'compareExport', format, action: 'save', name, data }),
    async copy(format, name, text) {
      api.postMessage({ type: 'compareExport', format, action: 'copy', name, data: text });
      return `${format === 'md' ? 'Markdown' : 'CSV'} copied to the clipboard.`;
    },
    log: (level, message) => api.postMessage({ type: 'compareLog', level, message }),
  };
}

/** The standalone report host: the payload is a JSON block in the page. */
function standaloneHost(dataElementId: string): CompareHost {
  let state: PageState | undefined;
  const download = (name: string, href: string) => {
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  };
  return {
    kind: 'standalone',
    canOpenSites: false,
    canRefresh: false,
    loadState: () => state,
    saveState: (s) => {
      state = s;
    },
    start(onMessage) {
      const block = document.getElementById(dataElementId);
      let payload: unknown;
      try {
        payload = JSON.parse(block?.textContent ?? '');
      } catch (e) {
        onMessage({ type: 'compareError', requestId: 0, message: `The report's data block is not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
      if (!looksLikeComparePayload(payload)) {
        onMessage({ type: 'compareError', requestId: 0, message: 'The report holds no comparison this page can read (written by another ExitLens version?).' });
        return;
      }
      onMessage({ type: 'comparePayload', requestId: 0, protocol: COMPARE_PROTOCOL_VERSION, payload });
    },
    refresh: () => undefined,
    rendered: (report) => {
      // Read by tests and CI scripts that open the report headless.
      document.body.dataset.rendered = JSON.stringify(report);
    },
    openSite: () => undefined,
    save(format, name, data) {
      if (format === 'png') {
        download(name, data);
        return;
      }
      const url = URL.createObjectURL(new Blob([data], { type: format === 'csv' ? 'text/csv' : 'text/markdown' }));
      download(name, url);
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    async copy(format, _name, text) {
      try {
        await navigator.clipboard.writeText(text);
        return `${format === 'md' ? 'Markdown' : 'CSV'} copied to the clipboard.`;
      } catch {
        return 'The browser refused the clipboard (file:// pages may not write it); use Save instead.';
      }
    },
    log: (level, message) => {
      // The report has no host to forward to; its console is the place.
      (level === 'error' ? console.error : level === 'warn' ? console.warn : console.info)(`[exitlens] ${message}`);
    },
  };
}

/** The host this page runs in. */
export function detectHost(dataElementId: string): CompareHost {
  return typeof acquireVsCodeApi === 'function' ? vscodeHost(acquireVsCodeApi()) : standaloneHost(dataElementId);
}
