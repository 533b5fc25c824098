/**
 * Summary entry point (contract; implementation in progress — issue 3).
 */
import type { ByteSource } from '../io/byteSource';
import type { TraceSummary } from '../model/summary';
import type { ParseOptions } from '../parsers/index';

export interface SummarizeOptions extends ParseOptions {
  /** How many top sites to keep in the summary (default 200). */
  readonly maxSites?: number;
}

/** Parses a source and aggregates it into a TraceSummary. */
export async function summarizeSource(_source: ByteSource, _options: SummarizeOptions = {}): Promise<TraceSummary> {
  throw new Error('not implemented');
}
