/**
 * "ExitLens: N exits — Open summary" above the first line of every text trace (language `exit-trace`).
 * The count comes from the summary service in the background (worker or cache, never announced as "the
 * trace the user looked at"); VS Code asks for it lazily through resolveCodeLens, so a lens off screen
 * costs nothing. Unsaved text is summarised as shown, unless it is too big to parse on every edit.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/io/byteSource';
import { LANGUAGE_ID } from '../../shared/ids';
import { emptyReason, type TraceSummaries } from '../traceSummaries';
import { openSummaryCommand } from './summaryEditor';
import { formatCount } from '../../core/format';

/** Unsaved documents above this many characters get a lens without a count (each edit would re-parse). */
export const MAX_DIRTY_CHARS_COUNTED = 8 << 20;

class TraceLens extends vscode.CodeLens {
  constructor(
    readonly document: vscode.TextDocument,
    readonly version: number,
  ) {
    super(new vscode.Range(0, 0, 0, 0));
  }
}

/** The lens title for a summary (also used by tests to know what to expect). */
export function lensTitle(exits: number): string {
  return `ExitLens: ${formatCount(exits)} ${exits === 1 ? 'exit' : 'exits'} — Open summary`;
}

/** See the module comment. */
export class TraceCodeLensProvider implements vscode.CodeLensProvider<TraceLens>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  static register(context: vscode.ExtensionContext, summaries: TraceSummaries): TraceCodeLensProvider {
    const provider = new TraceCodeLensProvider(summaries);
    context.subscriptions.push(provider, vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, provider));
    return provider;
  }

  private constructor(private readonly summaries: TraceSummaries) {}

  provideCodeLenses(document: vscode.TextDocument): TraceLens[] {
    return [new TraceLens(document, document.version)];
  }

  async resolveCodeLens(lens: TraceLens, token: vscode.CancellationToken): Promise<TraceLens> {
    const uri = lens.document.uri;
    if (lens.document.isDirty && lens.document.getText().length > MAX_DIRTY_CHARS_COUNTED) {
      lens.command = openSummaryCommand(uri, 'ExitLens: Open summary');
      return lens;
    }
    const job = this.summaries.start(uri, { background: true });
    const cancel = token.onCancellationRequested(() => job.cancel());
    try {
      const summary = await job.result;
      const empty = emptyReason(summary);
      lens.command = openSummaryCommand(uri, empty ? 'ExitLens: no VM exits recognised — Open summary' : lensTitle(summary.exits));
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      lens.command = openSummaryCommand(uri, `ExitLens: cannot read this trace (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      cancel.dispose();
    }
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
