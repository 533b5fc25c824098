/**
 * The Compare Builds webview panel (view type PANELS.compare): one panel per set of traces (running
 * the same comparison again reveals and refreshes it). The comparison starts as soon as the panel is
 * created, in parallel with the page loading; the page asks with `compareReady` and gets only the
 * ComparePayload (aggregates). The page keeps its last payload in its state, and a
 * WebviewPanelSerializer brings the panel back after a reload without re-reading the traces until
 * the user presses Refresh. Site clicks open the source line beside the panel; exports are saved
 * through a save dialog or copied to the clipboard.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { PANELS } from '../../shared/ids';
import {
  COMPARE_PROTOCOL_VERSION,
  describeMessage,
  parseCompareWebviewMessage,
  type CompareHostMessage,
  type CompareRenderedMessage,
  type CompareSessionState,
  type CompareWebviewMessage,
} from '../../shared/protocol';
import { errorText, type Logger } from '../log';
import { buildWebviewHtml, webviewOptions } from '../webviewHtml';
import { startCompare, type CompareOutcome, type CompareRun, type CompareRunDeps, type CompareSession, type TraceProgress } from './compareRun';

/** What the page drew, as reported to the API and the tests. */
export interface CompareRenderedEvent extends Omit<CompareRenderedMessage, 'type'> {
  /** The traces of the panel, baseline first. */
  readonly uris: readonly vscode.Uri[];
}

export interface ComparePanelDeps extends CompareRunDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly onRendered: (event: CompareRenderedEvent) => void;
}

/** The page's saved state, as far as the host reads it (see src/webview/compare/host.ts). */
interface SavedPageState {
  readonly session?: CompareSessionState;
}

const sessionKey = (uris: readonly vscode.Uri[]) => uris.map((u) => u.toString()).join('\n');

/** Owns every open compare panel. */
export class ComparePanels implements vscode.Disposable {
  private readonly panels = new Map<string, ComparePanel>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly deps: ComparePanelDeps) {
    this.registration = vscode.window.registerWebviewPanelSerializer(PANELS.compare, {
      deserializeWebviewPanel: async (panel, state: unknown) => this.revive(panel, state),
    });
  }

  /** Shows (creating or revealing) the comparison of `session` and resolves with its outcome. */
  async show(session: CompareSession): Promise<CompareOutcome> {
    const key = sessionKey(session.uris);
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
      panel.recompute(session);
    } else {
      const webview = vscode.window.createWebviewPanel(PANELS.compare, titleOf(session), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(this.deps.extensionUri));
      panel = this.adopt(webview, session);
    }
    return panel.outcome();
  }

  private revive(webview: vscode.WebviewPanel, state: unknown): void {
    const saved = (typeof state === 'object' && state !== null ? state : {}) as SavedPageState;
    const uris = Array.isArray(saved.session?.uris) ? saved.session.uris.filter((u): u is string => typeof u === 'string').map((u) => vscode.Uri.parse(u, true)) : [];
    const labels = uris.map((_, i) => saved.session?.labels?.[i] ?? undefined);
    webview.webview.options = webviewOptions(this.deps.extensionUri);
    this.adopt(webview, uris.length >= 2 ? { uris, labels } : undefined, true);
    this.deps.log.info(`Restored a compare panel (${uris.length} traces)`);
  }

  private adopt(webview: vscode.WebviewPanel, session: CompareSession | undefined, restored = false): ComparePanel {
    const key = session ? sessionKey(session.uris) : `restored:${Math.random()}`;
    const panel = new ComparePanel(webview, session, this.deps, restored, () => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    this.panels.set(key, panel);
    return panel;
  }

  dispose(): void {
    this.registration.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

function titleOf(session: CompareSession): string {
  const names = session.uris.map((u, i) => session.labels[i] ?? path.posix.basename(u.path).replace(/\..*$/, ''));
  return shorten(`Compare: ${names.join(' vs ')}`);
}

/** Tab titles stay readable: at most 60 characters. */
function shorten(title: string): string {
  return title.length > 60 ? `${title.slice(0, 57)}…` : title;
}

class ComparePanel {
  private run: CompareRun | undefined;
  private current: Promise<CompareOutcome>;
  private latestRequest = -1;
  private lastProgress: readonly TraceProgress[] = [];
  private disposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private session: CompareSession | undefined,
    private readonly deps: ComparePanelDeps,
    restored: boolean,
    private readonly onDispose: () => void,
  ) {
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'exitlens.svg');
    this.panel.webview.html = buildWebviewHtml(this.panel.webview, deps.extensionUri, { title: 'ExitLens — compare builds', script: 'compare.js', style: 'compare.css' });
    this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    this.panel.onDidDispose(() => this.dispose());
    // A restored panel shows its saved payload; it re-reads the traces only on Refresh.
    this.current = restored || !session ? Promise.resolve({ ok: false, cancelled: true, message: 'restored' }) : this.compute(session);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  outcome(): Promise<CompareOutcome> {
    return this.current;
  }

  /** Re-runs with (possibly relabelled) traces and answers the page's newest request. */
  recompute(session: CompareSession): void {
    this.session = session;
    this.panel.title = titleOf(session);
    this.current = this.compute(session);
    if (this.latestRequest >= 0) void this.reply(this.latestRequest);
  }

  private compute(session: CompareSession): Promise<CompareOutcome> {
    this.run?.cancel();
    const run = startCompare(session, this.deps, (traces) => {
      this.lastProgress = traces;
      if (this.latestRequest >= 0) this.post({ type: 'compareProgress', requestId: this.latestRequest, traces: [...traces] });
    });
    this.run = run;
    return run.outcome.then((outcome) => {
      if (outcome.ok && !this.disposed) this.panel.title = shorten(`Compare: ${outcome.payload.title}`);
      if (!outcome.ok && !outcome.cancelled) {
        this.deps.log.error(outcome.message);
        if (!this.disposed) void vscode.window.showErrorMessage(outcome.message);
      }
      return outcome;
    });
  }

  private receive(raw: unknown): void {
    const message = parseCompareWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn(`Compare webview sent an unknown message, ignored: ${describeMessage(raw)}`);
      return;
    }
    this.handle(message).catch((e: unknown) => this.deps.log.error(`Compare panel: ${errorText(e)}`));
  }

  private async handle(message: CompareWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'compareReady':
        if (message.protocol !== COMPARE_PROTOCOL_VERSION) this.deps.log.warn(`Compare webview speaks protocol ${message.protocol}, host ${COMPARE_PROTOCOL_VERSION}`);
        this.latestRequest = message.requestId;
        if (this.lastProgress.length > 0) this.post({ type: 'compareProgress', requestId: message.requestId, traces: [...this.lastProgress] });
        return this.reply(message.requestId);
      case 'compareRefresh':
        this.latestRequest = message.requestId;
        if (!this.session) {
          this.post({ type: 'compareError', requestId: message.requestId, message: 'This panel does not know its traces any more; run "ExitLens: Compare Builds" again.' });
          return;
        }
        this.current = this.compute(this.session);
        return this.reply(message.requestId);
      case 'compareRendered':
        this.deps.onRendered({ ...message, uris: this.session?.uris ?? [] });
        return;
      case 'compareOpenSite':
        return openSite(message.file, message.line, this.deps.log);
      case 'compareExport':
        return exportData(message.format, message.action, message.name, message.data);
      case 'compareLog':
        this.deps.log[message.level](`[compare webview] ${message.message}`);
        return;
    }
  }

  private async reply(requestId: number): Promise<void> {
    const outcome = await this.current;
    if (requestId !== this.latestRequest) return; // superseded
    if (outcome.ok) {
      this.post({ type: 'comparePayload', requestId, protocol: COMPARE_PROTOCOL_VERSION, payload: outcome.payload, ...(this.session ? { session: sessionState(this.session) } : {}) });
    } else if (!outcome.cancelled) {
      this.post({ type: 'compareError', requestId, message: outcome.message });
    } else if (outcome.message !== 'restored') {
      this.post({ type: 'compareError', requestId, message: 'Comparison cancelled. Press Refresh or run "ExitLens: Compare Builds" again.' });
    }
  }

  private post(message: CompareHostMessage): void {
    if (this.disposed) return;
    this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.deps.log.warn(`postMessage failed: ${errorText(e)}`));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.run?.cancel();
    this.onDispose();
    this.panel.dispose();
  }
}

