/**
 * The "Hot Exit Sites" view: trace → category → site, most costly first, for the annotated trace and
 * its baseline. A site is `symbol — file:line` (click: open the line), or, without a source line,
 * `symbol+0x…` grouped under its symbol, or the raw RIP. The tree content comes from the pure
 * `siteTree` model over the site index; this module only turns nodes into TreeItems.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { SiteIndex } from '../core/sites/siteIndex';
import { COMMANDS, VIEWS } from '../shared/ids';
import type { RevealSiteArgs } from './annotations/index';
import { CATEGORY_LONG, exitsWord, formatCount, formatNs, symbolOffset } from './annotations/format';
import { affectsAnnotations, type AnnotationSettingsSnapshot } from './annotations/settings';
import { siteName, siteTree, type AddressNode, type CategoryNode, type SiteNode } from './annotations/siteTree';
import type { AnnotatedTrace, SiteIndexes } from './siteIndexes';

/** How many sites each category lists; the index itself holds the summary's top sites. */
export const MAX_LISTED_SITES = 50;

/** Categories expanded when a trace is shown (the costliest ones); the rest start collapsed. */
export const EXPANDED_CATEGORIES = 3;

type Role = 'annotated' | 'baseline';

/** A node of the view: a trace, a category of it, or a site (line, symbol group, address). */
export type HotSitesNode =
  | { readonly kind: 'trace'; readonly role: Role; readonly trace: AnnotatedTrace; readonly index: SiteIndex }
  | { readonly kind: 'category'; readonly role: Role; readonly trace: AnnotatedTrace; readonly node: CategoryNode; readonly rank: number }
  | { readonly kind: 'site'; readonly role: Role; readonly trace: AnnotatedTrace; readonly category: string; readonly node: SiteNode };

