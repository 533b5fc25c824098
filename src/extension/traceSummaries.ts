/**
 * Summarising a trace from the editor: picks the byte source (saved file or unsaved editor text), runs the
 * core's `summarizeSource` with cancellation and throttled progress, and remembers the latest result for
 * the views that show it. All VS Code specifics stay here; the work itself is the core's.
 */
import * as vscode from 'vscode';
import { CancelledError, type CancellationSignal } from '../core/io/byteSource';
import { summarizeSource } from '../core/analysis/summarize';
import type { TraceSummary } from '../core/model/summary';
import { documentSource, workspaceSource, displayName } from './workspaceSource';

/** Progress is forwarded at most this often (the core may call back per chunk). */
const PROGRESS_INTERVAL_MS = 250;

/** A summarisation the caller can cancel (closing the panel, pressing Refresh). */
export interface SummaryJob {
  readonly uri: vscode.Uri;
  readonly result: Promise<TraceSummary>;
  cancel(): void;
}

/** What a finished summary is announced with. */
export interface SummaryEvent {
  readonly uri: vscode.Uri;
  readonly summary: TraceSummary;
}

/** Options for {@link TraceSummaries.start}. */
export interface StartOptions {
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

/**
 * Starts summaries and publishes each finished one (`onDidSummarize`), so the Hot Exit Sites view can
 * follow the trace the user last looked at without knowing about panels.
 */
export class TraceSummaries implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SummaryEvent>();
  private latest: SummaryEvent | undefined;

  /** Fires after every successful, non-empty summary, in completion order. */
  readonly onDidSummarize = this.emitter.event;

  /** The most recent successful summary, if any. */
  get last(): SummaryEvent | undefined {
    return this.latest;
  }

  /** Begins summarising `uri`; unsaved editor text wins over the file on disk. */
  start(uri: vscode.Uri, options: StartOptions = {}): SummaryJob {
    const signal = { cancelled: false };
    const result = this.run(uri, signal, options);
    return {
      uri,
      result,
      cancel: () => {
        signal.cancelled = true;
      },
    };
  }

  private async run(uri: vscode.Uri, signal: CancellationSignal, options: StartOptions): Promise<TraceSummary> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const source = open && (open.isDirty || open.isUntitled) ? documentSource(open) : workspaceSource(uri);
    let lastReport = 0;
    const summary = await summarizeSource(source, {
      signal,
      onProgress: (bytesRead, totalBytes) => {
        const now = Date.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = now;
        options.onProgress?.(bytesRead, totalBytes);
      },
    });
    if (signal.cancelled) throw new CancelledError();
    // A file with nothing in it is not "the trace the user looked at last" for the views.
    if (!emptyReason(summary)) {
      this.latest = { uri, summary };
      this.emitter.fire(this.latest);
    }
    return summary;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/**
 * Why a summary holds nothing to show (no exit and no aggregated table), or undefined when it has
 * something. Same rule as the CLI's exit code 1; the parser's first warning says what it expected.
 */
export function emptyReason(summary: TraceSummary): string | undefined {
  if (summary.exits > 0 || (summary.tables?.length ?? 0) > 0) return undefined;
  const first = summary.warnings[0]?.message.replace(/^[^:]*: (?=no )/, '');
  return first ?? 'no VM exit and no perf kvm stat / kvm_stat table found';
}

/** A user-facing sentence for a failed summary: names the file, never shows a stack. */
export function describeFailure(uri: vscode.Uri, error: unknown): string {
  const what = error instanceof Error ? error.message : String(error);
  return `Could not summarise ${displayName(uri)}: ${what}`;
}
