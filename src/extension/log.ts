/**
 * The ExitLens output channel. Everything that goes wrong is written here with the file and line it is
 * about; users see a short notification, never a stack trace.
 */
import * as vscode from 'vscode';

/** The one logger every extension module receives (passed in, not imported as a global, for tests). */
export type Logger = vscode.LogOutputChannel;

/** Creates the channel; the caller disposes it through `context.subscriptions`. */
export function createLogger(): Logger {
  return vscode.window.createOutputChannel('ExitLens', { log: true });
}

/** A one-line description of anything thrown, without the stack. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
