/**
 * What the summary page's links and buttons do in VS Code: open the trace as text at a warning's line
 * (honouring the size limit: a huge trace is not loaded into a text model without asking), start Compare
 * Builds or the source annotations with this trace, and export the summary as JSON or Markdown.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { TraceSummary } from '../../core/model/summary';
import { COMMANDS, SETTINGS } from '../../shared/ids';
import { summaryMarkdown } from './summaryMarkdown';
import { formatMB } from '../../core/format';

/** The built-in text editor's id for `vscode.openWith`. */
const TEXT_EDITOR = 'default';

/** The maxEditorFileSizeMB setting (SETTINGS.maxEditorFileSizeMB) in bytes, at least 1 MB whatever it says. */
export function maxEditorBytes(): number {
  const mb = vscode.workspace.getConfiguration().get<number>(SETTINGS.maxEditorFileSizeMB) ?? 50;
  return Math.max(1, Number.isFinite(mb) ? mb : 50) * (1 << 20);
}

/** True when ExitLens should not open `uri` as text on its own (bigger than the setting allows). */
export async function tooBigForTextEditor(uri: vscode.Uri): Promise<{ tooBig: boolean; size?: number }> {
  try {
    const { size } = await vscode.workspace.fs.stat(uri);
    return { tooBig: size > maxEditorBytes(), size };
  } catch {
    return { tooBig: false };
  }
}

/**
 * Opens the trace as text (even when a custom editor is its default) with `line` (1-based) selected and
 * centred; reuses a visible text editor of the file. Over the size limit it asks first. Resolves with the
 * editor, or undefined when the user declined.
 */
export async function openTraceAtLine(uri: vscode.Uri, line: number, label: string): Promise<vscode.TextEditor | undefined> {
  const { tooBig, size } = await tooBigForTextEditor(uri);
  if (tooBig) {
    const open = 'Open Anyway';
    const choice = await vscode.window.showWarningMessage(
      `${label} is ${formatMB(size ?? 0)}, more than ${SETTINGS.maxEditorFileSizeMB} (${formatMB(maxEditorBytes())}): loading it into a text editor takes a lot of memory.`,
      open,
    );
    if (choice !== open) return undefined;
  }
  const same = (e: vscode.TextEditor) => e.document.uri.toString() === uri.toString();
  const visible = vscode.window.visibleTextEditors.find(same);
  await vscode.commands.executeCommand('vscode.openWith', uri, TEXT_EDITOR, visible?.viewColumn ?? vscode.ViewColumn.Beside);
  const editor = vscode.window.activeTextEditor && same(vscode.window.activeTextEditor) ? vscode.window.activeTextEditor : vscode.window.visibleTextEditors.find(same);
  if (!editor) return undefined;
  const target = Math.min(Math.max(0, line - 1), editor.document.lineCount - 1);
  const position = new vscode.Position(target, 0);
  editor.selection = new vscode.Selection(position, editor.document.lineAt(target).range.end);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** Compare Builds with this trace preselected: the same arguments as the Explorer's context menu. */
export function compareWith(uri: vscode.Uri): Thenable<unknown> {
  return vscode.commands.executeCommand(COMMANDS.compareBuilds, uri, [uri]);
}

/** Annotate guest sources from this trace. */
export function annotateFrom(uri: vscode.Uri): Thenable<unknown> {
  return vscode.commands.executeCommand(COMMANDS.annotateSources, uri);
}

/** Export formats, by file extension. */
export type ExportFormat = 'json' | 'markdown';

/** The format a save path asks for (`.md`/`.markdown` → Markdown, anything else JSON). */
export function exportFormatOf(target: vscode.Uri): ExportFormat {
  return /\.(md|markdown)$/i.test(target.path) ? 'markdown' : 'json';
}

/** The exported text: the TraceSummary as JSON (what `exitlens summary --json` prints) or Markdown. */
export function exportText(format: ExportFormat, label: string, summary: TraceSummary): string {
  return format === 'markdown' ? summaryMarkdown(label, summary) : JSON.stringify(summary, null, 2) + '\n';
}

/** Writes the summary to `target` in the format its extension names. */
export async function writeExport(target: vscode.Uri, label: string, summary: TraceSummary): Promise<ExportFormat> {
  const format = exportFormatOf(target);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exportText(format, label, summary)));
  return format;
}

/**
 * Asks where to save (Markdown first: it is what people paste; JSON is the CLI's `--json`), writes the
 * file and says so. Resolves with the file, or undefined when the dialog was dismissed.
 */
export async function exportSummary(uri: vscode.Uri, label: string, summary: TraceSummary): Promise<vscode.Uri | undefined> {
  const base = path.posix.basename(uri.path).replace(/\.(exitlens\.jsonl|perf\.txt|trace\.txt|txt|exittrace|kvmtrace|log|jsonl)$/i, '');
  const folder = uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export the summary of ${label}`,
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.summary.md`) : undefined,
    filters: { Markdown: ['md'], JSON: ['json'] },
  });
  if (!target) return undefined;
  const format = await writeExport(target, label, summary);
  void vscode.window.showInformationMessage(`Exported the summary of ${label} as ${format === 'markdown' ? 'Markdown' : 'JSON'} to ${vscode.workspace.asRelativePath(target, false)}.`);
  return target;
}
