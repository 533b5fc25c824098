/**
 * Summarising a trace from the editor, for every view that shows one (summary panel and custom editor,
 * CodeLens, status bar, Traces view, Compare Builds, annotations). It picks the route:
 *
 * - unsaved editor text (or an untitled document) is already in memory: parsed in the host;
 * - a file whose size and mtime match a remembered summary: answered from the cache (editor/summaryCache.ts);
 * - any other file: parsed in a worker thread (dist/parseWorker.js), so a GB-sized trace never blocks the
 *   extension host's event loop. `file:` URIs are read inside the worker with ranged reads; other schemes
 *   are read here through `workspace.fs` and the bytes transferred to the worker;
 * - without a worker script (tests of the bare service) files are parsed in the host, as before.
 *
 * The work itself is the core's; this module only routes, reports progress, cancels and remembers.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { summarizeSource } from '../core/analysis/summarize';
import type { TraceSummary } from '../core/model/summary';
import { SummaryCache, type FileStamp } from './editor/summaryCache';
import { JobControl, SharedRead, WORKER_PROGRESS_INTERVAL_MS, rememberIfUnchanged, statOf, throttled } from './editor/summaryJobs';
import type { Logger } from './log';
import { documentSource, workspaceSource, displayName } from './workspaceSource';

/** How a summary was obtained. */
export type SummaryRoute = 'cache' | 'worker' | 'host';

/** A summarisation the caller can cancel (closing the panel, pressing Refresh). */
export interface SummaryJob {
  readonly uri: vscode.Uri;
  /** Rejects with CancelledError as soon as the job is cancelled. */
  readonly result: Promise<TraceSummary>;
  cancel(): void;
  /** Resolves when the work has really stopped (the worker thread has exited), after any outcome. */
  readonly stopped?: Promise<void>;
  /** Which route answered (resolves once known; rejects never). */
  readonly route?: Promise<SummaryRoute>;
}

/** What a finished summary is announced with. */
export interface SummaryEvent {
  readonly uri: vscode.Uri;
  readonly summary: TraceSummary;
}

/** Options for {@link TraceSummaries.start}. */
export interface StartOptions {
  /** Bytes read so far, the total when known, and (worker and host routes) the exits found so far. */
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined, exits?: number) => void;
  /**
   * A summary for a view that merely lists traces (Traces view, status bar, CodeLens): it is not
   * "the trace the user looked at last", so it is not announced through onDidSummarize.
   */
  readonly background?: boolean;
  /** Skip the cache (read the file again even if it did not change). */
  readonly noCache?: boolean;
}

/** Options of the service; everything is optional so tests can build a bare in-host one. */
export interface TraceSummariesOptions {
  /** Path of dist/parseWorker.js; without it files are parsed in the host. */
  readonly workerScript?: string;
  /** Where the cache keeps its files (context.globalStorageUri/summaries); memory only without it. */
  readonly cacheDir?: vscode.Uri;
  /** Invalidates cached summaries when the parsers may have changed. */
  readonly cacheVersion?: string;
  readonly log?: Logger;
}

/**
 * Starts summaries and publishes each finished one (`onDidSummarize`), so the Hot Exit Sites view can
 * follow the trace the user last looked at without knowing about panels.
 */
