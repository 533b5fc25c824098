/**
 * Source annotations (issue 5), wired together: the site index service, the decorations, the hover
 * provider, the status-bar item, the annotationsOn context key, and the four commands
 * (toggle, annotate from a trace, set the baseline, reveal a site). `extension.ts` registers it with
 * one line and maps the command table onto {@link Annotations.commands}.
 */
import * as vscode from 'vscode';
import type { SiteIndex } from '../../core/sites/siteIndex';
import { isAbsolutePath, joinPath } from '../../core/symbols/pathUtil';
import { CONTEXT_KEYS } from '../../shared/ids';
import type { Logger } from '../log';
import { SiteIndexes, type AnnotatedTrace } from '../siteIndexes';
import type { TraceSummaries } from '../traceSummaries';
import { hottestLine } from './decorationModel';
import { AnnotationDecorations, matchDocument, type AppliedAnnotations } from './decorations';
import { ExitHoverProvider } from './hoverProvider';
import { affectsAnnotations, affectsSymbols, readAnnotationSettings, type AnnotationSettingsSnapshot } from './settings';
import { AnnotationStatusBar } from './statusBar';
import { pickTrace } from './tracePicker';
import { TraceSymbolizer } from './traceSymbols';

/** The read-only view of the annotations that `activate` returns (used by the integration tests). */
export interface AnnotationsApi {
  /** The decorations applied to the visible editor showing `uri` (ranges' lines, counts, texts). */
  current(uri: vscode.Uri): AppliedAnnotations | undefined;
  /** Whether annotations are switched on. */
  readonly enabled: boolean;
  /** The annotated trace and the baseline, when set. */
  trace(): vscode.Uri | undefined;
  baseline(): vscode.Uri | undefined;
  /** The index the decorations and hovers read. */
  index(): SiteIndex | undefined;
  /** Resolves once summarising/symbolising is done and the visible editors are decorated. */
  whenIdle(): Promise<void>;
  /** Fires after decorations were applied to the visible editors. */
  readonly onDidApply: vscode.Event<void>;
}

/** What a command returns about the trace it set (for the tests and for callers such as the walkthrough). */
export interface AnnotatedTraceInfo {
  readonly trace: string;
  readonly name: string;
  /** Source files and lines with exits. */
  readonly files: number;
  readonly lines: number;
  /** Sites without a source line. */
  readonly unresolved: number;
}

/** The argument of the revealSite command (what the Hot Exit Sites view passes). */
export interface RevealSiteArgs {
  /** Index key: workspace-relative path, or the path recorded in the debug info. */
  readonly file: string;
  readonly line: number;
  /** URI (string) of the trace the site belongs to; default the annotated trace. */
  readonly trace?: string;
}

/** Dependencies of the annotations. */
export interface AnnotationsDeps {
  readonly summaries: TraceSummaries;
  readonly log: Logger;
}

/** The annotation feature: state, views and command handlers. */
export class Annotations implements vscode.Disposable {
  readonly indexes: SiteIndexes;
  readonly api: AnnotationsApi;
  private readonly decorations: AnnotationDecorations;
  private readonly statusBar: AnnotationStatusBar;
  private readonly disposables: vscode.Disposable[] = [];
  private settings: AnnotationSettingsSnapshot = readAnnotationSettings();
  private on: boolean;

  /** Creates everything and hands the disposables to the extension context. */
  static register(context: vscode.ExtensionContext, deps: AnnotationsDeps): Annotations {
    const annotations = new Annotations(deps);
    context.subscriptions.push(annotations);
    return annotations;
  }

