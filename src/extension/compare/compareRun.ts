/**
 * Runs one comparison: every trace summarised and symbolised in parallel (so two 1 GB traces take
 * about as long as the larger one), under ONE progress notification that shows each trace's
 * progress and whose Cancel button cancels every job; then the core compares them and builds the
 * payload the page draws. The first failure cancels the others and names its file.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { compareSummaries } from '../../core/compare/compareModel';
import { pagingFromName } from '../../core/compare/labels';
import { cpuForTrace, measureWalkModel } from '../../core/compare/walkModel';
import { buildComparePayload, type ComparePayload } from '../../core/compare/payload';
import { CancelledError } from '../../core/io/byteSource';
import type { TraceSummary } from '../../core/model/summary';
import { errorText, type Logger } from '../log';
import type { SymbolizedSummaries, SymbolizedSummaryJob } from '../symbolizedSummaries';
import { describeFailure, emptyReason } from '../traceSummaries';
import { displayName } from '../workspaceSource';
import { readHeadMeta } from './comparePicker';

/** The traces to compare, trace 0 being the baseline; a label overrides the derived one. */
export interface CompareSession {
  readonly uris: readonly vscode.Uri[];
  readonly labels: ReadonlyArray<string | undefined>;
}

/** Progress of one trace, as the notification and the page show it. */
export interface TraceProgress {
  readonly label: string;
  readonly bytesRead: number;
  readonly totalBytes?: number;
  readonly done: boolean;
}

export type CompareOutcome =
  | { readonly ok: true; readonly payload: ComparePayload; readonly summaries: readonly TraceSummary[]; readonly timings: CompareTimings }
  | { readonly ok: false; readonly cancelled: boolean; readonly message: string };

/** Where the time went, for the log and the benchmark. */
export interface CompareTimings {
  /** From start until every trace was summarised and symbolised. */
  readonly readMs: number;
  /** compareSummaries (including the what-if's simulator run) and the payload. */
  readonly compareMs: number;
}

export interface CompareRunDeps {
  readonly summaries: SymbolizedSummaries;
  readonly log: Logger;
}

/** A running comparison; `cancel` stops every job (the notification's Cancel button calls it too). */
export interface CompareRun {
  readonly outcome: Promise<CompareOutcome>;
  cancel(): void;
}

const short = (uri: vscode.Uri) => path.posix.basename(uri.path);

/** Starts the comparison; `onProgress` receives every trace's progress (throttled by TraceSummaries). */
export function startCompare(session: CompareSession, deps: CompareRunDeps, onProgress?: (traces: readonly TraceProgress[]) => void): CompareRun {
  const jobs: SymbolizedSummaryJob[] = [];
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    for (const j of jobs) j.cancel();
  };
  const outcome = Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ExitLens: comparing ${session.uris.length} traces`, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(cancel);
      const notify = notifier(progress);
      return run(session, deps, jobs, () => cancelled, (traces) => {
        onProgress?.(traces);
        notify(traces);
      });
    },
  ));
  return { outcome, cancel };
}

/** The notification's reporter: one message with every trace, the bar at the mean of their fractions. */
function notifier(progress: vscode.Progress<{ message?: string; increment?: number }>): (traces: readonly TraceProgress[]) => void {
  let reported = 0;
  return (traces) => {
    const fraction = (t: TraceProgress) => (t.done ? 1 : t.totalBytes ? Math.min(1, t.bytesRead / t.totalBytes) : 0);
    const percent = (100 * traces.reduce((sum, t) => sum + fraction(t), 0)) / traces.length;
    const message = traces
      .map((t) => `${t.label} ${t.done ? '✓' : t.totalBytes ? `${Math.floor(100 * fraction(t))} %` : `${(t.bytesRead / (1 << 20)).toFixed(0)} MiB`}`)
      .join(' · ');
    progress.report({ message, increment: Math.max(0, percent - reported) });
    reported = Math.max(reported, percent);
  };
}

/**
 * The EPT what-if of a shadow-paging trace needs the simulator's walk model (about a second of CPU,
 * memoised per CPU preset). While the workers parse, this thread is idle: build it now, so the
 * comparison is not delayed by it once the summaries arrive.
 */
async function warmWalkModel(uris: readonly vscode.Uri[], isCancelled: () => boolean): Promise<void> {
  try {
    const metas = await Promise.all(uris.map(readHeadMeta));
    for (const [i, meta] of metas.entries()) {
      if (isCancelled()) return;
      if ((meta.paging ?? pagingFromName(uris[i].path)) !== 'shadow') continue;
      await new Promise((r) => setTimeout(r, 0));
      measureWalkModel(cpuForTrace(meta.cpu).cpu, meta.pages ?? '4k');
    }
  } catch {
    // Only a head start: the comparison computes the model itself if this failed.
  }
}

/** Which job failed first, and why (the others are cancelled because of it). */
class JobFailure {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

async function run(
  session: CompareSession,
  deps: CompareRunDeps,
  jobs: SymbolizedSummaryJob[],
  isCancelled: () => boolean,
  onProgress: (traces: readonly TraceProgress[]) => void,
): Promise<CompareOutcome> {
  const t0 = Date.now();
  const state: TraceProgress[] = session.uris.map((u) => ({ label: short(u), bytesRead: 0, done: false }));
  const publish = () => onProgress([...state]);
  session.uris.forEach((uri, i) => {
    jobs.push(
      deps.summaries.start(uri, {
        onProgress: (bytesRead, totalBytes) => {
          state[i] = { ...state[i], bytesRead, ...(totalBytes !== undefined ? { totalBytes } : {}) };
          publish();
        },
      }),
    );
  });
  publish();
  void warmWalkModel(session.uris, isCancelled);
  // Every job runs at once; the first failure stops the rest (their results would be thrown away).
  const settled = jobs.map((job, i) =>
    job.result.then(
      (s) => {
        state[i] = { ...state[i], done: true };
        publish();
        return s;
      },
      (e: unknown) => {
        for (const other of jobs) if (other !== job) other.cancel();
        throw new JobFailure(i, e);
      },
    ),
  );
  let results;
  try {
    results = await Promise.all(settled);
  } catch (e) {
    settled.forEach((p) => p.catch(() => undefined));
    const failure = e as JobFailure;
    if (failure.error instanceof CancelledError || isCancelled()) return { ok: false, cancelled: true, message: 'Comparison cancelled.' };
    return { ok: false, cancelled: false, message: describeFailure(session.uris[failure.index], failure.error) };
  }
  const readMs = Date.now() - t0;
  for (const r of results) {
    const empty = emptyReason(r.summary);
    if (empty) return { ok: false, cancelled: false, message: `Could not compare: ${displayName(r.uri)} has nothing to compare (${empty}).` };
  }
  const summaries = results.map((r) => r.summary);
  const t1 = Date.now();
  try {
    const comparison = compareSummaries(summaries.map((summary, i) => ({ summary, ...(session.labels[i] ? { label: session.labels[i] } : {}) })));
    const payload = buildComparePayload(summaries, comparison);
    const compareMs = Date.now() - t1;
    deps.log.info(`Compared ${payload.title}: read ${readMs} ms (in parallel), compared ${compareMs} ms`);
    return { ok: true, payload, summaries, timings: { readMs, compareMs } };
  } catch (e) {
    return { ok: false, cancelled: false, message: `Could not compare ${session.uris.map(displayName).join(', ')}: ${errorText(e)}` };
  }
}
