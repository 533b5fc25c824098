/**
 * Choosing what to compare, like a person would from the palette: one multi-select quick pick over
 * the workspace's trace files and the open trace documents (the last comparison offered first), a
 * baseline pick when more than two are chosen, then one input box per trace prefilled with the
 * label ExitLens derives (simulator header, else file name). The last set is remembered per
 * workspace. Commands invoked with URIs (the Explorer's multi-selection, other features) skip it.
 * Flow: traces (multi-select) → baseline (single select, the first ticked trace offered first) →
 * one label per trace.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { MAX_TRACES, MIN_TRACES } from '../../core/compare/compareModel';
import { HEAD_BYTES, metaFromHead } from '../../core/compare/headMeta';
import { labelTraces } from '../../core/compare/labels';
import type { TraceMeta } from '../../core/model/trace';
import { LANGUAGE_ID } from '../../shared/ids';
import { findTraceFiles } from '../tracesView';
import type { CompareSession } from './compareRun';

/** workspaceState key of the last comparison (URIs and labels). */
export const LAST_SET_KEY = 'compareBuilds.lastSet';

interface StoredSet {
  readonly uris: readonly string[];
  readonly labels: ReadonlyArray<string | null>;
}

/** The URIs a command was invoked with: `(uri, uris[])` from the Explorer, or a URI, or a list. */
export function urisFromArgs(args: readonly unknown[]): vscode.Uri[] {
  const [first, second] = args;
  if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) return dedupe(second as vscode.Uri[]);
  if (Array.isArray(first) && first.every((u) => u instanceof vscode.Uri)) return dedupe(first as vscode.Uri[]);
  if (first instanceof vscode.Uri) return [first];
  return [];
}

function dedupe(uris: readonly vscode.Uri[]): vscode.Uri[] {
  const seen = new Set<string>();
  return uris.filter((u) => !seen.has(u.toString()) && !!seen.add(u.toString()));
}

/** Remembers `session` as the workspace's last comparison. */
export async function rememberSet(state: vscode.Memento, session: CompareSession): Promise<void> {
  const stored: StoredSet = { uris: session.uris.map((u) => u.toString()), labels: session.labels.map((l) => l ?? null) };
  await state.update(LAST_SET_KEY, stored);
}

/** The remembered comparison, if its files still exist. */
export async function lastSet(state: vscode.Memento): Promise<CompareSession | undefined> {
  const stored = state.get<StoredSet>(LAST_SET_KEY);
  if (!stored || !Array.isArray(stored.uris) || stored.uris.length < MIN_TRACES) return undefined;
  const uris = stored.uris.map((u) => vscode.Uri.parse(u, true));
  for (const uri of uris) {
    if (uri.scheme === 'untitled') return undefined;
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return undefined;
    }
  }
  return { uris, labels: uris.map((_, i) => stored.labels?.[i] ?? undefined) };
}

/** Labels ExitLens would give the traces (header of each file, else its name). */
export async function derivedLabels(uris: readonly vscode.Uri[]): Promise<string[]> {
  const metas = await Promise.all(uris.map(readHeadMeta));
  return labelTraces(uris.map((u, i) => ({ file: path.posix.basename(u.path), meta: metas[i] }))).map((l) => l.label);
}

/** The header metadata of a trace from its first bytes (open document text wins over the file). */
export async function readHeadMeta(uri: vscode.Uri): Promise<TraceMeta> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return metaFromHead(open.getText(new vscode.Range(0, 0, 1, 0)));
  try {
    if (uri.scheme === 'file') {
      const fh = await fs.promises.open(uri.fsPath, 'r');
      try {
        const buf = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
        return metaFromHead(buf.subarray(0, bytesRead).toString('utf8'));
      } finally {
        await fh.close();
      }
    }
    return metaFromHead(new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, HEAD_BYTES)));
  } catch {
    return {};
  }
}

interface TraceItem extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
  readonly last?: CompareSession;
}

/**
 * Asks which traces to compare. `preselected` (e.g. the trace whose summary asked "Compare with…")
 * starts ticked. Resolves undefined when the user cancels.
 */
