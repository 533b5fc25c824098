/**
 * ExitLens extension entry point. `activate` reads like a table of contents: services, views, commands,
 * all handed to `context.subscriptions`. Returns a small API (also what the integration tests use).
 */
import * as vscode from 'vscode';
import type { TraceSummary } from '../core/model/summary';
import { COMMANDS, type CommandId } from '../shared/ids';
import { PLACEHOLDERS, placeholder, registerCommands, targetUri } from './commands';
import { HotSitesViewProvider } from './hotSitesView';
import { createLogger } from './log';
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
  /** Commands that only announce a later version (see commands.ts). */
  readonly placeholderCommands: readonly CommandId[];
  /** Fires when a summary webview has drawn its chart. */
  readonly onDidRenderSummary: vscode.Event<RenderedEvent>;
}

/** Registers everything (a flat list; each piece disposes through context.subscriptions) and returns the API. */
export function activate(context: vscode.ExtensionContext): ExitLensApi {
  const log = createLogger();
  const rendered = new vscode.EventEmitter<RenderedEvent>();
  const summaries = new TraceSummaries();
  const panels = new SummaryPanels({ extensionUri: context.extensionUri, summaries, log, onRendered: (e) => rendered.fire(e) });
  context.subscriptions.push(log, rendered, summaries, panels);

  const traces = TracesViewProvider.register(context);
  HotSitesViewProvider.register(context, summaries);

  registerCommands(context, {
    [COMMANDS.openTraceSummary]: async (arg) => {
      const uri = targetUri(arg) ?? (await pickTrace());
      return uri ? panels.show(uri) : undefined;
    },
    [COMMANDS.refreshTraces]: () => traces.refresh(),
    [COMMANDS.compareBuilds]: placeholder(COMMANDS.compareBuilds, log),
    [COMMANDS.simulateWorkload]: placeholder(COMMANDS.simulateWorkload, log),
    [COMMANDS.toggleAnnotations]: placeholder(COMMANDS.toggleAnnotations, log),
    [COMMANDS.annotateSources]: placeholder(COMMANDS.annotateSources, log),
    [COMMANDS.setBaseline]: placeholder(COMMANDS.setBaseline, log),
    [COMMANDS.revealSite]: placeholder(COMMANDS.revealSite, log),
  });

  log.info(`ExitLens ${context.extension.packageJSON.version} activated`);
  return {
    apiVersion: 1,
    summarize: (uri) => summaries.start(uri).result,
    listTraceFiles: findTraceFiles,
    placeholderCommands: Object.keys(PLACEHOLDERS) as CommandId[],
    onDidRenderSummary: rendered.event,
  };
}

/** Asks for a trace when a command runs with no file at hand (e.g. from the palette with no editor). */
async function pickTrace(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Summarise trace', title: 'ExitLens: choose a trace file' });
  return picked?.[0];
}

/** Nothing to do: every registration is disposed through context.subscriptions. */
export function deactivate(): void {}
