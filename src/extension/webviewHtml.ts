/**
 * The one function that builds webview HTML. Every ExitLens webview gets the same hygiene: a strict CSP
 * (no inline script or style; scripts only with this page's nonce; styles, images and fonts only from the
 * extension), resources through `asWebviewUri`, and `localResourceRoots` limited to `dist/` and `media/`.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { escapeHtml } from '../core/report/htmlReport';

/** What a page needs: its bundle and stylesheet under `dist/webview/`, and a title. */
export interface WebviewPage {
  readonly title: string;
  /** File name under dist/webview, e.g. `summary.js`. */
  readonly script: string;
  /** File name under dist/webview, e.g. `summary.css`. */
  readonly style: string;
}

/** The only folders a webview may load from (the bundles and the icons). */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Options to pass to `createWebviewPanel`; the single place scripts are enabled. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewResourceRoots(extensionUri) };
}

/** A fresh nonce per page load (128 random bits), as the CSP spec asks. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export { escapeHtml };

/** Builds the page; the body is an empty `#app` that the bundle fills (with textContent only). */
export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = makeNonce();
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(asset(page.style))}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p id="status" class="status">Loading…</p></main>
<script nonce="${nonce}" src="${escapeHtml(asset(page.script))}"></script>
</body>
</html>`;
}
