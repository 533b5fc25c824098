/**
 * Command registration. The handler table is typed by `CommandId`, so the compiler refuses a contributed
 * command without a handler; the manifest unit test checks package.json against the same ids.
 * Features that are not built yet have an explicit placeholder that says so (never a silent no-op).
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from '../shared/ids';
import type { Logger } from './log';

/** A command handler; arguments are whatever VS Code passes (URIs from menus, items from views). */
export type CommandHandler = (...args: unknown[]) => unknown;

/** One handler per contributed command, no more, no fewer. */
export type CommandTable = { readonly [K in CommandId]: CommandHandler };

/** What a placeholder says, keyed by command; the feature's issue number is in the text. */
export const PLACEHOLDERS: Readonly<Partial<Record<CommandId, string>>> = {
  [COMMANDS.compareBuilds]: 'Compare Builds (side-by-side shadow vs EPT comparison) is coming in a later version of ExitLens.',
  [COMMANDS.simulateWorkload]: 'Simulate Workload is coming in a later version of ExitLens; meanwhile run `exitlens simulate` from a terminal.',
  [COMMANDS.toggleAnnotations]: 'Exit annotations on guest source lines are coming in a later version of ExitLens.',
  [COMMANDS.annotateSources]: 'Annotate Sources from Trace is coming in a later version of ExitLens (it needs symbolisation).',
  [COMMANDS.setBaseline]: 'Set Baseline Trace is coming in a later version of ExitLens.',
  [COMMANDS.revealSite]: 'Reveal Exit Site is coming in a later version of ExitLens (it needs symbolisation).',
};

/** A handler that tells the user, honestly, that the feature is not there yet. */
export function placeholder(id: CommandId, log: Logger): CommandHandler {
  const text = PLACEHOLDERS[id] ?? `${id} is not available yet.`;
  return () => {
    log.info(`placeholder command ${id}`);
    // Not awaited: the command completes at once instead of waiting for the toast to be dismissed.
    void vscode.window.showInformationMessage(text);
    return undefined;
  };
}

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
