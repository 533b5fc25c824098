/**
 * The quick pick behind "Annotate Sources from Trace" and "Set Baseline Trace": the last summarised
 * trace first (the default), then open trace documents, then the workspace's trace files, then
 * "Browse…". Pure VS Code glue; returns the picked URI.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../../shared/ids';
import { findTraceFiles } from '../tracesView';

/** What the picker returns: a trace, the "clear" action, or nothing (dismissed). */
export type TracePick = { readonly uri: vscode.Uri } | { readonly clear: true } | undefined;

interface Item extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
  readonly action?: 'browse' | 'clear';
}

/** Options of {@link pickTrace}. */
export interface PickTraceOptions {
  readonly title: string;
  readonly placeholder: string;
  /** Offered first, e.g. the last summarised trace. */
  readonly preferred?: { readonly uri: vscode.Uri; readonly why: string };
  /** Traces in the folder of this one are offered next (a build's other runs usually sit together). */
  readonly near?: vscode.Uri;
  /** Traces summarised in this session, most recent first. */
  readonly recent?: readonly vscode.Uri[];
  /** Left out of the list (e.g. the annotated trace when picking its baseline). */
  readonly exclude?: vscode.Uri;
  /** Adds a "clear" entry with this label. */
  readonly clearLabel?: string;
  /** Where to say what was offered (the ExitLens log). */
  readonly log?: (message: string) => void;
}

/** Names the default trace glob gives to traces (package.json's exitlens.traceGlob default), in one folder. */
const TRACE_NAMES = '*.{exittrace,kvmtrace,exitlens.jsonl,perf.txt,trace.txt}';

/** Trace files in the same workspace folder as `uri`, sorted by name. */
async function tracesNear(uri: vscode.Uri): Promise<vscode.Uri[]> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return [];
  const dir = path.posix.relative(folder.uri.path, path.posix.dirname(uri.path));
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, dir ? `${dir}/${TRACE_NAMES}` : TRACE_NAMES), undefined, 200);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** A document in the exit-trace language, or named like a trace. */
function isTraceDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE_ID || TRACE_NAME_RE.test(doc.uri.path);
}

const TRACE_NAME_RE = /\.(exittrace|kvmtrace|exitlens\.jsonl|perf\.txt|trace\.txt)$/;

/** Shows the picker; resolves when the user chose or dismissed it. */
export async function pickTrace(options: PickTraceOptions): Promise<TracePick> {
  const items: Item[] = [];
  const seen = new Set<string>(options.exclude ? [options.exclude.toString()] : []);
  const add = (uri: vscode.Uri, detail?: string) => {
    if (seen.has(uri.toString())) return;
    seen.add(uri.toString());
    const rel = vscode.workspace.asRelativePath(uri, false);
    const dir = path.posix.dirname(rel);
    items.push({ label: path.posix.basename(uri.path), description: dir === '.' ? '' : dir, ...(detail ? { detail } : {}), uri });
  };
  if (options.clearLabel) items.push({ label: `$(close) ${options.clearLabel}`, action: 'clear' });
  if (options.preferred) add(options.preferred.uri, options.preferred.why);
  if (options.near) for (const uri of await tracesNear(options.near)) add(uri, `next to ${path.posix.basename(options.near.path)}`);
  for (const uri of options.recent ?? []) add(uri, 'summarised recently');
  const active = vscode.window.activeTextEditor?.document;
  if (active && !active.isUntitled && isTraceDocument(active)) add(active.uri, 'in the active editor');
  for (const doc of vscode.workspace.textDocuments) if (!doc.isUntitled && isTraceDocument(doc)) add(doc.uri, 'open in an editor');
  for (const uri of await findTraceFiles()) add(uri);
  // Also traces outside exitlens.traceGlob (a narrow glob must not hide the simulator's output).
  for (const uri of (await vscode.workspace.findFiles(`**/${TRACE_NAMES}`, '**/node_modules/**', 500)).sort((a, b) => a.path.localeCompare(b.path))) add(uri);
  options.log?.(`${options.title}: offering ${items.length} trace(s)${active ? `; active editor ${vscode.workspace.asRelativePath(active.uri, false)} (${active.languageId})` : ''}`);
  items.push({ label: '$(folder-opened) Browse…', action: 'browse', alwaysShow: true });

  const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeholder, matchOnDescription: true, ignoreFocusOut: false });
  if (!picked) return undefined;
  if (picked.action === 'clear') return { clear: true };
  if (picked.uri) return { uri: picked.uri };
  const browsed = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this trace', title: options.title });
  return browsed?.[0] ? { uri: browsed[0] } : undefined;
}
