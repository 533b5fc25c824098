/**
 * One summary page bound to one trace: the host side of src/webview/summary, shared by the "Open Trace
 * Summary" panel (summaryPanel.ts) and the ExitLens Summary custom editor (summaryEditor.ts).
 *
 * The summary is computed as soon as the session starts, in parallel with the page loading; the page asks
 * with `ready` (see src/shared/protocol.ts) and gets only the aggregated TraceSummary. Long reads report
 * progress to the page (percentage, exits/s) and, after a short delay, in a cancellable notification. The
 * page's links and buttons (warning lines, Compare with…, Annotate sources, Export…) land here.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/io/byteSource';
import type { TraceSummary } from '../../core/model/summary';
import {
  PROTOCOL_VERSION,
  describeMessage,
  parseSummaryPageRequest,
  parseWebviewMessage,
  type HostToWebviewMessage,
  type ProgressDetailMessage,
  type SummaryPageRequest,
  type WebviewToHostMessage,
} from '../../shared/protocol';
import { errorText, type Logger } from '../log';
import { describeFailure, emptyReason, type SummaryJob, type TraceSummaries } from '../traceSummaries';
import { buildWebviewHtml } from '../webviewHtml';
import { displayName } from '../workspaceSource';
import { ParseProgressNotification } from './parseProgress';
import { annotateFrom, compareWith, exportSummary, openTraceAtLine } from './summaryActions';

/** Where a summary page is shown. */
export type SummarySurface = 'panel' | 'editor';

/** Reported when the page has drawn its chart (used by the API and the tests). */
export interface RenderedEvent {
  readonly uri: vscode.Uri;
  readonly requestId: number;
  readonly bars: number;
  /** Which surface drew it (absent from older reporters: the panel). */
  readonly surface?: SummarySurface;
}

/** What the page's links and buttons do (summaryActions.ts); injectable so tests can watch the routing. */
export interface SummaryPageActions {
  openLine(uri: vscode.Uri, line: number, label: string): Thenable<unknown>;
  compareWith(uri: vscode.Uri): Thenable<unknown>;
  annotate(uri: vscode.Uri): Thenable<unknown>;
  exportSummary(uri: vscode.Uri, label: string, summary: TraceSummary): Thenable<unknown>;
}

/** The real actions. */
export const PAGE_ACTIONS: SummaryPageActions = { openLine: openTraceAtLine, compareWith, annotate: annotateFrom, exportSummary };

/** Shared services a summary page needs; passed in so sessions have no globals. */
export interface SummarySessionDeps {
  readonly extensionUri: vscode.Uri;
  readonly summaries: TraceSummaries;
  readonly log: Logger;
  readonly onRendered: (event: RenderedEvent) => void;
  /** Defaults to PAGE_ACTIONS. */
  readonly actions?: SummaryPageActions;
}

/** How a read ended, as the page and the command see it. */
export type Outcome = { readonly ok: true; readonly summary: TraceSummary } | { readonly ok: false; readonly message: string; readonly cancelled?: boolean };

/** See the module comment. */
export class SummarySession implements vscode.Disposable {
  readonly label: string;
  private job: SummaryJob | undefined;
  private progressUi: ParseProgressNotification | undefined;
  private current: Promise<Outcome> = Promise.resolve({ ok: false, message: 'not started' });
  /** The newest request id the page has sent; replies to older ids would be ignored by it anyway. */
  private latestRequest = -1;
  private disposed = false;
  private readonly subscription: vscode.Disposable;
  private readonly actions: SummaryPageActions;

  constructor(
    readonly uri: vscode.Uri,
    private readonly webview: vscode.Webview,
    private readonly deps: SummarySessionDeps,
    readonly surface: SummarySurface,
  ) {
    this.label = displayName(uri);
    this.actions = deps.actions ?? PAGE_ACTIONS;
    webview.html = buildWebviewHtml(webview, deps.extensionUri, { title: `ExitLens summary — ${this.label}`, script: 'summary.js', style: 'summary.css' });
    this.subscription = webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    this.compute();
  }

  /** The outcome of the latest read (a Refresh starts a new one). */
  outcome(): Promise<Outcome> {
    return this.current;
  }

  /** The running or last job (tests wait on its `stopped`). */
  get currentJob(): SummaryJob | undefined {
    return this.job;
  }

