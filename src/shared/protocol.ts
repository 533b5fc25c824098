/**
 * Every message between the extension host and the ExitLens webviews, in one place (one interface per
 * message, string-literal `type`). Both sides validate what they receive with the guards below: a webview
 * is a separate origin, so a message that does not match is logged and dropped, never acted upon.
 *
 * Flow: the webview loads and sends `ready` carrying a fresh `requestId`; the host answers that id with
 * `progress`* then `summary` or `error`. A `refresh` is a new request with a new id; replies to an older
 * id are stale and ignored, so a slow first parse cannot overwrite a newer result. Only aggregates (a
 * TraceSummary) cross the boundary, never raw events.
 *
 * This module imports only core model types so both bundles (node and web) can include it.
 */
import type { TraceSummary } from '../core/model/summary';
import { looksLikeComparePayload, type ComparePayload } from '../core/compare/payload';

/** Bumped when a message changes shape; the webview shows a clear error on mismatch instead of guessing. */
export const PROTOCOL_VERSION = 1;

// ---- webview → host -------------------------------------------------------------------------------

/** Handshake: the webview's script has loaded and its message listener is installed. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocol: number;
  readonly requestId: number;
}

/** The user asked to re-read the trace (the file may have changed on disk). */
export interface RefreshRequest {
  readonly type: 'refresh';
  readonly requestId: number;
}

/** The chart for `requestId` has been drawn; lets the host (and tests) know rendering finished. */
export interface RenderedMessage {
  readonly type: 'rendered';
  readonly requestId: number;
  /** Number of bars drawn (non-zero categories). */
  readonly bars: number;
}

/** A problem inside the webview, surfaced in the host's output channel (webview consoles are hidden). */
export interface WebviewLogMessage {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** Anything the summary webview may send. */
export type WebviewToHostMessage = ReadyMessage | RefreshRequest | RenderedMessage | WebviewLogMessage;

// ---- host → webview -------------------------------------------------------------------------------

/** Reading is under way; sent at most a few times a second. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly requestId: number;
  readonly bytesRead: number;
  readonly totalBytes?: number;
}

/** The answer to `ready`/`refresh`: the trace's summary. */
export interface SummaryMessage {
  readonly type: 'summary';
  readonly requestId: number;
  readonly protocol: number;
  /** Workspace-relative name shown in the header. */
  readonly fileLabel: string;
  readonly summary: TraceSummary;
}

/** The answer to `ready`/`refresh` when the trace could not be summarised; `message` names the file. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly requestId: number;
  readonly fileLabel: string;
  readonly message: string;
}

/** Anything the host may send to the summary webview. */
export type HostToWebviewMessage = ProgressMessage | SummaryMessage | ErrorMessage;

// ---- guards ---------------------------------------------------------------------------------------

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Returns the message if it is a well-formed webview → host message, else undefined. Extra fields are
 * tolerated; missing or mistyped ones are not.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHostMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return isId(raw.requestId) && typeof raw.protocol === 'number' ? (raw as unknown as ReadyMessage) : undefined;
    case 'refresh':
      return isId(raw.requestId) ? (raw as unknown as RefreshRequest) : undefined;
    case 'rendered':
      return isId(raw.requestId) && isCount(raw.bars) ? (raw as unknown as RenderedMessage) : undefined;
    case 'log':
      return (raw.level === 'info' || raw.level === 'warn' || raw.level === 'error') && typeof raw.message === 'string'
        ? (raw as unknown as WebviewLogMessage)
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Checks the parts of a TraceSummary the webview reads, so a malformed object cannot reach the renderer
 * (the summary is produced by our own core, but the message channel is not trusted).
 */
export function looksLikeSummary(value: unknown): value is TraceSummary {
  if (!isRecord(value)) return false;
  return (
    typeof value.format === 'string' &&
    isCount(value.exits) &&
    isRecord(value.byCategory) &&
    isRecord(value.byReason) &&
    isRecord(value.timeByCategory) &&
    Array.isArray(value.sites) &&
    Array.isArray(value.warnings) &&
    isRecord(value.hlt) &&
    isRecord(value.overhead)
  );
}

/** Returns the message if it is a well-formed host → webview message, else undefined. */
export function parseHostMessage(raw: unknown): HostToWebviewMessage | undefined {
  if (!isRecord(raw) || !isId(raw.requestId)) return undefined;
  switch (raw.type) {
    case 'progress':
      return isCount(raw.bytesRead) && (raw.totalBytes === undefined || isCount(raw.totalBytes))
        ? (raw as unknown as ProgressMessage)
        : undefined;
    case 'summary':
      return typeof raw.protocol === 'number' && typeof raw.fileLabel === 'string' && looksLikeSummary(raw.summary)
        ? (raw as unknown as SummaryMessage)
        : undefined;
    case 'error':
      return typeof raw.fileLabel === 'string' && typeof raw.message === 'string' ? (raw as unknown as ErrorMessage) : undefined;
    default:
      return undefined;
  }
}

/** A short, log-safe description of a rejected message (never the whole payload). */
export function describeMessage(raw: unknown): string {
  if (!isRecord(raw)) return typeof raw;
  const type = typeof raw.type === 'string' ? raw.type.slice(0, 40) : String(typeof raw.type);
  return `{type: ${JSON.stringify(type)}, keys: ${Object.keys(raw).slice(0, 8).join(',')}}`;
}

// ---- trace files in the editor (issue 7): summary page actions and detailed progress ---------------
// The summary page is shared by the "Open Trace Summary" panel and the ExitLens Summary custom editor;
// both hosts answer these. Kept apart from the messages above so those stay exactly as they were.

/** Reading progress with the exits found so far; hosts that parse in the worker send it instead of `progress`. */
export interface ProgressDetailMessage {
  readonly type: 'progressDetail';
  readonly requestId: number;
  readonly bytesRead: number;
  readonly totalBytes?: number;
  /** Exits parsed so far. */
  readonly exits: number;
  /** Time since the read started, for the exits/s figure. */
  readonly elapsedMs: number;
}

/** A warning's line link was clicked: open the trace as text at this 1-based line. */
export interface OpenLineRequest {
  readonly type: 'openLine';
  readonly line: number;
}

/** "Compare with…": start Compare Builds with this trace preselected. */
export interface CompareWithRequest {
  readonly type: 'compareWith';
}

/** "Annotate sources": annotate guest sources from this trace. */
export interface AnnotateRequest {
  readonly type: 'annotate';
}

/** "Export…": save the summary as JSON or Markdown (the host asks where). */
export interface ExportRequest {
  readonly type: 'export';
}

/** What the summary page's links and buttons send, besides the messages of WebviewToHostMessage. */
export type SummaryPageRequest = OpenLineRequest | CompareWithRequest | AnnotateRequest | ExportRequest;

/** Returns the message if it is a well-formed summary page request, else undefined (same rules as above). */
export function parseSummaryPageRequest(raw: unknown): SummaryPageRequest | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'openLine':
      return isId(raw.line) && raw.line >= 1 ? (raw as unknown as OpenLineRequest) : undefined;
    case 'compareWith':
    case 'annotate':
    case 'export':
      return raw as unknown as SummaryPageRequest;
    default:
      return undefined;
  }
}

