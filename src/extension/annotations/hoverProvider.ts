/**
 * Hovers on annotated lines: looks the line up in the site index and wraps the hover model's Markdown.
 * The MarkdownString trusts exactly the two commands its links run (open the trace summary, compare
 * builds); everything from the trace is escaped by the model.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../shared/ids';
import type { SiteIndexes } from '../siteIndexes';
import { inferPaging } from './advice';
import { lineView } from './decorationModel';
import { matchDocument } from './decorations';
import { commandUri, hoverMarkdown } from './hoverModel';
import type { AnnotationSettingsSnapshot } from './settings';

/** The only commands a hover link may run. */
export const HOVER_COMMANDS: readonly string[] = [COMMANDS.openTraceSummary, COMMANDS.compareBuilds];

/** Hover provider over the current site index. */
export class ExitHoverProvider implements vscode.HoverProvider {
  /** Registers the provider for every document (it answers only for lines of the index). */
  static register(indexes: SiteIndexes, settings: () => AnnotationSettingsSnapshot, isOn: () => boolean): vscode.Disposable {
    return vscode.languages.registerHoverProvider({ pattern: '**' }, new ExitHoverProvider(indexes, settings, isOn));
  }

  private constructor(
    private readonly indexes: SiteIndexes,
    private readonly settings: () => AnnotationSettingsSnapshot,
    private readonly isOn: () => boolean,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const trace = this.indexes.current;
    const index = this.indexes.index;
    if (!this.isOn() || !trace || !index) return undefined;
    const key = matchDocument(index, document.uri, trace.root);
    if (key === undefined) return undefined;
    const line = position.line + 1;
    const stats = index.line(key, line);
    const s = this.settings();
    if (!stats || !lineView(stats, s.categories)) return undefined;
    const summary = trace.summary;
    const paging = inferPaging(summary.meta, summary.byCategory);
    const base = this.indexes.baseline;
    const md = hoverMarkdown({
      file: key,
      line,
      stats,
      options: { metric: s.metric, categories: s.categories, ...(summary.meta.cpuHz !== undefined ? { cpuHz: summary.meta.cpuHz } : {}) },
      trace: {
        name: trace.name,
        exits: index.exits,
        totalNs: index.totalNs,
        ...(paging.paging ? { paging: paging.paging } : {}),
        pagingInferred: paging.inferred,
        ...(summary.meta.pages ? { pages: summary.meta.pages } : {}),
        reasonCategory: summary.reasonCategory,
      },
      ...(base ? { baselineName: base.name } : {}),
      links: {
        summary: commandUri(COMMANDS.openTraceSummary, [trace.uri]),
        compare: commandUri(COMMANDS.compareBuilds, base ? [base.uri, [base.uri, trace.uri]] : [trace.uri]),
      },
    });
    const markdown = new vscode.MarkdownString(md);
    markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }
}