  private compute(): void {
    this.job?.cancel();
    this.progressUi?.done();
    const started = Date.now();
    const job = this.deps.summaries.start(this.uri, {
      onProgress: (bytesRead, totalBytes, exits) => {
        progressUi.update(bytesRead, totalBytes, exits);
        if (this.latestRequest < 0) return;
        const requestId = this.latestRequest;
        if (exits === undefined) this.post({ type: 'progress', requestId, bytesRead, totalBytes });
        else this.post({ type: 'progressDetail', requestId, bytesRead, totalBytes, exits, elapsedMs: Date.now() - started } satisfies ProgressDetailMessage);
      },
    });
    const progressUi = new ParseProgressNotification(this.label, () => job.cancel());
    this.job = job;
    this.progressUi = progressUi;
    this.current = job.result
      .then(
        (summary): Outcome => {
          const empty = emptyReason(summary);
          if (empty) return this.failed(`Could not summarise ${this.label}: ${empty}`);
          this.deps.log.info(`Summarised ${this.label}: ${summary.exits} exits, format ${summary.format}, ${summary.warningCount} warnings`);
          for (const w of summary.warnings.slice(0, 20)) this.deps.log.warn(`${this.label}:${w.line}: ${w.message}`);
          return { ok: true, summary };
        },
        (error: unknown): Outcome => {
          if (error instanceof CancelledError) return { ok: false, cancelled: true, message: `Reading ${this.label} was cancelled. Press Refresh to read it again.` };
          return this.failed(describeFailure(this.uri, error));
        },
      )
      .finally(() => progressUi.done());
  }

  /** Logs and announces a failure once; the page shows the same sentence. */
  private failed(message: string): Outcome {
    this.deps.log.error(message);
    if (!this.disposed) void vscode.window.showErrorMessage(message);
    return { ok: false, message };
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw) ?? parseSummaryPageRequest(raw);
    if (!message) {
      this.deps.log.warn(`Summary webview sent an unknown message, ignored: ${describeMessage(raw)}`);
      return;
    }
    this.handle(message).catch((e: unknown) => {
      this.deps.log.error(`${this.label}: ${message.type} failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`ExitLens: ${errorText(e)}`);
    });
  }

  private async handle(message: WebviewToHostMessage | SummaryPageRequest): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (message.protocol !== PROTOCOL_VERSION) this.deps.log.warn(`Summary webview speaks protocol ${message.protocol}, host ${PROTOCOL_VERSION}`);
        this.latestRequest = message.requestId;
        return this.reply(message.requestId);
      case 'refresh':
        this.latestRequest = message.requestId;
        this.compute();
        return this.reply(message.requestId);
      case 'rendered':
        this.deps.onRendered({ uri: this.uri, requestId: message.requestId, bars: message.bars, surface: this.surface });
        return;
      case 'log':
        this.deps.log[message.level](`[summary webview] ${message.message}`);
        return;
      case 'openLine':
        await this.actions.openLine(this.uri, message.line, this.label);
        return;
      case 'compareWith':
        await this.actions.compareWith(this.uri);
        return;
      case 'annotate':
        await this.actions.annotate(this.uri);
        return;
      case 'export': {
        const outcome = await this.current;
        if (outcome.ok) await this.actions.exportSummary(this.uri, this.label, outcome.summary);
        else void vscode.window.showWarningMessage(`Nothing to export: ${outcome.message}`);
        return;
      }
    }
  }

  private async reply(requestId: number): Promise<void> {
    const outcome = await this.current;
    if (requestId !== this.latestRequest) return; // superseded by a refresh
    if (outcome.ok) {
      this.post({ type: 'summary', requestId, protocol: PROTOCOL_VERSION, fileLabel: this.label, summary: outcome.summary });
    } else {
      this.post({ type: 'error', requestId, fileLabel: this.label, message: outcome.message });
    }
  }

  private post(message: HostToWebviewMessage | ProgressDetailMessage): void {
    if (this.disposed) return;
    this.webview.postMessage(message).then(undefined, (e: unknown) => this.deps.log.warn(`postMessage failed: ${errorText(e)}`));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.job?.cancel();
    this.progressUi?.done();
    this.subscription.dispose();
  }
}
