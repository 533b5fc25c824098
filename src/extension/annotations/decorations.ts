/**
 * Exit heat on guest source lines: a fixed set of five decoration types (four heat buckets with an
 * overview-ruler mark, and a plain one for lines only the baseline has), created once; each refresh
 * maps the decoration model's records for every visible editor onto them. Refreshes are throttled
 * and happen when editors, the index, the settings or the on/off state change.
 */
import * as vscode from 'vscode';
import type { SiteIndex } from '../../core/sites/siteIndex';
import { COLORS } from '../../shared/ids';
import type { AnnotatedTrace, SiteIndexes } from '../siteIndexes';
import { matchFileKey } from './fileKeys';
import { fileDecorations, prepareIndex, type AnnotationOptions, type LineDecoration, type PreparedIndex } from './decorationModel';
import type { AnnotationSettingsSnapshot } from './settings';

/** Visible-editor changes arrive in bursts (splits, tab switches); one refresh per this many ms. */
export const REFRESH_THROTTLE_MS = 50;

/** What the controller applied to one editor: the read-only test hook behind `api.annotations.current`. */
export interface AppliedAnnotations {
  /** The annotated trace (URI string). */
  readonly trace: string;
  /** The index key the document matched (workspace-relative path, or the recorded path). */
  readonly file: string;
  readonly lines: readonly LineDecoration[];
  /** Milliseconds spent computing and applying this editor's decorations. */
  readonly ms: number;
}

/** A document's path as the index compares it: the file system path for `file:` URIs, else the URI path. */
export function documentPath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.path;
}

/** The index key of the document at `uri` (see fileKeys.ts), or undefined when the trace never exits in it. */
export function matchDocument(index: SiteIndex, uri: vscode.Uri, root: string | undefined): string | undefined {
  return matchFileKey(index, documentPath(uri), root);
}

/** Owns the decoration types and keeps every visible editor's decorations current. */
export class AnnotationDecorations implements vscode.Disposable {
  private readonly heat: vscode.TextEditorDecorationType[];
  private readonly plain: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly applied = new Map<string, AppliedAnnotations>();
  private readonly appliedEmitter = new vscode.EventEmitter<void>();
  private prepared: { key: string; value: PreparedIndex } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Fires after a refresh has applied (or cleared) decorations. */
  readonly onDidApply = this.appliedEmitter.event;

  constructor(
    private readonly indexes: SiteIndexes,
    private readonly settings: () => AnnotationSettingsSnapshot,
    private readonly isOn: () => boolean,
  ) {
    const after = { color: new vscode.ThemeColor(COLORS.inline), margin: '0 0 0 2.5em', fontStyle: 'italic' };
    this.heat = COLORS.heat.map((bg) =>
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor(bg),
        overviewRulerColor: new vscode.ThemeColor(COLORS.ruler),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        after,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.plain = vscode.window.createTextEditorDecorationType({ after, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed });
    this.disposables.push(
      ...this.heat,
      this.plain,
      this.appliedEmitter,
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      indexes.onDidChange(() => this.schedule()),
    );
  }

  /** Refreshes soon (throttled): the editors, the index or the settings changed. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, REFRESH_THROTTLE_MS);
  }

  /** Recomputes and applies decorations for every visible editor now. */
  refresh(): void {
    const trace = this.indexes.current;
    const index = this.indexes.index;
    const prepared = this.isOn() && trace && index ? this.preparedFor(trace, index) : undefined;
    this.applied.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (!prepared || !trace) {
        this.clear(editor);
        continue;
      }
      const t0 = performance.now();
      const key = matchDocument(index!, editor.document.uri, trace.root);
      const lines = key !== undefined ? fileDecorations(prepared, key) : [];
      this.apply(editor, lines);
      if (key !== undefined) {
        this.applied.set(editor.document.uri.toString(), { trace: trace.uri.toString(), file: key, lines: this.inDocument(editor, lines), ms: performance.now() - t0 });
      }
    }
    this.appliedEmitter.fire();
  }

  /** The decorations applied to the visible editor showing `uri`, if it shows any. */
  current(uri: vscode.Uri): AppliedAnnotations | undefined {
    return this.applied.get(uri.toString());
  }

  /** The options the model computes with now, and the prepared index (cached until something changes). */
  preparedFor(trace: AnnotatedTrace, index: SiteIndex): PreparedIndex {
    const s = this.settings();
    const options: AnnotationOptions = {
      metric: s.metric,
      categories: s.categories,
      ...(trace.summary.meta.cpuHz !== undefined ? { cpuHz: trace.summary.meta.cpuHz } : {}),
    };
    const key = `${s.metric}|${[...s.categories].join(',')}|${options.cpuHz ?? ''}`;
    if (!this.prepared || this.prepared.value.index !== index || this.prepared.key !== key) {
      this.prepared = { key, value: prepareIndex(index, options) };
    }
    return this.prepared.value;
  }

  private inDocument(editor: vscode.TextEditor, lines: readonly LineDecoration[]): LineDecoration[] {
    return lines.filter((d) => d.line >= 1 && d.line <= editor.document.lineCount);
  }

  private apply(editor: vscode.TextEditor, lines: readonly LineDecoration[]): void {
    const buckets: vscode.DecorationOptions[][] = [[], [], [], [], []];
    const doc = editor.document;
    for (const d of lines) {
      // A line past the end: the file changed since the trace was taken; nothing sensible to mark.
      if (d.line < 1 || d.line > doc.lineCount) continue;
      buckets[d.bucket].push({ range: doc.lineAt(d.line - 1).range, renderOptions: { after: { contentText: d.text } } });
    }
    editor.setDecorations(this.plain, buckets[0]);
    this.heat.forEach((type, i) => editor.setDecorations(type, buckets[i + 1]));
  }

  private clear(editor: vscode.TextEditor): void {
    editor.setDecorations(this.plain, []);
    for (const type of this.heat) editor.setDecorations(type, []);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
