/**
 * The "Traces" view: every workspace file matching the trace-glob setting (SETTINGS.traceGlob). Clicking
 * one opens its summary (without opening the possibly huge file in a text editor). Refreshed by the
 * Refresh Traces command, by file creation/deletion and by a change of the setting.
 */
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS, VIEWS } from '../shared/ids';

/** Upper bound on listed files, so a huge workspace cannot stall the view. */
export const MAX_LISTED_TRACES = 2000;

/** Files matching the configured glob, sorted by path (stable order for the view and the tests). */
export async function findTraceFiles(): Promise<vscode.Uri[]> {
  const glob = vscode.workspace.getConfiguration().get<string>(SETTINGS.traceGlob) || '**/*.exittrace';
  const files = await vscode.workspace.findFiles(glob, '**/node_modules/**', MAX_LISTED_TRACES);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Tree data for the Traces view; one flat level of files. */
export class TracesViewProvider implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  readonly onDidChangeTreeData = this.changed.event;

  /** Registers the provider and the watchers that keep it fresh. */
  static register(context: vscode.ExtensionContext): TracesViewProvider {
    const provider = new TracesViewProvider();
    context.subscriptions.push(provider, vscode.window.createTreeView(VIEWS.traces, { treeDataProvider: provider, showCollapseAll: false }));
    return provider;
  }

  private constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.traceGlob)) this.refresh();
      }),
    );
  }

  /** Re-reads the file list. */
  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
    item.description = vscode.workspace.asRelativePath(uri, false).replace(/[^/]*$/, '').replace(/\/$/, '');
    item.tooltip = `Open the exit summary of ${vscode.workspace.asRelativePath(uri, false)}`;
    item.contextValue = 'exitlens.trace';
    item.command = { command: COMMANDS.openTraceSummary, title: 'Open Trace Summary', arguments: [uri] };
    return item;
  }

  async getChildren(element?: vscode.Uri): Promise<vscode.Uri[]> {
    return element ? [] : findTraceFiles();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
