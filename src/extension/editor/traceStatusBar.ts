/**
 * A status-bar item for the trace in the active editor — a text editor of language `exit-trace` or an
 * ExitLens Summary custom editor: `format · N exits · M warnings`; clicking it opens the summary. It reads
 * through the summary service in the background (cache first), so switching between traces is instant
 * once they were read.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/io/byteSource';
import { LANGUAGE_ID, PANELS } from '../../shared/ids';
import { emptyReason, type SummaryJob, type TraceSummaries } from '../traceSummaries';
import { displayName } from '../workspaceSource';
import { openSummaryCommand } from './summaryEditor';
import { plural } from '../../core/format';

/** The item's id (status-bar items are not contributed, so it is not in ids.ts). */
export const TRACE_STATUS_ITEM_ID = 'exitlens.traceStatus';

/** Editor switches closer together than this update the item once. */
const UPDATE_DELAY_MS = 150;

/** `perf-script · 7 exits · 1 warning` */
export function statusText(format: string, exits: number, warnings: number): string {
  return `${format} · ${plural(exits, 'exit')} · ${plural(warnings, 'warning')}`;
}

/** The trace the user is looking at, if any. */
export function activeTraceUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === LANGUAGE_ID) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && (input.viewType === PANELS.summaryEditor || input.viewType === PANELS.textTraceSummaryEditor)) return input.uri;
  return undefined;
}

/** See the module comment. */
export class TraceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(TRACE_STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private job: SummaryJob | undefined;
  private shown: string | undefined;

  static register(context: vscode.ExtensionContext, summaries: TraceSummaries): TraceStatusBar {
    const bar = new TraceStatusBar(summaries);
    context.subscriptions.push(bar);
    return bar;
  }

  private constructor(private readonly summaries: TraceSummaries) {
    this.item.name = 'ExitLens: active trace';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.schedule()),
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.toString() === this.shown && this.schedule(true)),
      vscode.workspace.onDidOpenTextDocument((d) => d.uri.toString() === vscode.window.activeTextEditor?.document.uri.toString() && this.schedule(true)),
      summaries.onDidSummarize((e) => e.uri.toString() === this.shown && this.schedule(true)),
    );
    this.schedule();
  }

  /** What the item shows now (tests). */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private schedule(force = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(force), UPDATE_DELAY_MS);
  }

  private async update(force: boolean): Promise<void> {
    const uri = activeTraceUri();
    if (!uri) {
      this.job?.cancel();
      this.shown = undefined;
      this.item.hide();
      return;
    }
    const key = uri.toString();
    if (key === this.shown && !force) return;
    this.job?.cancel();
    this.shown = key;
    const label = displayName(uri);
    this.item.text = '$(sync~spin) ExitLens: reading…';
    this.item.tooltip = `ExitLens is reading ${label}`;
    this.item.command = openSummaryCommand(uri, 'Open the summary');
    this.item.show();
    const job = this.summaries.start(uri, { background: true });
    this.job = job;
    try {
      const summary = await job.result;
      if (this.shown !== key) return;
      const empty = emptyReason(summary);
      this.item.text = empty ? '$(circle-slash) ExitLens: no exits' : `$(pulse) ${statusText(summary.format, summary.exits, summary.warningCount)}`;
      this.item.tooltip = empty ? `${label}: ${empty}` : `${label}: ${statusText(summary.format, summary.exits, summary.warningCount)} — click to open the summary`;
    } catch (e) {
      if (this.shown !== key || e instanceof CancelledError) return;
      this.item.text = '$(warning) ExitLens: unreadable';
      this.item.tooltip = `${label}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.job?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
