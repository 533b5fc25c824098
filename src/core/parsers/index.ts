/**
 * Parser entry points. One streaming parser per format behind the TraceParser interface, chosen by
 * detectFormat() from the first 64 KiB unless the caller names the format.
 */
import { CancelledError, type ByteSource, type CancellationSignal, type ProgressCallback } from '../io/byteSource';
import { maybeGunzip, type GunzipState } from '../io/gzip';
import type { ExitRecord } from '../model/exit';
import type { AggregateTable, CompactExit, ExitKeys, TraceFormat, TraceMeta, TraceParser, TraceSink, TraceWarning } from '../model/trace';
import { copyBytes } from './bytes';
import { detectBinary, detectFormat as detect, DETECT_HEAD_BYTES } from './detect';
import { JsonlParser } from './jsonlParser';
import { KvmStatParser } from './kvmStatParser';
import { PerfKvmStatParser } from './perfKvmStatParser';
import { TextTraceParser } from './textTraceParser';

/** How parseSource reads: a forced format, cancellation, progress. */
export interface ParseOptions {
  /** Skip detection and use this format. */
  readonly format?: TraceFormat;
  readonly signal?: CancellationSignal;
  readonly onProgress?: ProgressCallback;
}

/** What parseSource read: the format it used, bytes and lines. */
export interface ParseResult {
  readonly format: TraceFormat;
  readonly bytes: number;
  readonly lines: number;
}

/** Guesses the format from the first bytes of a file; undefined when nothing looks like a trace. */
export function detectFormat(head: Uint8Array): TraceFormat | undefined {
  return detect(head);
}

/** Every parser here also counts lines, for ParseResult. */
type CountingParser = TraceParser & { readonly lines: number };

function makeParser(format: TraceFormat, sink: TraceSink): CountingParser {
  switch (format) {
    case 'ftrace':
    case 'trace-cmd':
    case 'perf-script':
      return new TextTraceParser(format, sink);
    case 'perf-kvm-stat':
      return new PerfKvmStatParser(sink);
    case 'kvm-stat':
      return new KvmStatParser(sink);
    case 'exitlens-jsonl':
      return new JsonlParser(sink);
  }
}

/** A streaming parser for one format, reporting to `sink`. */
export function createParser(format: TraceFormat, sink: TraceSink): TraceParser {
  return makeParser(format, sink);
}

/** A sink that forwards to another and counts exits and tables (`found`). */
class CountingSink implements TraceSink {
  found = 0;
  constructor(protected readonly inner: TraceSink) {}
  exit(record: ExitRecord): void {
    this.found++;
    this.inner.exit(record);
  }
  warning(w: TraceWarning): void {
    this.inner.warning(w);
  }
  table(t: AggregateTable): void {
    this.found++;
    this.inner.table?.(t);
  }
  meta(m: TraceMeta): void {
    this.inner.meta?.(m);
  }
}

/** CountingSink for a sink with the compactExit fast path, which it passes on. */
class CompactCountingSink extends CountingSink {
  compactExit(keys: ExitKeys, exit: CompactExit): void {
    this.found++;
    (this.inner as Required<TraceSink>).compactExit(keys, exit);
  }
}

/** Wraps `sink` to count what reaches it, keeping its compactExit fast path when it has one. */
function countingSink(sink: TraceSink): CountingSink {
  return typeof sink.compactExit === 'function' ? new CompactCountingSink(sink) : new CountingSink(sink);
}

/** Minimum interval between progress callbacks. */
const PROGRESS_INTERVAL_MS = 200;

/**
 * Reads a whole source through the right parser. Throws CancelledError when the signal fires;
 * everything else wrong with the input is a warning to the sink, never an exception.
 */
export async function parseSource(source: ByteSource, sink: TraceSink, options: ParseOptions = {}): Promise<ParseResult> {
  const total = await source.size();
  const { signal, onProgress } = options;
  const counting = countingSink(sink);
  let parser: CountingParser | undefined = options.format ? makeParser(options.format, counting) : undefined;
  let detected = options.format !== undefined;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let bytes = 0;
  let lastProgress = 0;
  let binaryFormat: TraceFormat | undefined;

  const start = (): CountingParser | undefined => {
    const all = new Uint8Array(headBytes);
    let o = 0;
    for (const c of head) {
      all.set(c, o);
      o += c.length;
    }
    head.length = 0;
    const bin = detectBinary(all);
    if (bin !== undefined) {
      binaryFormat = bin.format;
      sink.warning({ line: 1, message: `${source.name} is ${bin.message}` });
      return undefined;
    }
    const format = detect(all);
    detected = format !== undefined;
    const p = makeParser(format ?? 'ftrace', counting);
    if (all.length > 0) p.push(all);
    return p;
  };

  let binary = false;
  const gz: GunzipState = { inputBytes: 0 };
  for await (const chunk of maybeGunzip(source.chunks(), gz)) {
    if (signal?.cancelled) throw new CancelledError();
    bytes += chunk.length;
    if (parser) parser.push(chunk);
    else if (!binary) {
      // Sources may reuse their buffers: keep a copy until detection has seen enough.
      head.push(copyBytes(chunk, 0, chunk.length));
      headBytes += chunk.length;
      if (headBytes >= DETECT_HEAD_BYTES) {
        parser = start();
        binary = parser === undefined;
      }
    }
    if (onProgress) {
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        // The total is the file's size: compressed bytes, for a gzip file.
        onProgress(gz.inputBytes, total);
      }
    }
  }
  if (signal?.cancelled) throw new CancelledError();
  if (!parser && !binary) {
    parser = start();
    binary = parser === undefined;
  }
  if (parser) parser.end();
  if (gz.error !== undefined) sink.warning({ line: (parser?.lines ?? 0) + 1, message: `${source.name}: ${gz.error}` });
  onProgress?.(gz.inputBytes, total);
  if (bytes === 0 && gz.error === undefined) sink.warning({ line: 1, message: `${source.name} is empty` });
  else if (!detected && counting.found === 0 && !binary) {
    sink.warning({ line: 1, message: `${source.name}: no VM-exit trace recognised (expected ftrace, trace-cmd report, perf script, perf kvm stat, kvm_stat or ExitLens JSONL text)` });
  }
  const format: TraceFormat = parser ? parser.format : (binaryFormat ?? 'ftrace');
  return { format, bytes, lines: parser ? parser.lines : 0 };
}
