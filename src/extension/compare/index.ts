/**
 * Compare Builds (issue 6), wired together: the command handler (palette quick picks, Explorer
 * multi-selection, calls from other features with URIs), the compare panels with their serializer,
 * and the event the API exposes when a page has drawn. `extension.ts` registers it with one line.
 */
import * as vscode from 'vscode';
import { MAX_TRACES, MIN_TRACES } from '../../core/compare/compareModel';
import type { ComparePayload } from '../../core/compare/payload';
import type { Logger } from '../log';
import type { SymbolizedSummaries } from '../symbolizedSummaries';
import { ComparePanels, type CompareRenderedEvent } from './comparePanel';
import { pickTraces, rememberSet, urisFromArgs } from './comparePicker';
import type { CompareSession } from './compareRun';

export type { CompareRenderedEvent } from './comparePanel';

/** What the feature needs from the extension. */
export interface CompareBuildsDeps {
  readonly extensionUri: vscode.Uri;
  readonly summaries: SymbolizedSummaries;
  readonly log: Logger;
  /** Where the last comparison is remembered (the workspace's state). */
  readonly state: vscode.Memento;
}

/** The feature: its command and the render event for the API. */
export class CompareBuilds implements vscode.Disposable {
  private readonly rendered = new vscode.EventEmitter<CompareRenderedEvent>();
  private readonly panels: ComparePanels;

  /** Fires when a compare page has drawn a comparison (with the numbers it drew). */
  readonly onDidRender = this.rendered.event;

  /** Creates the panels (and their serializer) and hands the disposables to the context. */
  static register(context: vscode.ExtensionContext, deps: Omit<CompareBuildsDeps, 'extensionUri' | 'state'>): CompareBuilds {
    const feature = new CompareBuilds({ ...deps, extensionUri: context.extensionUri, state: context.workspaceState });
    context.subscriptions.push(feature);
    return feature;
  }

  private constructor(private readonly deps: CompareBuildsDeps) {
    this.panels = new ComparePanels({ extensionUri: deps.extensionUri, summaries: deps.summaries, log: deps.log, onRendered: (e) => this.rendered.fire(e) });
  }

  /**
   * The Compare Builds command: with two or more URIs (Explorer multi-selection, or `(uri, uris[])` from
   * another feature) compares them at once; otherwise asks, with any single URI ticked in advance.
   * Resolves with the payload drawn, or undefined when cancelled or failed (a message says why).
   */
  readonly command = async (...args: unknown[]): Promise<ComparePayload | undefined> => {
    const given = urisFromArgs(args);
    let session: CompareSession | undefined;
    if (given.length > MAX_TRACES) {
      void vscode.window.showErrorMessage(`Compare Builds takes ${MIN_TRACES} to ${MAX_TRACES} traces; ${given.length} are selected.`);
      return undefined;
    }
    if (given.length >= MIN_TRACES) session = { uris: given, labels: given.map(() => undefined) };
    else session = await pickTraces(this.deps.state, given);
    if (!session) return undefined;
    await rememberSet(this.deps.state, session);
    const outcome = await this.panels.show(session);
    return outcome.ok ? outcome.payload : undefined;
  };

  dispose(): void {
    this.panels.dispose();
    this.rendered.dispose();
  }
}
