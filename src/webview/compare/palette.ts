/**
 * Colours of the compare page, always read from the VS Code theme's CSS variables (which the HTML
 * report defines itself), so light, dark and high-contrast themes all work. Fallbacks are VS Code's
 * dark-theme values, used only when a variable is missing.
 */
import { themeColor } from '../common/dom';

/** One colour per trace, in trace order (up to eight traces). */
const TRACE_COLORS: ReadonlyArray<readonly [string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

/** The colour of trace `i`. */
export function traceColor(i: number): string {
  const [variable, fallback] = TRACE_COLORS[i % TRACE_COLORS.length];
  return themeColor(variable, fallback);
}

/** Text and grid colours for chart axes. */
export function axisColors(): { readonly foreground: string; readonly grid: string } {
  return { foreground: themeColor('--vscode-foreground', '#cccccc'), grid: themeColor('--vscode-editorWidget-border', '#454545') };
}

/** Delta bar colours: more exits (worse) red, fewer green, small changes neutral. */
export function deltaColors(): { readonly up: string; readonly down: string; readonly neutral: string } {
  return {
    up: themeColor('--vscode-charts-red', '#f14c4c'),
    down: themeColor('--vscode-charts-green', '#89d185'),
    neutral: themeColor('--vscode-disabledForeground', '#8c8c8c'),
  };
}

/** Below this relative change (|B − A| / A) a delta bar is drawn neutral. */
export const NEUTRAL_CHANGE = 0.1;
