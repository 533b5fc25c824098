/**
 * The ExitLens Summary custom editor: a read-only view of a trace file as its summary. Two view types
 * serve it (VS Code gives one priority per view type): the default editor of ExitLens JSONL
 * (`*.exitlens.jsonl`), and an "Open With…" option for text traces. The document is only the file's URI —
 * nothing is loaded into a text model, so a multi-GB trace opens as fast as its parse (in the worker).
 * The page is the same as the summary panel's (SummarySession).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS, PANELS } from '../../shared/ids';
import { webviewOptions } from '../webviewHtml';
import { SummarySession, type SummarySessionDeps } from './summarySession';

/** The custom document: a trace file, read by the worker when a view asks for its summary. */
class TraceFileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** Name patterns of the option view type (kept in step with package.json `customEditors`). */
const TEXT_TRACE_NAMES = /\.(exittrace|kvmtrace|txt|log)$/i;

/**
 * The custom editor view type that can show `uri`, or undefined when its name matches neither selector
 * (VS Code only resolves a view type for files its selector matches).
 */
export function summaryEditorViewType(uri: vscode.Uri): string | undefined {
  const name = path.posix.basename(uri.path);
  if (/\.exitlens\.jsonl$/i.test(name)) return PANELS.summaryEditor;
  if (TEXT_TRACE_NAMES.test(name)) return PANELS.textTraceSummaryEditor;
  return undefined;
}

/**
 * The command that opens the summary of `uri` beside the current editor: the custom editor when one
 * matches the file name, else the summary panel. Used by the CodeLens and the status bar.
 */
export function openSummaryCommand(uri: vscode.Uri, title: string): vscode.Command {
  const viewType = summaryEditorViewType(uri);
  return viewType
    ? { title, command: 'vscode.openWith', arguments: [uri, viewType, vscode.ViewColumn.Beside] }
    : { title, command: COMMANDS.openTraceSummary, arguments: [uri] };
}

/** Provider of both view types; keeps the live sessions so the API and tests can reach them. */
export class SummaryEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceFileDocument>, vscode.Disposable {
  private readonly sessions = new Set<SummarySession>();

  /** Registers both view types. */
  static register(context: vscode.ExtensionContext, deps: SummarySessionDeps): SummaryEditorProvider {
    const provider = new SummaryEditorProvider(deps);
    const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };
    context.subscriptions.push(
      provider,
      vscode.window.registerCustomEditorProvider(PANELS.summaryEditor, provider, options),
      vscode.window.registerCustomEditorProvider(PANELS.textTraceSummaryEditor, provider, options),
    );
    return provider;
  }

  private constructor(private readonly deps: SummarySessionDeps) {}

  openCustomDocument(uri: vscode.Uri): TraceFileDocument {
    return new TraceFileDocument(uri);
  }

  resolveCustomEditor(document: TraceFileDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.deps.extensionUri);
    const session = new SummarySession(document.uri, panel.webview, this.deps, 'editor');
    this.sessions.add(session);
    panel.onDidDispose(() => {
      session.dispose();
      this.sessions.delete(session);
    });
  }

  /** The open custom editors' sessions of `uri`. */
  sessionsOf(uri: vscode.Uri): SummarySession[] {
    return [...this.sessions].filter((s) => s.uri.toString() === uri.toString());
  }

  dispose(): void {
    for (const s of this.sessions) s.dispose();
    this.sessions.clear();
  }
}
