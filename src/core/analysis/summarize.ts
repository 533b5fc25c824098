/**
 * Summary entry points: parse a source straight into the streaming SummaryBuilder (nothing per exit
 * is kept), or summarise records already in hand (simulator results, tests).
 */
import type { ByteSource } from '../io/byteSource';
import type { ExitRecord } from '../model/exit';
import type { AggregateTable, TraceFormat, TraceMeta, TraceWarning } from '../model/trace';
import type { TraceSummary } from '../model/summary';
import { parseSource, type ParseOptions } from '../parsers/index';
import { reasonCategory } from '../taxonomy/index';
import { SummaryBuilder } from './summaryBuilder';

/** Parsing options plus how many sites the summary keeps. */
export interface SummarizeOptions extends ParseOptions {
  /** How many top sites to keep in the summary (default 200). */
  readonly maxSites?: number;
}

/**
 * Parses a source and aggregates it into a TraceSummary. Errors of the parser (unreadable source,
 * unrecognised format) propagate; bad lines become warnings inside the summary.
 */
export async function summarizeSource(source: ByteSource, options: SummarizeOptions = {}): Promise<TraceSummary> {
  const builder = createSummaryBuilder(options);
  const result = await parseSource(source, builder, options);
  return builder.finish(result.format, source.name);
}

/** A SummaryBuilder wired to the taxonomy: the sink to hand a parser when you drive it yourself. */
export function createSummaryBuilder(options: { readonly maxSites?: number } = {}): SummaryBuilder {
  return new SummaryBuilder({ maxSites: options.maxSites, reasonCategory });
}

/** What summarizeRecords needs besides the records; mirrors what a parser would report. */
export interface RecordsInput {
  readonly format: TraceFormat;
  readonly records: Iterable<ExitRecord>;
  readonly warnings?: Iterable<TraceWarning>;
  readonly tables?: Iterable<AggregateTable>;
  readonly meta?: TraceMeta;
  readonly file?: string;
  readonly maxSites?: number;
}

/** Summarises records already in memory, exactly as if a parser had streamed them. */
export function summarizeRecords(input: RecordsInput): TraceSummary {
  const builder = createSummaryBuilder({ maxSites: input.maxSites });
  if (input.meta) builder.meta(input.meta);
  for (const t of input.tables ?? []) builder.table(t);
  for (const r of input.records) builder.exit(r);
  for (const w of input.warnings ?? []) builder.warning(w);
  return builder.finish(input.format, input.file);
}
