/**
 * The worker thread (bundled as `dist/parseWorker.js`) that parses traces and runs the simulator off
 * the extension host's event loop: a 1 GB trace takes seconds of CPU, and every extension shares that
 * loop. One job per worker: the job arrives in `workerData`, the only message the worker listens to is
 * `cancel`, and it ends after posting one final message (`summary`, `simulated`, `cancelled` or
 * `failed`). The host also terminates it, so a worker stuck in a long synchronous stretch cannot outlive
 * its job (see editor/workerJob.ts).
 *
 * Files are read here with ranged `fs` reads (the extension host never holds the bytes); bytes of other
 * URI schemes are read by the host and transferred in. No `vscode` import: the module must load in a
 * plain worker thread.
 */
import * as fs from 'fs';
import { isMainThread, parentPort, workerData, type MessagePort } from 'worker_threads';
import { createSummaryBuilder } from '../core/analysis/summarize';
import { CancelledError, memorySource, type ByteSource, type CancellationSignal } from '../core/io/byteSource';
import type { TraceSummary } from '../core/model/summary';
import type { ExitRecord } from '../core/model/exit';
import type { AggregateTable, TraceMeta, TraceSink, TraceWarning } from '../core/model/trace';
import { parseSource } from '../core/parsers/index';
import { BUILTIN_WORKLOADS, DEFAULT_CPU, simulateTrace, symbolFileFor } from '../core/sim/index';
import { StringOut } from '../core/writers/traceHeader';
import {
  WORKER_CHUNK_BYTES,
  WORKER_MARKER,
  type CancelMessage,
  type SimulateJob,
  type WorkerInput,
  type WorkerJob,
  type WorkerMessage,
  type WorkerSimulated,
} from './editor/workerProtocol';

/** Short reasons for the fs errors a user can meet, instead of Node's `ENOENT: …, open '/abs/path'`. */
const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** A one-line reason for anything thrown while reading, naming no path (the caller names the file). */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * A ByteSource over a file with positioned reads into fresh buffers: nothing but the current chunk is
 * held, so memory stays flat whatever the file size, and the descriptor is closed however the consumer
 * stops (end, error, cancellation).
 */
export function rangedFileSource(name: string, file: string, chunkBytes = WORKER_CHUNK_BYTES): ByteSource {
  return {
    name,
    size: async () => (await fs.promises.stat(file)).size,
    async *chunks() {
      const handle = await fs.promises.open(file, 'r');
      try {
        let position = 0;
        for (;;) {
          const buffer = Buffer.allocUnsafe(chunkBytes);
          const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
          if (bytesRead === 0) return;
          position += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    },
  };
}

/** TraceSink.compactExit's shape (see src/core/model/trace.ts). */
type CompactExit = (keys: unknown, reason: number, category: number, site: number, vcpu: number, timeNs: number, entryNs: number, line: number) => void;

/**
 * Parses a source into a summary, counting exits as they pass (the host shows exits/s). The counting
 * sink forwards the parsers' compact fast path when the builder has one, so counting costs one
 * increment per exit, not an ExitRecord.
 */
export async function summarizeCounting(
  source: ByteSource,
  signal: CancellationSignal,
  onProgress: (bytesRead: number, totalBytes: number | undefined, exits: number) => void,
  maxSites?: number,
): Promise<{ summary: TraceSummary; bytes: number; lines: number }> {
  const builder = createSummaryBuilder({ maxSites });
  let exits = 0;
  const sink: TraceSink = {
    exit(record: ExitRecord) {
      exits++;
      builder.exit(record);
    },
    warning: (w: TraceWarning) => builder.warning(w),
    table: (t: AggregateTable) => builder.table(t),
    meta: (m: TraceMeta) => builder.meta(m),
  };
  // Typed loosely on purpose: the fast path is optional in the sink contract.
  const compact = (builder as unknown as { compactExit?: CompactExit }).compactExit;
  if (typeof compact === 'function') {
    const forward: CompactExit = (keys, reason, category, site, vcpu, timeNs, entryNs, line) => {
      exits++;
      compact.call(builder, keys, reason, category, site, vcpu, timeNs, entryNs, line);
    };
    Object.assign(sink, { compactExit: forward });
  }
  const result = await parseSource(source, sink, { signal, onProgress: (read, total) => onProgress(read, total, exits) });
  return { summary: builder.finish(result.format, source.name), bytes: result.bytes, lines: result.lines };
}

/** Runs a simulate job (synchronous: a cancel terminates the worker). */
export function runSimulation(job: SimulateJob): WorkerSimulated {
  if (!Object.prototype.hasOwnProperty.call(BUILTIN_WORKLOADS, job.workload)) throw new Error(`unknown workload "${job.workload}"`);
  const workload = BUILTIN_WORKLOADS[job.workload];
  const out = new StringOut();
  const result = simulateTrace(
    { workload, paging: job.paging, cpu: job.cpu ?? DEFAULT_CPU, pages: job.pages ?? '4k', seed: job.seed ?? 1 },
    'perf-script',
    out,
    job.symbols,
  );
  // TextEncoder gives a buffer of its own (Buffer.from may hand out a shared pool slab, not transferable).
  return { type: 'simulated', trace: new TextEncoder().encode(out.toString()), symbols: symbolFileFor(workload), exits: result.exits };
}

/** The worker's body: runs the job, posts progress and one final message. */
export async function runJob(port: MessagePort, job: WorkerJob): Promise<void> {
  const signal = { cancelled: false };
  port.on('message', (m: unknown) => {
    if ((m as CancelMessage | undefined)?.type === 'cancel') signal.cancelled = true;
  });
  // Messages still arrive while the job runs; unref lets the thread end as soon as the job is done.
  port.unref();
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    if (job.kind === 'simulate') {
      const done = runSimulation(job);
      post(done, [done.trace.buffer as ArrayBuffer]);
      return;
    }
    const source = job.file !== undefined ? rangedFileSource(job.name, job.file, job.chunkBytes) : memorySource(job.name, job.bytes ?? new Uint8Array(), job.chunkBytes ?? WORKER_CHUNK_BYTES);
    const done = await summarizeCounting(source, signal, (bytesRead, totalBytes, exits) => post({ type: 'progress', bytesRead, totalBytes, exits }), job.maxSites);
    post({ type: 'summary', ...done });
  } catch (error) {
    post(error instanceof CancelledError ? { type: 'cancelled' } : { type: 'failed', message: readFailure(error) });
  }
}

if (!isMainThread && parentPort && (workerData as WorkerInput | undefined)?.marker === WORKER_MARKER) {
  void runJob(parentPort, (workerData as WorkerInput).job);
}