  private constructor(private readonly deps: AnnotationsDeps) {
    this.on = this.settings.enabled;
    this.indexes = new SiteIndexes({ summaries: deps.summaries, symbolizer: new TraceSymbolizer(), log: deps.log });
    const settings = () => this.settings;
    const isOn = () => this.on;
    this.decorations = new AnnotationDecorations(this.indexes, settings, isOn);
    this.statusBar = new AnnotationStatusBar(this.indexes, isOn);
    this.disposables.push(
      this.indexes,
      this.decorations,
      this.statusBar,
      ExitHoverProvider.register(this.indexes, settings, isOn),
      this.indexes.onDidChange(() => this.statusBar.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsAnnotations(e)) {
          const enabledBefore = this.settings.enabled;
          this.settings = readAnnotationSettings();
          if (this.settings.enabled !== enabledBefore) this.setOn(this.settings.enabled);
          else this.decorations.schedule();
        }
        if (affectsSymbols(e)) void this.indexes.resymbolize();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.indexes.resymbolize()),
    );
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.annotationsOn, this.on);
    const decorations = this.decorations;
    const indexes = this.indexes;
    const enabled = () => this.on;
    this.api = {
      current: (uri) => decorations.current(uri),
      get enabled() {
        return enabled();
      },
      trace: () => indexes.current?.uri,
      baseline: () => indexes.baseline?.uri,
      index: () => indexes.index,
      whenIdle: async () => {
        await indexes.whenIdle();
        decorations.refresh();
      },
      onDidApply: decorations.onDidApply,
    };
  }

  /** The annotation settings as last read (the Hot Exit Sites view sorts and filters with them). */
  readonly currentSettings = (): AnnotationSettingsSnapshot => this.settings;

  /** The command handlers, keyed like the command table in extension.ts. */
  get commands() {
    return {
      toggle: () => this.toggle(),
      annotateSources: (arg?: unknown) => this.annotateSources(arg),
      setBaseline: (arg?: unknown) => this.setBaseline(arg),
      revealSite: (arg?: unknown) => this.revealSite(arg),
    };
  }

  /** Turns annotations on or off; resolves with the new state. */
  async toggle(): Promise<boolean> {
    await this.setOn(!this.on);
    if (this.on && !this.indexes.current && !this.indexes.busy) {
      void vscode.window.showInformationMessage('ExitLens: annotations are on; summarise a trace or run "Annotate Sources from Trace" to see its exits on the guest sources.');
    }
    return this.on;
  }

  private async setOn(on: boolean): Promise<void> {
    this.on = on;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.annotationsOn, on);
    this.statusBar.update();
    this.decorations.refresh();
  }

  /**
   * Annotates sources from a trace: the URI argument (explorer, custom editor, walkthrough), else the
   * one picked (default: the last summarised trace). Turns annotations on and, when no visible editor
   * shows an annotated file, opens the hottest line.
   */
  async annotateSources(arg?: unknown): Promise<AnnotatedTraceInfo | undefined> {
    let uri = uriArg(arg);
    if (!uri) {
      const last = this.deps.summaries.last?.uri ?? this.indexes.current?.uri;
      const pick = await pickTrace({
        title: 'ExitLens: Annotate Sources from Trace',
        placeholder: 'Trace whose exits are shown on the guest source lines',
        ...(last ? { preferred: { uri: last, why: 'last summarised' } } : {}),
        recent: this.indexes.recent,
        log: (m) => this.deps.log.info(m),
      });
      if (!pick || !('uri' in pick)) return undefined;
      uri = pick.uri;
    }
    const trace = await this.indexes.show(uri, { pin: true });
    if (!trace) return undefined;
    if (!this.on) await this.setOn(true);
    await this.revealHottest(trace);
    return this.info(trace);
  }

  /**
   * Sets the baseline the deltas are computed against: the URI argument, else the one picked. The
   * picker's clear entry, or the argument `{ clear: true }` (for scripts and tests), removes it.
   */
  async setBaseline(arg?: unknown): Promise<AnnotatedTraceInfo | undefined> {
    if ((arg as { clear?: unknown } | undefined)?.clear === true) {
      await this.indexes.setBaseline(undefined);
      return undefined;
    }
    let uri = uriArg(arg);
    if (!uri) {
      const current = this.indexes.current;
      const pick = await pickTrace({
        title: 'ExitLens: Set Baseline Trace',
        placeholder: current ? `Baseline to compare ${current.name} against` : 'Baseline trace for the deltas in annotations and hovers',
        ...(current ? { exclude: current.uri, near: current.uri } : {}),
        recent: this.indexes.recent,
        log: (m) => this.deps.log.info(m),
        ...(this.indexes.baseline ? { clearLabel: `Clear the baseline (${this.indexes.baseline.name})` } : {}),
      });
      if (!pick) return undefined;
      if ('clear' in pick) {
        await this.indexes.setBaseline(undefined);
        return undefined;
      }
      uri = pick.uri;
    }
    const base = await this.indexes.setBaseline(uri);
    return base ? this.info(base) : undefined;
  }

  /** Opens a site's source line (from the Hot Exit Sites view); false when the file is not there. */
  async revealSite(arg?: unknown): Promise<boolean> {
    const site = arg as Partial<RevealSiteArgs> | undefined;
    if (!site || typeof site.file !== 'string' || typeof site.line !== 'number') {
      void vscode.window.showInformationMessage('ExitLens: pick a site in the Hot Exit Sites view to open its source line.');
      return false;
    }
    const trace = [this.indexes.current, this.indexes.baseline].find((t) => t && (site.trace === undefined || t.uri.toString() === site.trace)) ?? this.indexes.current;
    const uri = siteUri(site.file, trace);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      void vscode.window.showWarningMessage(
        `ExitLens: ${site.file} is not in the workspace, so line ${site.line} cannot be shown (the path comes from the trace's symbols; add the sources to the workspace).`,
      );
      return false;
    }
    const position = new vscode.Position(Math.max(0, site.line - 1), 0);
    const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }

  private async revealHottest(trace: AnnotatedTrace): Promise<void> {
    const index = this.indexes.index;
    if (!index) return;
    if (vscode.window.visibleTextEditors.some((e) => matchDocument(index, e.document.uri, trace.root) !== undefined)) return;
    const hot = hottestLine(index, this.settings.categories);
    if (hot) await this.revealSite({ file: hot.file, line: hot.line, trace: trace.uri.toString() });
  }

  private info(trace: AnnotatedTrace): AnnotatedTraceInfo {
    const resolved = new Set<string>();
    let lines = 0;
    for (const s of trace.summary.sites) {
      const r = trace.resolutions.get(s.rip);
      if (r?.file !== undefined && r.line !== undefined && !resolved.has(`${r.file}:${r.line}`)) {
        resolved.add(`${r.file}:${r.line}`);
        lines++;
      }
    }
    const files = new Set([...resolved].map((k) => k.slice(0, k.lastIndexOf(':')))).size;
    const unresolved = trace.summary.sites.filter((s) => trace.resolutions.get(s.rip)?.line === undefined).length;
    return { trace: trace.uri.toString(), name: trace.name, files, lines, unresolved };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A URI from a command argument: a Uri, the first of an array, or a URI string. */
function uriArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (Array.isArray(arg)) return uriArg(arg[0]);
  if (typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg)) return vscode.Uri.parse(arg);
  return undefined;
}

/** Where an index file key lives: relative keys under the trace's workspace folder, absolute ones as they are. */
export function siteUri(file: string, trace: AnnotatedTrace | undefined): vscode.Uri {
  const full = isAbsolutePath(file) || trace?.root === undefined ? file : joinPath(trace.root, file);
  if (!trace || trace.uri.scheme === 'file') return vscode.Uri.file(full);
  return trace.uri.with({ path: full });
}
