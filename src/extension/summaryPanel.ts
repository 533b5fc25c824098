/**
 * The "Open Trace Summary" webview panel: one per trace file (re-opening reveals it). The summary is
 * computed as soon as the panel is created, in parallel with the page loading; the page asks for it with
 * `ready` (see src/shared/protocol.ts) and gets only the aggregated TraceSummary, never raw events.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { CancelledError } from '../core/io/byteSource';
import type { TraceSummary } from '../core/model/summary';
import { PANELS } from '../shared/ids';
import {
  PROTOCOL_VERSION,
  describeMessage,
  parseWebviewMessage,
  type HostToWebviewMessage,
  type WebviewToHostMessage,
} from '../shared/protocol';
import { errorText, type Logger } from './log';
import { describeFailure, emptyReason, type SummaryJob, type TraceSummaries } from './traceSummaries';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';
import { displayName } from './workspaceSource';

/** Reported when the page has drawn its chart (used by the API and the tests). */
export interface RenderedEvent {
  readonly uri: vscode.Uri;
  readonly requestId: number;
  readonly bars: number;
}

/** Shared services a panel needs; passed in so the panel has no globals. */
export interface SummaryPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly summaries: TraceSummaries;
  readonly log: Logger;
  readonly onRendered: (event: RenderedEvent) => void;
}

type Outcome = { readonly ok: true; readonly summary: TraceSummary } | { readonly ok: false; readonly message: string };

/** Owns every open summary panel, keyed by trace URI. */
export class SummaryPanels implements vscode.Disposable {
  private readonly panels = new Map<string, SummaryPanel>();

  constructor(private readonly deps: SummaryPanelDeps) {}

  /**
   * Shows the summary of `uri` (creating or revealing its panel) and resolves with the summary, or with
   * undefined when the trace could not be summarised (the panel and a notification say why).
   */
  async show(uri: vscode.Uri): Promise<TraceSummary | undefined> {
    const key = uri.toString();
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
    } else {
      // Summaries share one editor column (beside the trace at first), instead of each new one
      // opening yet another column beside the previous summary.
      const column = [...this.panels.values()].map((p) => p.column).find((c) => c !== undefined) ?? vscode.ViewColumn.Beside;
      panel = new SummaryPanel(uri, this.deps, column, () => this.panels.delete(key));
      this.panels.set(key, panel);
    }
    const outcome = await panel.outcome();
    return outcome.ok ? outcome.summary : undefined;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

class SummaryPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly label: string;
  private job: SummaryJob | undefined;
  private current: Promise<Outcome> = Promise.resolve({ ok: false, message: 'not started' });
  /** The newest request id the page has sent; replies to older ids would be ignored by it anyway. */
  private latestRequest = -1;
  private disposed = false;

  constructor(
    private readonly uri: vscode.Uri,
    private readonly deps: SummaryPanelDeps,
    column: vscode.ViewColumn,
    private readonly onDispose: () => void,
  ) {
    this.label = displayName(uri);
    this.panel = vscode.window.createWebviewPanel(
      PANELS.summary,
      `Exits: ${path.posix.basename(uri.path)}`,
      { viewColumn: column, preserveFocus: false },
      webviewOptions(deps.extensionUri),
    );
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'exitlens.svg');
    this.panel.webview.html = buildWebviewHtml(this.panel.webview, deps.extensionUri, {
      title: `ExitLens summary — ${this.label}`,
      script: 'summary.js',
      style: 'summary.css',
    });
    this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    this.panel.onDidDispose(() => this.dispose());
    this.compute();
  }

  /** The editor column showing this panel (undefined while it is not shown). */
  get column(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  outcome(): Promise<Outcome> {
    return this.current;
  }

  private compute(): void {
    this.job?.cancel();
    const job = this.deps.summaries.start(this.uri, {
      onProgress: (bytesRead, totalBytes) => {
        if (this.latestRequest >= 0) this.post({ type: 'progress', requestId: this.latestRequest, bytesRead, totalBytes });
      },
    });
    this.job = job;
    this.current = job.result.then(
      (summary): Outcome => {
        const empty = emptyReason(summary);
        if (empty) return this.failed(`Could not summarise ${this.label}: ${empty}`);
        this.deps.log.info(`Summarised ${this.label}: ${summary.exits} exits, format ${summary.format}, ${summary.warningCount} warnings`);
        for (const w of summary.warnings.slice(0, 20)) this.deps.log.warn(`${this.label}:${w.line}: ${w.message}`);
        return { ok: true, summary };
      },
      (error: unknown): Outcome => {
        if (error instanceof CancelledError) return { ok: false, message: 'cancelled' };
        return this.failed(describeFailure(this.uri, error));
      },
    );
  }

  /** Logs and announces a failure once; the page shows the same sentence. */
  private failed(message: string): Outcome {
    this.deps.log.error(message);
    if (!this.disposed) void vscode.window.showErrorMessage(message);
    return { ok: false, message };
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn(`Summary webview sent an unknown message, ignored: ${describeMessage(raw)}`);
      return;
    }
    void this.handle(message);
  }

  private async handle(message: WebviewToHostMessage): Promise<void> {
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
        this.deps.onRendered({ uri: this.uri, requestId: message.requestId, bars: message.bars });
        return;
      case 'log':
        this.deps.log[message.level](`[summary webview] ${message.message}`);
        return;
    }
  }

  private async reply(requestId: number): Promise<void> {
    const outcome = await this.current;
    if (requestId !== this.latestRequest) return; // superseded by a refresh
    if (outcome.ok) {
      this.post({ type: 'summary', requestId, protocol: PROTOCOL_VERSION, fileLabel: this.label, summary: outcome.summary });
    } else if (outcome.message !== 'cancelled') {
      this.post({ type: 'error', requestId, fileLabel: this.label, message: outcome.message });
    }
  }

  private post(message: HostToWebviewMessage): void {
    if (this.disposed) return;
    this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.deps.log.warn(`postMessage failed: ${errorText(e)}`));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.job?.cancel();
    this.onDispose();
    this.panel.dispose();
  }
}
