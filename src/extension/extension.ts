import * as vscode from 'vscode';

/** Entry point; reads like a table of contents of what ExitLens registers. */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {
  // Disposables are collected in context.subscriptions.
}
