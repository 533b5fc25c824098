/**
 * Shared helpers for the integration suites (they run inside the real extension host, against the
 * temporary workspace scripts/test-integration.js prepares: the real fixtures under `traces/`).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ExitLensApi } from '../../src/extension/extension';

/** The extension's id: publisher.name from package.json. */
export const EXTENSION_ID = 'exitlens.exitlens';

/** The extension under test (loaded from the checkout through extensionDevelopmentPath). */
export function extension(): vscode.Extension<ExitLensApi> {
  const ext = vscode.extensions.getExtension<ExitLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** Activates ExitLens and returns its API. */
export async function api(): Promise<ExitLensApi> {
  return extension().activate();
}

/** The package.json the extension host read (not a copy from disk). */
export function manifest(): {
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { default?: unknown }> };
    views: Record<string, Array<{ id: string }>>;
  };
} {
  return extension().packageJSON;
}

/** The test workspace folder. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tier must run with a workspace folder open');
  return folder.uri;
}

/** A fixture copied into the workspace's traces/ folder. */
export function trace(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), 'traces', name);
}

/** Polls until `probe` returns a truthy value or the time runs out (then fails with `what`). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every open tab whose input is a webview of the given view type (VS Code prefixes the type). */
export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

/** Closes every editor and panel so each test starts from an empty editor area. */
export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Waits for the next `rendered` report of a summary webview for `uri`. */
export function nextRender(exitlens: ExitLensApi, uri: vscode.Uri, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the summary webview for ${uri.path} did not report a drawn chart within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = exitlens.onDidRenderSummary((e) => {
      if (e.uri.toString() !== uri.toString()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.bars);
    });
  });
}

/** The text of every hover VS Code's providers give at a position. */
export async function hoverText(uri: vscode.Uri, line: number): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line - 1, 0))) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .filter((t) => t.includes('**ExitLens**'))
    .join('\n');
}

/** Shows `uri` in `column` without taking focus (a pinned editor, not a preview). */
export async function show(uri: vscode.Uri, column: vscode.ViewColumn): Promise<void> {
  await vscode.window.showTextDocument(uri, { viewColumn: column, preview: false, preserveFocus: true });
}

/** Sets a workspace setting (undefined removes it). */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
}
