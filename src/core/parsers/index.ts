/**
 * Parser entry points (contract; implementation in progress — issue 3).
 * One streaming parser per format behind the TraceParser interface, chosen by detectFormat().
 */
import type { ByteSource, CancellationSignal, ProgressCallback } from '../io/byteSource';
import type { TraceFormat, TraceParser, TraceSink } from '../model/trace';

export interface ParseOptions {
  /** Skip detection and use this format. */
  readonly format?: TraceFormat;
  readonly signal?: CancellationSignal;
  readonly onProgress?: ProgressCallback;
}

export interface ParseResult {
  readonly format: TraceFormat;
  readonly bytes: number;
  readonly lines: number;
}

/** Guesses the format from the first bytes of a file; undefined when nothing looks like a trace. */
export function detectFormat(_head: Uint8Array): TraceFormat | undefined {
  throw new Error('not implemented');
}

/** A streaming parser for one format, reporting to `sink`. */
export function createParser(_format: TraceFormat, _sink: TraceSink): TraceParser {
  throw new Error('not implemented');
}

/** Reads a whole source through the right parser. Throws CancelledError when the signal fires. */
export async function parseSource(_source: ByteSource, _sink: TraceSink, _options: ParseOptions = {}): Promise<ParseResult> {
  throw new Error('not implemented');
}