/** Tree data for the Hot Exit Sites view. */
export class HotSitesViewProvider implements vscode.TreeDataProvider<HotSitesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly view: vscode.TreeView<HotSitesNode>;
  private readonly subscription: vscode.Disposable;

  readonly onDidChangeTreeData = this.changed.event;

  /** Registers the view; it follows the site index (annotated trace and baseline). */
  static register(context: vscode.ExtensionContext, indexes: SiteIndexes, settings: () => AnnotationSettingsSnapshot): HotSitesViewProvider {
    const provider = new HotSitesViewProvider(indexes, settings);
    context.subscriptions.push(provider);
    return provider;
  }

  private constructor(
    private readonly indexes: SiteIndexes,
    private readonly settings: () => AnnotationSettingsSnapshot,
  ) {
    this.view = vscode.window.createTreeView(VIEWS.hotSites, { treeDataProvider: this, showCollapseAll: true });
    this.subscription = vscode.Disposable.from(
      indexes.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsAnnotations(e)) this.refresh();
      }),
    );
    this.refresh();
  }

  /** Re-reads the index (also after a settings change). */
  refresh(): void {
    const trace = this.indexes.current;
    if (!trace) {
      this.view.message = this.indexes.busy ? 'Summarising…' : 'Open a trace summary to list the guest addresses that cause the most exits.';
    } else if (trace.summary.sites.length === 0) {
      this.view.message = `${base(trace)} has no per-exit addresses (aggregated ${trace.summary.format} input).`;
    } else {
      const symbols = trace.sources.length > 0 ? '' : ' (no symbol file: raw addresses)';
      this.view.message = `${base(trace)}: top ${trace.summary.sites.length} of ${trace.summary.siteCount} addresses${symbols}`;
    }
    this.changed.fire();
  }

  getTreeItem(n: HotSitesNode): vscode.TreeItem {
    if (n.kind === 'trace') return traceItem(n.trace, n.role, n.index);
    if (n.kind === 'category') return categoryItem(n);
    return siteItem(n.node, n.trace, n.role, n.category);
  }

  getChildren(n?: HotSitesNode): HotSitesNode[] {
    if (!n) {
      const out: HotSitesNode[] = [];
      const cur = this.indexes.current;
      const index = this.indexes.index;
      if (cur && index && cur.summary.sites.length > 0) out.push({ kind: 'trace', role: 'annotated', trace: cur, index });
      const b = this.indexes.baseline;
      const bIndex = this.indexes.baselineIndex;
      if (b && bIndex && b.summary.sites.length > 0) out.push({ kind: 'trace', role: 'baseline', trace: b, index: bIndex });
      return out;
    }
    if (n.kind === 'trace') {
      const s = this.settings();
      return siteTree(n.index, { categories: s.categories, metric: s.metric, maxSites: MAX_LISTED_SITES }).map((node, rank) => ({ kind: 'category', role: n.role, trace: n.trace, node, rank }));
    }
    if (n.kind === 'category') return n.node.children.map((node) => ({ kind: 'site', role: n.role, trace: n.trace, category: n.node.category, node }));
    if (n.node.kind === 'symbol') return n.node.children.map((node) => ({ kind: 'site', role: n.role, trace: n.trace, category: n.category, node }));
    return [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}

function base(trace: AnnotatedTrace): string {
  return path.posix.basename(trace.uri.path);
}

function traceItem(trace: AnnotatedTrace, role: Role, index: SiteIndex): vscode.TreeItem {
  const item = new vscode.TreeItem(base(trace), role === 'annotated' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${role}|${trace.uri.toString()}`;
  item.description = `${role === 'baseline' ? 'baseline · ' : ''}${formatCount(trace.summary.exits)} ${exitsWord(trace.summary.exits)}`;
  item.iconPath = new vscode.ThemeIcon(role === 'baseline' ? 'history' : 'flame');
  const resolved = index.indexedSites - index.unresolved.reduce((s, g) => s + g.sites.length, 0);
  item.tooltip = [
    `${trace.name} (${role === 'baseline' ? 'baseline' : 'annotated trace'})`,
    `${formatCount(trace.summary.exits)} exits, ${formatCount(trace.summary.siteCount)} distinct guest RIPs; the top ${index.indexedSites} are listed`,
    trace.sources.length > 0 ? `symbols: ${trace.description ?? trace.sources[0].path} — ${resolved} of ${index.indexedSites} on a source line` : 'no symbol file (setting exitlens.symbolFiles)',
  ].join('\n');
  item.contextValue = 'exitlens.hotSites.trace';
  return item;
}

function categoryItem(n: Extract<HotSitesNode, { kind: 'category' }>): vscode.TreeItem {
  const c = n.node;
  const state = n.rank < EXPANDED_CATEGORIES ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(c.category, state);
  item.id = `${n.role}|${n.trace.uri.toString()}|${c.category}`;
  const time = n.trace.summary.overhead.totalNs + n.trace.summary.hlt.totalNs > 0 ? ` · ≈${formatNs(c.hostNs)}` : '';
  item.description = `${formatCount(c.exits)} ${exitsWord(c.exits)}${time}`;
  item.tooltip = `${CATEGORY_LONG[c.category]}: ${formatCount(c.exits)} ${exitsWord(c.exits)} at the listed sites${c.omitted > 0 ? ` (${c.omitted} more sites not listed)` : ''}`;
  item.iconPath = new vscode.ThemeIcon('symbol-event');
  return item;
}

function siteItem(node: SiteNode, trace: AnnotatedTrace, role: Role, category: string): vscode.TreeItem {
  const id = `${role}|${trace.uri.toString()}|${category}|${siteName(node)}`;
  if (node.kind === 'symbol') {
    const item = new vscode.TreeItem(node.symbol, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = id;
    item.description = `${formatCount(node.exits)} ${exitsWord(node.exits)} — ${node.children.length} addresses`;
    item.tooltip = `${node.symbol}: ${node.children.length} addresses without a source line (symbol+offset only)`;
    item.iconPath = new vscode.ThemeIcon('symbol-function');
    return item;
  }
  if (node.kind === 'address') return addressItem(node, id);
  // The label names the file only (the tree is narrow); the tooltip has the whole path.
  const where = `${path.posix.basename(node.file)}:${node.line}`;
  const item = new vscode.TreeItem(node.symbol !== undefined ? `${node.symbol} — ${where}` : where, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = `${formatCount(node.exits)} ${exitsWord(node.exits)} — ${node.mix}`;
  item.tooltip = `${node.file}:${node.line}: ${formatCount(node.exits)} ${category} ${exitsWord(node.exits)} (line total: ${node.mix}) at ${node.rips.slice(0, 4).join(', ')}${node.rips.length > 4 ? ', …' : ''}\nClick to open the line.`;
  item.iconPath = new vscode.ThemeIcon('go-to-file');
  const args: RevealSiteArgs = { file: node.file, line: node.line, trace: trace.uri.toString() };
  item.command = { command: COMMANDS.revealSite, title: 'Reveal Exit Site', arguments: [args] };
  return item;
}

function addressItem(node: AddressNode, id: string): vscode.TreeItem {
  const label = node.symbol !== undefined ? symbolOffset(node.symbol, node.offset) : node.rip;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = `${formatCount(node.exits)} ${exitsWord(node.exits)} — ${node.mix}`;
  item.tooltip = `${node.rip}${node.symbol !== undefined ? ` (${label})` : ''}: ${node.mix}; no source line ${node.symbol !== undefined ? '(a symbol listing gives symbol+offset only)' : '(no symbol covers this address)'}`;
  item.iconPath = new vscode.ThemeIcon('debug-breakpoint-unsupported');
  return item;
}
