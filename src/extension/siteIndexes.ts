/**
 * The site index the editor annotations, hovers and the Hot Exit Sites view read: which trace is
 * annotated (the last summarised one, or the one picked with "Annotate Sources from Trace"), which
 * is the baseline, their symbolised sites, and the index built from both. Everything that computes
 * lives in the core (`buildSiteIndex`) and in TraceSymbolizer; this service only decides what to
 * build when, drops stale results, and reports symbol problems once.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/io/byteSource';
import type { TraceSummary } from '../core/model/summary';
import { buildSiteIndex, type IndexInput, type SiteIndex } from '../core/sites/siteIndex';
import type { SymbolMessage } from '../core/symbols/symbolModel';
import type { SymbolizedTrace, TraceSymbolizer } from './annotations/traceSymbols';
import { errorText, type Logger } from './log';
import { describeFailure, emptyReason, type TraceSummaries } from './traceSummaries';
import { displayName } from './workspaceSource';

/** A symbolised trace with the name it is shown under. */
export interface AnnotatedTrace extends SymbolizedTrace {
  /** Workspace-relative path (or the URI when outside the workspace). */
  readonly name: string;
}

/** How a message reaches the user; injectable so tests can count notifications. */
export type Notifier = (severity: SymbolMessage['severity'], text: string) => void;

/** Dependencies of {@link SiteIndexes}. */
export interface SiteIndexesOptions {
  readonly summaries: TraceSummaries;
  readonly symbolizer: TraceSymbolizer;
  readonly log: Logger;
  /** Default: a notification; errors and warnings offer the output channel. */
  readonly notify?: Notifier;
  /** Follow every finished summary until a trace is picked explicitly (default true). */
  readonly follow?: boolean;
}

/** Options of {@link SiteIndexes.show}. */
export interface ShowOptions {
  /** A summary already in hand (else the trace is summarised). */
  readonly summary?: TraceSummary;
  /** Keep showing this trace when other traces are summarised later (an explicit pick). */
  readonly pin?: boolean;
}

