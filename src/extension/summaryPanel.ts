/**
 * The "Open Trace Summary" webview panel: one per trace file (re-opening reveals it). The page and its
 * host side (reading, progress, the ready/summary handshake, the page's buttons) are the SummarySession
 * shared with the ExitLens Summary custom editor; this module only owns the panels.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { TraceSummary } from '../core/model/summary';
import { PANELS } from '../shared/ids';
import { SummarySession, type Outcome, type SummarySessionDeps } from './editor/summarySession';
import { webviewOptions } from './webviewHtml';

export type { RenderedEvent } from './editor/summarySession';

/** Shared services a panel needs; passed in so the panel has no globals. */
export type SummaryPanelDeps = SummarySessionDeps;

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
  private readonly session: SummarySession;
  private disposed = false;

  constructor(
    uri: vscode.Uri,
    deps: SummaryPanelDeps,
    column: vscode.ViewColumn,
    private readonly onDispose: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(PANELS.summary, `Exits: ${path.posix.basename(uri.path)}`, { viewColumn: column, preserveFocus: false }, webviewOptions(deps.extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'exitlens.svg');
    this.session = new SummarySession(uri, this.panel.webview, deps, 'panel');
    this.panel.onDidDispose(() => this.dispose());
  }

  /** The editor column showing this panel (undefined while it is not shown). */
  get column(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  outcome(): Promise<Outcome> {
    return this.session.outcome();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
    this.onDispose();
    this.panel.dispose();
  }
}