/** Returns the message if it is a well-formed `progressDetail`, else undefined. */
export function parseProgressDetail(raw: unknown): ProgressDetailMessage | undefined {
  if (!isRecord(raw) || raw.type !== 'progressDetail' || !isId(raw.requestId)) return undefined;
  return isCount(raw.bytesRead) && (raw.totalBytes === undefined || isCount(raw.totalBytes)) && isCount(raw.exits) && isCount(raw.elapsedMs)
    ? (raw as unknown as ProgressDetailMessage)
    : undefined;
}

// ---- Compare Builds (issue 6): the compare panel and the HTML report's page ---------------------------
// Same flow as the summary page, with its own message types (all `compare…`) so neither page can
// mistake the other's messages: `compareReady` with a request id → `compareProgress`* →
// `comparePayload` or `compareError`. Only a ComparePayload (aggregates) crosses, never raw events.

/** Bumped when a compare message changes shape. */
export const COMPARE_PROTOCOL_VERSION = 1;

/** The compare page has loaded and listens. */
export interface CompareReadyMessage {
  readonly type: 'compareReady';
  readonly protocol: number;
  readonly requestId: number;
}

/** Re-read and re-compare the same traces. */
export interface CompareRefreshRequest {
  readonly type: 'compareRefresh';
  readonly requestId: number;
}

/** What the page drew for `requestId`: the numbers behind its charts, for the host's API and tests. */
export interface CompareRenderedMessage {
  readonly type: 'compareRendered';
  readonly requestId: number;
  /** Ids of the charts drawn (`categories`, `delta`, `timeline`, `histogram`). */
  readonly charts: readonly string[];
  /** Category → the per-trace values the category chart shows (exits). */
  readonly categoryExits: Readonly<Record<string, readonly number[]>>;
  /** Category → the per-trace host times (ns) the category chart shows in its host-time mode. */
  readonly categoryTimeNs: Readonly<Record<string, readonly number[]>>;
  /** Rows of the top-sites table. */
  readonly siteRows: number;
}

/** A site row was clicked: open `file` (workspace-relative or absolute) at 1-based `line` beside the panel. */
export interface CompareOpenSiteRequest {
  readonly type: 'compareOpenSite';
  readonly file: string;
  readonly line: number;
}