/** Holds the annotated trace, the baseline and their index; announces every change. */
export class SiteIndexes implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private currentTrace: AnnotatedTrace | undefined;
  private baselineTrace: AnnotatedTrace | undefined;
  private built: { index: SiteIndex; baselineIndex?: SiteIndex } | undefined;
  private pinned: string | undefined;
  private currentGen = 0;
  private baselineGen = 0;
  private readonly running = new Set<Promise<unknown>>();
  /** Messages already shown, so re-symbolising the same trace does not repeat them. */
  private readonly shown = new Set<string>();
  private readonly recentUris: vscode.Uri[] = [];
  /** Traces this service is summarising itself: their onDidSummarize must not start a second load. */
  private readonly summarising = new Set<string>();

  /** Fires after the trace, the baseline, the index or the busy state changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: SiteIndexesOptions) {
    if (options.follow !== false) {
      this.disposables.push(
        options.summaries.onDidSummarize((e) => {
          this.remember(e.uri);
          // An explicit pick wins over whatever is summarised later (e.g. by Compare Builds), and
          // summarising the baseline must not make it the annotated trace; a fresh summary of the
          // annotated trace itself (the file changed, Refresh) replaces the old one.
          const uri = e.uri.toString();
          if (this.summarising.has(uri)) return;
          if (this.pinned !== undefined && uri !== this.pinned) return;
          if (uri === this.baselineTrace?.uri.toString() && uri !== this.currentTrace?.uri.toString()) return;
          if (this.pinned !== undefined && this.currentTrace?.summary === e.summary) return;
          void this.track(this.load(e.uri, e.summary, false));
        }),
      );
    }
  }

  /** The annotated trace. */
  get current(): AnnotatedTrace | undefined {
    return this.currentTrace;
  }

  /** The baseline trace, when one is set. */
  get baseline(): AnnotatedTrace | undefined {
    return this.baselineTrace;
  }

  /** The index of the annotated trace, compared against the baseline when one is set. */
  get index(): SiteIndex | undefined {
    return this.built?.index;
  }

  /** The baseline's own index (for the Hot Exit Sites view's baseline branch). */
  get baselineIndex(): SiteIndex | undefined {
    return this.built?.baselineIndex;
  }

  /** Traces summarised or annotated in this session, most recent first (for the trace pickers). */
  get recent(): readonly vscode.Uri[] {
    return this.recentUris;
  }

  /** True while a trace is being summarised or symbolised. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** True once a trace was picked explicitly. */
  get isPinned(): boolean {
    return this.pinned !== undefined;
  }

  /** Resolves when nothing is being summarised or symbolised. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Annotates `uri` (summarising it unless `summary` is given). Resolves with the trace, or undefined
   * when it could not be summarised (the user is told why) or a newer request replaced it.
   */
  show(uri: vscode.Uri, options: ShowOptions = {}): Promise<AnnotatedTrace | undefined> {
    if (options.pin) this.pinned = uri.toString();
    return this.track(this.load(uri, options.summary, true));
  }

  /** Sets (or with undefined, clears) the baseline the index compares against. */
  setBaseline(uri: vscode.Uri | undefined): Promise<AnnotatedTrace | undefined> {
    const gen = ++this.baselineGen;
    if (!uri) {
      this.baselineTrace = undefined;
      this.rebuild();
      return Promise.resolve(undefined);
    }
    return this.track(
      (async () => {
        const trace = await this.prepare(uri, undefined, true);
        if (gen !== this.baselineGen || !trace) return undefined;
        this.baselineTrace = trace;
        this.rebuild();
        return trace;
      })(),
    );
  }

  /** Resolves both traces again (symbol settings or workspace trust changed). */
  async resymbolize(): Promise<void> {
    this.shown.clear();
    const [cur, base] = [this.currentTrace, this.baselineTrace];
    if (cur) await this.track(this.load(cur.uri, cur.summary, false));
    if (base && base === this.baselineTrace) {
      const gen = ++this.baselineGen;
      const again = await this.track(this.prepare(base.uri, base.summary, false));
      if (again && gen === this.baselineGen) {
        this.baselineTrace = again;
        this.rebuild();
      }
    }
  }

  private async load(uri: vscode.Uri, summary: TraceSummary | undefined, explicit: boolean): Promise<AnnotatedTrace | undefined> {
    const gen = ++this.currentGen;
    const trace = await this.prepare(uri, summary, explicit);
    if (gen !== this.currentGen || !trace) return undefined;
    this.currentTrace = trace;
    this.rebuild();
    return trace;
  }

  /** Summarises (unless given) and symbolises one trace; reports problems; undefined on failure. */
  private async prepare(uri: vscode.Uri, given: TraceSummary | undefined, explicit: boolean): Promise<AnnotatedTrace | undefined> {
    const name = displayName(uri);
    let summary = given;
    if (!summary) {
      const key = uri.toString();
      this.summarising.add(key);
      try {
        summary = await this.options.summaries.start(uri).result;
      } catch (e) {
        if (e instanceof CancelledError) return undefined;
        this.say('error', describeFailure(uri, e));
        return undefined;
      } finally {
        this.summarising.delete(key);
      }
      const empty = emptyReason(summary);
      if (empty) {
        this.say('error', `Could not annotate sources from ${name}: ${empty}`);
        return undefined;
      }
    }
    let symbolized: SymbolizedTrace;
    try {
      symbolized = await this.options.symbolizer.symbolize(uri, summary);
    } catch (e) {
      // The core reports bad input as messages; anything thrown here is a bug, said once, not a stack.
      this.say('error', `Could not symbolise ${name}: ${errorText(e)}`);
      symbolized = { uri, summary, resolutions: new Map(), messages: [], sources: [], toolsRefused: false };
    }
    const trace: AnnotatedTrace = { ...symbolized, name };
    this.remember(uri);
    this.report(trace, explicit);
    return trace;
  }

  /** Logs every message and shows the errors and warnings as ONE notification per trace. */
  private report(trace: AnnotatedTrace, explicit: boolean): void {
    const { log } = this.options;
    for (const m of trace.messages) {
      const where = m.file !== undefined ? `${m.file}${m.line !== undefined ? `:${m.line}` : ''}: ` : '';
      const text = `${trace.name}: ${where}${m.message}`;
      if (m.severity === 'error') log.error(text);
      else if (m.severity === 'warning') log.warn(text);
      else log.info(text);
    }
    if (trace.sources.length > 0) log.info(`${trace.name}: ${trace.summary.sites.length} sites symbolised with ${trace.description ?? trace.sources.map((s) => s.path).join(', ')}`);
    const serious = trace.messages.filter((m) => m.severity !== 'info' && !this.shown.has(m.message));
    if (serious.length > 0) {
      for (const m of serious) this.shown.add(m.message);
      const more = serious.length > 1 ? ` (and ${serious.length - 1} more in the ExitLens output)` : '';
      this.say(serious.some((m) => m.severity === 'error') ? 'error' : 'warning', `${serious[0].message}${more}`);
    } else if (explicit && trace.sources.length === 0 && trace.summary.sites.length > 0) {
      this.say(
        'info',
        `No symbol file for ${trace.name}: its exit sites are listed by address in Hot Exit Sites. Map the trace to a guest ELF, System.map or .syms.json in the exitlens.symbolFiles setting to see them on source lines.`,
      );
    }
  }

  private say(severity: SymbolMessage['severity'], text: string): void {
    if (this.options.notify) {
      this.options.notify(severity, text);
      return;
    }
    if (severity === 'error') this.options.log.error(text);
    else if (severity === 'warning') this.options.log.warn(text);
    const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    // Not awaited: nothing waits for the user to dismiss it.
    void Promise.resolve(show(`ExitLens: ${text}`, ...(severity === 'info' ? [] : ['Show Output']))).then((pick) => {
      if (pick === 'Show Output') this.options.log.show(true);
    });
  }

  private remember(uri: vscode.Uri): void {
    const i = this.recentUris.findIndex((u) => u.toString() === uri.toString());
    if (i >= 0) this.recentUris.splice(i, 1);
    this.recentUris.unshift(uri);
    this.recentUris.length = Math.min(this.recentUris.length, 10);
  }

  private rebuild(): void {
    const cur = this.currentTrace;
    const base = this.baselineTrace;
    const input = (t: AnnotatedTrace): IndexInput => ({ summary: t.summary, ...(t.resolutions.size > 0 ? { resolutions: t.resolutions } : {}) });
    this.built = cur ? { index: buildSiteIndex(input(cur), base ? input(base) : undefined), ...(base ? { baselineIndex: buildSiteIndex(input(base)) } : {}) } : undefined;
    this.changed.fire();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    this.changed.fire();
    const done = () => {
      this.running.delete(p);
      this.changed.fire();
    };
    p.then(done, done);
    return p;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
