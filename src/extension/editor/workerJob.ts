/**
 * Running one job in the parse worker (`dist/parseWorker.js`, see ../parseWorker.ts) from the extension
 * host: start a thread, forward its progress, settle on its final message, and stop it.
 *
 * Cancellation has two layers so it is prompt whatever the worker is doing: a `cancel` message (the
 * worker's parse loop sees it between chunks and ends cleanly), and `terminate()` shortly after as the
 * fallback (it interrupts even a synchronous stretch, e.g. a simulation). The job's promise rejects with
 * CancelledError at once; `stopped` resolves when the thread has really exited.
 */
import { Worker } from 'worker_threads';
import { CancelledError } from '../../core/io/byteSource';
import { WORKER_MARKER, type CancelMessage, type WorkerInput, type WorkerJob, type WorkerMessage, type WorkerProgress } from './workerProtocol';

/** How long a cancelled worker may take to stop by itself before it is terminated. */
export const CANCEL_GRACE_MS = 25;

/**
 * Heap limits of a parse thread. Summaries are bounded aggregates, so a parse needs little old space;
 * the young generation is sized for throughput (short-lived strings per line). A runaway parse fails
 * with a clear error instead of growing the extension host.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 48 } as const;

/** The final messages a job can succeed with. */
export type WorkerResult = Extract<WorkerMessage, { type: 'summary' | 'simulated' }>;

/** A running worker job. */
export interface WorkerJobHandle {
  /** The final message; rejects with CancelledError when cancelled, Error (user-facing text) on failure. */
  readonly result: Promise<WorkerResult>;
  /** Resolves once the thread has exited (after success, failure or cancellation). */
  readonly stopped: Promise<void>;
  /** Cancel message now, terminate after CANCEL_GRACE_MS if the thread is still there. */
  cancel(): void;
}

/**
 * Starts `job` in a new worker thread. `transfer` moves buffers of the job (e.g. a file's bytes) instead
 * of copying them; they are unusable in the host afterwards.
 */
export function startWorkerJob(
  script: string,
  job: WorkerJob,
  options: { readonly transfer?: ArrayBuffer[]; readonly onProgress?: (progress: WorkerProgress) => void } = {},
): WorkerJobHandle {
  let settled = false;
  let resolveResult!: (r: WorkerResult) => void;
  let rejectResult!: (e: Error) => void;
  const result = new Promise<WorkerResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // Callers may only care about `stopped`; never leave an unhandled rejection behind.
  result.catch(() => undefined);
  const settle = (outcome: { ok: WorkerResult } | { error: Error }) => {
    if (settled) return;
    settled = true;
    if ('ok' in outcome) resolveResult(outcome.ok);
    else rejectResult(outcome.error);
  };

  const input: WorkerInput = { marker: WORKER_MARKER, job };
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: input, transferList: options.transfer, resourceLimits: WORKER_RESOURCE_LIMITS, stdout: false, stderr: false });
  } catch (e) {
    settle({ error: new Error(`cannot start the parser thread: ${e instanceof Error ? e.message : String(e)}`) });
    return { result, stopped: Promise.resolve(), cancel: () => undefined };
  }
  const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stop = () => void worker.terminate().catch(() => undefined);

  worker.on('message', (message: WorkerMessage) => {
    switch (message?.type) {
      case 'progress':
        if (!settled) options.onProgress?.(message);
        return;
      case 'summary':
      case 'simulated':
        settle({ ok: message });
        stop();
        return;
      case 'cancelled':
        settle({ error: new CancelledError() });
        stop();
        return;
      case 'failed':
        settle({ error: new Error(message.message) });
        stop();
        return;
    }
  });
  worker.on('error', (e: Error & { code?: string }) => {
    const why = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : e.message;
    settle({ error: new Error(`the parser thread failed: ${why}`) });
  });
  worker.on('exit', (code) => settle({ error: new Error(`the parser thread stopped unexpectedly (exit code ${code})`) }));

  return {
    result,
    stopped,
    cancel: () => {
      if (settled) return;
      settle({ error: new CancelledError() });
      const cancel: CancelMessage = { type: 'cancel' };
      worker.postMessage(cancel);
      const timer = setTimeout(stop, CANCEL_GRACE_MS);
      void stopped.then(() => clearTimeout(timer));
    },
  };
}
