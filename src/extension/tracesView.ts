/**
 * The "Traces" view: every workspace file matching the trace-glob setting (SETTINGS.traceGlob), each with
 * its summary — description "N exits · format", a tooltip with the top categories, and the categories as
 * children. Clicking a trace opens its summary (never the possibly huge file in a text editor).
 *
 * Summaries come from the summary service in the background, one file at a time (cache first, so a
 * workspace seen before lists at once). Files bigger than the maxEditorFileSizeMB setting are not read
 * until the user opens one; they show their size instead. Refreshed by Refresh Traces, by file
 * creation/deletion/change and by a change of the setting.
 */
import * as vscode from 'vscode';
import { CATEGORIES, type Category } from '../core/model/exit';
import type { TraceSummary } from '../core/model/summary';
import { COMMANDS, SETTINGS, VIEWS } from '../shared/ids';
import { maxEditorBytes } from './editor/summaryActions';
import { formatCount, formatMB, formatNs, formatShare, plural } from '../core/format';
import { emptyReason, type TraceSummaries } from './traceSummaries';

/** Upper bound on listed files, so a huge workspace cannot stall the view. */
export const MAX_LISTED_TRACES = 2000;

/** Categories listed in a trace's tooltip. */
export const TOOLTIP_CATEGORIES = 5;

/** Files matching the configured glob, sorted by path (stable order for the view and the tests). */
export async function findTraceFiles(): Promise<vscode.Uri[]> {
  const glob = vscode.workspace.getConfiguration().get<string>(SETTINGS.traceGlob) || '**/*.exittrace';
  const files = await vscode.workspace.findFiles(glob, '**/node_modules/**', MAX_LISTED_TRACES);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** What the view knows about a trace besides its summary. */
type TraceState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'reading' }
  | { readonly kind: 'read'; readonly summary: TraceSummary }
  | { readonly kind: 'tooBig'; readonly size: number }
  | { readonly kind: 'failed'; readonly message: string };

/** A trace file (top level). */
export interface TraceNode {
  readonly kind: 'trace';
  readonly uri: vscode.Uri;
  state: TraceState;
}

/** One category of a trace (second level). */
export interface CategoryNode {
  readonly kind: 'category';
  readonly trace: vscode.Uri;
  readonly category: Category;
  readonly exits: number;
  readonly share: string;
  readonly hostNs: number;
}

export type TracesViewNode = TraceNode | CategoryNode;

