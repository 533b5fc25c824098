/**
 * The webview HTML builder's hygiene, checked on its output: strict CSP with a fresh nonce, no inline
 * script or style, every resource through asWebviewUri under dist/, resource roots only dist/ and media/.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { buildWebviewHtml, escapeHtml, webviewOptions } from '../../src/extension/webviewHtml';
import { extension } from './helpers';

/** Just enough of a Webview for the builder: a CSP source and a URI mapping that marks what it mapped. */
const fakeWebview = {
  cspSource: 'https://csp.example',
  asWebviewUri: (uri: vscode.Uri) => vscode.Uri.parse(`https://csp.example/mapped${uri.path}`),
} as unknown as vscode.Webview;

describe('webview HTML and options', () => {
  const root = () => extension().extensionUri;
  const page = { title: 'Exits: <b>"x" & y</b>', script: 'summary.js', style: 'summary.css' };

  it('sets a strict CSP whose only script source is this page\'s nonce', () => {
    const html = buildWebviewHtml(fakeWebview, root(), page);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.ok(csp, 'no CSP meta tag');
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, csp);
    assert.ok(csp.startsWith("default-src 'none'"), csp);
    assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), csp);
    assert.ok(csp.includes('style-src https://csp.example'), csp);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepStrictEqual(scripts.length, 1);
    assert.ok(scripts[0].includes(`nonce="${nonce}"`));
    assert.ok(!/<style|style="/.test(html), 'no inline style');
    assert.notStrictEqual(nonce, /nonce-([^']+)'/.exec(buildWebviewHtml(fakeWebview, root(), page))?.[1], 'a new nonce per page');
  });

  it('loads the bundle and stylesheet from dist/webview through asWebviewUri', () => {
    const html = buildWebviewHtml(fakeWebview, root(), page);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepStrictEqual(sources, [
      `https://csp.example/mapped${vscode.Uri.joinPath(root(), 'dist', 'webview', 'summary.css').path}`,
      `https://csp.example/mapped${vscode.Uri.joinPath(root(), 'dist', 'webview', 'summary.js').path}`,
    ]);
  });

  it('escapes the title (it contains a file name)', () => {
    const html = buildWebviewHtml(fakeWebview, root(), page);
    assert.ok(html.includes('<title>Exits: &lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;</title>'));
    assert.strictEqual(escapeHtml(`<img src=x onerror='a'>`), '&lt;img src=x onerror=&#39;a&#39;&gt;');
  });

  it('enables scripts and limits local resources to dist/ and media/', () => {
    const options = webviewOptions(root());
    assert.strictEqual(options.enableScripts, true);
    assert.deepStrictEqual(
      options.localResourceRoots?.map((u) => u.toString()),
      [vscode.Uri.joinPath(root(), 'dist').toString(), vscode.Uri.joinPath(root(), 'media').toString()],
    );
  });
});