export class TraceSummaries implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SummaryEvent>();
  private latest: SummaryEvent | undefined;
  private readonly cache: SummaryCache;
  private readonly running = new Set<SummaryJob>();
  private readonly inflight = new Map<string, SharedRead>();

  /** Fires after every successful, non-empty summary, in completion order. */
  readonly onDidSummarize = this.emitter.event;

  /** The service the extension uses: worker bundle from dist/, cache under globalStorage. */
  static forExtension(context: vscode.ExtensionContext, log: Logger): TraceSummaries {
    const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'parseWorker.js').fsPath;
    let bundle = 'no-worker';
    try {
      const st = fs.statSync(workerScript);
      bundle = `${st.size}-${Math.round(st.mtimeMs)}`;
    } catch {
      log.warn(`${workerScript} is missing: traces are parsed in the extension host`);
    }
    return new TraceSummaries({
      workerScript: bundle === 'no-worker' ? undefined : workerScript,
      cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'summaries'),
      cacheVersion: `${String(context.extension.packageJSON.version)}/${bundle}`,
      log,
    });
  }

  constructor(private readonly options: TraceSummariesOptions = {}) {
    this.cache = new SummaryCache({ dir: options.cacheDir, version: options.cacheVersion ?? 'dev', log: options.log });
  }

  /** The most recent successful summary, if any. */
  get last(): SummaryEvent | undefined {
    return this.latest;
  }

  /**
   * The remembered summary of `uri`, without reading anything; it may be stale (use `start` to get a
   * checked one). Lets views draw at once.
   */
  peek(uri: vscode.Uri): TraceSummary | undefined {
    return this.cache.peek(uri)?.summary;
  }

  /** Begins summarising `uri`; unsaved editor text wins over the file on disk. */
  start(uri: vscode.Uri, options: StartOptions = {}): SummaryJob {
    const control = new JobControl();
    let resolveRoute!: (route: SummaryRoute) => void;
    const route = new Promise<SummaryRoute>((r) => (resolveRoute = r));
    const work = this.run(uri, control, options, resolveRoute);
    const result = Promise.race([work, control.cancelledPromise]);
    const job: SummaryJob = { uri, result, cancel: () => control.cancel(), stopped: control.stopped, route };
    this.running.add(job);
    void work.then(
      () => control.markStopped(),
      () => control.markStopped(),
    );
    void control.stopped.then(() => this.running.delete(job));
    return job;
  }

  private async run(uri: vscode.Uri, control: JobControl, options: StartOptions, route: (r: SummaryRoute) => void): Promise<TraceSummary> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let summary: TraceSummary;
    if (open && (open.isDirty || open.isUntitled)) {
      route('host');
      summary = await this.inHost(documentSource(open), control, options);
    } else {
      const stamp = await statOf(uri);
      const cached = options.noCache ? undefined : await this.cache.get(uri, stamp);
      control.throwIfCancelled();
      if (cached) {
        route('cache');
        summary = cached;
      } else {
        summary = await this.read(uri, stamp, control, options, route);
        if (!this.options.workerScript) await rememberIfUnchanged(this.cache, uri, stamp, summary);
      }
    }
    control.throwIfCancelled();
    // A file with nothing in it is not "the trace the user looked at last" for the views.
    if (!options.background && !emptyReason(summary)) {
      this.latest = { uri, summary };
      this.emitter.fire(this.latest);
    }
    return summary;
  }

  /**
   * Reads a file in the worker. Jobs for the same file in the same state share one read (the summary
   * editor, the status bar and the CodeLens all ask for a trace as it opens): the read is cancelled when
   * its last job is; a job that leaves a read others still wait for is stopped at once.
   */
  private async read(uri: vscode.Uri, stamp: FileStamp, control: JobControl, options: StartOptions, route: (r: SummaryRoute) => void): Promise<TraceSummary> {
    const script = this.options.workerScript;
    if (!script) {
      route('host');
      return this.inHost(workspaceSource(uri), control, options);
    }
    route('worker');
    const key = `${uri.toString()}\n${stamp.size}\n${stamp.mtime}`;
    let shared = options.noCache ? undefined : this.inflight.get(key);
    if (!shared) {
      shared = new SharedRead(script, uri, stamp, this.cache, this.options.log);
      if (!options.noCache) {
        const mine = shared;
        this.inflight.set(key, mine);
        mine.onIdle(() => this.inflight.get(key) === mine && this.inflight.delete(key));
      }
    }
    // The worker already throttles its reports (parseSource: 200 ms); only bursts are cut here.
    const { result, leave, stopped } = shared.join(throttled(options.onProgress, WORKER_PROGRESS_INTERVAL_MS));
    control.onCancel(leave, stopped);
    return result;
  }

  private inHost(source: Parameters<typeof summarizeSource>[0], control: JobControl, options: StartOptions): Promise<TraceSummary> {
    const progress = throttled(options.onProgress);
    const parse = summarizeSource(source, { signal: control, onProgress: (read, total) => progress(read, total) });
    // After a cancel the parse still runs until it polls the signal (the next chunk): `stopped` waits for it.
    control.onCancel(
      () => undefined,
      parse.then(
        () => undefined,
        () => undefined,
      ),
    );
    return parse;
  }

  /** Jobs whose work has not stopped yet (a cancelled job counts until its worker has exited). */
  get busy(): number {
    return this.running.size;
  }

  /** Cancels every running job (deactivation). */
  cancelAll(): void {
    for (const job of this.running) job.cancel();
  }

  dispose(): void {
    this.cancelAll();
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
