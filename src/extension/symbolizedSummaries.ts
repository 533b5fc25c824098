/**
 * "Summarise + symbolise a trace" in one call, for every feature that shows sites by source line
 * (Compare Builds today; anything else that needs a TraceSummary whose sites carry file:line).
 * Composition only: the summary comes from TraceSummaries (worker, cache, progress, cancel), the
 * symbols from TraceSymbolizer (exitlens.symbolFiles, the simulator's `.syms.json` named in the
 * trace header, ELF tools only in a trusted workspace). Symbol problems are logged, and shown once
 * per distinct message per session, never once per address or per trace.
 */
import * as vscode from 'vscode';
import { CancelledError, type CancellationSignal } from '../core/io/byteSource';
import type { TraceSummary } from '../core/model/summary';
import { applyResolution } from '../core/sites/symbolizeSites';
import { canonicalRip } from '../core/symbols/address';
import type { SymbolMessage } from '../core/symbols/symbolModel';
import { TraceSymbolizer, UNTRUSTED_REASON, type SymbolizedTrace } from './annotations/traceSymbols';
import type { Logger } from './log';
import type { StartOptions, TraceSummaries } from './traceSummaries';

/** A summary whose sites are symbolised, with what symbolisation found out. */
export interface SymbolizedSummary {
  readonly uri: vscode.Uri;
  /** The summary with `symbol`/`offset`/`file`/`line` on every site the symbol sources know. */
  readonly summary: TraceSummary;
  /** Resolutions, messages, sources used, whether tools were refused. */
  readonly symbols: SymbolizedTrace;
}

/** A running summarise-and-symbolise; `cancel` stops both steps. */
export interface SymbolizedSummaryJob {
  readonly uri: vscode.Uri;
  readonly result: Promise<SymbolizedSummary>;
  cancel(): void;
}

/** How a symbol message reaches the user; injectable so tests can count notifications. */
export type SymbolNotifier = (severity: SymbolMessage['severity'], text: string) => void;

export interface SymbolizedSummariesDeps {
  readonly summaries: TraceSummaries;
  readonly log: Logger;
  /** Default: a TraceSymbolizer with the workspace's trust and settings. */
  readonly symbolizer?: TraceSymbolizer;
  /** Default: warnings and errors as notifications, info in the log only. */
  readonly notify?: SymbolNotifier;
}

/** Starts symbolised summaries; one instance per extension so "already told" spans all callers. */
export class SymbolizedSummaries {
  private readonly symbolizer: TraceSymbolizer;
  private readonly shown = new Set<string>();

  constructor(private readonly deps: SymbolizedSummariesDeps) {
    this.symbolizer = deps.symbolizer ?? new TraceSymbolizer();
  }

  /** Summarises `uri` (progress as TraceSummaries reports it) and symbolises its sites. */
  start(uri: vscode.Uri, options: StartOptions = {}): SymbolizedSummaryJob {
    const signal = { cancelled: false };
    const job = this.deps.summaries.start(uri, options);
    const result = job.result.then(async (summary) => {
      if (signal.cancelled) throw new CancelledError();
      return this.symbolize(uri, summary, signal);
    });
    return {
      uri,
      result,
      cancel: () => {
        signal.cancelled = true;
        job.cancel();
      },
    };
  }

  /** Symbolises a summary already in hand. */
  async symbolize(uri: vscode.Uri, summary: TraceSummary, signal?: CancellationSignal): Promise<SymbolizedSummary> {
    const symbols = await this.symbolizer.symbolize(uri, summary, signal);
    if (signal?.cancelled) throw new CancelledError();
    this.report(symbols);
    const sites = symbols.resolutions.size === 0 ? summary.sites : summary.sites.map((s) => applyResolution(s, symbols.resolutions.get(canonicalRip(s.rip) ?? s.rip)));
    return { uri, summary: sites === summary.sites ? summary : { ...summary, sites }, symbols };
  }

  private report(symbols: SymbolizedTrace): void {
    for (const m of symbols.messages) {
      const where = m.file ? `${m.file}${m.line ? `:${m.line}` : ''}: ` : '';
      const text = m.message.startsWith(m.file ?? '\u0000') ? m.message : `${where}${m.message}`;
      this.deps.log[m.severity === 'error' ? 'error' : m.severity === 'warning' ? 'warn' : 'info'](text);
      // Refused tools are announced once below, in one sentence for the whole session.
      if (this.shown.has(text) || m.message.includes(UNTRUSTED_REASON)) continue;
      this.shown.add(text);
      if (m.severity !== 'info') (this.deps.notify ?? defaultNotify)(m.severity, text);
    }
    if (symbols.toolsRefused && !this.shown.has(UNTRUSTED_REASON)) {
      this.shown.add(UNTRUSTED_REASON);
      (this.deps.notify ?? defaultNotify)('warning', `ExitLens: ${UNTRUSTED_REASON}.`);
    }
  }
}

function defaultNotify(severity: SymbolMessage['severity'], text: string): void {
  if (severity === 'error') void vscode.window.showErrorMessage(text);
  else if (severity === 'warning') void vscode.window.showWarningMessage(text);
  else void vscode.window.showInformationMessage(text);
}