/** Non-zero categories of a summary, most exits first (HLT included, marked idle). */
export function categoryNodes(trace: vscode.Uri, s: TraceSummary): CategoryNode[] {
  return CATEGORIES.filter((c) => s.byCategory[c] > 0)
    .map((category) => ({ kind: 'category' as const, trace, category, exits: s.byCategory[category], share: formatShare(s.byCategory[category], s.exits), hostNs: s.timeByCategory[category] }))
    .sort((a, b) => b.exits - a.exits || CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
}

/** `7 exits · trace-cmd` — the trace's description in the view. */
export function traceDescription(s: TraceSummary): string {
  return `${plural(s.exits, 'exit')} · ${s.format}`;
}

/** Tree data for the Traces view. */
export class TracesViewProvider implements vscode.TreeDataProvider<TracesViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TracesViewNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Nodes by URI, so a refreshed element keeps its identity (and its expansion state). */
  private readonly nodes = new Map<string, TraceNode>();
  private readonly queue: TraceNode[] = [];
  private draining = false;
  private disposed = false;

  readonly onDidChangeTreeData = this.changed.event;

  /** Registers the provider and the watchers that keep it fresh. */
  static register(context: vscode.ExtensionContext, summaries: TraceSummaries): TracesViewProvider {
    const provider = new TracesViewProvider(summaries);
    context.subscriptions.push(provider, vscode.window.createTreeView(VIEWS.traces, { treeDataProvider: provider, showCollapseAll: true }));
    return provider;
  }

  private constructor(private readonly summaries: TraceSummaries) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
      watcher.onDidChange((uri) => this.reread(uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.traceGlob)) this.refresh();
      }),
      // A summary opened elsewhere (e.g. a big file the view did not read) shows up here too.
      summaries.onDidSummarize((e) => {
        const node = this.nodes.get(e.uri.toString());
        if (node) {
          node.state = { kind: 'read', summary: e.summary };
          this.changed.fire(node);
        }
      }),
    );
  }

  /** Re-reads the file list. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The state of a listed trace (tests and the API). */
  nodeOf(uri: vscode.Uri): TraceNode | undefined {
    return this.nodes.get(uri.toString());
  }

  private reread(uri: vscode.Uri): void {
    const node = this.nodes.get(uri.toString());
    if (!node) return;
    node.state = { kind: 'pending' };
    this.enqueue(node);
    this.changed.fire(node);
  }

  getTreeItem(node: TracesViewNode): vscode.TreeItem {
    return node.kind === 'trace' ? this.traceItem(node) : categoryItem(node);
  }

  private traceItem(node: TraceNode): vscode.TreeItem {
    const state = node.state;
    const expandable = state.kind === 'read' && !emptyReason(state.summary);
    const item = new vscode.TreeItem(node.uri, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.uri.toString();
    const relative = vscode.workspace.asRelativePath(node.uri, false);
    const lines = [`Open the exit summary of ${relative}`];
    switch (state.kind) {
      case 'read': {
        const empty = emptyReason(state.summary);
        item.description = empty ? 'no exits' : traceDescription(state.summary);
        if (empty) lines.push(empty);
        else {
          const s = state.summary;
          lines.push(`${traceDescription(s)}${s.isa !== 'unknown' ? ` (${s.isa})` : ''}${s.warningCount ? ` · ${plural(s.warningCount, 'warning')}` : ''}`);
          for (const c of categoryNodes(node.uri, s).slice(0, TOOLTIP_CATEGORIES)) lines.push(`${c.category}: ${formatCount(c.exits)} (${c.share})`);
        }
        break;
      }
      case 'reading':
        item.description = 'reading…';
        break;
      case 'pending':
        item.description = '';
        break;
      case 'tooBig':
        item.description = `${formatMB(state.size)} · not read yet`;
        lines.push(`Bigger than ${SETTINGS.maxEditorFileSizeMB}: click to read it (in the background, with progress).`);
        break;
      case 'failed':
        item.description = 'unreadable';
        lines.push(state.message);
        break;
    }
    item.tooltip = lines.join('\n');
    item.contextValue = 'exitlens.trace';
    item.command = { command: COMMANDS.openTraceSummary, title: 'Open Trace Summary', arguments: [node.uri] };
    return item;
  }

  async getChildren(element?: TracesViewNode): Promise<TracesViewNode[]> {
    if (!element) {
      const files = await findTraceFiles();
      const keep = new Set(files.map((u) => u.toString()));
      for (const key of [...this.nodes.keys()]) if (!keep.has(key)) this.nodes.delete(key);
      return files.map((uri) => {
        let node = this.nodes.get(uri.toString());
        if (!node) {
          const known = this.summaries.peek(uri);
          node = { kind: 'trace', uri, state: known ? { kind: 'read', summary: known } : { kind: 'pending' } };
          this.nodes.set(uri.toString(), node);
        }
        // Even a known summary is checked (the file may have changed while the view was closed).
        this.enqueue(node);
        return node;
      });
    }
    if (element.kind === 'category' || element.state.kind !== 'read') return [];
    return categoryNodes(element.uri, element.state.summary);
  }

  private enqueue(node: TraceNode): void {
    if (!this.queue.includes(node)) this.queue.push(node);
    void this.drain();
  }

  /** Reads queued traces one at a time (one worker thread for the view, whatever the workspace size). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let node = this.queue.shift(); node && !this.disposed; node = this.queue.shift()) {
        if (this.nodes.get(node.uri.toString()) !== node) continue; // no longer listed
        await this.read(node);
      }
    } finally {
      this.draining = false;
    }
  }

  private async read(node: TraceNode): Promise<void> {
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(node.uri)).size;
    } catch (e) {
      node.state = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
      this.changed.fire(node);
      return;
    }
    const known = this.summaries.peek(node.uri);
    if (size > maxEditorBytes() && !known) {
      node.state = { kind: 'tooBig', size };
      this.changed.fire(node);
      return;
    }
    if (node.state.kind !== 'read') {
      node.state = { kind: 'reading' };
      this.changed.fire(node);
    }
    try {
      const summary = await this.summaries.start(node.uri, { background: true }).result;
      node.state = { kind: 'read', summary };
    } catch (e) {
      node.state = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
    this.changed.fire(node);
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    for (const d of this.disposables) d.dispose();
  }
}

function categoryItem(node: CategoryNode): vscode.TreeItem {
  const idle = node.category === 'hlt';
  const item = new vscode.TreeItem(idle ? 'hlt (idle)' : node.category, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.trace.toString()}#${node.category}`;
  item.description = `${plural(node.exits, 'exit')} · ${node.share}`;
  item.tooltip = `${node.category}: ${formatCount(node.exits)} exits (${node.share} of all exits), ${formatNs(node.hostNs)} host time${idle ? ' — idle, not overhead' : ''}`;
  item.contextValue = 'exitlens.traceCategory';
  return item;
}
