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
