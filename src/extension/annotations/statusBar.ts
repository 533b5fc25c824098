/**
 * The status-bar item of the annotations: which trace colours the editor (or that annotations are
 * off), with the symbol source in its tooltip; a click toggles the annotations.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../shared/ids';
import type { SiteIndexes } from '../siteIndexes';
import { formatCount } from './format';

/** Keeps the item in step with the index and the on/off state. */
export class AnnotationStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly indexes: SiteIndexes,
    private readonly isOn: () => boolean,
  ) {
    this.item = vscode.window.createStatusBarItem('exitlensAnnotations', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'ExitLens annotations';
    this.item.command = COMMANDS.toggleAnnotations;
    this.update();
  }

  /** Re-renders from the current state. */
  update(): void {
    const trace = this.indexes.current;
    if (!trace && !this.indexes.busy) {
      this.item.hide();
      return;
    }
    const on = this.isOn();
    const name = trace ? trace.uri.path.slice(trace.uri.path.lastIndexOf('/') + 1) : '';
    this.item.text = this.indexes.busy ? '$(sync~spin) ExitLens' : on ? `$(flame) ${name}` : '$(eye-closed) ExitLens';
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = false;
    if (trace) {
      tip.appendMarkdown('**ExitLens annotations** — ');
      tip.appendText(`${on ? 'on' : 'off'}: ${trace.name}, ${formatCount(trace.summary.exits)} exits`);
      tip.appendMarkdown('\n\n');
      tip.appendText(trace.sources.length > 0 ? `Symbols: ${trace.description ?? trace.sources[0].path}` : 'No symbol file: sites are listed by address in Hot Exit Sites.');
      const base = this.indexes.baseline;
      if (base) {
        tip.appendMarkdown('\n\n');
        tip.appendText(`Baseline: ${base.name}`);
      }
      tip.appendMarkdown(`\n\nClick to turn them ${on ? 'off' : 'on'}.`);
    } else {
      tip.appendText('Summarising and symbolising a trace…');
    }
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
