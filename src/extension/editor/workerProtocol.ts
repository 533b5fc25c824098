/**
 * Messages between the extension host and the parse worker (../parseWorker.ts). Kept apart from the
 * worker itself so the host bundle imports only these types and constants, not the parsers.
 */
import type { TraceSummary } from '../../core/model/summary';
import type { PagingMode } from '../../core/model/trace';
import type { CpuName } from '../../core/sim/index';

/** Tags our workerData, so requiring this bundle anywhere else (tests, the host) does nothing. */
export const WORKER_MARKER = 'exitlens-parse-worker/1';

/** Summarise one trace: from a file path (read here) or from bytes the host transferred. */
export interface SummarizeJob {
  readonly kind: 'summarize';
  /** The name messages and the summary use (workspace-relative, as the user sees it). */
  readonly name: string;
  readonly file?: string;
  readonly bytes?: Uint8Array;
  /** Read size for `file` (default 1 MiB). */
  readonly chunkBytes?: number;
  readonly maxSites?: number;
}

/** Simulate one built-in workload under one paging mode and render its perf-script trace. */
export interface SimulateJob {
  readonly kind: 'simulate';
  /** A key of BUILTIN_WORKLOADS. */
  readonly workload: string;
  readonly paging: PagingMode;
  readonly cpu?: CpuName;
  readonly pages?: '4k' | '2m';
  readonly seed?: number;
  /** Symbol file name written into the trace header, relative to the trace. */
  readonly symbols: string;
}

export type WorkerJob = SummarizeJob | SimulateJob;

/** What the host puts in `workerData`. */
export interface WorkerInput {
  readonly marker: typeof WORKER_MARKER;
  readonly job: WorkerJob;
}

/** The only message a worker accepts. */
export interface CancelMessage {
  readonly type: 'cancel';
}

/** Read progress, at most ~5 per second (parseSource throttles). */
export interface WorkerProgress {
  readonly type: 'progress';
  readonly bytesRead: number;
  readonly totalBytes?: number;
  readonly exits: number;
}

export interface WorkerSummary {
  readonly type: 'summary';
  readonly summary: TraceSummary;
  readonly bytes: number;
  readonly lines: number;
}

export interface WorkerSimulated {
  readonly type: 'simulated';
  /** The perf-script trace, UTF-8 (transferred, not copied). */
  readonly trace: Uint8Array;
  /** The `.syms.json` text. */
  readonly symbols: string;
  readonly exits: number;
}

export interface WorkerCancelled {
  readonly type: 'cancelled';
}

/** The job could not be done; `message` is a user-facing sentence without a stack. */
export interface WorkerFailed {
  readonly type: 'failed';
  readonly message: string;
}

export type WorkerMessage = WorkerProgress | WorkerSummary | WorkerSimulated | WorkerCancelled | WorkerFailed;

/** Default read size for files: large enough for throughput, small enough for a prompt cancel. */
export const WORKER_CHUNK_BYTES = 1 << 20;