export async function pickTraces(state: vscode.Memento, preselected: readonly vscode.Uri[] = []): Promise<CompareSession | undefined> {
  const previous = await lastSet(state);
  const files = await findTraceFiles();
  const openDocs = vscode.workspace.textDocuments.filter((d) => d.languageId === LANGUAGE_ID && !files.some((f) => f.toString() === d.uri.toString()));
  const items: TraceItem[] = [];
  if (previous) {
    const derived = await derivedLabels(previous.uris);
    const labels = previous.labels.map((l, i) => l ?? derived[i]);
    items.push({ label: `$(history) Last comparison: ${labels.join(' vs ')}`, description: 'pick alone to compare it again', last: previous, alwaysShow: true });
  }
  const traceItem = (uri: vscode.Uri, open: boolean): TraceItem => ({
    label: path.posix.basename(uri.path),
    description: [vscode.workspace.asRelativePath(uri, false).replace(/[^/]*$/, '').replace(/\/$/, ''), open ? 'open in editor' : ''].filter(Boolean).join(' · '),
    uri,
  });
  if (openDocs.length > 0) items.push({ label: 'Open trace documents', kind: vscode.QuickPickItemKind.Separator }, ...openDocs.map((d) => traceItem(d.uri, true)));
  if (files.length > 0) items.push({ label: 'Workspace traces', kind: vscode.QuickPickItemKind.Separator }, ...files.map((f) => traceItem(f, false)));
  if (items.filter((i) => i.uri).length < MIN_TRACES && !previous) {
    void vscode.window.showWarningMessage(`Compare Builds needs ${MIN_TRACES} to ${MAX_TRACES} traces; this workspace has ${items.filter((i) => i.uri).length} matching the exitlens.traceGlob setting. Open trace files or change the setting.`);
    return undefined;
  }

  const qp = vscode.window.createQuickPick<TraceItem>();
  qp.title = 'ExitLens: Compare Builds';
  qp.placeholder = `Pick ${MIN_TRACES} to ${MAX_TRACES} traces (Space to tick, Enter to compare)`;
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.items = items;
  const wanted = new Set(preselected.map((u) => u.toString()));
  qp.selectedItems = items.filter((i) => i.uri && wanted.has(i.uri.toString()));
  const picked = await new Promise<readonly TraceItem[] | undefined>((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      const sel = qp.selectedItems;
      const traces = sel.filter((i) => i.uri);
      const last = sel.find((i) => i.last);
      if (last && traces.length === 0) {
        done = true;
        resolve(sel);
        qp.hide();
        return;
      }
      if (traces.length < MIN_TRACES || traces.length > MAX_TRACES) {
        // Stay open and say why, instead of closing on a selection that cannot be compared.
        qp.placeholder = `${traces.length} picked: pick ${MIN_TRACES} to ${MAX_TRACES} traces (Space to tick, Enter to compare)`;
        return;
      }
      done = true;
      resolve(traces);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
  if (!picked) return undefined;
  const last = picked.find((i) => i.last)?.last;
  if (last) return last;
  let uris = picked.map((i) => i.uri as vscode.Uri);
  const first = preselected[0]?.toString();
  if (first) uris = [...uris.filter((u) => u.toString() === first), ...uris.filter((u) => u.toString() !== first)];
  // Ticked traces come in list order, which says nothing about which is the reference: ask.
  const base = await vscode.window.showQuickPick(
    uris.map((u) => ({ label: path.posix.basename(u.path), description: vscode.workspace.asRelativePath(u, false), uri: u })),
    { title: 'ExitLens: Compare Builds — baseline', placeHolder: 'Which trace is the baseline (A)? The others are compared with it.' },
  );
  if (!base) return undefined;
  uris = [base.uri, ...uris.filter((u) => u !== base.uri)];
  const labels = await askLabels(uris);
  return labels ? { uris, labels } : undefined;
}

/** One input box per trace, prefilled with the derived label; Escape cancels, an empty box keeps the derived label. */
export async function askLabels(uris: readonly vscode.Uri[]): Promise<Array<string | undefined> | undefined> {
  const derived = await derivedLabels(uris);
  const labels: Array<string | undefined> = [];
  for (const [i, uri] of uris.entries()) {
    const value = await vscode.window.showInputBox({
      title: `ExitLens: Compare Builds — label ${i + 1} of ${uris.length}${i === 0 ? ' (baseline A)' : ''}`,
      prompt: `Label for ${vscode.workspace.asRelativePath(uri, false)} in charts and tables`,
      value: derived[i],
      valueSelection: [0, derived[i].length],
      validateInput: (v) => (v.length > 80 ? 'Keep labels under 80 characters.' : undefined),
    });
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    labels.push(trimmed === '' || trimmed === derived[i] ? undefined : trimmed);
  }
  return labels;
}
