/**
 * ExitLens extension entry point. `activate` reads like a table of contents: services, views, commands,
 * all handed to `context.subscriptions`. Returns a small API (also what the integration tests use).
 */
import * as vscode from 'vscode';
import type { TraceSummary } from '../core/model/summary';
import { COMMANDS } from '../shared/ids';
import { registerCommands, targetUri } from './commands';
import { Annotations, type AnnotationsApi } from './annotations/index';
import { CompareBuilds, type CompareRenderedEvent } from './compare/index';
import { HotSitesViewProvider } from './hotSitesView';
import { SummaryEditorProvider } from './editor/summaryEditor';
import { TraceCodeLensProvider } from './editor/traceCodeLens';
import { TraceStatusBar, activeTraceUri } from './editor/traceStatusBar';
import { createLogger } from './log';
import { simulateWorkloadHandler } from './simulateWorkload';
import { SymbolizedSummaries } from './symbolizedSummaries';
import { SummaryPanels, type RenderedEvent } from './summaryPanel';
import { TraceSummaries } from './traceSummaries';
import { TracesViewProvider, findTraceFiles } from './tracesView';

/** What `activate` returns; other extensions and the integration tests may call it. */
export interface ExitLensApi {
  readonly apiVersion: 1;
  /** Summarises a trace without showing anything. */
  summarize(uri: vscode.Uri): Promise<TraceSummary>;
  /** The files the Traces view lists. */
  listTraceFiles(): Promise<vscode.Uri[]>;
  /** Fires when a summary webview has drawn its chart. */
  readonly onDidRenderSummary: vscode.Event<RenderedEvent>;
  /** The summary service (worker, cache, progress, cancel): for tests and benchmarks of big traces. */
  readonly summaries: TraceSummaries;
  /** Source annotations: the applied decorations per editor, the annotated trace and its index (read-only). */
  readonly annotations: AnnotationsApi;
  /** Fires when a Compare Builds page has drawn a comparison, with the numbers it drew. */
  readonly onDidRenderCompare: vscode.Event<CompareRenderedEvent>;
}

/** Registers everything (a flat list; each piece disposes through context.subscriptions) and returns the API. */
export function activate(context: vscode.ExtensionContext): ExitLensApi {
  const log = createLogger();
  const rendered = new vscode.EventEmitter<RenderedEvent>();
  const summaries = TraceSummaries.forExtension(context, log);
  const summaryDeps = { extensionUri: context.extensionUri, summaries, log, onRendered: (e: RenderedEvent) => rendered.fire(e) };
  const panels = new SummaryPanels(summaryDeps);
  context.subscriptions.push(log, rendered, summaries, panels);

  const traces = TracesViewProvider.register(context, summaries);
  SummaryEditorProvider.register(context, summaryDeps);
  TraceCodeLensProvider.register(context, summaries);
  TraceStatusBar.register(context, summaries);
  const annotations = Annotations.register(context, { summaries, log });
  HotSitesViewProvider.register(context, annotations.indexes, annotations.currentSettings);
  const compare = CompareBuilds.register(context, { summaries: new SymbolizedSummaries({ summaries, log }), log });

  registerCommands(context, {
    [COMMANDS.openTraceSummary]: async (arg) => {
      const uri = targetUri(arg) ?? activeTraceUri() ?? (await pickTrace());
      return uri ? panels.show(uri) : undefined;
    },
    [COMMANDS.refreshTraces]: () => traces.refresh(),
    [COMMANDS.compareBuilds]: compare.command,
    [COMMANDS.simulateWorkload]: simulateWorkloadHandler({ extensionUri: context.extensionUri, workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'parseWorker.js').fsPath, log }),
    [COMMANDS.toggleAnnotations]: annotations.commands.toggle,
    [COMMANDS.annotateSources]: annotations.commands.annotateSources,
    [COMMANDS.setBaseline]: annotations.commands.setBaseline,
    [COMMANDS.revealSite]: annotations.commands.revealSite,
  });

  log.info(`ExitLens ${context.extension.packageJSON.version} activated`);
  return {
    apiVersion: 1,
    summarize: (uri) => summaries.start(uri).result,
    listTraceFiles: findTraceFiles,
    onDidRenderSummary: rendered.event,
    summaries,
    annotations: annotations.api,
    onDidRenderCompare: compare.onDidRender,
  };
}

/** Asks for a trace when a command runs with no file at hand (e.g. from the palette with no editor). */
async function pickTrace(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Summarise trace', title: 'ExitLens: choose a trace file' });
  return picked?.[0];
}

/** Nothing to do: every registration is disposed through context.subscriptions. */
export function deactivate(): void {}
