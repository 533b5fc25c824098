/**
 * The "Hot Exit Sites" view: the guest RIPs that caused the most exits in the trace summarised last.
 * Until symbolisation lands (issue 5) sites are raw addresses with their category mix; the view only
 * reads the summary, it computes nothing.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { SiteSummary } from '../core/model/summary';
import { VIEWS } from '../shared/ids';
import type { SummaryEvent, TraceSummaries } from './traceSummaries';

/** How many sites the view lists; the summary itself keeps more. */
export const MAX_LISTED_SITES = 50;

/** Renders "pagefault 12, cr3 3" from a site's non-zero categories, largest first. */
export function categoryMix(site: SiteSummary): string {
  return Object.entries(site.byCategory)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
}

/** Tree data for the Hot Exit Sites view. */
export class HotSitesViewProvider implements vscode.TreeDataProvider<SiteSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private current: SummaryEvent | undefined;
  private readonly view: vscode.TreeView<SiteSummary>;
  private readonly subscription: vscode.Disposable;

  readonly onDidChangeTreeData = this.changed.event;

  /** Registers the view; it follows every finished summary. */
  static register(context: vscode.ExtensionContext, summaries: TraceSummaries): HotSitesViewProvider {
    const provider = new HotSitesViewProvider(summaries);
    context.subscriptions.push(provider);
    return provider;
  }

  private constructor(summaries: TraceSummaries) {
    this.view = vscode.window.createTreeView(VIEWS.hotSites, { treeDataProvider: this });
    this.subscription = summaries.onDidSummarize((event) => this.show(event));
    this.show(summaries.last);
  }

  private show(event: SummaryEvent | undefined): void {
    this.current = event;
    if (!event) {
      this.view.message = 'Open a trace summary to list the guest addresses that cause the most exits.';
    } else if (event.summary.sites.length === 0) {
      this.view.message = `${path.posix.basename(event.uri.path)} has no per-exit addresses (aggregated ${event.summary.format} input).`;
    } else {
      this.view.message = `${path.posix.basename(event.uri.path)}: top ${Math.min(MAX_LISTED_SITES, event.summary.sites.length)} of ${event.summary.siteCount} addresses`;
    }
    this.changed.fire();
  }

  getTreeItem(site: SiteSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(site.symbol ? `${site.symbol}+0x${(site.offset ?? 0).toString(16)}` : site.rip);
    const exits = `${site.exits} ${site.exits === 1 ? 'exit' : 'exits'}`;
    item.description = `${exits} — ${categoryMix(site)}`;
    item.tooltip = `${site.rip}: ${exits} (${categoryMix(site)})${site.vcpus.length ? ` on vCPU ${site.vcpus.join(', ')}` : ''}`;
    return item;
  }

  getChildren(element?: SiteSummary): SiteSummary[] {
    if (element || !this.current) return [];
    return this.current.summary.sites.slice(0, MAX_LISTED_SITES);
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