/** Save or copy an export: a chart as PNG (`data` is a `data:image/png;base64,…` URL) or a table as CSV / Markdown text. */
export interface CompareExportRequest {
  readonly type: 'compareExport';
  readonly format: 'png' | 'csv' | 'md';
  readonly action: 'save' | 'copy';
  /** Suggested file name (no folder). */
  readonly name: string;
  readonly data: string;
}

/** A problem inside the compare page, for the host's output channel. */
export interface CompareLogMessage {
  readonly type: 'compareLog';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** Anything the compare page may send. */
export type CompareWebviewMessage = CompareReadyMessage | CompareRefreshRequest | CompareRenderedMessage | CompareOpenSiteRequest | CompareExportRequest | CompareLogMessage;

/** Reading progress of every trace of the comparison. */
export interface CompareProgressMessage {
  readonly type: 'compareProgress';
  readonly requestId: number;
  readonly traces: ReadonlyArray<{ readonly label: string; readonly bytesRead: number; readonly totalBytes?: number; readonly done: boolean }>;
}

/** The traces of a comparison, kept in the page's state so a restored panel can re-read them. */
export interface CompareSessionState {
  /** Trace URIs (`Uri.toString()`), baseline first. */
  readonly uris: readonly string[];
  /** The user's labels (null: derived). */
  readonly labels: ReadonlyArray<string | null>;
}

/** The comparison to draw. */
export interface ComparePayloadMessage {
  readonly type: 'comparePayload';
  readonly requestId: number;
  readonly protocol: number;
  readonly payload: ComparePayload;
  /** Absent in the standalone report. */
  readonly session?: CompareSessionState;
}

/** The comparison could not be made; `message` names the file(s). */
export interface CompareErrorMessage {
  readonly type: 'compareError';
  readonly requestId: number;
  readonly message: string;
}

/** Anything the host may send to the compare page. */
export type CompareHostMessage = CompareProgressMessage | ComparePayloadMessage | CompareErrorMessage;

/** Largest export the host accepts from the page (a 4K chart PNG is a few MB). */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;

function isNumberArrayRecord(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

/** Returns the message if it is a well-formed compare page → host message, else undefined. */
export function parseCompareWebviewMessage(raw: unknown): CompareWebviewMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'compareReady':
      return isId(raw.requestId) && typeof raw.protocol === 'number' ? (raw as unknown as CompareReadyMessage) : undefined;
    case 'compareRefresh':
      return isId(raw.requestId) ? (raw as unknown as CompareRefreshRequest) : undefined;
    case 'compareRendered':
      return isId(raw.requestId) &&
        Array.isArray(raw.charts) &&
        raw.charts.every((c) => typeof c === 'string') &&
        isNumberArrayRecord(raw.categoryExits) &&
        isNumberArrayRecord(raw.categoryTimeNs) &&
        isCount(raw.siteRows)
        ? (raw as unknown as CompareRenderedMessage)
        : undefined;
    case 'compareOpenSite':
      return typeof raw.file === 'string' && raw.file.length > 0 && raw.file.length < 4096 && isId(raw.line) && raw.line >= 1
        ? (raw as unknown as CompareOpenSiteRequest)
        : undefined;
    case 'compareExport':
      return (raw.format === 'png' || raw.format === 'csv' || raw.format === 'md') &&
        (raw.action === 'save' || raw.action === 'copy') &&
        typeof raw.name === 'string' &&
        /^[^/\\]{1,200}$/.test(raw.name) &&
        typeof raw.data === 'string' &&
        raw.data.length <= MAX_EXPORT_CHARS &&
        (raw.format !== 'png' || raw.data.startsWith('data:image/png;base64,'))
        ? (raw as unknown as CompareExportRequest)
        : undefined;
    case 'compareLog':
      return (raw.level === 'info' || raw.level === 'warn' || raw.level === 'error') && typeof raw.message === 'string'
        ? (raw as unknown as CompareLogMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** Returns the message if it is a well-formed host → compare page message, else undefined. */
export function parseCompareHostMessage(raw: unknown): CompareHostMessage | undefined {
  if (!isRecord(raw) || !isId(raw.requestId)) return undefined;
  switch (raw.type) {
    case 'compareProgress':
      return Array.isArray(raw.traces) &&
        raw.traces.every((t) => isRecord(t) && typeof t.label === 'string' && isCount(t.bytesRead) && (t.totalBytes === undefined || isCount(t.totalBytes)) && typeof t.done === 'boolean')
        ? (raw as unknown as CompareProgressMessage)
        : undefined;
    case 'comparePayload':
      return typeof raw.protocol === 'number' && looksLikeComparePayload(raw.payload) ? (raw as unknown as ComparePayloadMessage) : undefined;
    case 'compareError':
      return typeof raw.message === 'string' ? (raw as unknown as CompareErrorMessage) : undefined;
    default:
      return undefined;
  }
}
