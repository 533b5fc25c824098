/**
 * Command registration. The handler table is typed by `CommandId`, so the compiler refuses a contributed
 * command without a handler; the manifest unit test checks package.json against the same ids.
 */
import * as vscode from 'vscode';
import type { CommandId } from '../shared/ids';

/** A command handler; arguments are whatever VS Code passes (URIs from menus, items from views). */
export type CommandHandler = (...args: unknown[]) => unknown;

/** One handler per contributed command, no more, no fewer. */
export type CommandTable = { readonly [K in CommandId]: CommandHandler };

/** Registers every handler of the table and hands the disposables to the extension context. */
export function registerCommands(context: vscode.ExtensionContext, table: CommandTable): void {
  for (const id of Object.keys(table) as CommandId[]) {
    context.subscriptions.push(vscode.commands.registerCommand(id, table[id]));
  }
}

/**
 * The URI a command should act on: the explorer/view argument if there is one, else the active editor's
 * document, else undefined (the caller then asks).
 */
export function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (Array.isArray(arg) && arg[0] instanceof vscode.Uri) return arg[0];
  return vscode.window.activeTextEditor?.document.uri;
}