function sessionState(session: CompareSession): CompareSessionState {
  return { uris: session.uris.map((u) => u.toString()), labels: session.labels.map((l) => l ?? null) };
}

/**
 * The workspace file a site names: an absolute path as is, a relative one (workspace-relative, as
 * the path mapper writes them) in the first folder that has it.
 */
export async function resolveSiteFile(file: string): Promise<vscode.Uri | undefined> {
  const candidates = path.isAbsolute(file)
    ? [vscode.Uri.file(file)]
    : (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, ...file.split('/')));
  for (const uri of candidates) {
    try {
      const st = await vscode.workspace.fs.stat(uri);
      if (st.type & vscode.FileType.File) return uri;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Opens `file` at 1-based `line` beside the panel, or says why it cannot. */
async function openSite(file: string, line: number, log: Logger): Promise<void> {
  const uri = await resolveSiteFile(file);
  if (!uri) {
    const text = `${file} is not in this workspace, so line ${line} cannot be opened (symbol files record paths of the machine that built the guest; open the source folder as the workspace).`;
    log.warn(text);
    void vscode.window.showWarningMessage(text);
    return;
  }
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(position, position), preserveFocus: false, preview: true });
}

const FILTERS: Record<'png' | 'csv' | 'md', Record<string, string[]>> = {
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  md: { Markdown: ['md'] },
};

/** Saves an export through a save dialog, or copies text to the clipboard. */
async function exportData(format: 'png' | 'csv' | 'md', action: 'save' | 'copy', name: string, data: string): Promise<void> {
  if (action === 'copy') {
    if (format === 'png') return;
    await vscode.env.clipboard.writeText(data);
    void vscode.window.showInformationMessage(`ExitLens: ${format === 'md' ? 'Markdown' : 'CSV'} copied to the clipboard.`);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    filters: FILTERS[format],
    title: `ExitLens: save ${name}`,
  });
  if (!target) return;
  const bytes = format === 'png' ? Buffer.from(data.slice(data.indexOf(',') + 1), 'base64') : new TextEncoder().encode(data);
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`ExitLens: saved ${vscode.workspace.asRelativePath(target, false)}.`);
}
