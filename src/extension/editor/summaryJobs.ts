/**
 * The machinery behind TraceSummaries (../traceSummaries.ts): a job's cancellation and "stopped" signal,
 * the worker read that jobs for the same file state share, progress throttling, and the file stamp
 * (size + mtime) the cache is keyed by.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/io/byteSource';
import type { TraceSummary } from '../../core/model/summary';
import { errorText, type Logger } from '../log';
import { displayName } from '../workspaceSource';
import { sameStamp, type FileStamp, type SummaryCache } from './summaryCache';
import { startWorkerJob } from './workerJob';

/** In-host progress is forwarded at most this often (the core may call back per chunk). */
export const PROGRESS_INTERVAL_MS = 250;
/** Worker progress arrives throttled already; this only merges bursts of queued messages. */
export const WORKER_PROGRESS_INTERVAL_MS = 50;

/**
 * Cancellation shared by a job's routes: a flag the core polls, handlers (cancel the worker), a promise
 * that rejects at once for the caller, and `stopped` for whoever needs the work to be over.
 */
export class JobControl {
  cancelled = false;
  private readonly handlers: Array<() => void> = [];
  private rejectCancelled!: (e: Error) => void;
  private resolveStopped!: () => void;
  /** Settled only by cancel(); raced against the work. */
  readonly cancelledPromise = new Promise<never>((_, reject) => (this.rejectCancelled = reject));
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  private readonly stopSignals: Promise<void>[] = [];

  constructor() {
    this.cancelledPromise.catch(() => undefined);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.rejectCancelled(new CancelledError());
    for (const h of this.handlers) h();
    this.markStopped();
  }

  /** Runs `handler` on cancel (at once if already cancelled); `stopped` waits for `until` too. */
  onCancel(handler: () => void, until?: Promise<void>): void {
    this.handlers.push(handler);
    if (until) this.stopSignals.push(until);
    if (this.cancelled) handler();
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new CancelledError();
  }

  /** Resolves `stopped` once the work registered so far has stopped (called on completion and on cancel). */
  markStopped(): void {
    void Promise.all(this.stopSignals).then(() => this.resolveStopped());
  }
}

/** Bytes read, the total when known, exits found so far (worker and host routes). */
export type ProgressFn = (read: number, total: number | undefined, exits?: number) => void;

/** One worker read of one file state, shared by the jobs that asked for it (see TraceSummaries.read). */
export class SharedRead {
  private readonly listeners = new Set<ProgressFn>();
  private members = 0;
  private readonly idle: Array<() => void> = [];
  private cancelWorker: () => void = () => undefined;
  private readonly result: Promise<TraceSummary>;
  private resolveStopped!: () => void;
  /** Resolves when the worker has exited (or never started). */
  readonly stopped = new Promise<void>((r) => (this.resolveStopped = r));

  constructor(script: string, uri: vscode.Uri, stamp: FileStamp, cache: SummaryCache, log: Logger | undefined) {
    this.result = this.run(script, uri, stamp, cache, log);
    this.result.then(
      () => this.fireIdle(),
      () => this.fireIdle(),
    );
  }

  private async run(script: string, uri: vscode.Uri, stamp: FileStamp, cache: SummaryCache, log: Logger | undefined): Promise<TraceSummary> {
    const name = displayName(uri);
    let bytes: Uint8Array | undefined;
    try {
      if (uri.scheme !== 'file') {
        // workspace.fs (1.100) has no ranged read: the whole file comes here once, then moves to the worker.
        const read = await vscode.workspace.fs.readFile(uri);
        if (this.members === 0) throw new CancelledError();
        bytes = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read : read.slice();
      }
    } catch (e) {
      this.resolveStopped();
      throw e;
    }
    const worker = startWorkerJob(script, bytes ? { kind: 'summarize', name, bytes } : { kind: 'summarize', name, file: uri.fsPath }, {
      transfer: bytes ? [bytes.buffer as ArrayBuffer] : undefined,
      onProgress: (p) => {
        for (const l of this.listeners) l(p.bytesRead, p.totalBytes ?? stamp.size, p.exits);
      },
    });
    this.cancelWorker = () => worker.cancel();
    void worker.stopped.then(() => this.resolveStopped());
    const done = await worker.result;
    if (done.type !== 'summary') throw new Error('the parser thread answered with the wrong message');
    log?.info(`Read ${name} in the parser thread: ${done.bytes} bytes, ${done.lines} lines, ${done.summary.exits} exits`);
    await rememberIfUnchanged(cache, uri, stamp, done.summary);
    return done.summary;
  }

  /** Adds a job: its result, how it leaves, and when its share of the work has stopped. */
  join(progress: ProgressFn): { result: Promise<TraceSummary>; leave: () => void; stopped: Promise<void> } {
    this.members++;
    this.listeners.add(progress);
    let left = false;
    let resolveMine!: () => void;
    const mine = new Promise<void>((r) => (resolveMine = r));
    void this.stopped.then(() => resolveMine());
    const leave = () => {
      if (left) return;
      left = true;
      this.listeners.delete(progress);
      if (--this.members === 0) {
        this.fireIdle();
        this.cancelWorker();
      } else {
        resolveMine(); // the others still wait for the read; this job's part is over
      }
    };
    return { result: this.result, leave, stopped: mine };
  }

  /** Runs `f` once the read is no longer worth joining (done, failed, or abandoned by every job). */
  onIdle(f: () => void): void {
    this.idle.push(f);
  }

  private fireIdle(): void {
    for (const f of this.idle.splice(0)) f();
  }
}

/** Caches `summary` unless the file changed while it was read (then it describes neither state). */
export async function rememberIfUnchanged(cache: SummaryCache, uri: vscode.Uri, stamp: FileStamp, summary: TraceSummary): Promise<void> {
  const after = await statOf(uri).catch(() => undefined);
  if (after && sameStamp(after, stamp)) await cache.put(uri, stamp, summary);
}

/** Limits a progress callback to one call per `intervalMs`. */
export function throttled(callback: ProgressFn | undefined, intervalMs = PROGRESS_INTERVAL_MS): (read: number, total: number | undefined, exits?: number) => void {
  let last = 0;
  return (read, total, exits) => {
    if (!callback) return;
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    callback(read, total, exits);
  };
}

/** Size and mtime of a file, with a user-facing error when it cannot be read. */
export async function statOf(uri: vscode.Uri): Promise<FileStamp> {
  let st: vscode.FileStat;
  try {
    st = await vscode.workspace.fs.stat(uri);
  } catch (e) {
    throw new Error(fileSystemReason(e));
  }
  if (st.type & vscode.FileType.Directory) throw new Error('it is a directory');
  return { size: st.size, mtime: st.mtime };
}

/** A short reason for a workspace.fs error (its own messages repeat the URI and the provider). */
function fileSystemReason(e: unknown): string {
  if (e instanceof vscode.FileSystemError) {
    switch (e.code) {
      case 'FileNotFound':
        return 'file not found';
      case 'NoPermissions':
        return 'permission denied';
      case 'FileIsADirectory':
        return 'it is a directory';
      case 'Unavailable':
        return 'the file system is unavailable';
    }
  }
  return errorText(e);
}
